"""Exercises of lesson 04 · Padding, stride and fast convolution."""

from __future__ import annotations

import numpy as np

from helpers.convolution import correlate2d
from helpers.exercises.core import (
    Exercise,
    NotAttempted,
    Wrong,
    call,
    choice_test,
    expect_array,
    expect_equal,
    expect_source_avoids,
    is_placeholder,
)

# ---- q1: predict the output size ------------------------------------------------------------


def _test_output_size(answer):
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.item()
    if isinstance(answer, tuple) and len(answer) == 2 and answer[0] == answer[1]:
        raise Wrong(f"one number is enough: the output is square, so give one side ({answer[0]!r}), not the shape.")
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
        raise Wrong(f"expected a whole number of pixels, got {type(answer).__name__} {answer!r}")
    if float(answer) != int(answer):
        raise Wrong(f"{answer} is not a whole number: a fractional position does not exist, round down with //.")
    answer = int(answer)
    if answer == 12:
        raise Wrong(
            "12 drops something: the padding ((28 - 5) // 2 + 1 = 12) or the + 1 for the first position "
            "((28 + 2 - 5) // 2 = 12). With p = 1 on each side the padded input has 28 + 2 * 1 pixels."
        )
    if answer == 14:
        raise Wrong("14 rounds up (or is TensorFlow's SAME size, ceil(28 / 2)); here the padding is 1 pixel, "
                    "and the last window must fit inside the padded input, so round down.")
    if answer == 26:
        raise Wrong("26 = 28 + 2 - 5 + 1 ignores the stride of 2: divide by s before adding 1.")
    if answer == 24:
        raise Wrong("24 = 28 - 5 + 1 ignores both the padding and the stride.")
    expect_equal(answer, 13, "the output size")


q1 = Exercise(
    "Exercise 1 · Output size",
    test=_test_output_size,
    hint="""\
        Match each number in the prompt to a letter of the output-size formula
        floor((n + 2p - k) / s) + 1. Careful: p is the padding on ONE side, and the
        division rounds down (// in Python) before the + 1.""",
    solution="""\
        answer = (28 + 2 * 1 - 5) // 2 + 1   # = 13""",
    reference=13,
    wrong_answers=(12, 14, 26, 24, 13.5, (13, 13)),
    level=1,
    kinds=("predict",),
)


def see_output_size(answer) -> None:
    """After a correct answer to exercise 1, run a real correlation with its settings."""
    if not q1.evaluate(answer).passed:
        print("Answer exercise 1 first (its check must pass), then run this cell again.")
        return
    shape = correlate2d(np.zeros((28, 28)), np.ones((5, 5)), stride=2, padding=1).shape
    print(f"correlate2d on a 28 x 28 image, 5 x 5 kernel, padding 1, stride 2: shape {shape}")


# ---- q2: which stripes average out -------------------------------------------------------

#: The periods (in pixels) offered by the choices of exercise 2, and the box's width.
_Q2_PERIODS = {"a": 3, "b": 4, "c": 5, "d": 12}
_Q2_BOX = 6

_Q2_EXPLANATIONS = {
    "a": "right.",
    "b": (
        "a block of 6 pixels holds 1 1/2 periods of 4-pixel stripes. The extra half is bright in one block and "
        "dark in another, so the averages still swing (about 43 of 255). Matching the lesson's 4 x 4 box does "
        "not help: the box is 6 pixels wide here."
    ),
    "c": (
        "a block of 6 pixels holds 1 1/5 periods of 5-pixel stripes. The extra fifth changes from block to "
        "block, so the averages still swing (about 38 of 255)."
    ),
    "d": (
        "a block of 6 pixels holds half a period of 12-pixel stripes: a mostly bright half in one block, a "
        "mostly dark half three blocks later. These stripes are coarser than the blocks, so they survive "
        "(a swing of about 159 of 255)."
    ),
}

_q2_letter_test = choice_test("a", _Q2_EXPLANATIONS)


def _test_flat_period(answer):
    """Accept the letter, or the period itself (3 for choice a)."""
    if isinstance(answer, (int, float, np.integer, np.floating)) and not isinstance(answer, bool):
        answer = next((letter for letter, period in _Q2_PERIODS.items() if answer == period), answer)
        if answer == 4.4:
            raise Wrong("4.4 pixels is the lesson's period, which left a faint wave; answer with the letter "
                        "of one of the four periods offered.")
        if answer == 6:
            raise Wrong("6 is the box's width, not one of the periods offered; answer with a letter.")
        if answer == 2:
            raise Wrong("2 is the stride, not one of the periods offered. A plain pick (1x1 kernel) at stride 2 "
                        "leaves every stripe period here swinging; ask instead what the 6 x 6 box adds up.")
    _q2_letter_test(answer)


q2 = Exercise(
    "Exercise 2 · Which stripes average out?",
    test=_test_flat_period,
    hint="""\
        Picture one block of 6 neighbouring pixels, then the next block 2 pixels further on.
        For each period, ask how many periods fit into one block, and whether what the block
        adds up stays the same wherever along the stripes the block starts.""",
    solution="""\
        choice = "a"   # a block of 6 pixels holds exactly two periods: the same mix in every block""",
    reference="a",
    wrong_answers=("b", "c", "d", 12, 4.4, 6, 2),
    explanation="""\
        A block of 6 pixels holds exactly two periods of 3-pixel stripes: samples spread
        evenly over whole periods, as much above the middle gray as below it wherever the
        block starts, so every average is 127.5. The stride does not matter; a plain pick
        at stride 2 lands on ever-changing parts of a period (a swing of about 191). On the
        lesson's 4.4-pixel stripes a 4-pixel block held 10/11 of a period, and the missing
        piece was bright in one block and dark a few blocks later: the faint slow wave. A box
        cancels only stripes that fit into it a whole number of times; image libraries
        blur with a smoother filter (a Gaussian) before they shrink, for example
        skimage.transform.rescale(..., anti_aliasing=True).""",
    level=2,
    kinds=("concept",),
)


def see_stripe_swings(answer) -> None:
    """After a correct answer to exercise 2, print the swing (max - min) for each period."""
    if not q2.evaluate(answer).passed:
        print("Answer exercise 2 first (its check must pass), then run this cell again.")
        return
    columns = np.arange(352)
    box_kernel = np.ones((_Q2_BOX, _Q2_BOX)) / _Q2_BOX**2
    print("swing (max - min) of the outputs at stride 2, on stripes of 0..255")
    for letter, period in _Q2_PERIODS.items():
        stripes = np.tile(127.5 + 127.5 * np.cos(2 * np.pi * columns / period), (8, 1))
        box = np.ptp(correlate2d(stripes, box_kernel, stride=2, padding="valid"))
        pick = np.ptp(correlate2d(stripes, np.ones((1, 1)), stride=2, padding="valid"))
        print(f"({letter}) period {period:2d}: {_Q2_BOX} x {_Q2_BOX} box {box:3.0f}, "
              f"plain pick (1 x 1 kernel) {pick:3.0f}")


# ---- q3: a colour Conv2D layer, without Python loops ---------------------------------------

def _reference_conv2d(image, kernel):
    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape[:2], axis=(0, 1))  # (i, j, c, u, v)
    return np.einsum("ijcuv,uvcf->ijf", windows, kernel)


def _test_conv2d(function):
    expect_source_avoids(function, loops=True, why="Use sliding_window_view and one np.einsum.")
    rng = np.random.default_rng(4)
    image = rng.normal(size=(9, 11, 3))
    kernel = rng.normal(size=(3, 4, 3, 2))
    what = "your my_conv2d(image, kernel) on a 9 x 11 x 3 image with a 3 x 4 x 3 x 2 kernel"
    if is_placeholder(function) or not callable(function):
        got = call(function, image.copy(), kernel.copy())  # "not attempted" or "expected a function"
    try:
        got = function(image.copy(), kernel.copy())
    except Exception as exc:  # one sentence, never the arrays (an einsum error would print both)
        if isinstance(exc, ValueError) and ("operand" in str(exc) or "subscript" in str(exc)):
            raise Wrong(
                "the einsum call failed: its subscripts do not match the arrays' shapes. On the 9 x 11 x 3 test "
                "image the windows have shape (7, 8, 3, 3, 4) and the kernel (3, 4, 3, 2): write one letter per "
                "axis, in the order the axes come, and the same letter where two axes hold the same thing."
            ) from None
        first_line = (str(exc).splitlines() or [""])[0][:200]
        raise Wrong(f"your function raised {type(exc).__name__}: {first_line} (on a 9 x 11 x 3 image with a "
                    "3 x 4 x 3 x 2 kernel)") from None
    if is_placeholder(got):  # a forgotten return counts as not attempted
        raise NotAttempted("your function returns None: fill in its body and make sure it ends with `return`.")
    if hasattr(got, "numpy"):
        got = got.numpy()
    expected = _reference_conv2d(image, kernel)
    if isinstance(got, np.ndarray):
        if got.shape == (7, 8, 3, 2):
            raise Wrong(
                f"{what}: got shape {got.shape}, one result per input channel and filter. A conv layer adds up "
                "its input channels: one value per position and filter, shape (7, 8, 2)."
            )
        if got.shape == (2, 7, 8):
            raise Wrong(f"{what}: got shape {got.shape}, filters first. Keras keeps channels last: out[i, j, f], "
                        "shape (7, 8, 2).")
        if got.shape == (7, 8):
            raise Wrong(f"{what}: got shape {got.shape}; every filter (the last axis of the kernel) gives its own "
                        "output channel: shape (7, 8, 2).")
        if got.shape == expected.shape and np.allclose(got, _reference_conv2d(image, kernel[::-1, ::-1])):
            raise Wrong(f"{what}: your result is the convolution (kernel flipped); pair each window pixel "
                        "with kernel[u, v, c, f].")
    expect_array(got, expected, what, atol=1e-9)


def _conv2d_with_loops(image, kernel):
    return np.stack([sum(correlate2d(image[..., c], kernel[..., c, f], padding="valid") for c in range(image.shape[2]))
                     for f in range(kernel.shape[3])], axis=-1)


q3 = Exercise(
    "Exercise 3 · A colour Conv2D layer, without loops",
    test=_test_conv2d,
    hint="""\
        Print windows.shape and kernel.shape on a small example and say what each axis
        is: an output row or column, a row or column inside the window, a channel, a
        filter. Give every axis a letter, the same letter where the two arrays share a
        thing. Which axes does the output keep, and in which order? Which are summed?
        In np.einsum the letters after -> are kept, in that order; the others are summed.""",
    solution="""\
        def my_conv2d(image, kernel):
            windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape[:2], axis=(0, 1))
            return np.einsum("ijcuv,uvcf->ijf", windows, kernel)   # windows: (i, j, c, u, v)""",
    reference=_reference_conv2d,
    wrong_answers=(
        lambda image, kernel: np.einsum(  # channels not added up
            "ijcuv,uvcf->ijcf", np.lib.stride_tricks.sliding_window_view(image, kernel.shape[:2], axis=(0, 1)), kernel),
        lambda image, kernel: np.einsum(  # filters first
            "ijcuv,uvcf->fij", np.lib.stride_tricks.sliding_window_view(image, kernel.shape[:2], axis=(0, 1)), kernel),
        lambda image, kernel: np.einsum(  # convolution
            "ijcuv,uvcf->ijf", np.lib.stride_tricks.sliding_window_view(image, kernel.shape[:2], axis=(0, 1)),
            kernel[::-1, ::-1]),
        _conv2d_with_loops,
        lambda image, kernel: np.einsum(  # window axes in the wrong order: einsum raises ValueError
            "ijuvc,uvcf->ijf", np.lib.stride_tricks.sliding_window_view(image, kernel.shape[:2], axis=(0, 1)), kernel),
    ),
    explanation="""\
        One np.einsum is a whole Conv2D layer without bias: "ijcuv,uvcf->ijf" sums over the window
        (u, v) and the input channels (c), one output channel per filter (f). Keras adds a bias per
        filter and an activation, and that is all a convolutional layer computes.""",
    level=2,
    kinds=("code",),
)


def compare_conv2d_with_keras(my_conv2d) -> None:
    """Print whether a Keras ``Conv2D`` with the same weights equals ``my_conv2d`` (exercise 3).

    Runs only once exercise 3 passes; otherwise it says so (so "Run all" goes through).
    """
    if not q3.evaluate(my_conv2d).passed:
        print("Answer exercise 3 first (its check must pass), then run this cell again.")
        return
    import keras

    rng = np.random.default_rng(0)
    image = rng.normal(size=(10, 12, 3))
    kernel = rng.normal(size=(3, 3, 3, 4))
    layer = keras.layers.Conv2D(4, 3, padding="valid", use_bias=False, name="colour")
    layer.build((None, 10, 12, 3))
    layer.set_weights([kernel.astype("float32")])
    from_keras = np.asarray(layer(image[None].astype("float32")))[0]
    mine = np.asarray(my_conv2d(image, kernel))
    agree = mine.shape == from_keras.shape and np.allclose(mine, from_keras, atol=1e-4)
    print(f"10 x 12 x 3 image, 4 filters of 3 x 3 x 3: Keras gives {from_keras.shape}, your function "
          f"{mine.shape}; the same numbers (to float32 precision): {agree}")


# ---- q4: a dilated kernel ----------------------------------------------------------------------

def _reference_dilate(kernel, d):
    kernel = np.asarray(kernel, dtype=float)
    kh, kw = kernel.shape
    out = np.zeros((d * (kh - 1) + 1, d * (kw - 1) + 1))
    out[::d, ::d] = kernel
    return out


#: (kernel shape, d) cases, the lesson's case first: a 3 x 3 kernel with d = 2.
_Q4_CASES = [((3, 3), 2), ((3, 3), 1), ((2, 4), 3), ((1, 3), 2), ((4, 2), 2)]


def _test_dilate(function):
    rng = np.random.default_rng(7)
    for shape, d in _Q4_CASES:
        kernel = rng.integers(1, 10, size=shape).astype(float)  # no zeros, so the gaps are visible
        got = call(function, kernel.copy(), d)
        if hasattr(got, "numpy"):
            got = got.numpy()
        if not isinstance(got, np.ndarray):
            raise Wrong(f"your dilate_kernel(kernel, {d}) must return a NumPy array, got {type(got).__name__}")
        expected = _reference_dilate(kernel, d)
        what = f"your dilate_kernel(kernel of shape {shape}, d={d})"
        if got.shape != expected.shape:
            kh, kw = shape
            if got.shape == (d * kh, d * kw):
                if np.allclose(got, np.kron(kernel, np.ones((d, d)))):
                    raise Wrong(f"{what}: you repeated each weight d times; the gaps between weights must be zeros.")
                raise Wrong(
                    f"{what}: got shape {got.shape} = (d * {kh}, d * {kw}), a gap after the last weight too. "
                    f"Gaps lie only between weights: {kh} weights have {kh - 1} gaps, so the size is "
                    f"d * ({kh} - 1) + 1 = {expected.shape[0]}."
                )
            if got.shape == ((d + 1) * (kh - 1) + 1, (d + 1) * (kw - 1) + 1) and d > 1:
                raise Wrong(
                    f"{what}: got shape {got.shape}, d zeros between neighbours. Dilation d puts the weights "
                    f"d pixels apart, so d - 1 zeros between them: expected shape {expected.shape}."
                )
            raise Wrong(f"{what}: expected shape {expected.shape} = (d * (kh - 1) + 1, d * (kw - 1) + 1), got {got.shape}")
        if np.allclose(got, _reference_dilate(kernel[::-1, ::-1], d)) and not np.allclose(kernel, kernel[::-1, ::-1]):
            raise Wrong(f"{what}: the weights are turned by 180 degrees; keep them where they are.")
        expect_array(got, expected, what)


def _dilate_trailing_zeros(kernel, d):
    kh, kw = kernel.shape
    out = np.zeros((d * kh, d * kw))  # BUG: a gap after the last weight too
    out[::d, ::d] = kernel
    return out


def _dilate_d_zeros(kernel, d):
    kh, kw = kernel.shape
    out = np.zeros(((d + 1) * (kh - 1) + 1, (d + 1) * (kw - 1) + 1))  # BUG: d zeros, not d - 1
    out[:: d + 1, :: d + 1] = kernel
    return out


q4 = Exercise(
    "Exercise 4 · A dilated kernel",
    test=_test_dilate,
    hint="""\
        Along one axis, put the first weight at position 0 and the next ones d pixels
        apart: where does the last of k weights land? That tells you how big an array of
        zeros to start from. Then a slice with a step can write the weights into it.""",
    solution="""\
        def dilate_kernel(kernel, d):
            kh, kw = kernel.shape
            out = np.zeros((d * (kh - 1) + 1, d * (kw - 1) + 1))
            out[::d, ::d] = kernel   # the weights d pixels apart, zeros in between
            return out""",
    reference=_reference_dilate,
    wrong_answers=(
        lambda kernel, d: np.kron(kernel, np.ones((d, d))),  # repeats the weights
        _dilate_trailing_zeros,
        _dilate_d_zeros,
        lambda kernel, d: kernel,  # no dilation
    ),
    explanation="""\
        With d = 2 a 3 x 3 kernel sees a 5 x 5 region for the price of 9 weights. The output-size
        formula still holds with k replaced by d * (k - 1) + 1. Networks that must keep the full
        resolution (segmentation, Yu and Koltun, 2016) stack such layers to see large regions
        without downsampling.""",
    level=3,
    kinds=("code", "beyond"),
)


def compare_with_keras(dilate_kernel, d: int = 2) -> None:
    """Print whether Keras's ``Conv2D(dilation_rate=d)`` equals ``correlate2d`` with ``dilate_kernel(kernel, d)``.

    Runs only once exercise 4 passes; otherwise it says so (so "Run all" goes through).
    """
    if not q4.evaluate(dilate_kernel).passed:
        print("Answer exercise 4 first (its check must pass), then run this cell again.")
        return
    import keras

    rng = np.random.default_rng(0)
    image = rng.normal(size=(12, 12))
    kernel = rng.normal(size=(3, 3))
    layer = keras.layers.Conv2D(1, 3, dilation_rate=d, padding="valid", use_bias=False, name="dilated")
    layer.build((None, 12, 12, 1))
    layer.set_weights([kernel[:, :, None, None].astype("float32")])
    from_keras = np.asarray(layer(image[None, :, :, None].astype("float32")))[0, :, :, 0]
    mine = correlate2d(image, dilate_kernel(kernel, d), padding="valid")
    agree = mine.shape == from_keras.shape and np.allclose(mine, from_keras, atol=1e-4)
    print(f"12 x 12 image, 3 x 3 kernel, dilation {d}: Keras gives {from_keras.shape}, "
          f"correlate2d with your kernel {mine.shape}; the same numbers (to float32 precision): {agree}")
