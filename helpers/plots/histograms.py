"""Histograms beside the images they count (lesson 02)."""

from __future__ import annotations

from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from helpers.plots._common import _CHANNEL_COLOURS, _as_image_list

__all__ = ["draw_histogram", "show_images_and_histograms"]


def _counts_of(data, name: str = "data") -> list[np.ndarray]:
    """Histogram(s) to draw: one array of 256 counts, or one per RGB channel."""
    from helpers.histogram import histogram

    array = np.asarray(data)
    if array.ndim == 1:
        if array.shape[0] != 256:
            raise ValueError(f"{name} given as counts must have 256 entries, got {array.shape[0]}")
        return [array]
    if array.ndim == 3 and array.shape[-1] == 3:
        return [histogram(array[..., k]) for k in range(3)]
    if array.ndim == 2:
        return [histogram(array)]
    raise ValueError(
        f"{name} must be 256 counts, a 2-D grayscale image or an (H, W, 3) RGB image, got shape {array.shape}"
    )


def draw_histogram(
    ax,
    data,
    *,
    cdf: bool = False,
    log: bool = False,
    color: str = "0.35",
    title: str | None = None,
    mark: Sequence[int] = (),
):
    """Draw the grey-level histogram of an image (or of 256 counts) into ``ax`` (lesson 02).

    Parameters
    ----------
    ax
        Matplotlib axes to draw into.
    data
        A 2-D grayscale image of levels 0..255, an ``(H, W, 3)`` RGB image (one outline
        per channel in its colour), or an array of 256 counts.
    cdf
        Also draw the cumulative distribution (0..1, right-hand axis) and the straight
        line a perfectly equalized image would have.
    log
        Logarithmic count axis, to see small bins next to a tall one.
    color
        Fill colour of a single histogram.
    title
        Axes title.
    mark
        Grey levels to point out (e.g. ``[255]`` for clipped pixels): each is drawn as a
        red bar 4 levels wide with its count written beside it (on the CDF axes if
        ``cdf``), so a one-level spike at either end of the axis stays visible.

    Returns
    -------
    The right-hand CDF axes if ``cdf`` is True, otherwise ``ax``.
    """
    counts = _counts_of(data)
    levels = [int(v) for v in mark]
    if any(not 0 <= v <= 255 for v in levels):
        raise ValueError(f"mark must hold grey levels 0..255, got {list(mark)}")
    edges = np.arange(257) - 0.5
    if len(counts) == 1:
        ax.stairs(counts[0], edges, fill=True, color=color)
    else:
        for hist, colour, name in zip(counts, _CHANNEL_COLOURS, "RGB"):
            ax.stairs(hist, edges, color=colour, alpha=0.8, label=name)
        ax.legend(fontsize=11, loc="upper left")
    marked = [(level, int(max(hist[level] for hist in counts))) for level in levels]
    for level, count in marked:
        ax.bar(level, count, width=4, color="tab:red", zorder=3)
    ax.set_xlim(-8, 263)  # a margin, so marks at 0 and 255 stay clear of the frame
    ax.set_xticks([0, 64, 128, 192, 255])
    ax.set_xlabel("grey level", fontsize=12)
    ax.set_ylabel("pixels", fontsize=12)
    ax.tick_params(labelsize=12)  # readable when projected
    if log:
        ax.set_yscale("log")
        ax.set_ylim(bottom=0.8)
        ax.yaxis.set_major_formatter("{x:,.0f}")  # 1, 10, 100, 1,000: larger than superscript exponents
    else:
        ax.yaxis.set_major_formatter("{x:,.0f}")  # 10,000 rather than a separate "1e4" above the axis
    if title:
        ax.set_title(title)
    if not cdf:
        _label_marks(ax, ax, marked)
        return ax
    twin = ax.twinx()
    _label_marks(twin, ax, marked)  # on the CDF axes, so the curve never covers the numbers
    if len(counts) == 1:
        cumulative = np.cumsum(counts[0]) / max(int(np.sum(counts[0])), 1)
        twin.plot(np.arange(256), cumulative, color="tab:orange", lw=2, label="CDF")
    else:
        for hist, colour in zip(counts, _CHANNEL_COLOURS):
            twin.plot(np.arange(256), np.cumsum(hist) / max(int(np.sum(hist)), 1), color=colour, lw=1.5)
    twin.plot([0, 255], [0, 1], color="tab:orange", lw=1, ls="--", alpha=0.7, label="straight line")
    twin.set_ylim(0, 1.02)
    twin.set_ylabel("cumulative fraction", color="tab:orange", fontsize=12)
    twin.tick_params(axis="y", colors="tab:orange", labelsize=12)
    return twin


def _label_marks(top, ax, marked) -> None:
    """Write each marked bin's count beside its bar, at half its height, on the axes drawn last."""
    for level, count in marked:
        right = level > 127  # write on the side with room
        top.annotate(f"{count:,}", xy=(level, count / 2), xycoords=ax.transData, xytext=(-6 if right else 6, 0),
                     textcoords="offset points", ha="right" if right else "left", va="center", color="tab:red", fontsize="large",
                     zorder=5, bbox={"facecolor": "white", "edgecolor": "none", "pad": 2})  # opaque: readable over grey bars


def show_images_and_histograms(
    images,
    titles: Sequence[str] | None = None,
    *,
    cdf: bool = False,
    log: bool = False,
    suptitle: str | None = None,
    size: float | None = None,
    sharey: bool = False,
    mark: Sequence[int] = (),
) -> Figure:
    """Show images in a row with each one's histogram underneath (lesson 02).

    A single image gets its histogram beside it instead.

    Parameters
    ----------
    images
        One image or a list of images: 2-D grayscale (shown 0 = black, 255 = white) or
        ``(H, W, 3)`` RGB (histogram per channel), whole values 0..255.
    titles
        One title per image.
    cdf, log
        As in :func:`draw_histogram`.
    suptitle
        Title of the whole figure.
    size
        Width in inches of each column (default: 2.8, wider when the figure would be
        narrower than 8 inches, the course's projector standard).
    sharey
        Give all histograms the same count axis, so their heights compare directly.
    mark
        Grey levels to point out in every histogram, as in :func:`draw_histogram`.
    """
    items = _as_image_list(images) if not isinstance(images, np.ndarray) or images.ndim != 3 or images.shape[-1] != 3 else [images]
    n = len(items)
    if n == 0:
        raise ValueError("images is empty: there is nothing to show")
    if titles is not None and len(titles) != n:
        raise ValueError(f"titles must have one entry per image: {n} images, {len(titles)} titles")
    if size is None:
        size = max(2.8, 8.2 / (2 if n == 1 else n))
    if n == 1:
        fig, axes = plt.subplots(
            1, 2, figsize=(2 * size + (0.5 if cdf else 0), size * 0.85 + (0.4 if suptitle else 0)),
            gridspec_kw={"width_ratios": [1, 1.15]},
        )
        axes = axes.reshape(2, 1)
    else:
        fig, axes = plt.subplots(
            2, n, figsize=(size * n + (0.5 if cdf else 0), 2 * size * 0.85 + (0.4 if suptitle else 0)),
            squeeze=False, gridspec_kw={"height_ratios": [1.25, 1]},
        )
    for k, image in enumerate(items):
        top, bottom = axes[0, k], axes[1, k]
        if image.ndim == 2:
            top.imshow(image, cmap="gray", vmin=0, vmax=255)
        else:
            top.imshow(image)
        top.axis("off")
        if titles is not None:
            top.set_title(str(titles[k]), fontsize=14)  # readable when projected
        twin = draw_histogram(bottom, image, cdf=cdf, log=log, mark=mark)
        if sharey and k > 0:
            bottom.sharey(axes[1, 0])
        if k > 0:
            bottom.set_ylabel("")
        if cdf and k < n - 1:
            twin.set_ylabel("")
    if sharey:  # the tallest bar of any histogram sets the shared count axis
        tallest = max(float(counts.max()) for image in items for counts in _counts_of(image))
        axes[1, 0].set_ylim(top=tallest * (2 if log else 1.05))
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig
