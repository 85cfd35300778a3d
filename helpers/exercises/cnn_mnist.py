"""Exercises of lesson 08 · A CNN for handwritten digits."""

from __future__ import annotations

import numpy as np

from helpers.exercises.core import Exercise, Wrong, call, expect_array, expect_equal


def _reference_conv_output_size(n, k, padding):
    if padding == "same":
        return n
    return n - k + 1


def _test_conv_output_size(function):
    for n, k, padding in [(28, 3, "valid"), (13, 3, "valid"), (28, 5, "valid"), (28, 3, "same"), (7, 5, "same")]:
        got = call(function, n, k, padding)
        expected = _reference_conv_output_size(n, k, padding)
        if padding == "valid" and got == n - k:
            raise Wrong(f"conv_output_size({n}, {k}, 'valid') gave {got}: off by one. "
                        f"A kernel of {k} fits at positions 0 .. n - k, that is n - k + 1 positions.")
        if padding == "valid" and got == n - k // 2:
            raise Wrong(f"conv_output_size({n}, {k}, 'valid') gave {got}: 'valid' loses k - 1 pixels per side "
                        f"length (k // 2 at each border), not k // 2 in total.")
        expect_equal(got, expected, f"conv_output_size({n}, {k}, {padding!r})")


q1 = Exercise(
    "Exercise 1 · Output size of a convolution",
    test=_test_conv_output_size,
    hint="""\
        "valid": the kernel must fit entirely inside the image. In a row of n pixels, a kernel of
        width k can start at positions 0, 1, ..., n - k. "same": the input is padded so the size stays.""",
    solution="""\
        def conv_output_size(n, k, padding):
            if padding == "same":
                return n
            return n - k + 1""",
    reference=_reference_conv_output_size,
    wrong_answers=(
        lambda n, k, padding: n - k,
        lambda n, k, padding: n - k // 2,
        lambda n, k, padding: n - k + 1,  # ignores "same"
    ),
)


def _test_conv_params(answer):
    if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)):
        raise Wrong(f"expected a whole number of parameters, got {type(answer).__name__} {answer!r}")
    if answer == 5 * 5 * 16 + 16:
        raise Wrong("each filter has a 5 x 5 weight grid *per input channel*: multiply by the 32 input channels too.")
    if answer == 5 * 5 * 32 * 16:
        raise Wrong("close: you counted the weights; each of the 16 filters also has one bias.")
    if answer == (5 * 5 + 1) * 32 * 16:
        raise Wrong("one bias per filter (16 in all), not one per filter and input channel.")
    expect_equal(answer, (5 * 5 * 32 + 1) * 16, "the number of parameters")


q2 = Exercise(
    "Exercise 2 · Parameters of a Conv2D layer",
    test=_test_conv_params,
    hint="(k * k * input channels + 1 bias) per filter, times the number of filters.",
    solution="answer = (5 * 5 * 32 + 1) * 16   # 12,816",
    reference=(5 * 5 * 32 + 1) * 16,
    wrong_answers=(5 * 5 * 16 + 16, 5 * 5 * 32 * 16, (5 * 5 + 1) * 32 * 16),
)


def _reference_one_hot(labels, num_classes):
    return np.eye(num_classes, dtype=np.float32)[np.asarray(labels)]


def _test_one_hot(function):
    labels = np.array([3, 0, 2, 2])
    result = call(function, labels, 4)
    expect_array(result, _reference_one_hot(labels, 4), "one_hot([3, 0, 2, 2], 4)", dtype=np.float32)
    result = call(function, np.array([1]), 10)
    expect_array(result, _reference_one_hot([1], 10), "one_hot([1], 10)", dtype=np.float32)


q3 = Exercise(
    "Exercise 3 · One-hot labels",
    test=_test_one_hot,
    hint="""\
        np.eye(num_classes) is a matrix whose row i is the one-hot vector of class i.
        Indexing it with an array of labels picks one row per label. Mind the dtype.""",
    solution="""\
        def one_hot(labels, num_classes):
            return np.eye(num_classes, dtype=np.float32)[labels]""",
    reference=_reference_one_hot,
    wrong_answers=(
        lambda labels, num_classes: np.eye(num_classes)[labels],  # float64
        lambda labels, num_classes: np.eye(num_classes, dtype=np.float32)[:, labels],  # columns
        lambda labels, num_classes: np.eye(len(labels), dtype=np.float32),  # wrong size
    ),
)
