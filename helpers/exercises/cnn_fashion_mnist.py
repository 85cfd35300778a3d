"""Exercises of lesson 09 · CNN vs dense network on Fashion-MNIST."""

from __future__ import annotations

import numpy as np

from helpers.datasets import FASHION_MNIST_CLASSES
from helpers.exercises.core import Exercise, Wrong, call, expect_array

#: A confusion matrix of the kind the lesson's CNN produces (used when none is passed).
EXAMPLE_CM = np.array(
    [
        [870, 0, 15, 12, 3, 1, 93, 0, 6, 0],
        [1, 985, 0, 9, 2, 0, 2, 0, 1, 0],
        [17, 1, 880, 8, 45, 0, 48, 0, 1, 0],
        [12, 3, 9, 929, 24, 0, 22, 0, 1, 0],
        [1, 1, 48, 21, 889, 0, 39, 0, 1, 0],
        [0, 0, 0, 0, 0, 983, 0, 12, 0, 5],
        [98, 1, 54, 20, 62, 0, 757, 0, 8, 0],
        [0, 0, 0, 0, 0, 6, 0, 979, 0, 15],
        [3, 0, 2, 2, 1, 1, 3, 2, 986, 0],
        [0, 0, 0, 0, 0, 4, 1, 33, 0, 962],
    ]
)


class _HardestClass(Exercise):
    """The checker needs the learner's confusion matrix: ``check(answer, cm=cm)``."""

    _cm = EXAMPLE_CM

    def evaluate(self, answer=..., cm=None):
        if cm is not None:
            self._cm = np.asarray(cm)
        return super().evaluate(answer)

    def check(self, answer=..., cm=None):
        if cm is not None:
            self._cm = np.asarray(cm)
        super().check(answer)


def _recall(cm):
    cm = np.asarray(cm, dtype=float)
    return np.diag(cm) / cm.sum(axis=1)


def _test_hardest_class(answer):
    cm = q1._cm
    if isinstance(answer, (int, np.integer)) and not isinstance(answer, bool):
        raise Wrong(f"answer with the class name, e.g. class_names[{int(answer)}] = {FASHION_MNIST_CLASSES[int(answer) % 10]!r}")
    if not isinstance(answer, str):
        raise Wrong(f"expected a class name (a string), got {type(answer).__name__} {answer!r}")
    if answer not in FASHION_MNIST_CLASSES:
        raise Wrong(f"{answer!r} is not one of the class names {list(FASHION_MNIST_CLASSES)}")
    expected = FASHION_MNIST_CLASSES[int(np.argmin(_recall(cm)))]
    fewest_predicted = FASHION_MNIST_CLASSES[int(np.argmin(np.diag(cm) / np.asarray(cm).sum(axis=0)))]
    if answer != expected and answer == fewest_predicted:
        raise Wrong("that class has the lowest *precision* (column): recall looks along the row of the true class.")
    if answer != expected:
        raise Wrong(f"{answer!r} has recall {_recall(cm)[FASHION_MNIST_CLASSES.index(answer)]:.1%}; "
                    "another class has a lower one.")


q1 = _HardestClass(
    "Exercise 1 · The hardest class",
    test=_test_hardest_class,
    hint="""\
        Recall of class i = cm[i, i] / cm[i].sum() (row i holds the images whose true class is i).
        np.diag(cm) / cm.sum(axis=1) gives all ten at once; np.argmin finds the smallest.""",
    solution="answer = class_names[np.argmin(np.diag(cm) / cm.sum(axis=1))]   # 'Shirt'",
    reference="Shirt",
    wrong_answers=("Coat", 6, "shirt"),
)


def _reference_shift_right(images, dx):
    images = np.asarray(images)
    out = np.zeros_like(images)
    out[:, :, dx:] = images[:, :, : images.shape[2] - dx]
    return out


def _wrong_shift_rows(images, dx):
    images = np.asarray(images)
    out = np.zeros_like(images)
    out[:, dx:, :] = images[:, : images.shape[1] - dx, :]
    return out


def _test_shift_right(function):
    images = np.arange(1, 2 * 3 * 5 + 1, dtype=np.uint8).reshape(2, 3, 5)
    for dx in (1, 3, 0):
        got = call(function, images.copy(), dx)
        if isinstance(got, np.ndarray) and got.shape == images.shape and dx and np.array_equal(got, np.roll(images, dx, axis=2)):
            raise Wrong("np.roll wraps the right edge around to the left; the uncovered columns must be 0.")
        if isinstance(got, np.ndarray) and got.shape == images.shape and dx and np.array_equal(got, _wrong_shift_rows(images, dx)):
            raise Wrong("you shifted along the rows (down); dx moves along the columns (the last axis).")
        expect_array(got, _reference_shift_right(images, dx), f"shift_right(images, {dx})", dtype=images.dtype)


q2 = Exercise(
    "Exercise 2 · Shift images to the right",
    test=_test_shift_right,
    hint="""\
        Start from out = np.zeros_like(images). Columns dx, dx+1, ... of the output receive
        columns 0, 1, ... of the input: out[:, :, dx:] = images[:, :, :W - dx].""",
    solution="""\
        def shift_right(images, dx):
            out = np.zeros_like(images)
            out[:, :, dx:] = images[:, :, :images.shape[2] - dx]
            return out""",
    reference=_reference_shift_right,
    wrong_answers=(
        lambda images, dx: np.roll(images, dx, axis=2),
        _wrong_shift_rows,
        lambda images, dx: np.roll(images, dx, axis=2).astype(np.float64),
    ),
)
