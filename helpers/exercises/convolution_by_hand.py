"""Exercises of lesson 03 · Convolution by hand."""

from __future__ import annotations

import numpy as np

from helpers.convolution import correlate2d
from helpers.exercises.core import (
    Exercise,
    Wrong,
    call,
    choice_test,
    expect_array,
    expect_source_avoids,
)

# ---- q1: find a missing weight from one border pixel, with zero padding ------------------

#: The image and the kernel of exercise 1; the kernel's bottom-right weight is missing (NaN).
IMAGE = np.array([[4, 1, 0, 2],
                  [3, 5, 2, 1],
                  [0, 2, 6, 3],
                  [1, 0, 2, 4]])
KERNEL = np.array([[1.0, 0, 2],
                   [0, -1, 3],
                   [2, 1, np.nan]])
#: out[0, 0] of correlate2d(IMAGE, KERNEL with its missing weight filled in), padding="same".
TOP_LEFT = -8
_Q1_WEIGHT = -2


def _filled(weight, kernel=KERNEL) -> np.ndarray:
    return np.nan_to_num(kernel, nan=float(weight))


def _solve_for(out_00_of) -> float:
    """The weight w that makes the linear function ``out_00_of(w)`` equal TOP_LEFT."""
    at0, at1 = out_00_of(0.0), out_00_of(1.0)
    return (TOP_LEFT - at0) / (at1 - at0)


def _test_q1(answer):
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
        raise Wrong(f"write the weight as a number; got {answer!r}")
    answer = float(answer)
    if not np.isfinite(answer):
        raise Wrong("the weight must be a finite number (the nan only marks where it is missing)")
    if np.isclose(answer, _Q1_WEIGHT):
        return
    valid = _solve_for(lambda w: float(correlate2d(IMAGE, _filled(w), padding="valid")[0, 0]))
    if np.isclose(answer, valid):
        raise Wrong(
            f"{answer:g} makes the top-left pixel -8 without padding, with the kernel's top-left corner on "
            "image[0, 0]. With padding=\"same\" the kernel's centre sits on image[0, 0], so its top row and "
            "left column lie on zeros, and the missing corner weight lies on another pixel."
        )
    unsigned = _solve_for(lambda w: float(correlate2d(IMAGE, _filled(w, np.abs(KERNEL)))[0, 0]))
    if np.isclose(answer, unsigned):
        raise Wrong(f"{answer:g} ignores the minus sign of the weight -1: it subtracts its pixel.")
    known = float(correlate2d(IMAGE, _filled(0.0))[0, 0])  # the three known weights on real pixels
    if np.isclose(answer, TOP_LEFT - known):
        raise Wrong(
            f"{answer:g} is what the missing product must be, not the weight: that weight multiplies the "
            "pixel under it, so divide by that pixel."
        )
    got = float(correlate2d(IMAGE, _filled(answer))[0, 0])
    raise Wrong(
        f"with {answer:g} as the missing weight, out[0, 0] is {got:g}, not {TOP_LEFT}. Put the kernel's centre "
        "on image[0, 0] with zeros around the image: which weights lie on real pixels, and which pixel lies "
        "under the missing one?"
    )


q1 = Exercise(
    "Exercise 1 · A missing weight",
    test=_test_q1,
    hint="""\
        Put the kernel's centre on image[0, 0] and surround the image with zeros. Which
        of the nine weights lie on real pixels? Only those contribute to out[0, 0]. Add
        up the known products, then ask what the missing weight times its pixel must be.""",
    solution="""\
        answer = -2   # (-1)*4 + 3*1 + 1*3 + w*5 = 2 + 5w = -8, so w = -2""",
    reference=_Q1_WEIGHT,
    wrong_answers=(-2.5, -3.6, -10, 2, "-2"),
    explanation=(
        "With the kernel's centre on image[0, 0], only its bottom-right 2 x 2 weights lie on real pixels: "
        "(-1)*4 + 3*1 + 1*3 + w*5 = 2 + 5w = -8, so w = -2. The whole output with the weight filled in, "
        "out[0, 0] at the top left:\n"
        + np.array2string(correlate2d(IMAGE, _filled(_Q1_WEIGHT)).astype(int))
    ),
    level=1,
    kinds=("predict",),
)


# ---- q2: predict what a kernel does from its weights ------------------------------------------

#: The kernel of exercise 2 (not in the bank: it looks like a sharpener, but its weights sum to 0).
MYSTERY = np.array([[-1, -1, -1],
                    [-1, 8, -1],
                    [-1, -1, -1]])

_Q2_EXPLANATIONS = {
    "a": (
        "a blur averages: its weights are all at least 0 and sum to 1. Here eight weights are negative, "
        "and they sum with the centre to 8 - 8 = 0."
    ),
    "b": (
        "the heavy centre and the negative ring look like sharpen, but add the weights: 8 - 8 = 0, not 1. "
        "A sharpener keeps the grey of a flat region; this kernel turns it into 0."
    ),
    "c": "right.",
    "d": (
        "it does not invert: on a flat region what counts is the sum of the weights, 8 - 8 = 0, so every "
        "flat grey, bright or dark, becomes 0. Only where the neighbours differ from the centre is the "
        "output far from 0."
    ),
}

q2 = Exercise(
    "Exercise 2 · What will this kernel do?",
    test=choice_test("c", _Q2_EXPLANATIONS),
    hint="""\
        Do not judge by the shape of the kernel. Which single number, computed from
        the weights, did the lesson use to sort kernels into blurs, sharpeners and edge
        detectors? Work it out here, then ask what the kernel gives on a flat region.""",
    solution="""\
        answer = "c"   # the weights sum to 8 - 8 = 0: flat regions give 0, edges give signed values""",
    reference="c",
    wrong_answers=("a", "b", "d", 3),
    explanation="""\
        The weights sum to 8 - 8 = 0, so flat regions give 0, whatever their grey: an edge detector.
        It compares each pixel with all eight neighbours, so edges in every direction respond, with
        a sign: positive on the bright side of an edge, negative on the dark side. It looks like
        `sharpen`, but `sharpen` sums to 1: `sharpen` is an edge detector plus the identity.""",
    level=1,
    kinds=("predict", "concept"),
)


# ---- q3: a kernel that moves the image ---------------------------------------------------------

_Q3_IMAGE = np.arange(1.0, 43.0).reshape(6, 7)


def _shifted(image: np.ndarray, down: int, right: int) -> np.ndarray:
    """``out[i, j] = image[i - down, j - right]``, zeros where that falls outside."""
    out = np.zeros_like(image)
    h, w = image.shape
    rows_to = slice(max(down, 0), h + min(down, 0))
    rows_from = slice(max(-down, 0), h - max(down, 0))
    cols_to = slice(max(right, 0), w + min(right, 0))
    cols_from = slice(max(-right, 0), w - max(right, 0))
    out[rows_to, cols_to] = image[rows_from, cols_from]
    return out


def _describe_shift(down: int, right: int) -> str:
    parts = []
    if right:
        parts.append(f"{abs(right)} pixel{'s' if abs(right) > 1 else ''} to the {'right' if right > 0 else 'left'}")
    if down:
        parts.append(f"{abs(down)} pixel{'s' if abs(down) > 1 else ''} {'down' if down > 0 else 'up'}")
    return " and ".join(parts) if parts else "nowhere (the image stays where it is)"


def _test_q3(kernel):
    if isinstance(kernel, (list, tuple)):
        kernel = np.asarray(kernel, dtype=float)
    if not isinstance(kernel, np.ndarray):
        raise Wrong(f"expected a NumPy array, got {type(kernel).__name__}")
    if kernel.ndim != 2:
        raise Wrong(f"expected a 2-D kernel (rows, columns), got shape {kernel.shape}")
    try:
        result = correlate2d(_Q3_IMAGE, kernel)
    except (TypeError, ValueError) as exc:
        raise Wrong(f"correlate2d refused this kernel: {exc}") from None
    expected = _shifted(_Q3_IMAGE, 0, 2)
    if np.allclose(result, expected):
        return
    for down in range(-3, 4):
        for right in range(-3, 4):
            if np.allclose(result, _shifted(_Q3_IMAGE, down, right)):
                extra = ""
                if right == -2 and down == 0:
                    extra = (" You put the 1 right of the centre, where convolution (which turns the kernel) would need it."
                             " In cross-correlation a weight left of the centre reads the pixel left of image[i, j],"
                             " and out[i, j] must read image[i, j - 2].")
                elif right == 1 and down == 0:
                    extra = " The 1 must sit two columns left of the kernel's centre, so the kernel needs at least 5 columns."
                raise Wrong(f"your kernel moves the image {_describe_shift(down, right)}, not 2 pixels to the right.{extra}")
    expect_array(result, expected, f"correlate2d(image, shift_kernel) on a {_Q3_IMAGE.shape[0]} x {_Q3_IMAGE.shape[1]} test image")


_Q3_REFERENCE = np.zeros((5, 5))
_Q3_REFERENCE[2, 0] = 1

q3 = Exercise(
    "Exercise 3 · A kernel that moves the image",
    test=_test_q3,
    hint="""\
        You want out[i, j] = image[i, j - 2]: each output pixel copies the pixel two columns
        to its left. With padding="same" and an odd kernel, the kernel's centre sits on
        image[i, j]. Which weight lies on image[i, j - 2]? How wide must the kernel be for
        such a weight to exist? And what must the other weights be, so that no other
        pixel leaks into the output?""",
    solution="""\
        shift_kernel = np.zeros((5, 5))
        shift_kernel[2, 0] = 1   # centre row, two columns left of the centre (2, 2): reads image[i, j - 2]""",
    reference=_Q3_REFERENCE,
    wrong_answers=(
        np.pad([[0.0, 0, 0, 0, 1]], ((2, 2), (0, 0))),  # the convolution answer: moves left
        np.array([[0, 0, 0], [1, 0, 0], [0, 0, 0]]),  # moves right by one pixel only
        np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),  # identity
        np.pad([[1.0, 0, 0, 0, 0]], ((0, 4), (0, 0))),  # also moves down by two
        np.zeros(5),  # not 2-D
    ),
    level=2,
    kinds=("code",),
)


# ---- q4: a separable filter --------------------------------------------------------------------------

def _reference_blur_separable(image, weights):
    weights = np.asarray(weights, dtype=float)
    rows = correlate2d(image, weights.reshape(1, -1))   # along each row
    return correlate2d(rows, weights.reshape(-1, 1))    # then along each column


class _KernelSpy:
    """Stands in for ``correlate2d`` while the learner's function runs; records the kernel shapes used."""

    def __init__(self, real):
        self.real = real
        self.shapes = []

    def __call__(self, image, kernel, *args, **kwargs):
        self.shapes.append(np.shape(kernel))
        return self.real(image, kernel, *args, **kwargs)


_Q4_CASES = (
    ("the binomial weights [1, 4, 6, 4, 1] / 16", np.array([1.0, 4, 6, 4, 1]) / 16),
    ("the lopsided blur weights [0.5, 0.3, 0.2]", np.array([0.5, 0.3, 0.2])),
)


def _test_q4(function):
    import helpers.convolution as convolution_module

    expect_source_avoids(function, names=("outer",), why="Build no k x k kernel: two 1-D passes do the job.")
    image = np.random.default_rng(4).integers(0, 256, size=(7, 9)).astype(float)
    spy = _KernelSpy(correlate2d)
    # the spy replaces correlate2d under every global name of the learner's (an import renamed
    # with `as` too) and in helpers.convolution, for calls through the module
    names = getattr(function, "__globals__", {})
    aliases = [name for name, value in list(names.items()) if value is correlate2d]
    for what, weights in _Q4_CASES:
        expected = correlate2d(image, np.outer(weights, weights))
        spy.shapes.clear()
        for name in aliases:
            names[name] = spy
        convolution_module.correlate2d = spy  # also catches helpers.convolution.correlate2d(...)
        try:
            got = call(function, image.copy(), weights.copy())
        finally:
            for name in aliases:
                names[name] = correlate2d
            convolution_module.correlate2d = correlate2d
        k = weights.size
        if (k, k) in spy.shapes:
            raise Wrong(
                f"your function correlates with a {k} x {k} kernel: that is the slow way, k * k = {k * k} "
                f"multiplications per pixel. Use two passes, a 1 x {k} kernel and a {k} x 1 kernel."
            )
        if isinstance(got, np.ndarray) and got.shape != expected.shape:
            raise Wrong(
                f"your result has shape {got.shape}, the image {image.shape}: keep padding=\"same\" (the default "
                "of correlate2d) in both passes, so that each pass keeps the size."
            )
        if isinstance(got, np.ndarray) and got.shape == expected.shape and not np.allclose(got, expected):
            row = weights.reshape(1, -1)
            if np.allclose(got, correlate2d(correlate2d(image, row), row)):
                raise Wrong(
                    "both passes run along the rows (two 1 x k kernels), so the columns are never blurred. "
                    "The second pass needs the weights as a column, a k x 1 kernel."
                )
            if np.allclose(got, correlate2d(image, np.outer(weights[::-1], weights[::-1]))):
                raise Wrong(
                    "the result is mirrored: you reversed the weights (that is convolution). "
                    "Cross-correlation uses them in the order given."
                )
        expect_array(got, expected, f"the result of blur_separable(image, weights) with {what}, on a 7 x 9 image")


def _outer_2d(image, weights):
    return correlate2d(image, np.outer(weights, weights))


def _big_kernel_by_product(image, weights):
    weights = np.asarray(weights, dtype=float)
    return correlate2d(image, weights[:, None] * weights[None, :])


_renamed_correlate2d = correlate2d  # like `from helpers.convolution import correlate2d as c`


def _big_kernel_renamed(image, weights):
    weights = np.asarray(weights, dtype=float)
    return _renamed_correlate2d(image, weights[:, None] * weights[None, :])


def _big_kernel_through_module(image, weights):
    import helpers.convolution

    weights = np.asarray(weights, dtype=float)
    return helpers.convolution.correlate2d(image, weights[:, None] * weights[None, :])


def _rows_twice(image, weights):
    row = np.asarray(weights, dtype=float).reshape(1, -1)
    return correlate2d(correlate2d(image, row), row)


def _reversed_weights(image, weights):
    return _reference_blur_separable(image, np.asarray(weights)[::-1])


def _valid_padding(image, weights):
    weights = np.asarray(weights, dtype=float)
    rows = correlate2d(image, weights.reshape(1, -1), padding="valid")
    return correlate2d(rows, weights.reshape(-1, 1), padding="valid")


def _one_d_kernel(image, weights):
    return correlate2d(correlate2d(image, weights), weights)  # correlate2d refuses a 1-D kernel


q4 = Exercise(
    "Exercise 4 · A separable filter",
    test=_test_q4,
    hint="""\
        The k x k kernel mixes pixels across rows and columns at once: could you split
        that into two passes, each mixing pixels in one direction only? Which kernel
        shapes do that, and what should the second pass filter? To turn a 1-D array into
        a 2-D kernel, look up np.newaxis (or reshape) in NumPy's indexing guide.""",
    solution="""\
        def blur_separable(image, weights):
            weights = np.asarray(weights, dtype=float)
            rows = correlate2d(image, weights.reshape(1, -1))   # a 1 x k kernel: along each row
            return correlate2d(rows, weights.reshape(-1, 1))    # a k x 1 kernel: along each column""",
    reference=_reference_blur_separable,
    wrong_answers=(_outer_2d, _big_kernel_by_product, _big_kernel_renamed, _big_kernel_through_module, _rows_twice,
                   _reversed_weights, _valid_padding, _one_d_kernel),
    explanation="""\
        Two passes, a 1 x k kernel along the rows and a k x 1 kernel along the columns, cost
        k + k multiplications per pixel instead of k * k: 14 instead of 49 for the 7 x 7 box.""",
    level=3,
    kinds=("code", "beyond"),
)
