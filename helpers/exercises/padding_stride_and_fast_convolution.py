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


# ---- q2: predict TensorFlow's SAME padding with a stride -----------------------------------

_Q2_EXPLANATIONS = {
    "a": "right.",
    "b": (
        "3 x 3 is the 'valid' output, floor((7 - 3) / 2) + 1 = 3, without padding. 'same' pads so that "
        "the output has ceil(n / s) pixels."
    ),
    "c": (
        "0 before and 1 after is right for an even input such as the lesson's 8 or 512 pixels, where the "
        "total padding is 1. Recompute the total for 7 pixels: (out - 1) * s + k - n."
    ),
    "d": (
        "'same' keeps the input's size only at stride 1. With stride 2 the output has ceil(n / s) pixels."
    ),
}

q2 = Exercise(
    "Exercise 2 · SAME padding with a stride",
    test=choice_test("a", _Q2_EXPLANATIONS),
    hint="""\
        Follow the three steps of TensorFlow's rule with n = 7, k = 3, s = 2: the output
        size ceil(n / s), then the total padding max((out - 1) * s + k - n, 0), then
        whether that total is odd (the extra pixel goes after) or even.""",
    solution="""\
        answer = "a"   # out = ceil(7 / 2) = 4; total = (4 - 1) * 2 + 3 - 7 = 2, even: 1 before, 1 after""",
    reference="a",
    wrong_answers=("b", "c", "d", 1),
    explanation="""\
        The output has ceil(7 / 2) = 4 pixels. The windows start at 0, 2, 4 and 6 of the padded row,
        and the last one reaches 6 + 3 = 9 pixels: 2 more than the input, an even total, so 1 pixel
        before and 1 after. With 8 pixels the same layer needs only 1 pixel in all, and it goes after:
        the padding depends on the input size, not only on the kernel and stride.""",
    level=2,
    kinds=("predict", "concept"),
)


# ---- q3: a colour image, without Python loops ---------------------------------------------

def _reference_correlate_rgb(image, kernel):
    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape[:2], axis=(0, 1))
    return np.einsum("ijcuv,uvc->ij", windows, kernel)


def _test_correlate_rgb(function):
    expect_source_avoids(function, loops=True, why="Use sliding_window_view and one np.einsum (or one sum over axes).")
    rng = np.random.default_rng(4)
    image = rng.normal(size=(9, 11, 3))
    kernel = rng.normal(size=(3, 4, 3))
    got = call(function, image.copy(), kernel.copy())
    expected = _reference_correlate_rgb(image, kernel)
    if isinstance(got, np.ndarray) and got.shape == expected.shape + (3,):
        raise Wrong(
            f"got shape {got.shape}: you filtered each channel but did not add the channels up. "
            "A conv layer sums over the input channels too: one output value per position."
        )
    if isinstance(got, np.ndarray) and got.shape == expected.shape:
        if np.allclose(got, _reference_correlate_rgb(image, kernel[::-1, ::-1])):
            raise Wrong("your result is the convolution (kernel flipped); pair each window with kernel[u, v, c].")
    expect_array(got, expected, "my_correlate_rgb(image, kernel) on a 9 x 11 x 3 image with a 3 x 4 x 3 kernel", atol=1e-9)


def _rgb_with_loops(image, kernel):
    return sum(correlate2d(image[..., c], kernel[..., c], padding="valid") for c in range(image.shape[2]))


q3 = Exercise(
    "Exercise 3 · A colour image, without Python loops",
    test=_test_correlate_rgb,
    hint="""\
        Try it on a small case first: image = np.zeros((5, 6, 3)), then print
        sliding_window_view(image, (2, 2), axis=(0, 1)).shape. Which axis holds the
        channel? In np.einsum, give each axis of the windows and of the kernel a letter,
        the same letter for the same thing in both, and keep only the two position
        letters after the ->.""",
    solution="""\
        def my_correlate_rgb(image, kernel):
            windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape[:2], axis=(0, 1))
            return np.einsum("ijcuv,uvc->ij", windows, kernel)   # sum over channels and window""",
    reference=_reference_correlate_rgb,
    wrong_answers=(
        lambda image, kernel: np.einsum(  # per channel, not summed
            "ijcuv,uvc->ijc", np.lib.stride_tricks.sliding_window_view(image, kernel.shape[:2], axis=(0, 1)), kernel),
        lambda image, kernel: np.einsum(  # convolution
            "ijcuv,uvc->ij", np.lib.stride_tricks.sliding_window_view(image, kernel.shape[:2], axis=(0, 1)),
            kernel[::-1, ::-1]),
        lambda image, kernel: np.einsum(  # axes mixed up: reads the kernel as (c, u, v)
            "ijcuv,cuv->ij", np.lib.stride_tricks.sliding_window_view(image, kernel.shape[:2], axis=(0, 1)),
            kernel.reshape(kernel.shape[2], kernel.shape[0], kernel.shape[1])),
        _rgb_with_loops,
    ),
    level=2,
    kinds=("code",),
)


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
