"""Exercises of lesson 03 · Convolution by hand."""

from __future__ import annotations

import numpy as np

from helpers.convolution import correlate2d
from helpers.exercises.core import Exercise, Wrong, call, expect_array, expect_number

# ---- q1: one output pixel by hand -------------------------------------------------------

#: The window of the image under the kernel, and the kernel, of exercise 1.
WINDOW = np.array([[2, 0, 1], [4, 3, 0], [1, 5, 2]])
KERNEL = np.array([[1, 0, -1], [2, 0, -2], [0, 1, 0]])


def _test_one_pixel(answer):
    expected = float(np.sum(WINDOW * KERNEL))
    if isinstance(answer, (int, float, np.integer, np.floating)) and not isinstance(answer, bool):
        if answer == np.sum(WINDOW * KERNEL[::-1, ::-1]):
            raise Wrong(
                f"{answer} is the convolution: you paired the window with the kernel turned by 180 degrees. "
                "Cross-correlation pairs window[u, v] with kernel[u, v], the same position."
            )
        if answer == WINDOW.sum():
            raise Wrong(f"{answer} is the sum of the window alone; multiply each pixel by its weight first.")
        if answer == np.sum(WINDOW * np.abs(KERNEL)):
            raise Wrong(f"{answer} ignores the minus signs: the weights -1 and -2 subtract their pixels.")
    expect_number(answer, expected, "the output pixel")


q1 = Exercise(
    "Exercise 1 · One output pixel by hand",
    test=_test_one_pixel,
    hint="""\
        Multiply the two 3 x 3 grids position by position (top-left with top-left, ...),
        which gives nine products, then add the nine products. Four weights are 0,
        so four products vanish and five remain; mind the minus signs.""",
    solution="""\
        answer = 2*1 + 0*0 + 1*(-1) + 4*2 + 3*0 + 0*(-2) + 1*0 + 5*1 + 2*0   # = 2 - 1 + 8 + 5 = 14""",
    reference=14,
    wrong_answers=(int(np.sum(WINDOW * KERNEL[::-1, ::-1])), int(WINDOW.sum()), int(np.sum(WINDOW * np.abs(KERNEL))), 13),
)


# ---- q2: the loops ----------------------------------------------------------------------

def _reference_correlate_valid(image, kernel):
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i : i + kh, j : j + kw] * kernel)
    return out


def _check_one_case(function, image, kernel, what):
    result = call(function, image.copy(), kernel.copy())
    expected = _reference_correlate_valid(image.astype(float), kernel)
    kh, kw = kernel.shape
    if isinstance(result, np.ndarray) and result.shape == expected.shape:
        if np.allclose(result, _reference_correlate_valid(image.astype(float), kernel[::-1, ::-1])):
            raise Wrong("your function flips the kernel: that is convolution. Use kernel[u, v] with image[i + u, j + v].")
        if result.dtype == np.uint8:
            raise Wrong(
                f"on a uint8 image your output has dtype uint8, so negative sums wrap around (-1 becomes 255). "
                "Create the output with np.zeros(shape) (float), not np.zeros_like(image)."
            )
    if isinstance(result, np.ndarray) and result.ndim == 2 and result.shape != expected.shape and kh != kw:
        turned = call(function, image.copy(), kernel.T.copy())  # a square-kernel bug uses shape[0] for both sides
        square = [(image.shape[0] - k + 1, image.shape[1] - k + 1) for k in (kh, kw)]
        if result.shape == square[0] and getattr(turned, "shape", None) == square[1]:
            raise Wrong(
                f"expected shape {expected.shape}, got {result.shape}: your code assumes a square kernel "
                "(it uses kernel.shape[0] for both sides). Use kh, kw = kernel.shape."
            )
    if isinstance(result, np.ndarray) and result.ndim == 2:
        rows_short = result.shape[0] == expected.shape[0] - 1
        cols_short = result.shape[1] == expected.shape[1] - 1
        if rows_short or cols_short:
            missing = " and ".join(w for w, short in (("row", rows_short), ("column", cols_short)) if short)
            raise Wrong(
                f"expected shape {expected.shape}, got {result.shape}: your loops skip the last {missing}. "
                "An n-long input and a k-long kernel give n - k + 1 positions: range(n - k + 1)."
            )
    expect_array(result, expected, what)


def _test_correlate_valid(function):
    rng = np.random.default_rng(3)
    image = rng.integers(0, 10, size=(6, 7)).astype(float)
    kernel = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.0]])  # 3 x 2: not square, not symmetric
    _check_one_case(function, image, kernel, "my_correlate_valid(image, kernel) on a 6 x 7 image with a 3 x 2 kernel")
    photo = rng.integers(0, 256, size=(5, 5)).astype(np.uint8)  # like a real photo
    edge = np.array([[1.0, 0.0, -1.0]] * 3)
    _check_one_case(function, photo, edge, "my_correlate_valid(image, kernel) on a 5 x 5 uint8 image with a 3 x 3 kernel")


def _square_kernel_bug(image, kernel):
    k = kernel.shape[0]  # BUG: assumes kh == kw
    out = np.zeros((image.shape[0] - k + 1, image.shape[1] - k + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i : i + k, j : j + k][: kernel.shape[0], : kernel.shape[1]] * kernel)
    return out


def _zeros_like_bug(image, kernel):
    kh, kw = kernel.shape
    out = np.zeros_like(image)[: image.shape[0] - kh + 1, : image.shape[1] - kw + 1]  # BUG: the image's dtype
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i : i + kh, j : j + kw].astype(int) * kernel.astype(int))
    return out


q2 = Exercise(
    "Exercise 2 · Cross-correlation with loops",
    test=_test_correlate_valid,
    hint="""\
        The output has image.shape[0] - kh + 1 rows and image.shape[1] - kw + 1 columns.
        For each (i, j), take the window image[i:i + kh, j:j + kw], multiply it by the
        kernel and sum. Use kh, kw = kernel.shape: the checker's kernel is not square.""",
    solution="""\
        def my_correlate_valid(image, kernel):
            kh, kw = kernel.shape
            out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
            for i in range(out.shape[0]):
                for j in range(out.shape[1]):
                    out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
            return out""",
    reference=_reference_correlate_valid,
    wrong_answers=(
        lambda image, kernel: _reference_correlate_valid(image, kernel[::-1, ::-1]),  # convolution
        lambda image, kernel: _reference_correlate_valid(image, kernel)[:-1, :-1],  # skips last row and column
        lambda image, kernel: _reference_correlate_valid(image.T, kernel.T),  # rows and columns swapped
        _square_kernel_bug,
        _zeros_like_bug,
    ),
)


# ---- q3: a kernel that moves the image --------------------------------------------------

def _test_shift_right(kernel):
    kernel = np.asarray(kernel, dtype=float) if isinstance(kernel, (list, tuple)) else kernel
    if not isinstance(kernel, np.ndarray):
        raise Wrong(f"expected a 3 x 3 NumPy array, got {type(kernel).__name__}")
    if kernel.shape != (3, 3):
        raise Wrong(f"expected a 3 x 3 kernel, got shape {kernel.shape}")
    image = np.arange(1.0, 26.0).reshape(5, 5)
    expected = np.zeros_like(image)
    expected[:, 1:] = image[:, :-1]  # out[i, j] = image[i, j - 1]
    result = correlate2d(image, kernel)
    if np.allclose(result[:, :-1], image[:, 1:]):
        raise Wrong(
            "this kernel moves the image LEFT: output[i, j] reads image[i, j + 1]. "
            "In cross-correlation, weight kernel[u, v] multiplies image[i + u - 1, j + v - 1]."
        )
    if np.allclose(result, image):
        raise Wrong("this kernel leaves the image where it is (it is the identity kernel).")
    expect_array(result, expected, "correlate2d(image, kernel) on a 5 x 5 test image")


q3 = Exercise(
    "Exercise 3 · A kernel that moves the image one pixel right",
    test=_test_shift_right,
    hint="""\
        You want output[i, j] = image[i, j - 1]. With padding="same", weight shift_right[u, v]
        multiplies image[i + u - 1, j + v - 1]. Which (u, v) gives column j - 1 in row i?
        Put a 1 there and zeros everywhere else.""",
    solution="""\
        shift_right = np.array([[0, 0, 0],
                                [1, 0, 0],
                                [0, 0, 0]])   # u = 1, v = 0 reads image[i, j - 1]""",
    reference=np.array([[0, 0, 0], [1, 0, 0], [0, 0, 0]]),
    wrong_answers=(
        np.array([[0, 0, 0], [0, 0, 1], [0, 0, 0]]),  # the convolution answer: moves left
        np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),  # identity
        np.array([[0, 1, 0], [0, 0, 0], [0, 0, 0]]),  # moves down
    ),
)


# ---- q4: from float results to a displayable uint8 image -----------------------------------

def _reference_to_uint8(result):
    return np.clip(np.round(result), 0, 255).astype(np.uint8)


def _test_to_uint8(function):
    values = np.array([[-37.0, 0.0, 12.4, 12.6], [254.7, 255.0, 300.0, 128.3]])  # no .5 ties: any rounding rule
    got = call(function, values.copy())
    expected = _reference_to_uint8(values)
    if isinstance(got, np.ndarray) and got.shape == values.shape and got.dtype == np.uint8:
        if got[0, 0] == 219 or got[1, 2] == 44:
            raise Wrong(
                "-37 became 219 or 300 became 44: the values wrapped around. "
                "Clip to 0..255 before converting to uint8."
            )
        if got[1, 0] == 254:
            raise Wrong("254.7 became 254: astype(np.uint8) cuts the fraction off. Round first with np.round.")
    expect_array(got, expected, "to_uint8(values)", dtype=np.uint8)


q4 = Exercise(
    "Exercise 4 · Float results back to uint8",
    test=_test_to_uint8,
    hint="""\
        Three steps: round to the nearest whole number (np.round), clip into 0..255
        (np.clip), then convert with .astype(np.uint8). Converting first wraps around.""",
    solution="""\
        def to_uint8(result):
            return np.clip(np.round(result), 0, 255).astype(np.uint8)""",
    reference=_reference_to_uint8,
    wrong_answers=(
        lambda result: result.astype(np.int64).astype(np.uint8),  # wraps around
        lambda result: np.clip(result, 0, 255).astype(np.uint8),  # truncates instead of rounding
        lambda result: np.clip(np.round(result), 0, 255),  # still float
        lambda result: np.clip(result, 0, 255).round().astype(np.int64),  # int64, not uint8
        lambda result: ((result - result.min()) / (result.max() - result.min()) * 255).astype(np.uint8),  # rescales
    ),
)
