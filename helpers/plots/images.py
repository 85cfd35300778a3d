"""Images and their pixel values (lessons 00-01; the image grids are reused in 07-08)."""

from __future__ import annotations

import math
from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from helpers.plots._common import _ROW_INCHES, _as_image_list, _mark_grid

__all__ = ["show_images", "show_pixel_values"]


def show_images(
    images,
    titles: Sequence[str] | None = None,
    *,
    ncols: int | None = None,
    suptitle: str | None = None,
    cmap: str = "gray",
    vmin: float | None = 0,
    vmax: float | None = 255,
    size: float | None = None,
    colorbar: bool = False,
) -> Figure:
    """Show images in a grid, each with its title and no axes.

    Parameters
    ----------
    images
        One image, a stack ``(N, H, W)`` / ``(N, H, W, C)``, or a list of images.
    titles
        One title per image (``None`` for none).
    ncols
        Images per row (default: all in one row, at most 10).
    suptitle
        Title of the whole figure.
    cmap, vmin, vmax
        Colour map and value range for single-channel images. The default 0..255 shows
        uint8 pixels honestly; pass ``vmin=None, vmax=None`` to let matplotlib stretch.
    size
        Inches per image (default: 1.6, larger when few images would leave the figure
        narrower than 8 inches, the course's projector standard).
    colorbar
        Draw a colour bar beside each single-channel image.
    """
    items = _as_image_list(images)
    n = len(items)
    if n == 0:
        raise ValueError("images is empty: there is nothing to show")
    if titles is not None and len(titles) != n:
        raise ValueError(f"titles must have one entry per image: {n} images, {len(titles)} titles")
    if ncols is None:
        ncols = min(n, 10)
    if ncols < 1:
        raise ValueError(f"ncols must be at least 1, got {ncols}")
    nrows = math.ceil(n / ncols)
    if size is None:
        size = max(1.6, min(4.0, _ROW_INCHES / ncols / (1.25 if colorbar else 1)))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(size * ncols * (1.25 if colorbar else 1), size * nrows + (0.4 if suptitle else 0)),
        squeeze=False,
    )
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        image = items[i]
        if image.ndim == 3 and image.shape[-1] == 1:
            image = image[..., 0]
        if image.ndim == 2:
            shown = ax.imshow(image, cmap=cmap, vmin=vmin, vmax=vmax)
            if colorbar:
                fig.colorbar(shown, ax=ax, fraction=0.046, pad=0.04)
        else:
            ax.imshow(image)
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=11)  # 12 px at 80 dpi
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return _mark_grid(fig)


def show_pixel_values(
    image,
    *,
    title: str | None = None,
    ax=None,
    vmin: float | None = 0,
    vmax: float | None = 255,
    fontsize: float | None = None,
) -> Figure:
    """Draw a small image with each pixel's value written on it (lesson 01).

    Parameters
    ----------
    image
        2-D grayscale (values written as numbers) or ``(H, W, 3)`` RGB (written as
        ``R,G,B`` triples), at most 16 x 16 pixels so the numbers stay readable.
    title
        Axes title.
    ax
        Axes to draw into (default: a new figure sized to the image).
    vmin, vmax
        Value range of the gray colour map (default 0..255, the honest view of uint8).
    fontsize
        Size of the numbers in points (default: 11, 10 for RGB triples; 11 px or more at 80 dpi).
    """
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[-1] != 3):
        raise ValueError(f"image must be 2-D (H, W) or RGB (H, W, 3), got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"image is empty (shape {array.shape}): there are no pixels to show")
    if max(array.shape[:2]) > 16:
        raise ValueError(f"image must be at most 16 x 16 pixels to write its values, got {array.shape[:2]}")
    rows, cols = array.shape[:2]
    if ax is None:
        cell = 1.15 if array.ndim == 3 else 0.5  # inches per pixel: room for "255,255,255"
        fig, ax = plt.subplots(figsize=(max(2.4, cell * cols + 0.8), max(1.6, cell * 0.8 * rows + 0.9)))
    else:
        fig = ax.figure
    if array.ndim == 2:
        ax.imshow(array, cmap="gray", vmin=vmin, vmax=vmax)
        integer = np.issubdtype(array.dtype, np.integer)
        low, high = (array.min(), array.max()) if vmin is None or vmax is None else (vmin, vmax)
        for (r, c), v in np.ndenumerate(array):
            light = (float(v) - low) / ((high - low) or 1) > 0.5
            ax.text(c, r, format(v, "d" if integer else ".2f"), ha="center", va="center",
                    fontsize=fontsize or 11.0, color="black" if light else "white")
    else:
        ax.imshow(array)
        luminance = array.astype(np.float64) @ np.array([0.2125, 0.7154, 0.0721])
        scale = 1.0 if np.issubdtype(array.dtype, np.floating) and array.max() <= 1 else 255.0
        for (r, c), y in np.ndenumerate(luminance):
            text = ",".join(str(v) if np.issubdtype(array.dtype, np.integer) else f"{v:.2g}" for v in array[r, c])
            ax.text(c, r, text, ha="center", va="center", fontsize=fontsize or 10.0,
                    color="black" if y / scale > 0.5 else "white")
    ax.set_xticks(range(cols))
    ax.set_yticks(range(rows))
    ax.tick_params(length=0, labelsize=11)
    ax.set_xlabel("column")
    ax.set_ylabel("row")
    for side in ax.spines.values():
        side.set_color("0.75")  # a light frame, so white pixels keep their edge
    if title:
        ax.set_title(title)
    return fig
