"""Exercises of lesson 02 · Histograms and equalization."""

from __future__ import annotations

import numpy as np

from helpers.exercises.core import (
    Exercise,
    Wrong,
    call,
    choice_test,
    expect_array,
    expect_source_avoids,
)

# ---- q1 · predict: equalize three levels by hand -------------------------------------------

# 16 pixels: 4 at level 10, 4 at level 20, 8 at level 30. C = 4/16, 8/16, 16/16, C_min = 4/16,
# so 10 -> 0, 20 -> 255 * (8/16 - 4/16) / (1 - 4/16) = 85, 30 -> 255.
_THREE_LEVELS_ANSWER = (0, 85, 255)
_THREE_LEVELS_MISTAKES = {
    (64, 128, 255): "that is 255 · C(v), the textbook form without C_min; `equalize` subtracts C_min, "
                    "so the darkest level present goes to 0.",
    (0, 128, 255): "that spaces the three levels evenly, as a linear stretch would. Equalization follows "
                   "the counts: level 20 has C = 8/16, only a third of the way from C_min = 4/16 to 1.",
    (0, 64, 191): "you subtracted C_min but did not divide by 1 - C_min: 255 · (C(v) - C_min) alone stops at "
                  "255 · 12/16 = 191, and the brightest level must reach 255.",
    (0, 64, 128): "that uses the share of pixels strictly below each level (0, 4/16, 8/16). C(v) counts the pixels "
                  "at or below v: C(10) = 4/16, C(20) = 8/16, C(30) = 16/16, so the brightest level reaches 255.",
}


def _test_three_levels(answer):
    if isinstance(answer, np.ndarray):
        answer = answer.tolist()
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        raise Wrong(f"give three numbers, (new_10, new_20, new_30), got {answer!r}")
    try:
        got = tuple(round(float(v)) for v in answer)
    except (TypeError, ValueError):
        raise Wrong(f"give three numbers, (new_10, new_20, new_30), got {answer!r}") from None
    if got in _THREE_LEVELS_MISTAKES:
        raise Wrong(_THREE_LEVELS_MISTAKES[got])
    if got != _THREE_LEVELS_ANSWER:
        wrong = [name for name, g, e in zip(("10", "20", "30"), got, _THREE_LEVELS_ANSWER) if g != e]
        which = wrong[0] if len(wrong) == 1 else ", ".join(wrong[:-1]) + " and " + wrong[-1]
        many = len(wrong) > 1
        raise Wrong(f"the new value{'s' if many else ''} of level{'s' if many else ''} {which} "
                    f"{'are' if many else 'is'} not right yet: compute C(v) for each level, then "
                    "255 · (C(v) - C_min) / (1 - C_min), rounded.")


q1 = Exercise(
    "Exercise 1 · Equalize three levels by hand",
    test=_test_three_levels,
    hint="""\
        First work out C(v) for each of the three levels: the fraction of the 16 pixels at or below v.
        Then use the lesson's formula; C_min is C at the darkest level present.""",
    solution="prediction = (0, 85, 255)",
    reference=_THREE_LEVELS_ANSWER,
    wrong_answers=tuple(_THREE_LEVELS_MISTAKES) + ((10, 20, 30), 85),
    level=1,
    kinds=("predict",),
    explanation="""\
        C_min = 4/16, so level 10 goes to 0 and 30 to 255; level 20 goes to 255 · (8/16 - 4/16) / (12/16) = 85.
        A linear stretch would put 20 at 128: equalization spaces the levels by their share of the pixels.""",
)


# ---- q3 · code: a linear stretch between two percentiles, clipped and rounded ----------------

def _reference_stretch(image, low_pct, high_pct):
    low, high = np.percentile(image, [low_pct, high_pct])
    out = (image.astype(np.float64) - low) * 255 / (high - low)
    return np.round(np.clip(out, 0, 255)).astype(np.uint8)


def _outlier_image() -> np.ndarray:
    # 121 pixels: six dark outliers 0..5, six bright ones 250..255, the rest 100..157. The 5th and
    # 95th percentiles fall exactly on sorted pixels 6 and 114 (100 and 157), so every way of
    # computing a percentile that a learner might pick gives the same two levels; span 57 gives
    # no rounding ties at .5, so truncating differs from rounding.
    rng = np.random.default_rng(5)
    middle = rng.integers(101, 157, 107)
    levels = np.concatenate([np.arange(6), [100], middle, [157], np.arange(250, 256)])
    return rng.permutation(levels).reshape(11, 11).astype(np.uint8)


_STRETCH_IMAGE = _outlier_image()
_STRETCH_PERCENTILES = (5, 95)
_STRETCH_SECOND = np.array([[3, 4], [5, 250]], dtype=np.uint8)  # with percentiles 0 and 100: min and max


def _test_stretch(function):
    expect_source_avoids(function, names=("rescale_intensity",),
                         why="Write the straight line yourself: (v - low) * 255 / (high - low).")
    image = _STRETCH_IMAGE.copy()
    original = image.copy()
    low_pct, high_pct = _STRETCH_PERCENTILES
    result = call(function, image, low_pct, high_pct)
    expected = _reference_stretch(original, low_pct, high_pct)
    if isinstance(result, np.ndarray) and result.shape == image.shape:
        if result.dtype != np.uint8:
            raise Wrong(f"return a uint8 image, got dtype {result.dtype}")
        if np.array_equal(result, original):
            raise Wrong("your result is the image unchanged. This image has pixels at 0 and at 255, so a line "
                        "from its darkest to its brightest level changes nothing: that is why this stretch "
                        "goes from the level at `low_pct` to the level at `high_pct` (np.percentile).")
        low, high = np.percentile(original, [low_pct, high_pct])
        if int(result[original == original.max()][0]) == 0 and int(result[original == original.min()][0]) == 255:
            raise Wrong("your result is upside down (the brightest pixel became 0): `low` must go to 0 and "
                        "`high` to 255.")
        below, above = original < low, original > high
        if not (np.all(result[below] == 0) and np.all(result[above] == 255)):
            k = np.flatnonzero((below & (result != 0)) | (above & (result != 255)))[0]
            v, got = int(original.flat[k]), int(result.flat[k])
            raise Wrong(
                f"level {v} lies {'below low' if v < low else 'above high'} = {low if v < low else high:g} and should "
                f"become {0 if v < low else 255}, but became {got}. The line gives it a value "
                f"{'below 0' if v < low else 'above 255'}, and .astype(np.uint8) wraps such a value around instead "
                "of stopping at the end (lesson 01's 200 + 100). Clip to 0..255 before converting."
            )
        exact = np.clip((original.astype(np.float64) - low) * 255 / (high - low), 0, 255)
        if np.array_equal(result, exact.astype(np.uint8)) and not np.array_equal(result, expected):
            raise Wrong("your values are truncated, not rounded: .astype(np.uint8) cuts off the fraction, so "
                        "102.9 becomes 102 instead of 103. Apply np.round before converting.")
    expect_array(result, expected, f"stretch(image, {low_pct}, {high_pct})", dtype=np.uint8)
    if not np.array_equal(image, original):
        raise Wrong("your function changed its input image in place; return a new array instead.")
    second = _STRETCH_SECOND.copy()
    expect_array(call(function, second, 0, 100), _reference_stretch(second, 0, 100),
                 "stretch(image, 0, 100) on levels 3..250", dtype=np.uint8)


def _stretch_without_clip(image, low_pct, high_pct):
    low, high = np.percentile(image, [low_pct, high_pct])
    return np.round((image - low) * 255 / (high - low)).astype(np.uint8)


def _stretch_min_max(image, low_pct, high_pct):
    low, high = float(image.min()), float(image.max())
    return np.round((image - low) * 255 / (high - low)).astype(np.uint8)


def _stretch_truncated(image, low_pct, high_pct):
    low, high = np.percentile(image, [low_pct, high_pct])
    return np.clip((image - low) * 255 / (high - low), 0, 255).astype(np.uint8)


def _stretch_float(image, low_pct, high_pct):
    low, high = np.percentile(image, [low_pct, high_pct])
    return np.round(np.clip((image - low) * 255 / (high - low), 0, 255))


def _stretch_swapped(image, low_pct, high_pct):
    high, low = np.percentile(image, [low_pct, high_pct])
    return np.round(np.clip((image - low) * 255 / (high - low), 0, 255)).astype(np.uint8)


def _stretch_with_rescale_intensity(image, low_pct, high_pct):
    from skimage import exposure

    low, high = np.percentile(image, [low_pct, high_pct])
    return exposure.rescale_intensity(image, in_range=(low, high))


q3 = Exercise(
    "Exercise 3 · A stretch that ignores outliers",
    test=_test_stretch,
    hint="""\
        Which level must become 0, and which 255? A straight line through those two points gives every
        level in between. Then follow one dark outlier, say level 2 when low is 100: what number does
        your line give it, and what does .astype(np.uint8) make of that number?""",
    solution="""\
        def stretch(image, low_pct, high_pct):
            low, high = np.percentile(image, [low_pct, high_pct])
            out = (image.astype(np.float64) - low) * 255 / (high - low)
            return np.round(np.clip(out, 0, 255)).astype(np.uint8)""",
    reference=_reference_stretch,
    wrong_answers=(_stretch_without_clip, _stretch_min_max, _stretch_truncated, _stretch_float, _stretch_swapped,
                   _stretch_with_rescale_intensity),
    level=2,
    kinds=("code",),
)


# ---- q2 · concept: which operation keeps the hues ------------------------------------------

q2 = Exercise(
    "Exercise 2 · Which keeps the hues?",
    test=choice_test("b", {
        "a": "each channel gets its own straight line, with its own offset and slope, so one pixel's R, G "
             "and B change by different amounts and their proportions move.",
        "b": "right.",
        "c": "one table, but not one factor: an equalization table is not a straight line through 0, so it "
             "multiplies some levels by more than others. A pixel's R, G and B sit at different levels, get "
             "different factors, and their ratios move. The lesson's recipe uses V's table only to compute "
             "one factor per pixel, equalize(V) / V.",
        "d": "one formula for all three channels, but not one factor: 255 · (x / 255) ** 0.5 multiplies a dark "
             "level by more than a bright one. Follow (200, 100, 50), hue 20°: it becomes (226, 160, 113), "
             "hue 25°, because G and B were multiplied by more than R.",
    }),
    hint="""\
        Follow one pixel, say (200, 100, 50), through each option. The hue stays only if R, G and B keep
        their proportions. What decides how much each of its channels changes: which channel it is,
        how bright that channel is, or something the three share?""",
    solution='answer = "b"',
    reference="b",
    wrong_answers=("a", "c", "d", 2),
    level=1,
    kinds=("concept",),
    explanation="""\
        In (b) a pixel's R, G and B are all divided by the same number, the wall's brightness at that spot:
        dividing by 0.6 is multiplying by 1 / 0.6. That number depends on where the pixel is, not on its levels,
        so the channels' ratios, and with them the hue, stay put. That is all the lesson's recipe needs too:
        equalize(V) / V is also one number per pixel, and where that number comes from does not matter.""",
)


# ---- q4 · beyond: histogram matching ----------------------------------------------------------

def _cdf_of(image):
    counts = np.bincount(np.asarray(image).ravel(), minlength=256)
    cumulative = np.cumsum(counts)
    return cumulative / cumulative[-1]


def _reference_match(image, reference):
    lut = np.searchsorted(_cdf_of(reference), _cdf_of(image), side="left")  # first u with C_ref(u) >= C(v)
    return np.minimum(lut, 255).astype(np.uint8)[image]


def _match_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    # Case 1 has ties (C = 0.5 and 1 in both images), which decide between ">=" and ">".
    # Case 2: 63 and 64 pixels, so their CDFs meet only at 0 and 1 and float rounding cannot matter.
    tied = (np.array([[0, 0, 1, 1]], np.uint8), np.array([[5, 5, 9, 9]], np.uint8))
    rng = np.random.default_rng(2)
    dark = np.clip(rng.normal(60, 15, (7, 9)), 0, 255).astype(np.uint8)
    bright = np.clip(rng.normal(180, 30, (8, 8)), 0, 255).astype(np.uint8)
    return [tied, (dark, bright), (bright, dark)]


def _test_match(function):
    expect_source_avoids(function, names=("match_histograms",),
                         why="Build the lookup table from the two CDFs yourself.")
    for image, reference in _match_cases():
        given = (image.copy(), reference.copy())
        result = call(function, *given)
        expected = _reference_match(image, reference)
        if isinstance(result, np.ndarray):
            if result.shape == (256,) and result.shape != image.shape:
                raise Wrong("that looks like the lookup table (256 entries); apply it to the image: lut[image].")
            if result.shape == image.shape and not np.array_equal(result, expected):
                from helpers.histogram import equalize

                if image.ndim == 2 and np.array_equal(result, equalize(image)):
                    raise Wrong("that is plain equalization of `image`: use the CDF of `reference` to pick the new levels.")
                if image.shape == (1, 4) and np.array_equal(result, np.array([[9, 9, 255, 255]])):
                    raise Wrong("on ties you pick a level too high: when C_ref(u) equals C(v) exactly, u itself "
                                "qualifies (the rule is >=, not >).")
                foreign = sorted(set(np.unique(result).tolist()) - set(np.unique(reference).tolist()))
                if foreign:
                    raise Wrong(f"every new level should be one that `reference` uses (a level u where its CDF "
                                f"steps up); yours include {foreign[:5]}. Search the reference's CDF for each C(v), "
                                "not the other way round.")
        expect_array(result, expected, f"match_histogram(image, reference) on a {image.shape[0]} × {image.shape[1]} image",
                     dtype=np.uint8)
        if not (np.array_equal(given[0], image) and np.array_equal(given[1], reference)):
            raise Wrong("your function changed one of its input images; return a new array instead.")


def _match_strictly_greater(image, reference):
    lut = np.searchsorted(_cdf_of(reference), _cdf_of(image), side="right")
    return np.minimum(lut, 255).astype(np.uint8)[image]


def _match_returns_table(image, reference):
    return np.minimum(np.searchsorted(_cdf_of(reference), _cdf_of(image)), 255).astype(np.uint8)


def _match_swapped(image, reference):
    lut = np.searchsorted(_cdf_of(image), _cdf_of(reference))
    return np.minimum(lut, 255).astype(np.uint8)[image]


def _match_with_skimage(image, reference):
    from skimage.exposure import match_histograms

    return np.round(match_histograms(image, reference)).astype(np.uint8)


def _match_equalizes(image, reference):
    from helpers.histogram import equalize

    return equalize(image)


q4 = Exercise(
    "Exercise 4 · Histogram matching",
    test=_test_match,
    hint="""\
        Build a 256-entry lookup table, as for equalization, but from two CDFs: cdf(histogram(...)) gives
        each one. Start with a single level v: you want the first level u where the reference's CDF reaches
        C(v). Which of the two arrays do you search, and for what? A loop over the 256 levels is fine; NumPy
        also has a function that finds, for many values at once, where each would be inserted into a sorted
        array. Then apply the table as the lesson did.""",
    solution="""\
        def match_histogram(image, reference):
            c = cdf(histogram(image))
            c_ref = cdf(histogram(reference))
            # c_ref never decreases, so np.searchsorted(c_ref, c) gives, for each c[v], the first u with
            # c_ref[u] >= c[v]; the same as a loop: lut[v] = np.argmax(c_ref >= c[v])
            lut = np.minimum(np.searchsorted(c_ref, c), 255).astype(np.uint8)  # 256 would wrap to 0
            return lut[image]""",
    reference=_reference_match,
    wrong_answers=(_match_strictly_greater, _match_returns_table, _match_swapped, _match_equalizes,
                   _match_with_skimage),
    level=3,
    kinds=("code", "beyond"),
)
