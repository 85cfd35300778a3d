"""Grey-level histograms and histogram equalization (lesson 02).

``histogram`` counts how many pixels hold each grey level 0..255, ``cdf`` turns those
counts into the cumulative distribution, and ``equalize`` uses it as a 256-entry lookup
table that spreads the grey levels over the whole range. ``equalize_color`` does the
same to the brightness of a colour photo while keeping its hues. ``histogram_loop`` and
``equalize_loop`` are the plain-Python reference versions the lesson starts from.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "LEVELS",
    "LUMINANCE_WEIGHTS",
    "COLOR_METHODS",
    "histogram",
    "histogram_loop",
    "cdf",
    "equalization_lut",
    "equalize",
    "equalize_loop",
    "equalize_color",
    "hue_degrees",
    "hue_shift_degrees",
]

#: Number of grey levels of an 8-bit image.
LEVELS = 256

#: Methods :func:`equalize_color` accepts.
COLOR_METHODS = ("hsv", "luminance")

#: Weights of R, G, B in the luminance ``Y`` (ITU-R BT.709, as in ``skimage.color.rgb2gray``).
LUMINANCE_WEIGHTS = np.array([0.2125, 0.7154, 0.0721])


def _as_levels(image, name: str = "image", *, ndim: tuple[int, ...] = (2,)) -> np.ndarray:
    """Check that ``image`` holds whole grey levels 0..255; return it as a uint8 array."""
    if isinstance(image, (str, bytes)) or image is None:
        raise TypeError(f"{name} must be a NumPy array of grey levels, got {type(image).__name__}")
    array = np.asarray(image)
    if array.dtype == bool or not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        raise TypeError(
            f"{name} must hold integer grey levels 0..255 (e.g. dtype uint8), got dtype {array.dtype}"
        )
    if array.ndim not in ndim:
        wanted = " or ".join(f"{n}-D" for n in ndim)
        raise ValueError(f"{name} must be a {wanted} array, got {array.ndim}-D with shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}): there are no pixels to count")
    if array.dtype == np.uint8:
        return array
    low, high = array.min(), array.max()
    if low < 0 or high > 255:
        hint = " (a float image in 0..1? multiply by 255 and round first)" if high <= 1 and low >= 0 else ""
        raise ValueError(f"{name} must hold grey levels 0..255, got values from {low} to {high}{hint}")
    if np.issubdtype(array.dtype, np.floating):
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name} contains NaN or infinity; grey levels must be whole numbers 0..255")
        if np.any(array != np.round(array)):
            raise ValueError(
                f"{name} must hold whole grey levels 0..255, got fractional values "
                f"(a float image in 0..1 must be scaled: np.round(image * 255).astype(np.uint8))"
            )
    return array.astype(np.uint8)


def histogram(image) -> np.ndarray:
    """Count the pixels of each grey level: ``counts[v]`` = number of pixels equal to ``v``.

    Parameters
    ----------
    image
        Array of whole grey levels 0..255 (uint8, another integer type, or floats holding
        whole numbers), any shape with at least one pixel.

    Returns
    -------
    numpy.ndarray
        int64 counts of length 256; they sum to ``image.size``.

    Introduced in lesson 02 (``np.bincount`` does the counting).
    """
    levels = _as_levels(image, ndim=tuple(range(1, 33)))
    return np.bincount(levels.ravel(), minlength=LEVELS).astype(np.int64)


def histogram_loop(image) -> np.ndarray:
    """Reference version of :func:`histogram` with two nested Python loops (slow; lesson 02)."""
    levels = _as_levels(image)
    counts = np.zeros(LEVELS, dtype=np.int64)
    rows, cols = levels.shape
    for r in range(rows):
        for c in range(cols):
            counts[levels[r, c]] += 1
    return counts


def cdf(hist, *, normalized: bool = True) -> np.ndarray:
    """Cumulative distribution of a histogram: the fraction of pixels at or below each level.

    Parameters
    ----------
    hist
        1-D array of non-negative counts (e.g. from :func:`histogram`), not all zero.
    normalized
        True (default): float64 fractions, the last one exactly 1.0. False: int64
        cumulative counts, the last one the number of pixels.

    Introduced in lesson 02.
    """
    if isinstance(hist, (str, bytes)) or hist is None:
        raise TypeError(f"hist must be a 1-D array of counts, got {type(hist).__name__}")
    counts = np.asarray(hist)
    if counts.dtype == bool or not (np.issubdtype(counts.dtype, np.integer) or np.issubdtype(counts.dtype, np.floating)):
        raise TypeError(f"hist must hold numbers (counts), got dtype {counts.dtype}")
    if counts.ndim != 1:
        raise ValueError(f"hist must be a 1-D array of counts, got shape {counts.shape}")
    if counts.size == 0:
        raise ValueError("hist is empty: expected one count per grey level")
    if np.any(counts < 0) or not np.all(np.isfinite(counts)):
        raise ValueError("hist must hold counts >= 0, got a negative or non-finite value")
    if np.issubdtype(counts.dtype, np.integer):
        counts = counts.astype(np.int64)  # never accumulate in a small type: uint8 would wrap
    cumulative = np.cumsum(counts)
    if cumulative[-1] == 0:
        raise ValueError("hist counts no pixels at all (every entry is 0)")
    if not normalized:
        return cumulative
    return cumulative / cumulative[-1]


def equalization_lut(hist) -> np.ndarray:
    """The 256-entry lookup table of histogram equalization for a histogram of 256 counts.

    ``lut[v] = round(255 * (C[v] - C_min) / (N - C_min))``, where ``C`` is the cumulative
    count, ``N`` the number of pixels and ``C_min`` the cumulative count at the darkest
    level present. The darkest level present maps to 0, the brightest to 255, and the
    table never decreases. A one-level image maps to 255. Introduced in lesson 02.
    """
    cumulative = cdf(hist, normalized=False)  # validates hist: 1-D, counts >= 0, not all zero
    if cumulative.shape != (LEVELS,):
        raise ValueError(f"hist must be 256 counts, one per grey level (see histogram()), got {cumulative.shape}")
    counts = np.asarray(hist)
    total = cumulative[-1]
    c_min = cumulative[np.flatnonzero(counts)[0]]
    if total == c_min:  # one grey level only: it is the brightest, so it maps to 255
        return np.full(LEVELS, 255, dtype=np.uint8)
    scaled = (cumulative - c_min) * 255 / (total - c_min)
    return np.clip(np.round(scaled), 0, 255).astype(np.uint8)


def equalize(image) -> np.ndarray:
    """Histogram-equalize a grayscale image: ``lut[image]`` with :func:`equalization_lut`.

    Parameters
    ----------
    image
        2-D array of whole grey levels 0..255.

    Returns
    -------
    numpy.ndarray
        uint8 image of the same shape. The mapping of grey levels is monotone
        non-decreasing, the darkest level present becomes 0 and the brightest becomes 255.

    Introduced in lesson 02. ``skimage.exposure.equalize_hist`` returns the plain CDF
    (floats in 0..1, darkest level at its own fraction of pixels rather than 0); this
    function stretches that so the output uses the full range 0..255.
    """
    levels = _as_levels(image)
    return equalization_lut(histogram(levels))[levels]


def equalize_loop(image) -> np.ndarray:
    """Reference version of :func:`equalize` written with explicit loops (slow; lesson 02)."""
    levels = _as_levels(image)
    counts = histogram_loop(levels)
    cumulative = np.zeros(LEVELS, dtype=np.int64)
    running = 0
    for v in range(LEVELS):  # all 256 levels: stopping at 255 is the classic bug
        running += int(counts[v])
        cumulative[v] = running
    total = running
    c_min = next(int(cumulative[v]) for v in range(LEVELS) if counts[v] > 0)
    out = np.empty_like(levels)
    rows, cols = levels.shape
    for r in range(rows):
        for c in range(cols):
            if total == c_min:
                out[r, c] = 255
            else:
                out[r, c] = round((int(cumulative[levels[r, c]]) - c_min) * 255 / (total - c_min))
    return out


def _as_rgb(rgb, name: str = "rgb") -> np.ndarray:
    array = _as_levels(rgb, name, ndim=(3,))
    if array.shape[-1] != 3:
        raise ValueError(f"{name} must have 3 colour channels (H, W, 3), got shape {array.shape}")
    return array


def equalize_color(rgb, method: str = "hsv") -> np.ndarray:
    """Equalize the brightness of a colour image and keep its hues.

    Each pixel's R, G and B are multiplied by the same factor, so the ratios between
    them, and with them hue and saturation, stay as they were (up to rounding to whole
    numbers). Only the brightness measure that gets equalized differs.

    Parameters
    ----------
    rgb
        ``(H, W, 3)`` array of whole values 0..255 (uint8 RGB).
    method
        ``"hsv"`` (default): equalize the HSV value ``V = max(R, G, B)``; the new V is at
        most 255, so no channel ever overflows. ``"luminance"``: equalize the luminance
        ``Y = 0.2125 R + 0.7154 G + 0.0721 B`` (what ``skimage.color.rgb2gray`` computes,
        closer to perceived brightness); a pixel whose brightest channel would exceed
        255 is scaled down to 255 there, so it ends a little darker than asked.

    Returns
    -------
    numpy.ndarray
        uint8 RGB image of the same shape.

    Introduced in lesson 02. Equalizing R, G and B separately (not offered here) shifts
    hues; ``skimage.exposure.equalize_adapthist`` (CLAHE) also works on HSV value.
    """
    if not isinstance(method, str) or method not in COLOR_METHODS:
        raise ValueError(f"method must be one of {COLOR_METHODS}, got {method!r}")
    image = _as_rgb(rgb)
    pixels = image.astype(np.float64)
    if method == "hsv":
        brightness = image.max(axis=-1)
    else:
        brightness = np.round(pixels @ LUMINANCE_WEIGHTS).astype(np.uint8)
    target = equalize(brightness).astype(np.float64)
    scale = np.divide(target, brightness, out=np.zeros_like(target), where=brightness > 0)
    brightest = pixels.max(axis=-1)
    scale = np.minimum(scale, np.divide(255.0, brightest, out=np.full_like(target, np.inf), where=brightest > 0))
    out = pixels * scale[..., None]
    black = brightness == 0  # no hue to keep: black becomes the grey its level maps to
    out[black] = target[black, None]
    return np.clip(np.round(out), 0, 255).astype(np.uint8)


def hue_degrees(rgb) -> np.ndarray:
    """HSV hue of each pixel of an RGB image, in degrees 0..360 (lesson 02)."""
    from skimage import color

    image = _as_rgb(rgb)
    return color.rgb2hsv(image)[..., 0] * 360


def hue_shift_degrees(before, after, *, min_saturation: float = 0.2, min_value: int = 40) -> np.ndarray:
    """Angle in degrees (0..180) between the hues of two RGB images, pixel by pixel.

    Hue is meaningless for greys and near-black pixels, so pixels whose saturation is
    below ``min_saturation`` or whose value is below ``min_value`` in either image are
    returned as NaN. Use ``np.nanmean`` / ``np.nanmedian`` to summarise. Lesson 02.
    """
    from skimage import color

    a, b = _as_rgb(before, "before"), _as_rgb(after, "after")
    if a.shape != b.shape:
        raise ValueError(f"before and after must have the same shape, got {a.shape} and {b.shape}")
    hsv_a, hsv_b = color.rgb2hsv(a), color.rgb2hsv(b)
    diff = np.abs(hsv_a[..., 0] - hsv_b[..., 0]) * 360
    diff = np.minimum(diff, 360 - diff)
    meaningful = (
        (hsv_a[..., 1] >= min_saturation) & (hsv_b[..., 1] >= min_saturation)
        & (a.max(axis=-1) >= min_value) & (b.max(axis=-1) >= min_value)
    )
    return np.where(meaningful, diff, np.nan)
