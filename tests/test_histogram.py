"""helpers.histogram: counts agree with np.bincount and scikit-image, equalization is a
monotone map onto 0..255 (compared with skimage.exposure.equalize_hist), colour
equalization keeps hues, and bad input gets a clear error."""

from __future__ import annotations

import numpy as np
import pytest
from skimage import color, data, exposure

from helpers import histogram as hg


def random_images(count: int = 12, seed: int = 0):
    """Grayscale uint8 images with very different histograms (narrow, skewed, clipped, two levels...)."""
    rng = np.random.default_rng(seed)
    images = []
    for k in range(count):
        shape = (int(rng.integers(1, 40)), int(rng.integers(1, 40)))
        kind = k % 4
        if kind == 0:  # uniform over a random sub-range
            low = int(rng.integers(0, 200))
            high = int(rng.integers(low, 256))
            image = rng.integers(low, high + 1, shape)
        elif kind == 1:  # piled up at the bright end, clipped at 255
            image = np.clip(np.round(rng.normal(230, 20, shape)), 0, 255)
        elif kind == 2:  # skewed towards black
            image = np.round(255 * rng.random(shape) ** 4)
        else:  # only a few distinct levels
            image = rng.choice(rng.integers(0, 256, 3), shape)
        images.append(image.astype(np.uint8))
    return images


IMAGES = random_images()


# ---- histogram ------------------------------------------------------------------------

@pytest.mark.parametrize("image", IMAGES)
def test_histogram_matches_bincount_and_skimage(image):
    counts = hg.histogram(image)
    assert counts.dtype == np.int64 and counts.shape == (256,)
    np.testing.assert_array_equal(counts, np.bincount(image.ravel(), minlength=256))
    sk_counts, centers = exposure.histogram(image, source_range="dtype")
    np.testing.assert_array_equal(counts, sk_counts)
    np.testing.assert_array_equal(centers, np.arange(256))
    assert counts.sum() == image.size


@pytest.mark.parametrize("image", IMAGES[:6])
def test_histogram_loop_agrees(image):
    np.testing.assert_array_equal(hg.histogram_loop(image), hg.histogram(image))


def test_histogram_accepts_other_integer_and_whole_float_types():
    image = IMAGES[0]
    expected = hg.histogram(image)
    for dtype in (np.int16, np.int64, np.uint16, np.float32, np.float64):
        np.testing.assert_array_equal(hg.histogram(image.astype(dtype)), expected)
    stack = np.stack([image, image])  # any number of dimensions
    np.testing.assert_array_equal(hg.histogram(stack), 2 * expected)


def test_histogram_counts_do_not_wrap():
    image = np.full((40, 40), 7, np.uint8)  # 1600 pixels at one level, more than uint8 or 8 bits hold
    assert hg.histogram(image)[7] == 1600


# ---- cdf -------------------------------------------------------------------------------

@pytest.mark.parametrize("image", IMAGES[:6])
def test_cdf_is_normalised_cumulative_sum(image):
    counts = hg.histogram(image)
    c = hg.cdf(counts)
    assert c.dtype == np.float64 and c[-1] == 1.0
    assert np.all(np.diff(c) >= 0)
    np.testing.assert_allclose(c, np.cumsum(counts) / image.size)
    raw = hg.cdf(counts, normalized=False)
    assert raw.dtype == np.int64 and raw[-1] == image.size
    sk_cdf, centers = exposure.cumulative_distribution(image)
    np.testing.assert_allclose(c[centers], sk_cdf)


def test_cdf_accumulates_small_types_without_wrapping():
    counts = np.full(256, 200, np.uint8)
    assert hg.cdf(counts, normalized=False)[-1] == 256 * 200


# ---- equalize ----------------------------------------------------------------------------

@pytest.mark.parametrize("image", IMAGES)
def test_equalize_is_monotone_and_maps_brightest_to_255(image):
    out = hg.equalize(image)
    assert out.dtype == np.uint8 and out.shape == image.shape
    order = np.argsort(image, axis=None, kind="stable")
    assert np.all(np.diff(out.ravel()[order].astype(int)) >= 0), "mapping of grey levels must never decrease"
    assert np.all(out[image == image.max()] == 255)
    if image.min() < image.max():
        assert np.all(out[image == image.min()] == 0)
    levels = np.unique(image)  # a function of the grey level: equal inputs give equal outputs
    for level in levels[:: max(1, len(levels) // 8)]:
        assert len(np.unique(out[image == level])) == 1


@pytest.mark.parametrize("image", IMAGES)
def test_equalize_is_skimage_equalize_hist_stretched_by_c_min(image):
    ours = hg.equalize(image)
    theirs = exposure.equalize_hist(image)  # C(v) in 0..1: darkest level at C_min, not 0
    c_min = hg.cdf(hg.histogram(image))[image.min()]
    if c_min < 1:
        np.testing.assert_array_equal(ours, np.round(255 * (theirs - c_min) / (1 - c_min)))
    # without undoing the stretch the two differ by at most 255 * C_min grey levels (plus rounding)
    assert np.abs(ours - 255 * theirs).max() <= 255 * c_min + 0.5 + 1e-9


def test_equalize_on_a_photo_straightens_the_cdf():
    image = data.camera()[::2, ::2] // 2 + 60  # a dull version: levels 60..187
    out = hg.equalize(image)
    line = np.arange(256) / 255
    assert np.abs(hg.cdf(hg.histogram(out)) - line).max() < np.abs(hg.cdf(hg.histogram(image)) - line).max() / 5


def test_equalize_constant_image_is_white():
    np.testing.assert_array_equal(hg.equalize(np.full((3, 4), 17, np.uint8)), np.full((3, 4), 255, np.uint8))


@pytest.mark.parametrize("image", IMAGES[:8])
def test_equalize_loop_agrees(image):
    np.testing.assert_array_equal(hg.equalize_loop(image), hg.equalize(image))


def test_equalization_lut_maps_levels():
    counts = np.zeros(256, np.int64)
    counts[[10, 20, 30]] = [1, 1, 2]
    lut = hg.equalization_lut(counts)
    assert lut.dtype == np.uint8 and lut.shape == (256,)
    # C = 1/4, 2/4, 4/4 at 10, 20, 30; C_min = 1/4: (C - 1/4) / (3/4) * 255 = 0, 85, 255
    assert (lut[10], lut[20], lut[30]) == (0, 85, 255)
    assert np.all(lut[:10] == 0) and np.all(lut[30:] == 255)


# ---- colour --------------------------------------------------------------------------------

def smooth_colour_image(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:48, 0:64] / 64
    base = np.stack([0.5 + 0.3 * np.sin(6 * x + k) * np.cos(4 * y - k) for k in range(3)], axis=-1)
    dull = 60 + 120 * (base + 0.05 * rng.random(base.shape))  # low contrast, colourful
    return np.clip(np.round(dull), 0, 255).astype(np.uint8)


COLOUR_IMAGES = [smooth_colour_image(0), smooth_colour_image(1), data.chelsea()[::3, ::3]]


@pytest.mark.parametrize("method", hg.COLOR_METHODS)
@pytest.mark.parametrize("index", range(len(COLOUR_IMAGES)))
def test_equalize_color_keeps_hues(method, index):
    rgb = COLOUR_IMAGES[index]
    out = hg.equalize_color(rgb, method=method)
    assert out.dtype == np.uint8 and out.shape == rgb.shape
    shift = hg.hue_shift_degrees(rgb, out)
    assert np.isfinite(shift).mean() > 0.3, "the test image must have enough coloured pixels"
    assert np.nanmedian(shift) < 1.0 and np.nanpercentile(shift, 95) < 4.0
    # the naive per-channel version does shift hues: the measure can tell the difference
    per_channel = np.stack([hg.equalize(rgb[..., k]) for k in range(3)], axis=-1)
    assert np.nanmedian(hg.hue_shift_degrees(rgb, per_channel)) > 3 * max(np.nanmedian(shift), 0.5)


@pytest.mark.parametrize("index", range(len(COLOUR_IMAGES)))
def test_equalize_color_hsv_equalizes_the_value_channel(index):
    rgb = COLOUR_IMAGES[index]
    out = hg.equalize_color(rgb, method="hsv")
    np.testing.assert_array_equal(out.max(axis=-1), hg.equalize(rgb.max(axis=-1)))


@pytest.mark.parametrize("index", range(len(COLOUR_IMAGES)))
def test_equalize_color_hsv_is_rgb_scaled_by_equalized_value_over_value(index):
    # the four lines lesson 02 writes out: scale R, G, B by equalize(V) / V
    rgb = COLOUR_IMAGES[index].copy()
    rgb[:2, :2] = 0  # a few black pixels (V = 0)
    value = rgb.max(axis=-1)
    factor = hg.equalize(value) / np.maximum(value, 1)
    mine = np.clip(np.round(rgb * factor[..., None]), 0, 255).astype(np.uint8)
    np.testing.assert_array_equal(hg.equalize_color(rgb, method="hsv"), mine)


def test_exercise_test_data_has_no_rounding_ties():
    # lesson 02's exercise 3 must accept every correct way of rounding, so none of its exact
    # results may sit on a half; exercise 4's random cases must not depend on how a learner
    # computes a CDF, so their two CDFs may meet only at 0 and 1
    from helpers.exercises import histograms_and_equalization as ex

    for image, reference in ex._match_cases()[1:]:
        c = np.cumsum(np.bincount(image.ravel(), minlength=256)) * reference.size
        c_ref = np.cumsum(np.bincount(reference.ravel(), minlength=256)) * image.size  # both over size * size
        shared = set(c.tolist()) & set(c_ref.tolist())
        assert shared <= {0, image.size * reference.size}
    for image, percentiles in ((ex._STRETCH_IMAGE, ex._STRETCH_PERCENTILES), (ex._STRETCH_SECOND, (0, 100))):
        for method in ("linear", "nearest", "lower", "higher", "inverted_cdf"):  # every usual way agrees
            np.testing.assert_array_equal(np.percentile(image, percentiles, method=method), np.percentile(image, percentiles))
        low, high = np.percentile(image, percentiles)
        exact = np.clip((image.astype(np.float64) - low) * 255 / (high - low), 0, 255)
        assert np.abs(exact - np.floor(exact) - 0.5).min() > 1e-3
    low, high = np.percentile(ex._STRETCH_IMAGE, ex._STRETCH_PERCENTILES)
    exact = (ex._STRETCH_IMAGE.astype(np.float64) - low) * 255 / (high - low)
    assert not np.array_equal(np.floor(exact), np.round(exact))  # so truncating is caught
    assert ((ex._STRETCH_IMAGE < low).sum(), (ex._STRETCH_IMAGE > high).sum()) == (6, 6)  # outliers to clip


def test_equalize_color_luminance_equalizes_luminance_where_nothing_clips():
    rgb = COLOUR_IMAGES[0]
    out = hg.equalize_color(rgb, method="luminance")
    measured = np.round(rgb @ hg.LUMINANCE_WEIGHTS).astype(np.uint8)
    target = hg.equalize(measured).astype(np.float64)
    unclipped = out.max(axis=-1) < 255
    assert unclipped.mean() > 0.5
    # the pixel was scaled by s = target / measured: rounding the measured luminance to a whole
    # level is off by up to 0.5 * s, rounding each output channel by up to 0.5
    scale = target / measured
    error = np.abs(out @ hg.LUMINANCE_WEIGHTS - target)
    assert np.all((error <= 0.5 + 0.5 * scale + 1e-9)[unclipped])
    np.testing.assert_allclose(hg.LUMINANCE_WEIGHTS, [0.2125, 0.7154, 0.0721])
    gray = color.rgb2gray(rgb) * 255
    np.testing.assert_allclose(gray, rgb @ hg.LUMINANCE_WEIGHTS)


def test_equalize_color_black_and_grey_pixels():
    rgb = np.zeros((2, 2, 3), np.uint8)
    rgb[0, 0] = [100, 100, 100]
    rgb[1, 1] = [200, 50, 50]
    out = hg.equalize_color(rgb)
    assert np.all(out[0, 1] == 0) and np.all(out[1, 0] == 0)  # the darkest level stays black
    assert len(set(out[0, 0])) == 1  # grey stays grey
    assert out[1, 1, 0] == 255 and out[1, 1, 1] == out[1, 1, 2]


def test_hue_degrees_and_shift():
    rgb = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [128, 128, 128]]], np.uint8)
    np.testing.assert_allclose(hg.hue_degrees(rgb)[0, :3], [0, 120, 240])
    shifted = rgb[:, [1, 2, 0, 3]]
    shift = hg.hue_shift_degrees(rgb, shifted)
    np.testing.assert_allclose(shift[0, :3], [120, 120, 120])
    assert np.isnan(shift[0, 3])  # grey has no hue


# ---- errors ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "function", [hg.histogram, hg.equalize, hg.histogram_loop, hg.equalize_loop], ids=lambda f: f.__name__
)
@pytest.mark.parametrize(
    "image, error, message",
    [
        (np.array([[0.0, 0.5], [1.0, 0.2]]), ValueError, r"fractional values"),
        (np.array([[0.0, 256.0]]), ValueError, r"0..255, got values from 0.0 to 256.0"),
        (np.array([[-1, 3]]), ValueError, r"0..255, got values from -1 to 3"),
        (np.array([[np.nan, 1.0]]), ValueError, r"NaN"),
        (np.zeros((0, 4), np.uint8), ValueError, r"image is empty"),
        (np.zeros((2, 2), bool), TypeError, r"dtype bool"),
        (np.array([["a", "b"]]), TypeError, r"dtype <U1"),
        ("camera.png", TypeError, r"got str"),
    ],
)
def test_grey_level_errors(function, image, error, message):
    with pytest.raises(error, match=message):
        function(image)


@pytest.mark.parametrize("function", [hg.equalize, hg.histogram_loop, hg.equalize_loop], ids=lambda f: f.__name__)
def test_two_dimensional_functions_reject_other_shapes(function):
    with pytest.raises(ValueError, match=r"image must be a 2-D array, got 3-D with shape \(2, 2, 3\)"):
        function(np.zeros((2, 2, 3), np.uint8))
    with pytest.raises(ValueError, match=r"got 1-D"):
        function(np.zeros(5, np.uint8))


def test_histogram_rejects_scalar():
    with pytest.raises(ValueError, match=r"got 0-D"):
        hg.histogram(np.uint8(3))


@pytest.mark.parametrize(
    "hist, error, message",
    [
        (np.zeros((2, 256)), ValueError, r"1-D array of counts, got shape \(2, 256\)"),
        (np.array([]), ValueError, r"hist is empty"),
        (np.zeros(256), ValueError, r"counts no pixels"),
        (np.array([1, -1, 3]), ValueError, r"counts >= 0"),
        (np.array(["1", "2"]), TypeError, r"hold numbers"),
        (None, TypeError, r"got NoneType"),
    ],
)
def test_cdf_errors(hist, error, message):
    with pytest.raises(error, match=message):
        hg.cdf(hist)


def test_equalization_lut_needs_256_counts():
    with pytest.raises(ValueError, match=r"256 counts, one per grey level .* got \(10,\)"):
        hg.equalization_lut(np.ones(10))


@pytest.mark.parametrize(
    "rgb, method, error, message",
    [
        (np.zeros((4, 4), np.uint8), "hsv", ValueError, r"rgb must be a 3-D array, got 2-D"),
        (np.zeros((4, 4, 4), np.uint8), "hsv", ValueError, r"3 colour channels \(H, W, 3\), got shape \(4, 4, 4\)"),
        (np.zeros((0, 4, 3), np.uint8), "hsv", ValueError, r"rgb is empty"),
        (np.full((2, 2, 3), 0.5), "hsv", ValueError, r"fractional values"),
        (np.zeros((2, 2, 3), np.uint8), "rgb", ValueError, r"method must be one of \('hsv', 'luminance'\), got 'rgb'"),
        (np.zeros((2, 2, 3), np.uint8), None, ValueError, r"method must be one of"),
    ],
)
def test_equalize_color_errors(rgb, method, error, message):
    with pytest.raises(error, match=message):
        hg.equalize_color(rgb, method=method)


def test_hue_shift_needs_matching_shapes():
    with pytest.raises(ValueError, match=r"same shape, got \(2, 2, 3\) and \(2, 3, 3\)"):
        hg.hue_shift_degrees(np.zeros((2, 2, 3), np.uint8), np.zeros((2, 3, 3), np.uint8))
