"""Private drawing utilities the figure modules share: image lists, value labels, colour bars, size checks."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

#: Inches a figure of panels in one row is made at least as wide, when the caller leaves its
#: size to the helper: 8 in = 640 px at the course's 80 dpi, at least 600 px once a notebook
#: crops the margins (the figure standard of :mod:`helpers.figures`).
_ROW_INCHES = 8.0


def _mark_grid(fig: Figure) -> Figure:
    """Mark a figure whose grid of panels is the point (a sample grid, a kernel bank)."""
    from helpers.figures import mark_grid

    return mark_grid(fig)


def _as_image_list(images) -> list[np.ndarray]:
    if isinstance(images, np.ndarray):
        if images.ndim == 2:
            return [images]
        if images.ndim in (3, 4):
            return list(images)
        raise ValueError(
            f"images must be one 2-D image, a stack (N, H, W) or (N, H, W, C), or a list of images; "
            f"got an array of shape {images.shape}"
        )
    try:
        result = [np.asarray(im) for im in images]
    except TypeError:
        raise TypeError(f"images must be an array or a list of arrays, got {type(images).__name__}") from None
    for i, im in enumerate(result):
        if im.ndim not in (2, 3):
            raise ValueError(f"images[{i}] must be 2-D (H, W) or 3-D (H, W, C), got shape {im.shape}")
    return result


def _annotate(ax, values: np.ndarray, fmt: str, fontsize: float = 11.0) -> None:
    """Write each value on its pixel, black on light pixels and white on dark ones."""
    image = ax.images[-1]
    low, high = image.get_clim()
    for (r, c), v in np.ndenumerate(values):
        light = (float(v) - low) / ((high - low) or 1) > 0.5
        ax.text(c, r, format(v, fmt), ha="center", va="center", fontsize=fontsize,
                color="black" if light else "white")


def _colorbar_right(fig: Figure, mappable, label: str) -> None:
    """Lay out a grid of panels with one colour bar in a strip at the right."""
    fig.tight_layout(rect=(0, 0, 0.88, 1))
    cax = fig.add_axes((0.9, 0.12, 0.018, 0.72))
    fig.colorbar(mappable, cax=cax, label=label)


def _check_small(array, name: str, limit: int = 12) -> np.ndarray:
    array = np.asarray(array, dtype=float)
    if array.ndim != 2 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array, got shape {array.shape}")
    if max(array.shape) > limit:
        raise ValueError(f"{name} must be at most {limit} x {limit} so its numbers stay readable, got {array.shape}")
    return array


def _gray_limits(image: np.ndarray) -> tuple[float, float]:
    return (0.0, 255.0) if image.dtype == np.uint8 else (0.0, 1.0)


_WINDOW_COLOURS = ("tab:orange", "tab:cyan", "tab:pink", "tab:olive", "tab:purple", "tab:red", "tab:green",
                   "tab:blue", "tab:brown")


_CHANNEL_COLOURS = ("tab:red", "tab:green", "tab:blue")
