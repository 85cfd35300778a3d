"""Exercises of lesson 04 · Padding, stride and fast convolution."""

from __future__ import annotations

import numpy as np

from helpers.convolution import KERNELS, correlate2d, same_padding
from helpers.exercises.core import Exercise, Wrong, call, expect_array, expect_equal

# ---- q1: the output-size formula --------------------------------------------------------


def _test_output_size(answer):
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.item()
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
        raise Wrong("14 rounds up; the last window must fit inside the padded input, so round down.")
    if answer == 26:
        raise Wrong("26 = 28 + 2 - 5 + 1 ignores the stride of 2: divide by s before adding 1.")
    if answer == 24:
        raise Wrong("24 = 28 - 5 + 1 ignores both the padding and the stride.")
    expect_equal(answer, 13, "the output size")


q1 = Exercise(
    "Exercise 1 · Output size",
    test=_test_output_size,
    hint="""\
        Use floor((n + 2p - k) / s) + 1 with n = 28, k = 5, p = 1, s = 2.
        In Python, floor division is //.""",
    solution="""\
        answer = (28 + 2 * 1 - 5) // 2 + 1   # = 13""",
    reference=13,
    wrong_answers=(12, 14, 26, 24, 13.5),
)


# ---- q2: TensorFlow's SAME padding ------------------------------------------------------

#: (n, k, s) cases; (8, 1, 2) is a row of the lesson's table whose total would be negative without max(..., 0).
CASES = [(5, 3, 1), (6, 4, 1), (7, 2, 1), (28, 5, 2), (10, 3, 3), (9, 4, 2), (4, 7, 1), (1, 1, 1), (12, 6, 4), (8, 1, 2)]


def _test_same_padding(function):
    for n, k, s in CASES:
        got = call(function, n, k, s)
        expected = same_padding(n, k, s)
        if isinstance(got, np.ndarray):
            got = tuple(got.tolist())
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise Wrong(f"my_same_padding({n}, {k}, {s}) must return a pair (before, after), got {got!r}")
        got = tuple(int(g) for g in got)
        if got != expected:
            hint = ""
            if got == expected[::-1]:
                hint = " The extra pixel goes after (bottom/right), as in TensorFlow."
            elif min(got) < 0:
                hint = " Padding cannot be negative: the total is max((out - 1) * s + k - n, 0)."
            elif sum(got) != sum(expected):
                hint = f" The total should be max((out - 1) * s + k - n, 0) = {sum(expected)} with out = ceil(n / s)."
            raise Wrong(f"my_same_padding({n}, {k}, {s}): expected {expected}, got {got}.{hint}")


def _reference_same_padding(n, k, s):
    out = -(-n // s)  # ceil(n / s)
    total = max((out - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def _same_padding_without_max(n, k, s):
    out = -(-n // s)
    total = (out - 1) * s + k - n  # BUG: negative when the stride skips past the end
    return total // 2, total - total // 2


q2 = Exercise(
    "Exercise 2 · TensorFlow's SAME padding",
    test=_test_same_padding,
    hint="""\
        Three lines: out = ceil(n / s) (in integers: -(-n // s)); the total padding
        total = max((out - 1) * s + k - n, 0); before = total // 2 and the rest after.""",
    solution="""\
        def my_same_padding(n, k, s):
            out = -(-n // s)                      # ceil(n / s)
            total = max((out - 1) * s + k - n, 0)
            return total // 2, total - total // 2""",
    reference=_reference_same_padding,
    wrong_answers=(
        lambda n, k, s: (k // 2, k // 2),  # only right for odd k and stride 1
        lambda n, k, s: ((k - 1) - (k - 1) // 2, (k - 1) // 2),  # extra before, ignores stride
        lambda n, k, s: ((k - 1) // 2, k - 1 - (k - 1) // 2),  # ignores stride
        _same_padding_without_max,
    ),
)


# ---- q3: a colour image, without Python loops ---------------------------------------------

def _reference_correlate_rgb(image, kernel):
    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape[:2], axis=(0, 1))
    return np.einsum("ijcuv,uvc->ij", windows, kernel)


def _has_python_loop(function) -> bool:
    """True if the function's source has a for/while statement or comprehension."""
    import inspect
    import io
    import tokenize

    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return False  # no source (a lambda typed in a console): trust it
    try:
        tokens = tokenize.generate_tokens(io.StringIO(source).readline)
        return any(t.type == tokenize.NAME and t.string in ("for", "while") for t in tokens)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return False


def _test_correlate_rgb(function):
    if callable(function) and _has_python_loop(function):
        raise Wrong("your function uses a Python loop (for or while); do it with sliding_window_view and one sum.")
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
        sliding_window_view(image, kernel.shape[:2], axis=(0, 1)) has shape
        (out_h, out_w, 3, kh, kw): note that the channel axis comes BEFORE the window
        axes. Multiply by the kernel, whose axes are (kh, kw, 3), and sum over c, u, v:
        np.einsum("ijcuv,uvc->ij", windows, kernel) names every axis once.""",
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
)


# ---- q4: weights of a Keras Conv2D layer for colour input ------------------------------------

def _reference_rgb_weights():
    zero = np.zeros((3, 3))
    red_edges = np.stack([KERNELS["sobel_x"], zero, zero], axis=-1)  # (3, 3, 3): red channel only
    brightness_edges = np.stack([KERNELS["sobel_y"] / 3] * 3, axis=-1)  # (3, 3, 3): mean of R, G, B
    return np.stack([red_edges, brightness_edges], axis=-1)  # (3, 3, 3, 2)


def _test_rgb_weights(weights):
    if hasattr(weights, "numpy"):
        weights = weights.numpy()
    if not isinstance(weights, np.ndarray):
        raise Wrong(f"expected a NumPy array, got {type(weights).__name__}")
    expected = _reference_rgb_weights()
    if weights.shape != expected.shape:
        raise Wrong(
            f"expected shape {expected.shape} = (kernel height, kernel width, input channels, filters), "
            f"got {weights.shape}"
        )
    if np.allclose(weights, expected[::-1, ::-1]):
        raise Wrong("you flipped the kernels: Keras Conv2D computes cross-correlation, so use them as they are.")
    if np.allclose(weights[..., ::-1], expected):
        raise Wrong("the two filters are swapped: filter 0 is the red sobel_x, filter 1 the brightness sobel_y.")
    if np.allclose(weights[..., 1], expected[..., 1] * 3):
        raise Wrong("filter 1 adds the three channels' sobel_y; divide by 3 to use the mean brightness.")
    if np.allclose(weights[:, :, ::-1, :], expected):
        raise Wrong("filter 0 reads the blue channel: the channels are ordered R, G, B, so red is index 0.")
    expect_array(weights, expected, "the Conv2D kernel")


q4 = Exercise(
    "Exercise 4 · Weights of a Keras layer for colour images",
    test=_test_rgb_weights,
    hint="""\
        Keras stores a Conv2D kernel as (kernel height, kernel width, input channels,
        filters). Build each filter as a (3, 3, 3) array with np.stack([...], axis=-1)
        (one 3 x 3 slice per input channel R, G, B), then stack the two filters on a
        new last axis.""",
    solution="""\
        zero = np.zeros((3, 3))
        red_edges = np.stack([KERNELS["sobel_x"], zero, zero], axis=-1)      # (3, 3, 3)
        brightness_edges = np.stack([KERNELS["sobel_y"] / 3] * 3, axis=-1)  # (3, 3, 3)
        weights = np.stack([red_edges, brightness_edges], axis=-1)          # (3, 3, 3, 2)""",
    reference=_reference_rgb_weights(),
    wrong_answers=(
        np.moveaxis(_reference_rgb_weights(), -1, 0),  # (2, 3, 3, 3): filters first
        _reference_rgb_weights()[..., ::-1],  # filters swapped
        _reference_rgb_weights()[:, :, ::-1, :],  # blue instead of red
        _reference_rgb_weights()[::-1, ::-1],  # flipped
        np.concatenate([_reference_rgb_weights()[..., :1], 3 * _reference_rgb_weights()[..., 1:]], axis=-1),  # sum
    ),
)
