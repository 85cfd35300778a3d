"""Figures the lessons share. Drawing code only: the ideas live in the notebooks.

Every function returns the matplotlib ``Figure`` it drew, titled and labelled; the
notebook ends its cell with ``plt.show()``.
"""

from __future__ import annotations

import math
from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

__all__ = ["show_images"]


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


def show_images(
    images,
    titles: Sequence[str] | None = None,
    *,
    ncols: int | None = None,
    suptitle: str | None = None,
    cmap: str = "gray",
    vmin: float | None = 0,
    vmax: float | None = 255,
    size: float = 1.6,
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
        Inches per image.
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
            ax.set_title(str(titles[i]), fontsize="small")
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig
