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
    (0, 64, 191): "you subtracted C_min but did not divide by 1 - C_min: the brightest level must reach 255.",
    (0, 64, 255): "level 20: use C(20) = 8/16, the fraction of pixels at or below 20 (not the 4/16 strictly below it).",
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
    solution="answer = (0, 85, 255)",
    reference=_THREE_LEVELS_ANSWER,
    wrong_answers=tuple(_THREE_LEVELS_MISTAKES) + ((10, 20, 30), 85),
    level=1,
    kinds=("predict",),
    explanation="""\
        C_min = 4/16, so level 10 goes to 0 and 30 to 255; level 20 goes to 255 · (8/16 - 4/16) / (12/16) = 85.
        A linear stretch would put 20 at 128: equalization spaces the levels by their share of the pixels.""",
)


# ---- q2 · code: a linear contrast stretch, rounded, without uint8 wrap-around ---------------

def _reference_stretch(image):
    low, high = int(image.min()), int(image.max())
    return np.round((image.astype(np.float64) - low) * 255 / (high - low)).astype(np.uint8)


# Levels 100..157 (span 57) and 3..250 (span 247): no (v - low) * 255 / span is a tie at .5,
# so every correct formula rounds the same way, and truncating differs from rounding.
_STRETCH_IMAGE = np.array([[100, 111, 123], [131, 140, 157], [100, 129, 157]], dtype=np.uint8)
_STRETCH_SECOND = np.array([[3, 4], [5, 250]], dtype=np.uint8)


def _test_stretch(function):
    expect_source_avoids(function, names=("rescale_intensity",),
                         why="Write the straight line yourself: (v - low) * 255 / (high - low).")
    image = _STRETCH_IMAGE.copy()
    original = image.copy()
    result = call(function, image)
    expected = _reference_stretch(original)
    if isinstance(result, np.ndarray) and result.shape == image.shape:
        if result.dtype != np.uint8:
            raise Wrong(f"return a uint8 image, got dtype {result.dtype}")
        if np.unique(result).size == 1:
            raise Wrong(
                f"your result is {int(result.flat[0])} everywhere: all levels came out the same. If you multiplied "
                "the uint8 image by 255, every product wrapped around at 256 (lesson 01's 200 + 100) before the "
                "division. Convert to float64 before multiplying."
            )
        order = np.argsort(original, axis=None, kind="stable")
        levels, new = original.ravel()[order].astype(int), result.ravel()[order].astype(int)
        drops = np.flatnonzero(np.diff(new) < 0)
        if drops.size:  # a brighter input came out darker: the signature of uint8 wrap-around
            k = drops[0]
            raise Wrong(
                f"your result reorders the levels: level {levels[k]} became {new[k]} but the brighter level "
                f"{levels[k + 1]} became {new[k + 1]}. A straight line never does that; a product computed in "
                "uint8 does, because it wraps around at 256 (lesson 01's 200 + 100). Convert to float64 before multiplying."
            )
        if int(result.min()) != 0:
            raise Wrong(f"your darkest pixel (level {int(original.min())}) became {int(result.min())}, not 0: "
                        "the line must start at the image's own darkest level.")
        if int(result.max()) != 255:
            raise Wrong(f"your brightest pixel (level {int(original.max())}) became {int(result.max())}, not 255: "
                        "the line must end at 255.")
        truncated = ((original.astype(np.float64) - original.min()) * 255 / (int(original.max()) - int(original.min())))
        if np.array_equal(result, truncated.astype(np.uint8)) and not np.array_equal(result, expected):
            raise Wrong(
                "your values are truncated, not rounded (102.9 became 102): .astype(np.uint8) cuts off "
                "the fraction. Apply np.round before converting."
            )
    expect_array(result, expected, "stretch(image)", dtype=np.uint8)
    if not np.array_equal(image, original):
        raise Wrong("your function changed its input image in place; return a new array instead.")
    second = _STRETCH_SECOND.copy()
    expect_array(call(function, second), _reference_stretch(second), "stretch(image) on levels 3..250", dtype=np.uint8)


def _stretch_with_rescale_intensity(image):
    from skimage import exposure

    return np.round(exposure.rescale_intensity(image.astype(np.float64), out_range=(0, 255))).astype(np.uint8)


q2 = Exercise(
    "Exercise 2 · A linear contrast stretch",
    test=_test_stretch,
    hint="""\
        Which level must become 0, and which 255? A straight line through those two points gives every
        level in between. Then think about dtypes: in which type can you multiply by 255 without wrap-around?""",
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
        lambda image: (image * 255 / image.max()).astype(np.uint8),  # uint8 product wraps, minimum ignored
        lambda image: ((image.astype(np.float64) - image.min()) * 255 / (image.max() - image.min())).astype(np.uint8),
        _stretch_with_rescale_intensity,  # the rule the prompt states
    ),
    level=2,
    kinds=("code",),
)


# ---- q3 · concept: which operation keeps the hues ------------------------------------------

q3 = Exercise(
    "Exercise 3 · Which keeps the hues?",
    test=choice_test("c", {
        "a": "each channel gets its own straight line, with its own offset and slope, so one pixel's R, G "
             "and B change by different amounts and their ratios move (the pitfall box's case).",
        "b": "one table, but not one factor: an equalization table is not a straight line through 0, so it "
             "multiplies some levels by more than others. A pixel's R, G and B sit at different levels, get "
             "different factors, and their ratios move.",
        "c": "right.",
        "d": "nothing about V keeps the hues: the ratios between R, G and B do, and any number shared by all "
             "three channels of a pixel keeps them. V was chosen only so that no channel passes 255.",
    }),
    hint="""\
        A hue is set by the ratios between one pixel's R, G and B. For each option, take one pixel,
        say (150, 100, 50): are its three channels multiplied by the same number?""",
    solution='answer = "c"',
    reference="c",
    wrong_answers=("a", "b", "d", 3),
    level=2,
    kinds=("concept",),
    explanation="""\
        equalize(M) / M is one number per pixel, shared by its R, G and B, so their ratios and the hue stay put,
        whichever grey image the number came from. The catch is the clip: a saturated pixel such as (200, 40, 30)
        has M = 90, and a factor of 1.5 would push R to 300. Scaling by equalize(V) / V avoids that, since V is
        the brightest channel.""",
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
                    raise Wrong("on ties you pick a level too high: take the smallest u with C_ref(u) >= C(v), "
                                "not > (np.searchsorted(..., side='left')).")
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
        each one. For one level v, what do you look for, and in which array? When C_ref(u) equals C(v)
        exactly, should u be that level or the next one? A CDF never decreases: is there a NumPy function
        that searches a sorted array for many values at once?""",
    solution="""\
        def match_histogram(image, reference):
            c = cdf(histogram(image))
            c_ref = cdf(histogram(reference))
            lut = np.searchsorted(c_ref, c).astype(np.uint8)  # first u with c_ref[u] >= c[v]
            return lut[image]""",
    reference=_reference_match,
    wrong_answers=(_match_strictly_greater, _match_returns_table, _match_swapped, _match_equalizes,
                   _match_with_skimage),
    level=3,
    kinds=("code", "beyond"),
)
