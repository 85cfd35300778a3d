"""Exercises of lesson 05 · Pooling."""

from __future__ import annotations

import numpy as np

from helpers.exercises.core import Exercise, Wrong, call, expect_array, expect_equal

#: The matrix of exercise 1 (the notebook shows it).
MATRIX = np.array([
    [1, 0, 2, 3],
    [4, 6, 5, 1],
    [3, 1, 1, 0],
    [1, 2, 2, 9],
])


def _expect_values(got, expected: np.ndarray, what: str) -> None:
    """Like ``expect_array``, but names the differing values as plain numbers (6, not np.int64(6))."""
    if isinstance(got, np.ndarray) and got.shape == expected.shape and got.dtype.kind in "biuf":
        differ = np.argwhere(~np.isclose(got.astype(np.float64), expected.astype(np.float64), atol=1e-6))
        if len(differ):
            index = tuple(int(i) for i in differ[0])
            raise Wrong(
                f"{what}: values differ at {len(differ)} of {expected.size} positions; "
                f"first at index {index}: expected {expected[index].item()}, got {got[index].item()}"
            )
        return
    expect_array(got, expected, what)  # wrong type or shape: its message says which


def _reference_q1() -> np.ndarray:
    out = np.empty((2, 2), dtype=MATRIX.dtype)
    for i in range(2):
        for j in range(2):
            out[i, j] = MATRIX[i : i + 3, j : j + 3].max()
    return out


def _test_q1(answer):
    got = np.asarray(answer) if isinstance(answer, (list, tuple)) else answer
    expected = _reference_q1()
    if isinstance(got, np.ndarray) and got.shape == (1, 1):
        raise Wrong("a 3 x 3 window with stride 3 fits only once; here the stride is 1, so it fits 2 x 2 times.")
    if isinstance(got, np.ndarray) and got.shape == (2, 2) and np.array_equal(got, [[6, 5], [3, 9]]):
        raise Wrong("those are 2 x 2 windows with stride 2; here the windows are 3 x 3 and move by 1, so they overlap.")
    _expect_values(got, expected, "3 x 3 max pooling with stride 1")


q1 = Exercise(
    "Exercise 1 · Max pooling by hand",
    test=_test_q1,
    hint="""\
        A 3 x 3 window fits at rows 0-2 or 1-3 and at columns 0-2 or 1-3: four windows,
        so the answer is a 2 x 2 array. Write down the largest number in each.""",
    solution="""\
        answer = np.array([[6, 6],
                           [6, 9]])   # top-left window: rows 0-2, cols 0-2, max 6; and so on
        # or: answer = pooling.pool2d(ex.MATRIX, 3, stride=1)""",
    reference=_reference_q1(),
    wrong_answers=(
        np.array([[6]]),  # stride 3: one window
        np.array([[6, 5], [3, 9]]),  # 2 x 2 windows with stride 2
        np.array([[6, 6], [6, 6]]),  # missed the 9 in the last window
        [[6, 5], [6, 9]],
    ),
)


def _reference_q2(n, size, stride):
    return (n - size) // stride + 1


def _test_q2(function):
    # includes strides larger than the window (11, 2, 4) and (8, 1, 3): pixels are skipped
    cases = [(28, 2, 2), (5, 2, 2), (13, 3, 2), (7, 3, 1), (10, 4, 3), (4, 4, 1), (224, 3, 2), (11, 2, 4), (8, 1, 3)]
    for n, size, stride in cases:
        got = call(function, n, size, stride)
        if isinstance(got, float) and got != int(got):
            raise Wrong(
                f"your pooled_size({n}, {size}, {stride}) returned {got}: a number of windows is a whole number "
                "(use // for floor division)."
            )
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer, float)):
            raise Wrong(f"your pooled_size({n}, {size}, {stride}) should return a whole number, got {type(got).__name__}")
        expect_equal(int(got), _reference_q2(n, size, stride), f"your pooled_size({n}, {size}, {stride})")


q2 = Exercise(
    "Exercise 2 · The output-size formula",
    test=_test_q2,
    hint="""\
        The first window starts at 0, the last one must end by n, so it starts at most at
        n - size. Count the starts 0, stride, 2*stride, ... up to n - size. This holds
        even when the stride is larger than the window (some pixels are then skipped).""",
    solution="""\
        def pooled_size(n, size, stride):
            return (n - size) // stride + 1""",
    reference=_reference_q2,
    wrong_answers=(
        lambda n, size, stride: n // size,  # ignores the stride
        lambda n, size, stride: (n - size) / stride + 1,  # float, not floor
        lambda n, size, stride: -(-n // stride),  # "SAME" padding: counts partial windows
        lambda n, size, stride: (n - size) // stride,  # forgets the first window
        lambda n, size, stride: (n - stride) // stride + 1,  # stride in place of the window: wrong once they differ
    ),
)


def _reference_q3(x):
    h, w = x.shape
    return x[: h - h % 2, : w - w % 2].reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))


def _test_q3(function):
    rng = np.random.default_rng(3)
    for shape in [(4, 6), (6, 4), (7, 5)]:
        x = rng.integers(0, 10, size=shape).astype(float)
        _expect_values(call(function, x.copy()), _reference_q3(x), f"your avg_pool_2x2 of a {shape[0]} x {shape[1]} input")


q3 = Exercise(
    "Exercise 3 · Average pooling without loops",
    test=_test_q3,
    hint="""\
        Crop to even height and width first (VALID pooling drops the last odd row/column),
        then reshape (H, W) to (H/2, 2, W/2, 2): axes 1 and 3 run inside a window.
        Average over those two axes. Watch out: reshape(H/2, W/2, 2, 2) does NOT give windows.""",
    solution="""\
        def avg_pool_2x2(x):
            h, w = x.shape
            x = x[: h - h % 2, : w - w % 2]            # VALID: drop an odd last row/column
            return x.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))""",
    reference=_reference_q3,
    wrong_answers=(
        lambda x: x[: x.shape[0] // 2 * 2, : x.shape[1] // 2 * 2].reshape(x.shape[0] // 2, x.shape[1] // 2, 2, 2).mean(axis=(2, 3)),
        lambda x: x[: x.shape[0] // 2 * 2, : x.shape[1] // 2 * 2].reshape(x.shape[0] // 2, 2, x.shape[1] // 2, 2).max(axis=(1, 3)),
        lambda x: x.reshape(x.shape[0] // 2, 2, x.shape[1] // 2, 2).mean(axis=(1, 3)),  # fails on odd sizes
    ),
)
