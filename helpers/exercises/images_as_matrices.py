"""Exercises of lesson 01 · Images as matrices."""

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

# ---- 1 · predict a uint8 subtraction ------------------------------------------------------

_Q1_VALUES = np.array([0, 40, 128], dtype=np.uint8)  # the smiley's mouth, eyes and nose


def _as_int_list(answer) -> list[int]:
    if isinstance(answer, str):
        raise Wrong(f"write the numbers, not a string: [.., .., ..] rather than {answer!r}")
    if isinstance(answer, (int, float, np.integer, np.floating)):
        raise Wrong(f"the array holds three values, so the result is a list of three numbers, got one number {answer!r}")
    try:
        values = np.asarray(answer, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        raise Wrong(f"answer with a list of whole numbers such as [1, 2, 3], got {answer!r}") from None
    if not np.all(values == np.round(values)):
        raise Wrong(f"uint8 arithmetic gives whole numbers only, got {values.tolist()}")
    return [int(v) for v in values]


def _test_q1(answer):
    got = _as_int_list(answer)
    plain = _Q1_VALUES.astype(int) - 50  # [-50, -10, 78]
    expected = [int(v) for v in _Q1_VALUES - np.uint8(50)]  # [206, 246, 78]
    if len(got) != 3:
        raise Wrong(f"the array holds three values, so the answer has three numbers; you gave {len(got)}.")
    if got == plain.tolist():
        raise Wrong("-50 and -10 are not uint8 values: uint8 holds 0..255 only, and subtracting from a uint8 "
                    "array gives a uint8 array. What did 200 + 100 become in the lesson?")
    if got == np.clip(plain, 0, 255).tolist():
        raise Wrong("NumPy does not clip uint8 arithmetic at 0; it wraps around, modulo 256 "
                    "(the lesson's 200 + 100 gave 44, not 255).")
    if got == (plain % 255).tolist():
        raise Wrong("almost: uint8 has 256 values (0..255), so the wrap-around is modulo 256, not 255.")
    if got == np.abs(plain).tolist():
        raise Wrong("the minus sign does not just vanish: uint8 wraps around, modulo 256, as 200 + 100 did in the lesson.")
    if got != expected:
        raise Wrong(f"{got} is not it. 128 - 50 stays in range; for 0 - 50 and 40 - 50, "
                    "remember what uint8 does below 0.")


q1 = Exercise(
    "Exercise 1 · Predict a subtraction",
    test=_test_q1,
    hint="""\
        128 - 50 stays inside 0..255. The other two go below 0, and uint8 has no negative
        numbers: it wraps around, as 200 + 100 did in the lesson, but the other way.""",
    solution="""\
        answer = [206, 246, 78]   # 0 - 50 wraps to 256 - 50, 40 - 50 to 256 - 10, 128 - 50 = 78""",
    reference=[206, 246, 78],
    wrong_answers=([-50, -10, 78], [0, 0, 78], [205, 245, 78], [50, 10, 78], [206, 246], "206, 246, 78", 206),
    level=1,
    kinds=("predict",),
    explanation="""\
        0 - 50 leaves the range 0..255, and uint8 keeps the result modulo 256: 256 - 50 = 206.
        The black mouth (206) vanishes into the face (205) and the dark eyes (246) become its
        brightest part. Remove the # signs in the next cell and run it to see it.""",
)


# ---- 2 · the stretch does not undo a wrap-around ------------------------------------------

q2 = Exercise(
    "Exercise 2 · Does the stretch change it?",
    test=choice_test("c", {
        "a": "that is how it looks with `vmin=0, vmax=255` (honest): 100..227 are light greys. Without "
             "them imshow stretches: it maps the smallest value present, 100, to black and the largest, "
             "227, to white.",
        "b": "nothing wraps here: the largest value is 255 // 2 + 100 = 227, which fits in uint8 (up to "
             "255). Wrap-around needs a sum above 255, as with `gray + 100`.",
        "c": "right.",
        "d": "nothing is above 255 (the largest value is 227), and clipping to white is what imshow does "
             "to float colour images above 1, not to a uint8 grey image.",
    }),
    hint="""\
        Take it in the order the computer does: first, what are the smallest and largest values of
        `gray // 2 + 100`, given that `gray` holds 0..255? Does anything pass 255? Only then: what
        does imshow's stretch do with that smallest and that largest value?""",
    solution="""\
        answer = "c"   # values 100..227, no wrap; the stretch maps 100 to black and 227 to white""",
    reference="c",
    wrong_answers=("a", "b", "d", "e", 3),
    level=2,
    kinds=("concept",),
    explanation="""\
        `gray // 2` holds 0..127, so `gray // 2 + 100` holds 100..227: no value passes 255, so
        nothing wraps. The stretch maps 100 to black and 227 to white, which undoes the halving and
        the shift (up to the rounding of `// 2`): the picture looks like `gray`. Only
        `vmin=0, vmax=255` shows how dull the array really is. Run the next cell to see it.""",
)


# ---- 3 · a mask of the red pixels ----------------------------------------------------------

def _reference_red_mask(rgb):
    r, g, b = (rgb[..., k].astype(np.int16) for k in range(3))
    return r > g + b


def _q3_image():
    return np.array([
        [[200, 50, 50], [150, 200, 100], [100, 50, 50]],     # red; G + B = 300 wraps to 44 in uint8; R == G + B
        [[255, 0, 0], [0, 0, 0], [90, 10, 200]],             # pure red; black; blue
        [[250, 160, 160], [120, 20, 30], [255, 255, 255]],   # G + B wraps to 64; red; white
    ], dtype=np.uint8)


def _test_q3(function):
    original = _q3_image()
    got = call(function, original.copy())  # a copy: the diagnoses below use the unchanged image
    expected = _reference_red_mask(original)
    if isinstance(got, np.ndarray) and got.shape == expected.shape and got.dtype != np.bool_:
        if np.array_equal(got.astype(bool), expected):
            raise Wrong(f"right pixels, but a mask is an array of True/False (dtype bool), got dtype {got.dtype}. "
                        "A comparison such as `x > y` gives one directly.")
    if isinstance(got, np.ndarray) and got.shape == expected.shape:
        wrapped = original[..., 0] > original[..., 1] + original[..., 2]
        if np.array_equal(got, wrapped):
            raise Wrong("the pixel [150, 200, 100] came out red: in uint8, 200 + 100 wraps around to 44. "
                        "Compute G + B in a wider type (e.g. np.int16) before comparing.")
        if np.array_equal(got, _reference_red_mask(original[..., ::-1])):
            raise Wrong("that is the blue mask (B > R + G): the channels are ordered R, G, B, so red is index 0.")
        r, g, b = (original[..., k].astype(np.int16) for k in range(3))
        if np.array_equal(got, r >= g + b):
            raise Wrong("[100, 50, 50] came out red: R equal to G + B is not larger. Use > rather than >=.")
        if np.array_equal(got, (r > g) & (r > b)):
            raise Wrong("that is 'red is the largest channel'. This exercise asks for red larger than green "
                        "and blue together: R > G + B.")
    expect_array(got, expected, "red_mask(image)")


q3 = Exercise(
    "Exercise 3 · Where is it red?",
    test=_test_q3,
    hint="""\
        The lesson took one channel of every pixel at once in "Each channel on its own".
        A comparison between two arrays, such as `x > y`, already gives a True/False array
        of their shape. Before adding two channels, ask: what range can their sum reach,
        and does uint8 hold all of it?""",
    solution="""\
        def red_mask(image):
            red, green, blue = (image[..., k].astype(np.int16) for k in range(3))  # int16: no wrap-around
            return red > green + blue""",
    reference=_reference_red_mask,
    wrong_answers=(
        lambda rgb: rgb[..., 0] > rgb[..., 1] + rgb[..., 2],  # G + B wraps around in uint8
        lambda rgb: rgb[..., 2].astype(int) > rgb[..., 0].astype(int) + rgb[..., 1],  # blue, not red
        lambda rgb: rgb[..., 0].astype(int) >= rgb[..., 1].astype(int) + rgb[..., 2],  # >= instead of >
        lambda rgb: (rgb[..., 0].astype(int) > rgb[..., 1].astype(int) + rgb[..., 2]).astype(np.uint8),  # 0/1
        lambda rgb: (rgb[..., 0] > rgb[..., 1]) & (rgb[..., 0] > rgb[..., 2]),  # largest channel
    ),
    level=2,
    kinds=("code",),
    explanation="""\
        On the astronaut the uint8 version more than doubles the count: for light pixels
        G + B passes 255 and wraps to a small number, so the white shuttle comes out "red".
        Remove the # signs in the next cell to see the mask: the orange suit, her hair, the
        shuttle's orange tank and a flag stripe, plus parts of the dark helmet and neck ring,
        where all three values are small and a slightly larger red is enough.""",
)


# ---- 4 · luminance of linear light -----------------------------------------------------------

_WEIGHT_SETS = {
    "BT.709": np.array([0.2126, 0.7152, 0.0722]),
    "scikit-image": np.array([0.2125, 0.7154, 0.0721]),
    "rgb2xyz": np.array([0.212671, 0.715160, 0.072169]),
}


def _decode(c):
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _reference_linear_luminance(rgb):
    return _decode(rgb / 255) @ np.array([0.2126, 0.7152, 0.0722])


def _q4_image():
    return np.array([
        [[0, 0, 0], [5, 5, 5], [10, 4, 2], [128, 128, 128]],
        [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]],
        [[230, 120, 30], [30, 60, 90], [200, 180, 175], [64, 64, 64]],
    ], dtype=np.uint8)


def _test_q4(function):
    expect_source_avoids(function, names=("rgb2xyz", "rgb2gray"),
                         why="Decode the channels yourself; use color.rgb2xyz afterwards to check your result.")
    image = _q4_image()
    got = call(function, image)
    if hasattr(got, "numpy") and not isinstance(got, np.ndarray):
        got = got.numpy()
    if not isinstance(got, np.ndarray):
        raise Wrong(f"return a NumPy array of shape (rows, columns), got {type(got).__name__}")
    if got.shape != image.shape[:2]:
        raise Wrong(f"one number per pixel: for a {image.shape} image return shape {image.shape[:2]}, got {got.shape}")
    got = got.astype(np.float64)
    c = image / 255
    for weights in _WEIGHT_SETS.values():
        if np.allclose(got, _decode(c) @ weights, atol=1e-6, rtol=0):
            return
    weights = _WEIGHT_SETS["BT.709"]
    if got.max() > 1.5:
        raise Wrong(f"the largest value is {got.max():.4g}; luminance here is in 0..1 (white is 1). "
                    "Divide by 255 before decoding.")
    if np.allclose(got, c @ weights, atol=1e-4):
        raise Wrong("that is the lesson's luma Y' (divided by 255): the weights applied to the stored, "
                    "gamma-encoded values. Decode each channel to linear light first, then weight.")
    if np.allclose(got, _decode(c @ weights), atol=1e-4):
        raise Wrong("you weighted first and decoded the sum; decode each channel (R, G, B) to linear light "
                    "first, then take the weighted sum.")
    if np.allclose(got, c ** 2.2 @ weights, atol=1e-4):
        raise Wrong("c ** 2.2 is the usual approximation of the sRGB curve. Use the exact curve, with its "
                    "straight segment c / 12.92 for dark values (c <= 0.04045).")
    if np.allclose(got, ((c + 0.055) / 1.055) ** 2.4 @ weights, atol=1e-4):
        raise Wrong("the dark pixels are off: for c <= 0.04045 the sRGB curve is the straight line c / 12.92, "
                    "not the power law. np.where(condition, a, b) picks between the two per value.")
    if np.allclose(got, _decode(c)[..., ::-1] @ weights, atol=1e-4):
        raise Wrong("the weights are applied in reverse order: channels are R, G, B, and green weighs most.")
    expect_array(got, _reference_linear_luminance(image), "linear_luminance(image)", atol=1e-6)


q4 = Exercise(
    "Exercise 4 · Luminance of real light",
    test=_test_q4,
    hint="""\
        Three steps, each on the whole array at once, no loop: bring the values to 0..1;
        decode each value with the curve (NumPy's `where` chooses, value by value, between
        two formulas by a condition); then the weighted sum over the last axis, as the lesson
        computed luminance. Compare with color.rgb2xyz(astronaut)[..., 1] once it passes.""",
    solution="""\
        def linear_luminance(image):
            c = image / 255                                                         # 0..1, still gamma-encoded
            linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)  # light, per channel
            return linear @ np.array([0.2126, 0.7152, 0.0722])""",
    reference=_reference_linear_luminance,
    wrong_answers=(
        lambda rgb: rgb / 255 @ np.array([0.2126, 0.7152, 0.0722]),  # luma, no decoding
        lambda rgb: (rgb / 255) ** 2.2 @ np.array([0.2126, 0.7152, 0.0722]),  # approximate gamma
        lambda rgb: ((rgb / 255 + 0.055) / 1.055) ** 2.4 @ np.array([0.2126, 0.7152, 0.0722]),  # no linear part
        lambda rgb: _decode(rgb / 255 @ np.array([0.2126, 0.7152, 0.0722])),  # weighted, then decoded
        lambda rgb: _decode(rgb.astype(np.float64)) @ np.array([0.2126, 0.7152, 0.0722]),  # no / 255
    ),
    level=3,
    kinds=("code", "beyond"),
    explanation="""\
        The grey pixel [128, 128, 128], stored as "half way", gives about 0.216: it sends out
        only about a fifth of white's light. Files store values spaced for the eye, not
        for physics; blurs that mix light exactly decode first, then encode again.""",
)
