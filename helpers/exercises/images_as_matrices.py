"""Exercises of lesson 01 · Images as matrices."""

from __future__ import annotations

import numpy as np

from helpers.exercises.core import Exercise, Wrong, call, expect_array, expect_equal

# A pixel whose green value differs from its red and blue, from its 8 neighbours and from
# every channel of the transposed pixel (row 180, column 120), so each typical slip is caught.
_ROW, _COL = 120, 180


def _astronaut() -> np.ndarray:
    from skimage import data

    return data.astronaut()


def _test_green_value(answer):
    image = _astronaut()
    if isinstance(answer, np.ndarray) and answer.shape == (3,):
        raise Wrong(f"that is the whole pixel {answer.tolist()} (R, G, B); pick only its green channel.")
    if isinstance(answer, np.ndarray) and answer.ndim == 0:
        answer = answer[()]  # a 0-d array holds one number: accept it as that number
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
        raise Wrong(f"expected one whole number 0..255, got {type(answer).__name__} {answer!r}")
    if float(answer) != round(float(answer)):
        raise Wrong(f"pixel values of a uint8 image are whole numbers, got {answer!r}")
    value = int(answer)
    expected = int(image[_ROW, _COL, 1])
    if value != expected:
        if value == image[_COL, _ROW, 1]:
            raise Wrong(f"you read row {_COL}, column {_ROW}: NumPy indexes rows first, image[row, column, channel].")
        if value in (image[_ROW, _COL, 0], image[_ROW, _COL, 2]):
            raise Wrong("that is another channel of the right pixel; channels are ordered R, G, B (0, 1, 2).")
        neighbours = image[_ROW - 1:_ROW + 2, _COL - 1:_COL + 2, 1]
        if value in neighbours:
            raise Wrong("that is the green value of a neighbouring pixel: rows and columns count from 0.")
    expect_equal(value, expected, "the green value")


q1 = Exercise(
    "Exercise 1 · Read one pixel",
    test=_test_green_value,
    hint="Index as image[row, column, channel]; green is channel 1 (R = 0, G = 1, B = 2).",
    solution="answer = astronaut[120, 180, 1]",
    reference=np.uint8(168),
    wrong_answers=(
        np.uint8(198),  # red channel of the right pixel
        np.uint8(int(_astronaut()[_COL, _ROW, 1])),  # row and column swapped
        np.array([198, 168, 142], np.uint8),  # the whole pixel
        167.5,
    ),
)


def _reference_brighten(image, amount):
    return np.clip(image.astype(np.int16) + amount, 0, 255).astype(np.uint8)


def _test_brighten(function):
    image = np.array([[0, 100, 155], [156, 200, 255]], dtype=np.uint8)
    original = image.copy()
    result = call(function, image, 100)
    if isinstance(result, np.ndarray) and result.shape == image.shape and result.dtype != np.uint8:
        raise Wrong(f"brighten must return a uint8 image like its input, got dtype {result.dtype}")
    expected = _reference_brighten(original, 100)
    if isinstance(result, np.ndarray) and result.shape == image.shape and np.array_equal(result, original + np.uint8(100)):
        raise Wrong(
            "the bright pixels wrapped around (200 + 100 gave 44): the sum overflowed uint8 before you "
            "could clip it. Convert to a wider type (np.int16) first, add, clip, convert back."
        )
    expect_array(result, expected, "brighten(image, 100)", dtype=np.uint8)
    if not np.array_equal(image, original):
        raise Wrong("your function changed its input image in place; return a new array instead.")
    expect_array(call(function, original, 0), original, "brighten(image, 0)", dtype=np.uint8)


q2 = Exercise(
    "Exercise 2 · Brighten without wrapping around",
    test=_test_brighten,
    hint="""\
        In uint8, 200 + 100 is 44 before any np.clip can see it. Do the sum in a type that
        can hold 300: image.astype(np.int16) + amount, then clip to 0..255 and convert back.""",
    solution="""\
        def brighten(image, amount):
            return np.clip(image.astype(np.int16) + amount, 0, 255).astype(np.uint8)""",
    reference=_reference_brighten,
    wrong_answers=(
        lambda image, amount: image + amount,  # wraps around
        lambda image, amount: np.clip(image + amount, 0, 255),  # clips too late
        lambda image, amount: np.clip(image.astype(np.int16) + amount, 0, 255),  # int16, not uint8
        lambda image, amount: np.minimum(image.astype(float) + amount, 255),  # float result
    ),
)

_WEIGHTS = np.array([0.2125, 0.7154, 0.0721])


def _reference_to_gray(rgb):
    return rgb @ np.array([0.2125, 0.7154, 0.0721])


def _test_to_gray(function):
    rgb = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255]], [[255, 255, 255], [0, 0, 0], [30, 60, 90]]], np.uint8)
    result = call(function, rgb)
    expected = rgb.astype(np.float64) @ _WEIGHTS
    if isinstance(result, np.ndarray) and result.shape == expected.shape:
        if np.allclose(result, rgb.mean(axis=-1), atol=1e-6):
            raise Wrong("that is the plain mean of R, G, B: every primary colour came out as 85. Use the weights.")
        if np.allclose(result, rgb.astype(np.float64) @ _WEIGHTS[::-1], atol=1e-6):
            raise Wrong("the weights are in reverse order (B, G, R): in skimage the channels are R, G, B.")
        if np.allclose(result, expected / 255, atol=1e-6):
            raise Wrong("your values are in 0..1; this exercise asks for 0..255 (don't divide by 255).")
        if np.allclose(result, rgb.astype(np.float64) @ np.array([0.2126, 0.7152, 0.0722]), atol=1e-6):
            raise Wrong(
                "those are the exact BT.709 weights 0.2126, 0.7152, 0.0722: right idea, but rgb2gray (and this "
                "exercise) uses scikit-image's rounding 0.2125, 0.7154, 0.0721."
            )
        if np.allclose(result, rgb.astype(np.float64) @ np.array([0.299, 0.587, 0.114]), atol=1e-6):
            raise Wrong(
                "those are the BT.601 weights 0.299, 0.587, 0.114 (older TV standard, used by OpenCV and Pillow); "
                "this exercise asks for BT.709 as in rgb2gray: 0.2125, 0.7154, 0.0721."
            )
    expect_array(result, expected, "to_gray(rgb)", atol=1e-6)


q3 = Exercise(
    "Exercise 3 · Luminance by hand",
    test=_test_to_gray,
    hint="""\
        Multiply each channel by its weight and add: 0.2125 * R + 0.7154 * G + 0.0721 * B,
        with R = rgb[..., 0] and so on. `rgb @ weights` does all of it at once.""",
    solution="""\
        def to_gray(rgb):
            weights = np.array([0.2125, 0.7154, 0.0721])
            return rgb @ weights   # (H, W, 3) @ (3,) -> (H, W), float64 in 0..255""",
    reference=_reference_to_gray,
    wrong_answers=(
        lambda rgb: rgb.mean(axis=-1),
        lambda rgb: rgb @ np.array([0.0721, 0.7154, 0.2125]),
        lambda rgb: rgb @ np.array([0.2125, 0.7154, 0.0721]) / 255,
        lambda rgb: (rgb @ np.array([0.2125, 0.7154, 0.0721])).astype(np.uint8),
        lambda rgb: rgb @ np.array([0.2126, 0.7152, 0.0722]),  # exact BT.709
        lambda rgb: rgb @ np.array([0.299, 0.587, 0.114]),  # BT.601
    ),
)
