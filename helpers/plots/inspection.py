"""Looking inside the trained CNN: feature maps, filter rows, labelled images, overlays (lesson 10)."""

from __future__ import annotations

import math
from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from helpers.plots._common import _ROW_INCHES, _as_image_list, _colorbar_right, _gray_limits, _mark_grid

__all__ = ["show_feature_maps", "show_filter_rows", "show_labelled_images", "show_overlays"]


def show_feature_maps(
    maps,
    *,
    title: str = "Feature maps",
    ncols: int = 8,
    channels: Sequence[int] | None = None,
    size: float = 1.1,
    shared_scale: bool = True,
) -> Figure:
    """The channels of one layer's output for one image, as a grid (lesson 10).

    ``maps`` has shape ``(H, W, C)`` (one image; a leading batch axis of 1 is dropped).
    With ``shared_scale`` all panels use one colour scale (0 to the largest value), so a
    dark panel really means a weak response; a colour bar shows it.
    """
    maps = np.asarray(maps, dtype=float)
    if maps.ndim == 4 and maps.shape[0] == 1:
        maps = maps[0]
    if maps.ndim != 3:
        raise ValueError(f"maps must have shape (H, W, C) for one image, got shape {maps.shape}")
    if channels is None:
        channels = list(range(maps.shape[-1]))
    channels = list(channels)
    if not channels or min(channels) < 0 or max(channels) >= maps.shape[-1]:
        raise ValueError(f"channels must be indices in 0..{maps.shape[-1] - 1}, got {channels}")
    n = len(channels)
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    low, high = (min(0.0, float(maps.min())), float(maps.max()) or 1.0) if shared_scale else (None, None)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols + 1.2, size * nrows + 0.5), squeeze=False)
    shown = None
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            shown = ax.imshow(maps[..., channels[i]], cmap="viridis", vmin=low, vmax=high)
            ax.set_title(f"#{channels[i]}")  # body size: readable when projected
    fig.suptitle(title)
    if shared_scale:
        _colorbar_right(fig, shown, "activation")
    else:
        fig.tight_layout()
    return _mark_grid(fig)  # the grid is the point: no panel limit


def show_filter_rows(rows: dict, *, suptitle: str | None = None, size: float = 1.0) -> Figure:
    """Rows of small kernels on one shared diverging scale, each row labelled (lesson 10).

    ``rows`` maps a label (``"start"``, ``"trained"``) to kernels of shape
    ``(filters, kh, kw)``; every row holds the same number of kernels. Red is positive,
    blue negative, white zero; one colour bar for the whole figure. Row labels and
    panel numbers use the body font size, readable when projected.
    """
    if not isinstance(rows, dict) or not rows:
        raise ValueError("rows must be a non-empty dict {label: kernels of shape (filters, kh, kw)}")
    arrays = {str(k): np.asarray(v, dtype=float) for k, v in rows.items()}
    shapes = {k: v.shape for k, v in arrays.items()}
    if any(len(s) != 3 for s in shapes.values()) or len(set(shapes.values())) != 1:
        raise ValueError(f"every row must be an array (filters, kh, kw) of the same shape, got {shapes}")
    n = next(iter(arrays.values())).shape[0]
    limit = max(float(np.abs(v).max()) for v in arrays.values()) or 1.0
    label_width = max(len(k) for k in arrays) * 0.09 + 0.3
    fig, axes = plt.subplots(len(arrays), n, squeeze=False,
                             figsize=(size * n + label_width + 1.1, (size + 0.3) * len(arrays) + (0.45 if suptitle else 0)))
    shown = None
    for r, (label, kernels) in enumerate(arrays.items()):
        for i in range(n):
            ax = axes[r, i]
            shown = ax.imshow(kernels[i], cmap="RdBu_r", vmin=-limit, vmax=limit)
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(f"#{i}")
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center")
    if suptitle:
        fig.suptitle(suptitle)
    _colorbar_right(fig, shown, "weight")
    return _mark_grid(fig)  # the grid is the point: no panel limit


def show_labelled_images(
    images,
    titles: Sequence[str] | None = None,
    *,
    ncols: int | None = None,
    suptitle: str | None = None,
    size: float | None = None,
    boxes: Sequence[tuple[int, int, int, int]] | None = None,
) -> Figure:
    """Gray images with titles in the body font size, optionally a box on each (lesson 10).

    Like :func:`show_images`, with titles readable on a projector. ``boxes`` gives, per
    image, a rectangle ``(row, column, height, width)`` in pixels (e.g. the patch of the
    input that a feature map's strongest position sees), drawn in orange.
    """
    items = [np.squeeze(np.asarray(im)) for im in _as_image_list(images)]
    n = len(items)
    if n == 0:
        raise ValueError("images is empty: there is nothing to show")
    if titles is not None and len(titles) != n:
        raise ValueError(f"titles must have one entry per image: {n} images, {len(titles)} titles")
    if boxes is not None and len(boxes) != n:
        raise ValueError(f"boxes must have one (row, column, height, width) per image: {n} images, {len(boxes)} boxes")
    ncols = max(1, min(ncols or n, n))
    nrows = math.ceil(n / ncols)
    lines = max((str(t).count("\n") + 1 for t in titles), default=0) if titles is not None else 0
    if size is None:  # 1.7 in per image; wider when a short row would leave the figure under 8 in
        size = max(1.7, min(3.0, _ROW_INCHES / ncols))
    fig, axes = plt.subplots(nrows, ncols, squeeze=False,
                             figsize=(size * ncols, (size + 0.2 * lines + 0.1) * nrows + (0.45 if suptitle else 0)))
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        low, high = _gray_limits(items[i])
        ax.imshow(items[i], cmap="gray", vmin=low, vmax=high)
        if titles is not None:
            ax.set_title(str(titles[i]))
        if boxes is not None:
            row, col, height, width = boxes[i]
            ax.add_patch(plt.Rectangle((col - 0.5, row - 0.5), width, height, fill=False, edgecolor="tab:orange", linewidth=2.5))
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return _mark_grid(fig)  # the grid is the point: no panel limit


def show_overlays(
    images,
    maps,
    *,
    titles: Sequence[str] | None = None,
    label: str = "importance",
    suptitle: str | None = None,
    size: float = 2.2,
    vmax: float | None = None,
) -> Figure:
    """Each gray image with a map drawn over it, all maps on ONE colour scale (lesson 10).

    The map's colour is viridis from 0 to ``vmax`` (default: the largest value of all the
    maps), and its opacity grows with the value: where the map is 0 or below you see only
    the image, where it is large mostly the colour. One colour bar serves every panel, so
    the same colour means the same value in all of them.

    Parameters
    ----------
    images
        uint8 (0..255) or float (0..1) gray images, ``(N, H, W)`` or ``(N, H, W, 1)``.
    maps
        One ``(H, W)`` map per image.
    titles, label, suptitle, size
        Panel titles, the colour bar's label, a title over the figure, inches per panel.
    vmax
        Top of the shared scale.
    """
    items = [np.squeeze(np.asarray(im)) for im in _as_image_list(images)]
    maps = [np.asarray(m, dtype=float) for m in maps]
    n = len(items)
    if n == 0 or len(maps) != n:
        raise ValueError(f"images and maps must be non-empty and the same length, got {n} and {len(maps)}")
    for i, (im, m) in enumerate(zip(items, maps)):
        if m.shape != im.shape[:2]:
            raise ValueError(f"maps[{i}] must have the image's shape {im.shape[:2]}, got {m.shape}")
    if titles is not None and len(titles) != n:
        raise ValueError(f"titles must have one entry per image: {n} images, {len(titles)} titles")
    top = float(vmax) if vmax is not None else max(float(m.max()) for m in maps)
    top = top if top > 0 else 1.0
    norm = plt.Normalize(0.0, top)
    cmap = plt.get_cmap("viridis")
    lines = max((str(t).count("\n") + 1 for t in titles), default=0) if titles is not None else 0
    fig, axes = plt.subplots(1, n, squeeze=False, figsize=(size * n + 1.2, size + 0.2 * lines + 0.2 + (0.4 if suptitle else 0)))
    for ax, image, m, i in zip(axes.flat, items, maps, range(n)):
        low, high = _gray_limits(image)
        ax.imshow(image, cmap="gray", vmin=low, vmax=high)
        colours = cmap(norm(m))
        colours[..., 3] = 0.85 * np.sqrt(np.clip(m / top, 0.0, 1.0))  # weak values stay visible
        ax.imshow(colours)
        ax.axis("off")
        if titles is not None:
            ax.set_title(str(titles[i]))
    if suptitle:
        fig.suptitle(suptitle)
    _colorbar_right(fig, plt.cm.ScalarMappable(norm=norm, cmap=cmap), label)
    return fig
