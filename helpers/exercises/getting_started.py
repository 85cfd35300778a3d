"""Exercises of lesson 00 · Getting started."""

from __future__ import annotations

import numpy as np

from helpers.exercises.core import Exercise, Wrong, call, expect_array, expect_equal


def _test_pixel_count(answer):
    if not isinstance(answer, (int, np.integer)) or isinstance(answer, bool):
        raise Wrong(f"expected a whole number, got {type(answer).__name__} {answer!r}")
    if answer == 28:
        raise Wrong("28 is the number of pixels in one row; the image has 28 rows of them.")
    expect_equal(answer, 28 * 28, "the number of pixels")


q1 = Exercise(
    "Exercise 1 · Count the pixels",
    test=_test_pixel_count,
    hint="An MNIST image is a grid: 28 rows, each holding 28 pixels. `image.size` would tell you too.",
    solution="answer = 28 * 28   # 784 pixels, one number each",
    reference=784,
    wrong_answers=(28, 56, 784.5),
)


def _reference_to_unit_range(image):
    return image.astype(np.float32) / 255


def _test_to_unit_range(function):
    image = np.array([[0, 51, 255], [128, 7, 200]], dtype=np.uint8)
    result = call(function, image)
    expect_array(result, image.astype(np.float32) / 255, "to_unit_range(image)", dtype=np.float32)
    if image.dtype != np.uint8 or image[0, 2] != 255:
        raise Wrong("your function changed its input image in place; return a new array instead.")


q2 = Exercise(
    "Exercise 2 · Pixels from 0..255 to 0..1",
    test=_test_to_unit_range,
    hint="""\
        Convert the type first with `.astype(np.float32)`, then divide by 255.
        Dividing first works too, but gives float64 (twice the memory).""",
    solution="""\
        def to_unit_range(image):
            return image.astype(np.float32) / 255""",
    reference=_reference_to_unit_range,
    wrong_answers=(
        lambda image: image / 255,  # float64
        lambda image: image // 255,  # integer division: everything becomes 0 or 1
        lambda image: image.astype(np.float32) / 256,
    ),
)
