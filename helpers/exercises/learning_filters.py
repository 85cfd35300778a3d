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


def _least_squares_kernels(images, targets):
    """(3, 3, F) kernels that best map (N, H, W) images to (N, H-2, W-2, F) targets."""
    P = np.lib.stride_tricks.sliding_window_view(images, (3, 3), axis=(1, 2)).reshape(-1, 9)
    w, *_ = np.linalg.lstsq(P.astype(np.float64), targets.reshape(len(P), -1).astype(np.float64), rcond=None)
    return w.reshape(3, 3, -1)


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
        How many outputs does each layer have on a 56 x 56 image? Which of the two layers
        gives every output its own weights, and which one lets all outputs use the same?""",
    solution="""\
        answer = "c"   # locally connected: 54 * 54 * 10 = 29,160 (x 4.3); convolution: still 10""",
    reference="c",
    wrong_answers=("a", "b", "d", "e", 3),
    level=2,
    kinds=("concept",),
    explanation="""\
        The locally connected layer gives each of its 54 x 54 = 2,916 outputs 9 weights and
        a bias: 29,160 parameters, 4.3 times the 6,760 of 28 x 28. The convolution shares one
        kernel between all outputs (weight sharing), so it keeps its 10 on any image size.
        Sharing also means one pattern detector, learned once, is applied everywhere: the
        lesson's targets came from one kernel, so 9 shared weights could represent them.""",
)


# ---- q3: learn a filter and its bias ----------------------------------------------------------

#: The secret filter of exercise 3 (an "emboss" kernel) and the bias added to every output.
Q3_KERNEL = np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], dtype=np.float64)
Q3_BIAS = 0.5
Q3_TOLERANCE = 0.05


def targets_with_bias(x):
    """Exercise 3's targets for images ``x`` of shape (N, H, W, 1): a secret 3 x 3 filter plus a bias.

    Returns float32 of shape (N, H - 2, W - 2, 1), the "valid" correlation that ``Conv2D`` computes.
    """
    x = np.asarray(x)
    if x.ndim != 4 or x.shape[-1] != 1 or min(x.shape[1:3]) < 3:
        raise ValueError(f"x must be grey images with a channel axis, shape (N, H, W, 1) like x_train; got shape {x.shape}")
    y = _valid_correlation(x[..., 0].astype(np.float64), Q3_KERNEL[..., None]) + Q3_BIAS
    return y.astype(np.float32)


def _as_array(value):
    if hasattr(value, "numpy"):  # a Keras variable or a tensor
        value = value.numpy()
    return np.asarray(value, dtype=np.float64) if isinstance(value, (np.ndarray, list, tuple, float, int, np.number)) else value


def _test_q3(answer):
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Wrong("answer with a pair (kernel, bias): the kernel as a 3 x 3 array, the bias as one number; "
                    f"got {_shown(answer)}")
    kernel, bias = (_as_array(v) for v in answer)
    if not isinstance(kernel, np.ndarray) or kernel.size != 9:
        raise Wrong(f"the kernel is 9 numbers, a 3 x 3 array; got {_shown(answer[0])}")
    if kernel.shape not in ((3, 3), (3, 3, 1, 1)):
        raise Wrong(f"give the kernel as a 3 x 3 array (kernel[:, :, 0, 0] of the layer's weights); got shape {kernel.shape}")
    kernel = kernel.reshape(3, 3)
    if not isinstance(bias, np.ndarray) or bias.size != 1:
        raise Wrong(f"the bias is one number (a Conv2D with one filter has one bias); got {_shown(answer[1])}")
    bias = float(bias.ravel()[0])
    sobel_x = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    if np.allclose(kernel, sobel_x, atol=Q3_TOLERANCE):
        raise Wrong("that is the lesson's Sobel kernel: train on the new targets `y_bias`, not on `y_train`.")
    if np.allclose(np.flip(kernel), Q3_KERNEL, atol=Q3_TOLERANCE):
        raise Wrong("your kernel is flipped (rotated by 180°). A Conv2D layer computes a correlation: read its "
                    "weights as they are, without flipping them.")
    kernel_error = float(np.abs(kernel - Q3_KERNEL).max())
    if bias == 0.0:
        raise Wrong("your bias is exactly 0, its starting value: it never moved. Does your training step "
                    "change the bias as well as the kernel?")
    if kernel_error > Q3_TOLERANCE:
        raise Wrong(f"your kernel is off by up to {kernel_error:.2f} (0.05 is allowed). Did the training run all its "
                    "steps (300 at learning rate 0.1 are enough), and did you read the weights after it?")
    if abs(bias - Q3_BIAS) > Q3_TOLERANCE:
        raise Wrong(f"the kernel is right, but the bias {bias:.3g} is off by more than 0.05. Is it updated at "
                    "every step, with the same learning rate as the kernel?")


q3 = Exercise(
    "Exercise 3 · A filter with a bias",
    test=_test_q3,
    hint="""\
        Which of the layer's weights does the lesson's `train` step (look at the line that
        sets `kernel`)? Print the `trainable_variables` of a model whose Conv2D layer has a
        bias: what does that list hold? `tape.gradient(loss, a_list_of_variables)` returns
        one gradient per variable, in the same order. After training, has every one of
        them moved from its starting value?""",
    solution="""\
        y_bias = ex.targets_with_bias(x_train)  # (64, 30, 30, 1): a secret kernel plus a secret bias

        biased = keras.Sequential([keras.Input(shape=(None, None, 1)), keras.layers.Conv2D(1, 3)], name="with_bias")
        x, y = tf.constant(x_train), tf.constant(y_bias)
        for step in range(300):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean((biased(x) - y) ** 2)
            gradients = tape.gradient(loss, biased.trainable_variables)  # [kernel, bias]: both
            for variable, gradient in zip(biased.trainable_variables, gradients):
                variable.assign_sub(0.1 * gradient)
        kernel, bias = biased.get_weights()  # shapes (3, 3, 1, 1) and (1,)
        answer = (kernel[:, :, 0, 0], float(bias[0]))""",
    reference=(Q3_KERNEL.copy(), Q3_BIAS),
    wrong_answers=(
        (Q3_KERNEL.copy(), 0.0),                 # trained the kernel only: the bias stayed 0
        (np.flip(Q3_KERNEL), Q3_BIAS),           # flipped
        (Q3_KERNEL + 0.3, Q3_BIAS),              # stopped too early
        (np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32), 0.0),  # trained on y_train
        (Q3_KERNEL.copy(), 0.2),                 # bias with the wrong learning rate, not converged
        (Q3_KERNEL.ravel(), Q3_BIAS),            # 9 weights, not reshaped to 3 x 3
        Q3_KERNEL.copy(),                        # no bias at all
    ),
    level=2,
    kinds=("code",),
)


# ---- q4: the best kernel without gradient descent -------------------------------------------

def _q4_cases():
    rng = np.random.default_rng(4)
    cases = []
    for shape in ((3, 10, 12), (2, 7, 9)):  # height != width, to catch swapped axes
        kernel = rng.normal(size=(3, 3))
        x = rng.normal(size=shape)
        cases.append((x, _valid_correlation(x, kernel[..., None])[..., 0], kernel))
    return cases


def _reference_q4(x, y):
    return _least_squares_kernels(x, y[..., None])[..., 0]


def _test_q4(function):
    expect_source_avoids(function, names=("train", "GradientTape", "fit", "keras"),
                         why="Solve the least-squares problem directly, with np.linalg.lstsq.")
    for x, y, kernel in _q4_cases():
        got = _call_briefly(function, x.copy(), y.copy())
        if isinstance(got, tuple):
            raise Wrong("np.linalg.lstsq returns four things (solution, residuals, rank, singular values): "
                        "keep only the first, `w, *_ = np.linalg.lstsq(...)`.")
        if isinstance(got, np.ndarray) and got.shape in ((9,), (9, 1)):
            raise Wrong(f"your function returns the 9 weights as shape {got.shape}; reshape them to (3, 3).")
        if isinstance(got, np.ndarray) and got.shape == (3, 3):
            if np.allclose(got, kernel.T, atol=1e-6) and not np.allclose(kernel, kernel.T):
                raise Wrong("your kernel is transposed: rows and columns are swapped. Make the 9 numbers of "
                            "each patch and the 9 weights follow the same order (reshape both the same way).")
            if np.allclose(got, np.flip(kernel), atol=1e-6):
                raise Wrong("your kernel is flipped (rotated by 180°): the weights and the patch values "
                            "are not in the same order.")
        expect_array(got, kernel, f"the kernel for {x.shape[0]} images of {x.shape[1]} x {x.shape[2]}", atol=1e-6)


def _wrong_q4_gradient_descent(x, y):  # a typical mistake: the lesson's method, which the prompt rules out
    import keras  # noqa: F401
    return _reference_q4(x, y)  # (never reached: the constraint check comes first)


def _wrong_q4_unflattened(x, y):  # a typical mistake: lstsq on the patches without flattening them to 9 columns
    P = np.lib.stride_tricks.sliding_window_view(x, (3, 3), axis=(1, 2))
    w, *_ = np.linalg.lstsq(P, y.reshape(-1), rcond=None)
    return w.reshape(3, 3)


q4 = Exercise(
    "Exercise 4 · The best kernel in one step",
    test=_test_q4,
    hint="""\
        Each output is one patch's 9 pixels times the 9 weights, summed. If every 3 x 3 patch
        of the images were one row of a matrix P, with 9 columns, what would P @ w be, and
        which array, flattened, should it come close to? Lessons 04-05 cut images into
        patches with np.lib.stride_tricks.sliding_window_view: along which axes here? And in
        what order must the 9 weights come out, to be reshaped into the kernel?""",
    solution="""\
        def fit_kernel_least_squares(x, y):
            P = np.lib.stride_tricks.sliding_window_view(x, (3, 3), axis=(1, 2)).reshape(-1, 9)  # one row per patch
            w, *_ = np.linalg.lstsq(P, y.reshape(-1), rcond=None)
            return w.reshape(3, 3)""",
    reference=_reference_q4,
    wrong_answers=(
        lambda x, y: _reference_q4(x, y).T,             # patch and weight orders differ
        lambda x, y: np.flip(_reference_q4(x, y)),       # flipped
        lambda x, y: _reference_q4(x, y).ravel(),        # not reshaped
        lambda x, y: np.linalg.lstsq(np.lib.stride_tricks.sliding_window_view(x, (3, 3), axis=(1, 2)).reshape(-1, 9),
                                     y.reshape(-1), rcond=None),  # kept all four results of lstsq
        _wrong_q4_unflattened,                           # raises inside lstsq: reported in one short sentence
        _wrong_q4_gradient_descent,
    ),
    level=3,
    kinds=("code", "beyond"),
)
