"""Exercises of lesson 10 · What the CNN learned."""

from __future__ import annotations

import numpy as np

from helpers.exercises.core import Exercise, Wrong, call, expect_array, expect_equal


def _reference_top_k(scores, k):
    return np.argsort(-np.asarray(scores), kind="stable")[:k]


def _test_top_k(function):
    scores = np.array([0.3, 2.5, -1.0, 7.0, 0.9, 2.4])
    got = call(function, scores.copy(), 3)
    got_array = np.asarray(got)
    if got_array.shape == (3,) and np.allclose(got_array, np.sort(scores)[::-1][:3]):
        raise Wrong("you returned the largest *values*; return their *indices* (positions), e.g. with np.argsort.")
    if got_array.shape == (3,) and np.array_equal(got_array, np.argsort(scores)[:3]):
        raise Wrong("these are the indices of the 3 *smallest* values: np.argsort sorts ascending.")
    if got_array.shape == (3,) and np.array_equal(got_array, np.argsort(scores)[-3:]):
        raise Wrong("right indices, wrong order: the largest value must come first.")
    expect_array(got_array, _reference_top_k(scores, 3), "top_k(scores, 3)")
    expect_array(np.asarray(call(function, scores.copy(), 1)), np.array([3]), "top_k(scores, 1)")


q1 = Exercise(
    "Exercise 1 · The k largest scores",
    test=_test_top_k,
    hint="""\
        np.argsort(a) gives the indices that sort a in *ascending* order.
        Sort -a instead (or reverse the result), then keep the first k.""",
    solution="""\
        def top_k(scores, k):
            return np.argsort(-scores)[:k]""",
    reference=_reference_top_k,
    wrong_answers=(
        lambda scores, k: np.sort(scores)[::-1][:k],
        lambda scores, k: np.argsort(scores)[:k],
        lambda scores, k: np.argsort(scores)[-k:],
    ),
)


def _reference_occlude(image, y, x, size):
    out = np.array(image, copy=True)
    out[y:y + size, x:x + size] = 0
    return out


def _in_place_occlude(image, y, x, size):
    image[y:y + size, x:x + size] = 0
    return image


def _test_occlude(function):
    image = np.arange(1, 37, dtype=np.float32).reshape(6, 6)
    original = image.copy()
    got = call(function, image, 1, 2, 3)
    if not np.array_equal(image, original):
        raise Wrong("your function changed the original image; copy it first (image.copy()) and change the copy.")
    if isinstance(got, np.ndarray) and got.shape == image.shape and np.array_equal(got, _reference_occlude(original, 2, 1, 3)):
        raise Wrong("y is the row (first index) and x the column (second index); you swapped them.")
    expect_array(got, _reference_occlude(original, 1, 2, 3), "occlude(image, 1, 2, 3)")
    expect_array(call(function, original.copy(), 4, 4, 3), _reference_occlude(original, 4, 4, 3),
                 "occlude(image, 4, 4, 3) (the square runs over the border)")


q2 = Exercise(
    "Exercise 2 · Cover a square",
    test=_test_occlude,
    hint="""\
        out = image.copy(), then set the slice out[y:y + size, x:x + size] to 0 and return out.
        Slices past the border simply stop at the edge.""",
    solution="""\
        def occlude(image, y, x, size):
            out = image.copy()
            out[y:y + size, x:x + size] = 0
            return out""",
    reference=_reference_occlude,
    wrong_answers=(
        _in_place_occlude,
        lambda image, y, x, size: _reference_occlude(image, x, y, size),
        lambda image, y, x, size: _reference_occlude(image, y, x, size - 1),
    ),
)


def _test_filter_weights(answer):
    if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)):
        raise Wrong(f"expected a whole number, got {type(answer).__name__} {answer!r}")
    if answer == 9:
        raise Wrong("a conv2 filter sees all 24 channels of conv1's output (after pooling), "
                    "so it has a 3 x 3 grid of weights per input channel.")
    if answer == 3 * 3 * 48:
        raise Wrong("48 is the number of conv2's filters (its *output* channels); "
                    "one filter reads the 24 channels coming *in*.")
    if answer == 3 * 3 * 24 * 48:
        raise Wrong("that is all of conv2's weights; the question asks for one filter.")
    expect_equal(answer, 3 * 3 * 24, "weights of one conv2 filter")


q3 = Exercise(
    "Exercise 3 · The size of a deeper filter",
    test=_test_filter_weights,
    hint="A filter spans the full depth of its input: kernel height x kernel width x input channels.",
    solution="answer = 3 * 3 * 24   # 216 weights: why a conv2 filter is not one picture you can draw",
    reference=3 * 3 * 24,
    wrong_answers=(9, 3 * 3 * 48, 3 * 3 * 24 * 48),
)
