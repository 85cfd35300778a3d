"""Exercises of lesson 06 · Learning filters."""

from __future__ import annotations

import numpy as np

from helpers.exercises.core import (
    Exercise,
    NotAttempted,
    Wrong,
    choice_test,
    expect_array,
    expect_source_avoids,
    is_placeholder,
)


def _whole_number(answer, what: str) -> int:
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.item()
    if isinstance(answer, float) and answer.is_integer():
        answer = int(answer)
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (int, np.integer)):
        raise Wrong(f"{what}: expected a whole number, got {type(answer).__name__} {answer!r}")
    return int(answer)


def _shown(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return _one_line(repr(value))


def _one_line(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _call_briefly(function, *arrays, names=("x", "y")):
    """Call the learner's function; report its exceptions in one sentence that names only the input shapes."""
    if is_placeholder(function):
        raise NotAttempted
    if not callable(function):
        raise Wrong(f"expected a function, got {type(function).__name__} {_shown(function)}")
    try:
        result = function(*arrays)
    except Exception as exc:  # the learner's code failed: say so briefly, don't crash the notebook
        inputs = " and ".join(f"{name} of shape {a.shape}" for name, a in zip(names, arrays))
        raise Wrong(f"your function raised {type(exc).__name__}: {_one_line(str(exc))}\n   when called with {inputs}") from None
    if is_placeholder(result):
        raise NotAttempted("your function returns None: fill in its body and make sure it ends with `return`.")
    return result


def _valid_correlation(images, kernels):
    """'valid' 3 x 3 cross-correlation of (N, H, W) images with (3, 3, F) kernels: (N, H-2, W-2, F)."""
    windows = np.lib.stride_tricks.sliding_window_view(images, (3, 3), axis=(1, 2))  # (N, H-2, W-2, 3, 3)
    return np.einsum("nijab,abf->nijf", windows, kernels)


# ---- q1: predict a layer's output shape and parameter count -------------------------------

Q1_EXPECTED = ((28, 28, 16), (5 * 5 * 3 + 1) * 16)  # 32 - 5 + 1 = 28; 1216 parameters


def _test_q1(answer):
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Wrong("answer with a pair: ((height, width, channels), parameters), "
                    f"for example ((10, 10, 4), 100); got {_shown(answer)}")
    shape, params = answer
    if not isinstance(shape, (tuple, list)) or len(shape) != 3:
        raise Wrong(f"the shape is three numbers (height, width, channels), such as (10, 10, 4); got {_shown(shape)}")
    shape = tuple(_whole_number(n, "each number of the shape") for n in shape)
    n = _whole_number(params, "the number of parameters")
    h, w, c = shape
    if (h, w) == (32, 32):
        raise Wrong("with the default 'valid' padding the 5 x 5 window must fit inside the image, "
                    "so the output is smaller than 32 x 32: n - kernel + 1 per side.")
    if (h, w) in ((27, 27), (29, 29)):
        raise Wrong(f"{h} x {w}: count the positions of a 5-pixel window in 32 pixels: 32 - 5 + 1.")
    if (h, w) == (28, 28) and c != 16:
        raise Wrong(f"{c} channels: each filter makes one output channel (feature map), "
                    "whatever the number of input channels.")
    if n == 5 * 5 * 3 * 16:
        raise Wrong("1200 counts the weights only: each of the 16 filters also has one bias.")
    if n == (5 * 5 + 1) * 16:
        raise Wrong("each filter spans all 3 input channels, so it has 5 x 5 x 3 weights, not 5 x 5.")
    if n in (5 * 5 * 16, 5 * 5 * 3, 5 * 5 * 3 + 1):
        raise Wrong(f"{n} misses a factor: weights per filter = 5 x 5 x 3 (channels in), plus 1 bias, times 16 filters.")
    if shape != Q1_EXPECTED[0]:
        raise Wrong(f"the output shape {shape} is not it: height and width are n - kernel + 1, "
                    "the channels are the number of filters.")
    if n != Q1_EXPECTED[1]:
        raise Wrong(f"the shape is right, but {n} parameters is not: (kernel x kernel x channels_in + 1) x filters.")


q1 = Exercise(
    "Exercise 1 · Predict a layer's output and size",
    test=_test_q1,
    hint="""\
        Height and width: how many positions does a 5-pixel window have in 32 pixels?
        Channels: one per filter. Parameters: one filter has kernel x kernel x input channels
        weights plus one bias; the image size does not enter.""",
    solution="""\
        answer = ((32 - 5 + 1, 32 - 5 + 1, 16), (5 * 5 * 3 + 1) * 16)   # ((28, 28, 16), 1216)""",
    reference=Q1_EXPECTED,
    wrong_answers=(
        ((28, 28, 16), 1200),   # forgot the biases
        ((28, 28, 16), 416),    # forgot the input channels
        ((32, 32, 16), 1216),   # thought 'valid' keeps the size
        ((28, 28, 3), 1216),    # channels out = channels in
        ((27, 27, 16), 1216),   # off by one
        (28, 28, 16, 1216),     # not a pair
        1216,
    ),
    level=1,
    kinds=("predict",),
)


# ---- q2: why a convolution has so few parameters ------------------------------------------

q2 = Exercise(
    "Exercise 2 · Twice the image size",
    test=choice_test("c", {
        "a": "each output of the locally connected layer does look at only 3 x 3 pixels, but it has its own "
             "9 weights and bias: its count is (number of outputs) x 10, and a bigger image has more outputs.",
        "b": "the locally connected layer does grow, but the convolution's 9 weights and bias are shared by all "
             "its outputs: however many outputs there are, it stores one kernel.",
        "c": "right.",
        "d": "the image doubles in height AND in width: 54 x 54 = 2,916 outputs instead of 26 x 26 = 676, "
             "about 4.3 times as many, each with its own 10 parameters.",
    }),
    hint="""\
        For each layer, ask: does one more output bring new parameters of its own, or
        does it reuse ones the layer already has? Then count the outputs of each image
        size.""",
    solution="""\
        answer = "c"   # locally connected: 54 * 54 * 10 = 29,160 (x 4.3); convolution: still 10""",
    reference="c",
    wrong_answers=("a", "b", "d", "e", 3),
    level=1,
    kinds=("concept",),
    explanation="""\
        The locally connected layer gives each of its 54 x 54 = 2,916 outputs 9 weights and
        a bias: 29,160 parameters, 4.3 times the 6,760 of 28 x 28. The convolution shares one
        kernel between all outputs (weight sharing), so it keeps its 10 on any image size.
        Sharing also means one pattern detector, learned once, is applied everywhere: the
        lesson's targets came from one kernel, so 9 shared weights could represent them.""",
)


# ---- q3: a 5 x 5 filter for the same 3 x 3 edges --------------------------------------------

_SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float64)
Q3_EXPECTED = np.pad(_SOBEL_X, 1)  # the 3 x 3 Sobel kernel in the middle, 16 zeros around it
Q3_TOLERANCE = 0.05


def _run_ending(final, steps=50):
    """A made-up run from a random 5 x 5 start to ``final`` (the checker's reference and typical mistakes)."""
    start = np.random.default_rng(5).uniform(-0.35, 0.35, (5, 5))  # like Keras's random start
    fraction = np.linspace(0, 1, steps)[:, None, None]
    return (1 - fraction) * start + fraction * np.asarray(final, dtype=np.float64)


def _run_5x5(answer):
    """The kernels of a training run, as an array (steps, 5, 5)."""
    if isinstance(answer, tuple) and len(answer) == 2 and np.ndim(answer[0]) == 1:  # train's (losses, kernels)
        answer = answer[1]
    if hasattr(answer, "numpy"):  # a Keras variable or a tensor
        answer = answer.numpy()
    if not isinstance(answer, (np.ndarray, list, tuple)):
        raise Wrong(f"answer with kernels_5x5, the kernels that train returned; got {_shown(answer)}")
    try:
        run = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        raise Wrong(f"answer with kernels_5x5, the kernels that train returned; got {_shown(answer)}") from None
    if run.shape in ((3, 3), (3, 3, 1, 1)) or run.shape[1:] == (3, 3):
        raise Wrong("that is a 3 x 3 kernel, like the lesson's layer: build a Conv2D layer with kernel_size=5.")
    if run.shape in ((5, 5), (5, 5, 1, 1)):
        raise Wrong("that is one 5 x 5 kernel: answer with kernels_5x5, ALL the kernels train returned (one per "
                    "step, shape (steps, 5, 5)), so that the checker can follow the run from its random start.")
    if run.ndim != 3 or run.shape[1:] != (5, 5) or len(run) < 2:
        raise Wrong(f"expected kernels_5x5 as train returns it, shape (steps, 5, 5); got shape {run.shape}")
    return run


def _test_q3(answer):
    run = _run_5x5(answer)
    kernel = run[-1]  # the kernel after the last step
    if np.all(np.isfinite(run[0])) and np.abs(run[0] - Q3_EXPECTED).max() < 10 * Q3_TOLERANCE:
        raise Wrong("your run starts at the answer already: train a freshly built model_5x5 from its random "
                    "start, and answer with the kernels that this training returned.")
    if not np.all(np.isfinite(kernel)) or np.abs(kernel).max() > 100:
        raise Wrong("your weights are huge or nan: the training blew up. Its steps overshoot: with 25 weights per output "
                    "a step changes each output more than with 9, so the lesson's rate is too large. Just too large, "
                    "the loss falls for a few steps, then grows until it overflows: read the LAST losses, not "
                    "the first. Try a smaller rate (and then more steps) on a freshly built model_5x5: train "
                    "changes the model in place, so a blown-up model stays nan whatever rate you try next. "
                    "Re-run the whole cell.")
    error = float(np.abs(kernel - Q3_EXPECTED).max())
    error_text = f"{error:.3f}" if round(error, 3) > Q3_TOLERANCE else f"{error:.4f}"  # never "0.050 > 0.05"
    if error <= Q3_TOLERANCE:
        return
    offset = kernel - Q3_EXPECTED
    if abs(offset.sum()) > 0.8 * 5 * np.linalg.norm(offset):  # nearly the same offset on all 25 weights
        raise Wrong(f"all 25 weights are off by about the same amount (up to {error_text}): the steps overshoot "
                    "along 'all weights together'. The first losses may have "
                    "fallen, but the last ones grow: try a smaller learning rate (and then more steps).")
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            shifted = np.zeros((5, 5))
            shifted[1 + dr : 4 + dr, 1 + dc : 4 + dc] = _SOBEL_X
            if (dr, dc) != (0, 0) and np.abs(kernel - shifted).max() <= 3 * Q3_TOLERANCE:
                raise Wrong("your kernel is the Sobel kernel moved off the centre: the targets you trained on are "
                            "shifted against the layer's outputs. A 5 x 5 'valid' output loses 2 pixels per side, "
                            "y_train lost 1: cut y_train by one more pixel on EACH side, not two on one side.")
    centre = kernel[1:4, 1:4].ravel()
    if centre.std() > 0 and np.corrcoef(centre, _SOBEL_X.ravel())[0, 1] > 0.95:  # Sobel's pattern, not its values yet
        raise Wrong(f"your kernel has Sobel's pattern in the middle, but some weights are off by up to {error_text} "
                    f"(at most {Q3_TOLERANCE} is allowed): the run is too short. Train for more steps at the same rate, until the "
                    "kernel stops changing (compare kernels_5x5[-1] with kernels_5x5[-100]).")
    raise Wrong(f"your kernel is off by up to {error_text} from what the targets call for (at most {Q3_TOLERANCE} is allowed). If the "
                "last losses are still falling, train for more steps; check also that you trained on x_train and "
                "y_train (cut to the output's size), and read the weights after training.")


q3 = Exercise(
    "Exercise 3 · A bigger filter for the same edges",
    test=_test_q3,
    hint="""\
        Output size: how many pixels per side does a 'valid' 5 x 5 correlation lose, and how
        many did y_train lose to the 3 x 3 one? Each target must stay on the pixel of its
        output: where should the extra pixels come off? Compare the shapes.
        Steps and rate: try short runs (100 steps) and print the first and the last few
        losses. When each output sums 25 neighbouring, similar pixels instead of 9, does one
        step change the outputs more or less? What does a loss that grows at the end say,
        and one still falling? (A rate too large can make the loss fall for a few steps.)""",
    solution="""\
        model_5x5 = keras.Sequential([keras.Input(shape=(None, None, 1)),
                                      keras.layers.Conv2D(1, 5, use_bias=False)], name="five_by_five")
        targets_5x5 = y_train[:, 1:-1, 1:-1]  # 28 x 28, like the output: one pixel off each side of 30 x 30
        # on 100-step runs 0.1 (the lesson's rate) blows up; 0.05 falls steadily, so train it longer
        losses_5x5, kernels_5x5 = train(model_5x5, x_train, targets_5x5, steps=600, learning_rate=0.05)
        answer = kernels_5x5  # every kernel of the run, shape (600, 5, 5)""",
    reference=_run_ending(Q3_EXPECTED),
    wrong_answers=(
        Q3_EXPECTED.copy(),                                       # the exact kernel, typed in: no training
        _run_ending(Q3_EXPECTED)[-1],                             # only the last kernel
        np.stack([_SOBEL_X] * 10),                                # a 3 x 3 layer
        _run_ending(np.pad(_SOBEL_X, ((0, 2), (0, 2)))),          # targets cut two pixels on one side
        _run_ending(np.full((5, 5), np.nan)),                     # learning rate 0.1: diverged
        _run_ending(Q3_EXPECTED + np.pad(np.full((3, 3), 0.2), 1)),  # too few steps
        _run_ending(Q3_EXPECTED + 2.0),                           # rate just too large: overshoots along all weights
        np.zeros((10, 5, 5)),                                     # trained on zeros (or never trained)
        "sobel",
    ),
    level=2,
    kinds=("code",),
    explanation="""\
        The 16 outer weights went to 0: the targets depend only on the 3 x 3 centre of each
        5 x 5 window, and the best kernel is unique, so the layer finds Sobel in the middle.
        The learning rate had to drop: 25 weights over neighbouring, similar pixels make the
        loss steeper along "all weights together", so a step of 0.1 overshoots. (The limit
        is 2 / lambda_max, about 0.065 here: Going further, after the exercises, explains it,
        and after running it, curvatures(x_train[..., 0], size=5) computes it.) Just
        above it, at 0.07, the loss falls for a few steps, then grows until it overflows.""",
)


# ---- q4: read a hidden kernel with one probe image ------------------------------------------

Q4_FORBIDDEN = ("train", "GradientTape", "fit", "lstsq", "pinv", "inv", "solve")


class _HiddenFilter:
    """A black box: 'valid' 3 x 3 correlation of (N, H, W) images with a hidden kernel; counts its calls."""

    def __init__(self, kernel):
        self._kernel = np.asarray(kernel, dtype=np.float64)
        self.calls = 0

    def __call__(self, images):
        self.calls += 1
        images = np.asarray(images, dtype=np.float64)
        if images.ndim != 3 or min(images.shape[1:]) < 3:
            raise ValueError(f"apply_filter takes grey images of shape (N, H, W), H and W at least 3; "
                             f"got shape {images.shape}")
        return _valid_correlation(images, self._kernel[..., None])[..., 0]


def _q4_kernels():
    rng = np.random.default_rng(4)
    return [rng.normal(size=(3, 3)).round(3), np.arange(9.0).reshape(3, 3) - 4]  # no symmetry to hide a flip


def _test_q4(function):
    expect_source_avoids(function, names=Q4_FORBIDDEN,
                         why="Design one probe image instead, whose output shows the weights.")
    for kernel in _q4_kernels():
        hidden = _HiddenFilter(kernel)
        got = _call_briefly(function, hidden, names=("apply_filter",))
        if hidden.calls == 0:
            raise Wrong("your function never calls apply_filter: the kernel can only come from its output.")
        if hidden.calls > 1:
            raise Wrong(f"your function calls apply_filter {hidden.calls} times; one call is allowed "
                        "(one call can take a batch of several images, though).")
        if hasattr(got, "numpy"):
            got = got.numpy()
        if isinstance(got, np.ndarray) and got.size == 9 and got.shape != (3, 3):
            raise Wrong(f"your function returns the 9 weights with shape {got.shape}; return them as a 3 x 3 "
                        "array (index or reshape away the extra axes).")
        if isinstance(got, np.ndarray) and got.shape == (3, 3):
            if np.allclose(got, np.flip(kernel), atol=1e-6):
                raise Wrong("your kernel is rotated by 180° (flipped both ways): with one bright pixel, output "
                            "(0, 0) is the window whose bottom-right corner covers it. Work out on paper which "
                            "weight lands at each output.")
            if np.allclose(got, kernel.T, atol=1e-6):
                raise Wrong("your kernel is transposed: rows and columns are swapped.")
        expect_array(got, kernel, "the kernel read from apply_filter", atol=1e-6)


def _wrong_q4_not_flipped(apply_filter):  # a typical mistake: reads the response as it comes out
    probe = np.zeros((1, 5, 5))
    probe[0, 2, 2] = 1
    return apply_filter(probe)[0]


def _wrong_q4_batch_axis(apply_filter):  # a typical mistake: keeps the batch axis
    probe = np.zeros((1, 5, 5))
    probe[0, 2, 2] = 1
    return np.flip(apply_filter(probe), axis=(1, 2))


def _wrong_q4_one_call_per_weight(apply_filter):  # a typical mistake: nine probes, nine calls
    kernel = np.zeros((3, 3))
    for r in range(3):
        for c in range(3):
            probe = np.zeros((1, 3, 3))
            probe[0, r, c] = 1
            kernel[r, c] = apply_filter(probe)[0, 0, 0]
    return kernel


def _wrong_q4_regression(apply_filter):  # a typical mistake: fits the kernel, which the prompt rules out
    images = np.random.default_rng(0).normal(size=(4, 8, 8))
    windows = np.lib.stride_tricks.sliding_window_view(images, (3, 3), axis=(1, 2)).reshape(-1, 9)
    return np.linalg.lstsq(windows, apply_filter(images).ravel(), rcond=None)[0].reshape(3, 3)


def _reference_q4(apply_filter):
    probe = np.zeros((1, 5, 5))
    probe[0, 2, 2] = 1
    return np.flip(apply_filter(probe)[0])


q4 = Exercise(
    "Exercise 4 · Read a filter with one probe",
    test=_test_q4,
    hint="""\
        Each output is a sum of nine products, weight x pixel, over its window. An all-zero
        image gives 0 everywhere. What is the smallest change to it that makes outputs equal
        to single weights, a different weight at each of 9 outputs? Then work out on paper,
        for a small image, which weight appears at which output: the order may surprise you.""",
    solution="""\
        def read_kernel(apply_filter):
            probe = np.zeros((1, 5, 5))
            probe[0, 2, 2] = 1  # one bright pixel in the middle of a black 5 x 5 image
            response = apply_filter(probe)[0]  # 3 x 3: output (i, j) is kernel[2 - i, 2 - j]
            return np.flip(response)  # so the kernel is the response rotated by 180°""",
    reference=_reference_q4,
    wrong_answers=(
        _wrong_q4_not_flipped,
        _wrong_q4_batch_axis,
        _wrong_q4_one_call_per_weight,
        _wrong_q4_regression,
        lambda apply_filter: np.zeros((3, 3)),  # never calls the filter
    ),
    level=3,
    kinds=("code", "beyond"),
    explanation="""\
        One bright pixel is an *impulse*; what a filter makes of it is its *impulse
        response*. For a correlation, like Conv2D's, it is the kernel rotated by 180°; for a
        convolution, which flips the kernel first, it is the kernel itself. Any filter that
        is a weighted sum of a window slid over the image can be read this way, even one
        you only have as a black box.""",
)
