"""Exercises of lesson 04 · Padding, stride and fast convolution."""

from __future__ import annotations

import numpy as np

from helpers.convolution import correlate2d
from helpers.exercises.core import (
    Exercise,
    Wrong,
    call,
    choice_test,
    expect_array,
    expect_equal,
    expect_source_avoids,
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


# ---- q2: shrink without inventing a pattern ----------------------------------------------

_Q2_EXPLANATIONS = {
    "a": (
        "every value it keeps is a real pixel, but it drops the 3 pixels between two kept ones. The lesson's "
        "kept pixels traced a slow wave 10 times coarser than the stripes: a false pattern made of real values."
    ),
    "b": (
        "padding only adds pixels beyond the border. Inside the photo the stride still keeps every 4th pixel, "
        "so apart from the border the result is the same as (a)."
    ),
    "c": (
        "a 2 x 2 window with stride 4 covers columns 0-1 of every 4; columns 2 and 3 never count. Half the "
        "pixels are still skipped, and the stripes still alias (less strongly than with a 1 x 1 kernel)."
    ),
    "d": "right.",
}

q2 = Exercise(
    "Exercise 2 · Shrinking without inventing a pattern",
    test=choice_test("d", _Q2_EXPLANATIONS),
    hint="""\
        For each choice, ask which pixels of a row of 4 (columns 0, 1, 2, 3) take part in
        an output pixel at stride 4. A false pattern appears when some pixels never take
        part, so the output can follow a detail that falls between the ones it sees.""",
    solution="""\
        answer = "d"   # the 4 x 4 blocks tile the photo: every pixel counts once, fine stripes average out""",
    reference="d",
    wrong_answers=("a", "b", "c", 4),
    explanation="""\
        With stride 4 the 4 x 4 blocks tile the photo: every pixel lands in exactly one average, so
        stripes finer than a block average to a flat gray (the lesson's block averages stayed
        between 114 and 141) instead of turning into a slow wave. That is why a downsampling kernel
        should be at least as wide as its stride. A box is still a crude filter: image libraries
        blur with a Gaussian before they shrink (skimage.transform.rescale(..., anti_aliasing=True)).""",
    level=2,
    kinds=("concept",),
)


# ---- q3: a colour Conv2D layer, without Python loops ---------------------------------------

def _reference_conv2d(image, kernel):
    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape[:2], axis=(0, 1))  # (i, j, c, u, v)
    return np.einsum("ijcuv,uvcf->ijf", windows, kernel)


def _test_conv2d(function):
    expect_source_avoids(function, loops=True, why="Use sliding_window_view and one np.einsum.")
    rng = np.random.default_rng(4)
    image = rng.normal(size=(9, 11, 3))
    kernel = rng.normal(size=(3, 4, 3, 2))
    got = call(function, image.copy(), kernel.copy())
    if hasattr(got, "numpy"):
        got = got.numpy()
    expected = _reference_conv2d(image, kernel)
    what = "my_conv2d(image, kernel) on a 9 x 11 x 3 image with a 3 x 4 x 3 x 2 kernel"
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
        Try a small case first: make image = np.zeros((5, 6, 3)) and look at the shape that
        sliding_window_view gives when it slides a 2 x 2 window over the first two axes only.
        Which axis holds the channel, which the window? Then give every axis of the windows
        and of the kernel (kh, kw, in, out) a letter, the same letter for the same thing in
        both, and after the -> keep the letters of the result's axes, channels last.""",
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
            raise Wrong(f"dilate_kernel(kernel, {d}) must return a NumPy array, got {type(got).__name__}")
        expected = _reference_dilate(kernel, d)
        what = f"dilate_kernel(kernel of shape {shape}, d={d})"
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
