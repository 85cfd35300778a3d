"""Exercises of lesson 02 · Histograms and equalization."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from helpers.exercises.core import Exercise, Wrong, call, expect_array, expect_number


@lru_cache(maxsize=1)
def _camera_counts() -> np.ndarray:
    from skimage import data

    counts = np.bincount(data.camera().ravel(), minlength=256)
    counts.flags.writeable = False  # shared by every check: nobody may change it
    return counts


def _test_dark_fraction(answer):
    counts = _camera_counts()
    total = counts.sum()
    if isinstance(answer, np.ndarray) and answer.size > 1:
        raise Wrong(f"expected one number, got an array of shape {answer.shape}; did you forget .sum()?")
    expected = counts[:50].sum() / total
    if isinstance(answer, (int, float, np.integer, np.floating)) and not isinstance(answer, bool):
        if np.isclose(answer, counts[:50].sum()):
            raise Wrong("that is the number of dark pixels; divide by the number of all pixels to get a fraction.")
        if np.isclose(answer, counts[:51].sum() / total):
            raise Wrong("that includes level 50; 'darker than 50' means levels 0 to 49, counts[:50].")
        if np.isclose(answer, 100 * expected):
            raise Wrong("that is a percentage; give the fraction, a number between 0 and 1.")
    expect_number(answer, expected, "the fraction of pixels below 50", rel=1e-9)


q1 = Exercise(
    "Exercise 1 · Read the histogram",
    test=_test_dark_fraction,
    hint="""\
        counts_bincount[v] is the number of pixels at level v, so counts_bincount[:50] are the
        levels 0..49. Add them up and divide by the number of pixels, camera.size.""",
    solution="answer = counts_bincount[:50].sum() / camera.size",
    reference=float(_camera_counts()[:50].sum() / 512**2),
    wrong_answers=(
        int(_camera_counts()[:50].sum()),
        float(_camera_counts()[:51].sum() / 512**2),
        float(100 * _camera_counts()[:50].sum() / 512**2),
        _camera_counts()[:50] / 512**2,
    ),
)


def _reference_lut(hist):
    cumulative = np.cumsum(np.asarray(hist, dtype=np.int64))
    n = cumulative[-1]
    c_min = cumulative[np.flatnonzero(cumulative)[0]]
    return np.clip(np.round(255 * (cumulative - c_min) / (n - c_min)), 0, 255).astype(np.uint8)


def _lut_test_histograms() -> list[np.ndarray]:
    # Seed 31: no entry of 255 (C(v) - C_min) / (1 - C_min) lies within 0.004 of a half, so
    # round-half-up, round-half-even and other correct formulas all give the same table.
    rng = np.random.default_rng(31)
    over = np.zeros(256, np.int64)
    over[150:256] = rng.integers(0, 400, 106)
    over[255] = 3000  # a clipped spike at the brightest level
    middle = np.zeros(256, np.int64)
    middle[60:190] = rng.integers(1, 50, 130)
    full = rng.integers(0, 1000, 256).astype(np.int64)
    return [middle, over, full]


def _test_lut(function):
    for hist in _lut_test_histograms():
        given = hist.copy()
        result = call(function, given)
        expected = _reference_lut(hist)
        if isinstance(result, np.ndarray) and result.shape == (256,):
            if result[255] == 0 and expected[255] == 255:
                raise Wrong(
                    "level 255 maps to 0: your cumulative sum stops one level early "
                    "(range(1, 255) instead of range(1, 256)?)."
                )
            textbook = np.round(255 * np.cumsum(hist) / hist.sum())
            if np.array_equal(result.astype(np.float64), textbook) and not np.array_equal(textbook, expected):
                raise Wrong(
                    "that is the textbook 255 * C(v), without subtracting C_min: the darkest level present "
                    f"maps to {int(textbook[np.flatnonzero(hist)[0]])}, not 0."
                )
            if result.dtype != np.uint8:
                raise Wrong(f"return the table as uint8 (it holds grey levels), got dtype {result.dtype}")
        expect_array(result, expected, "equalization_lut(hist)", dtype=np.uint8)
        if not np.array_equal(given, hist):
            raise Wrong("your function changed the histogram it was given; work on a copy.")


def _lut_stopping_early(hist):
    cumulative = np.zeros(256, np.int64)
    cumulative[0] = hist[0]
    for v in range(1, 255):  # the classic bug: never reaches 255
        cumulative[v] = cumulative[v - 1] + hist[v]
    n = np.sum(hist)
    c_min = cumulative[np.flatnonzero(hist)[0]]
    return np.clip(np.round(255 * (cumulative - c_min) / (n - c_min)), 0, 255).astype(np.uint8)


q2 = Exercise(
    "Exercise 2 · The lookup table",
    test=_test_lut,
    hint="""\
        cumulative = np.cumsum(hist) gives C(v) * N. The darkest level present is
        np.flatnonzero(hist)[0]; C_min * N is cumulative at that level. Then
        255 * (cumulative - c_min) / (n - c_min), np.round, np.clip to 0..255, .astype(np.uint8).""",
    solution="""\
        def equalization_lut(hist):
            cumulative = np.cumsum(hist)
            n = cumulative[-1]
            c_min = cumulative[np.flatnonzero(hist)[0]]
            lut = np.round(255 * (cumulative - c_min) / (n - c_min))
            return np.clip(lut, 0, 255).astype(np.uint8)""",
    reference=_reference_lut,
    wrong_answers=(
        lambda hist: np.round(255 * np.cumsum(hist) / np.sum(hist)).astype(np.uint8),  # no C_min
        _lut_stopping_early,
        lambda hist: np.clip(np.round(255 * (np.cumsum(hist) - np.cumsum(hist)[np.flatnonzero(hist)[0]])
                                      / (np.sum(hist) - np.cumsum(hist)[np.flatnonzero(hist)[0]])), 0, 255),  # float
        lambda hist: (255 * np.cumsum(hist) // np.sum(hist)).astype(np.uint8),  # floor, no C_min
    ),
)


def _reference_stretch(image):
    low, high = int(image.min()), int(image.max())
    return np.round((image.astype(np.float64) - low) * 255 / (high - low)).astype(np.uint8)


# Levels 100..157 (span 57) and 3..250 (span 247): no (v - low) * 255 / span is a tie at .5,
# so every correct formula rounds the same way, and truncating differs from rounding.
_STRETCH_IMAGE = np.array([[100, 111, 123], [131, 140, 157], [100, 129, 157]], dtype=np.uint8)
_STRETCH_SECOND = np.array([[3, 4], [5, 250]], dtype=np.uint8)


def _test_stretch(function):
    image = _STRETCH_IMAGE.copy()
    original = image.copy()
    result = call(function, image)
    expected = _reference_stretch(original)
    if isinstance(result, np.ndarray) and result.shape == image.shape:
        if result.dtype != np.uint8:
            raise Wrong(f"return a uint8 image, got dtype {result.dtype}")
        wrapped = ((original - original.min()) * np.uint8(255)) // (original.max() - original.min())
        if np.array_equal(result, wrapped.astype(np.uint8)) or int(result.max()) < 255:
            raise Wrong(
                f"the brightest pixel should become 255, got {int(result.max())}: was `image - low` multiplied "
                "by 255 while still uint8? It wraps around; convert to float (or int32) first."
            )
        truncated = ((original.astype(np.float64) - original.min()) * 255 / (int(original.max()) - int(original.min())))
        if np.array_equal(result, truncated.astype(np.uint8)) and not np.array_equal(result, expected):
            raise Wrong(
                "your values are truncated, not rounded (102.9 became 102): .astype(np.uint8) and "
                "skimage's rescale_intensity cut off the fraction. Apply np.round before converting."
            )
    expect_array(result, expected, "stretch(image)", dtype=np.uint8)
    if not np.array_equal(image, original):
        raise Wrong("your function changed its input image in place; return a new array instead.")
    second = _STRETCH_SECOND.copy()
    expect_array(call(function, second), _reference_stretch(second), "stretch(image) on levels 3..250", dtype=np.uint8)


q3 = Exercise(
    "Exercise 3 · Contrast stretch",
    test=_test_stretch,
    hint="""\
        low, high = image.min(), image.max(); the stretched value is (v - low) * 255 / (high - low).
        Do it in float64 (image.astype(np.float64)), then np.round and .astype(np.uint8).""",
    solution="""\
        def stretch(image):
            low, high = float(image.min()), float(image.max())
            out = (image.astype(np.float64) - low) * 255 / (high - low)
            return np.round(out).astype(np.uint8)""",
    reference=_reference_stretch,
    wrong_answers=(
        lambda image: ((image - image.min()) * np.uint8(255)) // (image.max() - image.min()),  # uint8 wrap
        lambda image: (image.astype(np.float64) - image.min()) * 255 / (image.max() - image.min()),  # float
        lambda image: (image.astype(np.float64) * 255 / image.max()).astype(np.uint8),  # ignores the minimum
        lambda image: ((image.astype(np.float64) - image.min()) * 255 / (image.max() - image.min())).astype(np.uint8),
    ),
)
