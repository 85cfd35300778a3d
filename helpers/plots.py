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

__all__ = ["animate_correlation", "compare_kernels", "draw_histogram", "plot_accuracy_vs_shift", "plot_confusion_matrix", "plot_history", "plot_shift_tolerance", "plot_training", "show_conv_geometry", "show_correlation_step", "show_digit_predictions", "show_feature_maps", "show_filtered", "show_filtered_images", "show_images", "show_images_and_histograms", "show_kernel", "show_kernels", "show_padding_modes", "show_pixel_values", "show_pooling", "show_predictions", "show_receptive_fields", "show_shifted"]


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


# ---- lessons 05-06: pooling, learned filters ------------------------------------------

_WINDOW_COLOURS = ("tab:orange", "tab:cyan", "tab:pink", "tab:olive", "tab:purple", "tab:red", "tab:green",
                   "tab:blue", "tab:brown")


def _annotate(ax, values: np.ndarray, fmt: str, fontsize: float = 9.0) -> None:
    """Write each value on its pixel, black on light pixels and white on dark ones."""
    image = ax.images[-1]
    low, high = image.get_clim()
    for (r, c), v in np.ndenumerate(values):
        light = (float(v) - low) / ((high - low) or 1) > 0.5
        ax.text(c, r, format(v, fmt), ha="center", va="center", fontsize=fontsize,
                color="black" if light else "white")


def show_pooling(
    x,
    out,
    size: int,
    stride: int,
    *,
    op: str = "max",
    annotate: bool | None = None,
    fmt: str = "g",
    vmin: float | None = None,
    vmax: float | None = None,
) -> Figure:
    """Draw a 2-D input with its pooling windows outlined, next to the pooled output.

    Each outlined window and the output cell it becomes share a colour. Non-overlapping
    windows are all outlined when there are at most 9; otherwise only the windows of the
    first three outputs, (0, 0), (0, 1) and (1, 0), which is enough to see the stride. Lesson 05.

    Parameters
    ----------
    x, out
        The 2-D input and the pooled output (the caller computes it).
    size, stride, op
        The pooling parameters (drawn and written in the titles).
    annotate
        Write the numbers on the pixels (default: when the input has at most 12 x 12 pixels).
    fmt
        Format of the numbers, e.g. ``".1f"``.
    vmin, vmax
        Grey range shared by both panels (default: the input's range).
    """
    x, out = np.asarray(x), np.asarray(out)
    if x.ndim != 2 or out.ndim != 2:
        raise ValueError(f"x and out must be 2-D, got shapes {x.shape} and {out.shape}")
    if annotate is None:
        annotate = max(x.shape) <= 12
    vmin = float(x.min()) if vmin is None else vmin
    vmax = float(x.max()) if vmax is None else vmax
    # inches per pixel: numbered cells big enough for 12-pt digits, pictures about 6 inches tall
    scale = min(1.2, max(0.6, 6.8 / (x.shape[1] + out.shape[1]))) if annotate else 6.0 / max(x.shape)
    # room for the output's title when it is tiny; a picture's output is drawn at least 0.6 times
    # the input's size (its pixels larger), so that it stays readable on a projector
    out_width = max(out.shape[1], x.shape[1] / 3, 1) if annotate else max(out.shape[1], 0.6 * x.shape[1])
    width_ratios = [x.shape[1], out_width]
    fig, (ax_in, ax_out) = plt.subplots(
        1, 2, figsize=(max(scale * (x.shape[1] + out_width) + 1.2, 7.5), max(scale * x.shape[0] + 0.9, 2.6)),
        gridspec_kw={"width_ratios": width_ratios}, layout="constrained",  # keeps the titles apart
    )
    ax_in.imshow(x, cmap="gray", vmin=vmin, vmax=vmax)
    ax_out.imshow(out, cmap="gray", vmin=vmin, vmax=vmax)
    if annotate:
        _annotate(ax_in, x, fmt, fontsize=12)
        _annotate(ax_out, out, fmt, fontsize=12)
    cells = [(i, j) for i in range(out.shape[0]) for j in range(out.shape[1])]
    if len(cells) > 9 or stride < size:
        cells = [cell for cell in [(0, 0), (0, 1), (1, 0)] if cell[0] < out.shape[0] and cell[1] < out.shape[1]]
    # outlines drawn a little inside their window, so that windows which touch or overlap
    # do not draw over each other's border (overlapping ones step further in)
    inset, step = (0.08, 0.08) if stride < size else (0.06, 0.0)
    for k, (i, j) in enumerate(cells):
        colour = _WINDOW_COLOURS[k % len(_WINDOW_COLOURS)]
        d = inset + step * (k % 3)
        ax_in.add_patch(plt.Rectangle((j * stride - 0.5 + d, i * stride - 0.5 + d), size - 2 * d, size - 2 * d,
                                      fill=False, edgecolor=colour, linewidth=4))
        # output boxes drawn a little inside their cell, so neighbouring boxes do not hide each other
        ax_out.add_patch(plt.Rectangle((j - 0.42, i - 0.42), 0.84, 0.84, fill=False, edgecolor=colour, linewidth=4))
    ax_in.set_title(f"input {x.shape[0]} x {x.shape[1]}", fontsize=13)
    ax_out.set_title(f"{op} pool -> {out.shape[0]} x {out.shape[1]}", fontsize=13)
    for ax in (ax_in, ax_out):
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(f"{op} pooling, window {size} x {size}, stride {stride}", fontsize=14)
    return fig


def _percent_vs_shift(shifts, series: dict, name: str, *, xlabel: str, ylabel: str, title: str, from_zero: bool) -> Figure:
    """One line per entry of ``series`` (fractions, drawn as %) against the shift in pixels."""
    shifts = np.asarray(shifts)
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    markers = "osD^vx*+"
    for k, (label, values) in enumerate(series.items()):
        values = np.asarray(values, dtype=float)
        if values.shape != shifts.shape:
            raise ValueError(f"{name}[{label!r}] must have one value per shift ({shifts.size}), got shape {values.shape}")
        ax.plot(shifts, 100 * values, marker=markers[k % len(markers)], label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_xticks(shifts)
    if from_zero:
        ax.set_ylim(0, None)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_shift_tolerance(shifts, changes: dict, *, title: str = "How much a feature map changes when the input moves",
                         reference: tuple[str, float] | None = None) -> Figure:
    """Line plot of relative change against shift in pixels, one line per variant (lesson 05).

    ``changes`` maps a label ("no pooling", "max pool 4x4", ...) to one value per shift.
    Lines whose label starts with "average" or "every" are dashed, so that the pairs that nearly overlap
    (no pooling / every 4th pixel, max / average pooling) stay apart without the legend.
    ``reference=(label, fraction)`` adds a dotted horizontal line, e.g. the change between unrelated maps.
    """
    fig = _percent_vs_shift(shifts, changes, "changes", xlabel="shift of the input (pixels)",
                            ylabel="relative change of the map (%)", title=title, from_zero=True)
    fig.set_size_inches(10.5, 5.4)  # projector: 840 px wide, text 12-13 pt (at least 13 px)
    ax = fig.axes[0]
    for line in ax.lines:
        if line.get_label().startswith(("average", "every")):
            line.set_linestyle("--")
    if reference is not None:
        label, value = reference
        ax.axhline(100 * float(value), color="0.35", linestyle=":", linewidth=2, label=label)
        ax.set_ylim(0, max(ax.get_ylim()[1], 106 * float(value)))  # the y limits were fixed before the line
    ax.legend(fontsize=12)
    ax.tick_params(labelsize=12)
    ax.xaxis.label.set_fontsize(12)
    ax.yaxis.label.set_fontsize(12)
    ax.title.set_fontsize(13)
    fig.tight_layout()
    return fig


def compare_kernels(kernels, titles: Sequence[str], *, suptitle: str | None = None, fmt: str = ".2f") -> Figure:
    """Show small kernels side by side with their values written on them (lessons 05-06).

    All panels share one diverging colour scale centred on zero (blue negative, red
    positive) and one colour bar, so equal colours mean equal numbers.
    """
    kernels = [np.asarray(k, dtype=float) for k in kernels]
    if len(kernels) != len(titles):
        raise ValueError(f"titles must have one entry per kernel: {len(kernels)} kernels, {len(titles)} titles")
    for i, k in enumerate(kernels):
        if k.ndim != 2:
            raise ValueError(f"kernels[{i}] must be 2-D, got shape {k.shape}")
    limit = max(float(np.abs(k).max()) for k in kernels) or 1.0
    # sizes for the projector: panels ~210 px wide at the course's 80 dpi, values 13 px high
    fig, axes = plt.subplots(1, len(kernels), figsize=(2.9 * len(kernels) + 0.8, 3.3), squeeze=False)
    for ax, k, title in zip(axes[0], kernels, titles):
        shown = ax.imshow(k, cmap="RdBu_r", vmin=-limit, vmax=limit)
        for (r, c), v in np.ndenumerate(k):
            text = format(v, fmt)
            if text.startswith("-") and float(text) == 0:  # no "-0.00"
                text = text[1:]
            ax.text(c, r, text, ha="center", va="center", fontsize=12,
                    color="white" if abs(v) > 0.6 * limit else "black")
        ax.set_title(title)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(shown, ax=list(axes[0]), fraction=0.03, pad=0.03, label="weight")
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def plot_training(losses, weights, target, *, title: str = "Learning a 3x3 kernel by gradient descent") -> Figure:
    """Loss per step (log scale), and each kernel weight per step against its target (lesson 06).

    ``weights`` has shape (steps, kh, kw): the weights are drawn as small multiples laid
    out like the kernel (one panel per position, shared y axis, dotted line = target);
    shape (steps, n) gives one row of n panels. ``target`` holds the true weights.
    """
    losses = np.asarray(losses, dtype=float)
    weights = np.asarray(weights, dtype=float)
    grid = weights.shape[1:] if weights.ndim == 3 else (1, int(np.prod(weights.shape[1:])))
    weights = weights.reshape(len(losses), -1)
    target = np.asarray(target, dtype=float).ravel()
    if weights.shape[1] != target.size:
        raise ValueError(f"weights have {weights.shape[1]} values per step but target has {target.size}")
    steps = np.arange(len(losses))
    rows, cols = grid
    # sizes for the projector: >= 12 px text at the course's 80 dpi (11 pt), weight panels ~140 px wide
    fig = plt.figure(figsize=(4.6 + 2.6 * cols, max(4.8, 1.8 * rows + 1.2)))
    spec = fig.add_gridspec(rows, cols + 1, width_ratios=[2.4] + [1] * cols, wspace=0.2, hspace=0.45)
    ax_loss = fig.add_subplot(spec[:, 0])
    ax_loss.semilogy(steps, losses)
    ax_loss.set_xlabel("step")
    ax_loss.set_ylabel("mean squared error (log scale)")
    ax_loss.set_title("loss")
    ax_loss.grid(alpha=0.3)
    ax_loss.tick_params(labelsize=11)
    first = None
    for n in range(target.size):
        r, c = divmod(n, cols)
        ax = fig.add_subplot(spec[r, c + 1], sharex=first, sharey=first)
        first = first or ax
        ax.plot(steps, weights[:, n], color="tab:blue", linewidth=1.5)
        ax.axhline(target[n], color="black", linestyle=":", linewidth=1)
        ax.set_title(f"w[{r}, {c}] -> {target[n]:g}", fontsize=11)
        ax.grid(alpha=0.3)
        ax.tick_params(labelbottom=r == rows - 1, labelleft=c == 0, labelright=False, labelsize=11)
        ax.locator_params(axis="both", nbins=3)
        if r == rows - 1:
            ax.set_xlabel("step")
    fig.suptitle(title)
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.12, top=0.86)
    return fig


def show_receptive_fields(
    maps, titles: Sequence[str], *, suptitle: str | None = None, label: str = "|gradient|", ncols: int | None = None
) -> Figure:
    """Show which input pixels reach one output unit, with their bounding box drawn (lesson 06).

    ``maps`` are 2-D arrays of the same shape, e.g. the gradient magnitude of one output
    with respect to the input; pixels where a map is non-zero are the receptive field,
    and a red box is drawn around them (red shows on viridis' yellow and purple alike).
    All panels share one colour scale (0 to the largest value of all maps) and one colour
    bar labelled ``label``: divide each map by its own maximum first to compare shapes
    rather than sizes. ``ncols`` panels per row
    (default: all in one row); a grid of 2 x 2 keeps four panels large on a projector.
    """
    maps = [np.abs(np.asarray(m, dtype=float)) for m in maps]
    if len(maps) != len(titles):
        raise ValueError(f"titles must have one entry per map: {len(maps)} maps, {len(titles)} titles")
    for i, m in enumerate(maps):
        if m.ndim != 2:
            raise ValueError(f"maps[{i}] must be 2-D, got shape {m.shape}")
    ncols = len(maps) if ncols is None else ncols
    if ncols < 1:
        raise ValueError(f"ncols must be at least 1, got {ncols}")
    nrows = -(-len(maps) // ncols)
    top = max(float(m.max()) for m in maps) or 1.0
    size = 2.6 if nrows == 1 else 3.9  # inches per panel: one row stays low, a grid can be taller
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols + 1.2, size * nrows + 0.4), squeeze=False)
    for ax in axes.flat[len(maps):]:
        ax.axis("off")  # empty places at the end of the grid
    for ax, m, title in zip(axes.flat, maps, titles):
        shown = ax.imshow(m, cmap="viridis", vmin=0, vmax=top)
        rows, cols = np.nonzero(m)
        if rows.size:
            ax.add_patch(plt.Rectangle((cols.min() - 0.5, rows.min() - 0.5), cols.max() - cols.min() + 1,
                                       rows.max() - rows.min() + 1, fill=False, edgecolor="red", linewidth=2.5))
        ax.set_xticks(np.arange(-0.5, m.shape[1], 1), minor=True)
        ax.set_yticks(np.arange(-0.5, m.shape[0], 1), minor=True)
        ax.grid(which="minor", color="0.35", linewidth=0.4)
        ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
        ax.set_title(title)
    fig.colorbar(shown, ax=list(axes.flat), fraction=0.025 if nrows == 1 else 0.04, pad=0.02, label=label)
    if suptitle:
        fig.suptitle(suptitle)
    return fig


# ---- lessons 01-02: pixel values, histograms ----------------------------------------------

_CHANNEL_COLOURS = ("tab:red", "tab:green", "tab:blue")


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
        Size of the numbers (default: smaller for RGB triples).
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
        cell = 0.95 if array.ndim == 3 else 0.45  # inches per pixel: room for "255,255,255"
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
                    fontsize=fontsize or 9.0, color="black" if light else "white")
    else:
        ax.imshow(array)
        luminance = array.astype(np.float64) @ np.array([0.2125, 0.7154, 0.0721])
        scale = 1.0 if np.issubdtype(array.dtype, np.floating) and array.max() <= 1 else 255.0
        for (r, c), y in np.ndenumerate(luminance):
            text = ",".join(str(v) if np.issubdtype(array.dtype, np.integer) else f"{v:.2g}" for v in array[r, c])
            ax.text(c, r, text, ha="center", va="center", fontsize=fontsize or 7.0,
                    color="black" if y / scale > 0.5 else "white")
    ax.set_xticks(range(cols))
    ax.set_yticks(range(rows))
    ax.tick_params(length=0, labelsize="small")
    ax.set_xlabel("column")
    ax.set_ylabel("row")
    for side in ax.spines.values():
        side.set_color("0.75")  # a light frame, so white pixels keep their edge
    if title:
        ax.set_title(title)
    return fig


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
        ax.legend(fontsize="x-small", loc="upper left")
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
    size: float = 2.8,
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
        Width in inches of each column.
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
            top.set_title(str(titles[k]), fontsize=12)
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


# ---- training lessons 07-10: learning curves, confusion matrix, predictions, inside a CNN ----

def plot_history(
    history,
    *,
    title: str = "Learning curves",
    metrics: Sequence[str] = ("loss", "accuracy"),
    curves: dict[str, str] | None = None,
) -> Figure:
    """Training and validation curves per epoch, one panel per metric (lessons 07-09).

    ``history`` is the dict of lists from ``model.fit(...).history`` (or
    ``helpers.training.train(...).history``): keys like ``"loss"`` and ``"val_loss"``.
    ``curves`` maps a key prefix to its legend label, in drawing order; the default
    ``{"": "training", "val_": "validation"}`` draws ``loss`` and ``val_loss``. Lesson 07
    adds ``"end_"`` for the training loss measured after each epoch.
    """
    history = getattr(history, "history", history)
    if not isinstance(history, dict):
        raise TypeError(f"history must be a dict of lists (fit(...).history), got {type(history).__name__}")
    shown = [m for m in metrics if m in history]
    if not shown:
        raise ValueError(f"history has none of the metrics {list(metrics)}; its keys are {sorted(history)}")
    curves = {"": "training", "val_": "validation"} if curves is None else dict(curves)
    styles = {"": ("C0", "o", "-"), "val_": ("C1", "s", "-")}
    fig, axes = plt.subplots(1, len(shown), figsize=(5.0 * len(shown), 3.8), squeeze=False)
    for ax, metric in zip(axes[0], shown):
        epochs = np.arange(1, len(history[metric]) + 1)
        extras = [p for p in curves if p not in styles]  # other curves: black, then grey, dashed
        for prefix, label in curves.items():
            if f"{prefix}{metric}" in history:
                colour, marker, line = styles.get(prefix) or (("black", "tab:gray")[extras.index(prefix) % 2], "^", "--")
                ax.plot(epochs, np.asarray(history[f"{prefix}{metric}"], dtype=float), color=colour, marker=marker,
                        linestyle=line, label=label)
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.set_xticks(epochs if len(epochs) <= 12 else epochs[:: math.ceil(len(epochs) / 12)])
        ax.grid(alpha=0.3)
        ax.legend()
        ax.set_title(metric)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_confusion_matrix(
    cm,
    class_names: Sequence[str] | None = None,
    *,
    title: str = "Confusion matrix",
    normalize: bool = False,
    size: float = 5.0,
) -> Figure:
    """Counts of (true class, predicted class) as an annotated heat map (lessons 07-09).

    Rows are the true classes, columns the predictions; the diagonal holds the correct
    answers, drawn in grey with bold numbers. Colours encode only the mistakes (the
    off-diagonal cells), so a few dozen errors stay visible next to a diagonal of
    thousands. ``normalize=True`` shows each row as percentages of that class.
    """
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"cm must be a square matrix, got shape {cm.shape}")
    n = cm.shape[0]
    if class_names is None:
        class_names = [str(i) for i in range(n)]
    if len(class_names) != n:
        raise ValueError(f"class_names must have one name per class: {n} classes, {len(class_names)} names")
    values = cm.astype(float)
    if normalize:
        values = 100 * values / np.maximum(values.sum(axis=1, keepdims=True), 1)
    mistakes = values.copy()
    np.fill_diagonal(mistakes, np.nan)
    fig, ax = plt.subplots(figsize=(size + 1.2, size))
    shown = ax.imshow(mistakes, cmap="Reds", vmin=0, vmax=max(np.nanmax(mistakes), 1e-9))
    ax.imshow(np.where(np.eye(n, dtype=bool), 1.0, np.nan), cmap="Greys", vmin=0, vmax=4, alpha=1)
    fig.colorbar(shown, ax=ax, fraction=0.046, pad=0.04, label="% of the true class (mistakes)" if normalize else "count of mistakes")
    fmt = "{:.1f}" if normalize else "{:.0f}"
    top = np.nanmax(mistakes) if np.isfinite(np.nanmax(mistakes)) else 0
    for i in range(n):
        for j in range(n):
            if values[i, j] == 0:
                continue
            dark = i != j and values[i, j] > 0.6 * top
            ax.text(j, i, fmt.format(values[i, j]), ha="center", va="center",
                    fontsize=8 if n > 5 else 10, color="white" if dark else "black",
                    fontweight="bold" if i == j else "normal")
    ax.set_xticks(range(n))
    ax.set_yticks(range(n))
    ax.set_xticklabels(class_names, rotation=45 if max(map(len, class_names)) > 2 else 0, ha="right" if max(map(len, class_names)) > 2 else "center")
    ax.set_yticklabels(class_names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def show_predictions(
    images,
    y_true,
    y_pred,
    *,
    class_names: Sequence[str] | None = None,
    probabilities=None,
    ncols: int = 8,
    suptitle: str | None = None,
    size: float = 1.5,
) -> Figure:
    """Images titled "predicted (true)"; wrong predictions in red (lessons 07-09).

    ``images`` are uint8 (0..255) or float (0..1) images; ``probabilities`` (optional) is
    the probability of the predicted class, shown as a percentage.
    """
    items = [np.squeeze(np.asarray(im)) for im in _as_image_list(np.asarray(images))]
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    n = len(items)
    if n == 0:
        raise ValueError("images is empty: there is nothing to show")
    if y_true.shape != (n,) or y_pred.shape != (n,):
        raise ValueError(f"y_true and y_pred must have one label per image ({n}), got shapes {y_true.shape} and {y_pred.shape}")
    name = (lambda k: str(class_names[k])) if class_names is not None else str
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, (size + 0.5) * nrows + (0.4 if suptitle else 0)), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        image = items[i]
        ax.imshow(image, cmap="gray", vmin=0, vmax=255 if image.dtype == np.uint8 else 1)
        text = f"{name(y_pred[i])}"
        if probabilities is not None:
            text += f" {100 * float(np.asarray(probabilities)[i]):.0f}%"
        if y_pred[i] != y_true[i]:
            text += f"\n(true: {name(y_true[i])})"
        ax.set_title(text, fontsize="small", color="black" if y_pred[i] == y_true[i] else "red")
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def plot_accuracy_vs_shift(shifts, accuracies: dict, *, title: str = "Test accuracy when the images move",
                           signed_shifts=None, signed: dict | None = None,
                           trained_within: float | None = None) -> Figure:
    """Accuracy (%) against shift in pixels, one line per model (lesson 09).

    ``accuracies`` maps a model's name to one accuracy (a fraction) per entry of ``shifts``.
    With ``signed`` (the same names, one accuracy per entry of ``signed_shifts``, negative
    = left) the figure gets a first panel for those, on the same accuracy scale, and
    ``accuracies`` go in the second (e.g. the mean over four directions per distance).
    Each model keeps its colour and marker in both panels; the legend is drawn once.
    With ``trained_within`` (pixels) a light band marks the shifts up to that size, e.g.
    the range an augmented network was trained on.
    """
    panels = [(shifts, accuracies, "accuracies", "shift of the images (pixels)")]
    if signed is not None:
        if list(signed) != list(accuracies):
            raise ValueError(f"signed and accuracies must name the same models, got {list(signed)} and {list(accuracies)}")
        panels.insert(0, (signed_shifts, signed, "signed", "horizontal shift (pixels; negative = left)"))
        panels[1] = (shifts, accuracies, "accuracies", "shift in any of the 4 directions (pixels)")
    fig, axes = plt.subplots(1, len(panels), figsize=(5.6 * len(panels), 4.4), sharey=True, squeeze=False)
    markers = "osD^vx*+"
    for ax, (xs, series, name, xlabel) in zip(axes[0], panels):
        xs = np.asarray(xs)
        for k, (label, values) in enumerate(series.items()):
            values = np.asarray(values, dtype=float)
            if values.shape != xs.shape:
                raise ValueError(f"{name}[{label!r}] must have one value per shift ({xs.size}), got shape {values.shape}")
            ax.plot(xs, 100 * values, marker=markers[k % len(markers)], color=f"C{k}", label=label)
        if trained_within is not None:
            low = -trained_within if name == "signed" else 0
            ax.axvspan(low, trained_within, color="0.85", alpha=0.5, zorder=0,
                       label=f"shifts seen in augmented training (up to {trained_within:g} px)")
        ax.set_xticks(xs)
        ax.set_xlabel(xlabel, fontsize=12)
        ax.tick_params(labelsize=11)
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel("accuracy (%)", fontsize=12)
    if signed is not None:
        axes[0, 0].set_title("left and right", fontsize=12)
        axes[0, 1].set_title("mean of right, left, down and up", fontsize=12)
    fig.suptitle(title, fontsize=13)
    if signed is not None:  # the legend goes below the panels, where it covers no curve
        fig.set_figheight(5.2)
        legend = axes[0, -1].legend(fontsize=11, loc="upper center", bbox_to_anchor=(-0.04, -0.2), ncol=2)
        legend.set_in_layout(False)
        fig.tight_layout(rect=(0, 0.15, 1, 1))
        legend.set_in_layout(True)  # kept when a notebook crops the saved figure to its content
    else:
        axes[0, -1].legend(fontsize=11)
        fig.tight_layout()
    return fig


def _colorbar_right(fig: Figure, mappable, label: str) -> None:
    """Lay out a grid of panels with one colour bar in a strip at the right."""
    fig.tight_layout(rect=(0, 0, 0.88, 1))
    cax = fig.add_axes((0.9, 0.12, 0.018, 0.72))
    fig.colorbar(mappable, cax=cax, label=label)


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
    return fig


# ---- lessons 03-04: convolution by hand, padding and stride ------------------------------


def _conv_grid(ax, values, *, fmt: str = "g", cmap: str = "gray", vmin=None, vmax=None, fontsize: float = 10.0,
               numbers: bool = True):
    """Draw a small matrix as coloured cells with its numbers written on them."""
    values = np.asarray(values, dtype=float)
    shown = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax)
    if numbers:
        low, high = shown.get_clim()
        for (r, c), v in np.ndenumerate(values):
            if np.isnan(v):
                continue
            level = (v - low) / (high - low) if high > low else 0.5
            dark = level < 0.5 if cmap == "gray" else abs(level - 0.5) > 0.3
            ax.text(c, r, format(v, fmt), ha="center", va="center", fontsize=fontsize,
                    color="white" if dark else "black")
    ax.set_xticks(np.arange(values.shape[1]))
    ax.set_yticks(np.arange(values.shape[0]))
    ax.set_xticks(np.arange(-0.5, values.shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, values.shape[0]), minor=True)
    ax.grid(which="minor", color="0.6", linewidth=0.8)
    ax.tick_params(which="both", length=0, labelsize=10)  # 10 pt: 11 px at the course's 80 dpi
    return shown


def _conv_box(ax, row, col, height, width, color="tab:red"):
    from matplotlib.patches import Rectangle

    return ax.add_patch(Rectangle((col - 0.5, row - 0.5), width, height, fill=False, edgecolor=color, linewidth=3, zorder=3))


def _check_small(array, name: str, limit: int = 12) -> np.ndarray:
    array = np.asarray(array, dtype=float)
    if array.ndim != 2 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array, got shape {array.shape}")
    if max(array.shape) > limit:
        raise ValueError(f"{name} must be at most {limit} x {limit} so its numbers stay readable, got {array.shape}")
    return array


def _valid_correlation(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    kh, kw = kernel.shape
    out = np.empty((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i, j in np.ndindex(*out.shape):
        out[i, j] = np.sum(image[i : i + kh, j : j + kw] * kernel)
    return out


def show_kernel(kernel, *, ax=None, title: str | None = None, fmt: str | None = None, numbers: bool | None = None,
                colorbar: bool = False, limit: float | None = None, show_sum: bool = True,
                fontsize: float = 10.0) -> Figure:
    """Draw a kernel's weights on a diverging colour scale centred on 0 (lesson 03).

    Red is positive, blue negative, white zero; the weights are written on the cells
    when the kernel is at most 5 x 5 (``numbers`` overrides; ``fmt`` defaults to ".3g",
    ".2g" above 3 x 3; ``fontsize`` in points). ``colorbar`` adds a colour bar, so 1/9
    is not mistaken for 1. The scale runs from ``-limit`` to ``limit`` (default: the
    largest absolute weight). The title gets the sum of the weights, which says what the
    kernel does to flat regions (``show_sum=False`` leaves it out, e.g. for an output).
    """
    kernel = np.asarray(kernel, dtype=float)
    if kernel.ndim != 2 or kernel.size == 0:
        raise ValueError(f"kernel must be a non-empty 2-D array, got shape {kernel.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(2.4, 2.4))
    if limit is None:
        limit = float(np.abs(kernel).max()) or 1.0
    small = max(kernel.shape) <= 3
    if numbers is None:
        numbers = max(kernel.shape) <= 5
    if fmt is None:
        fmt = ".3g" if small else ".2g"
    shown = _conv_grid(ax, kernel, fmt=fmt, cmap="RdBu_r", vmin=-limit, vmax=limit, numbers=numbers,
                       fontsize=fontsize)
    if colorbar:
        ax.figure.colorbar(shown, ax=ax, fraction=0.046, pad=0.04)
    if max(kernel.shape) > 7:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False, which="both")
    total = float(kernel.sum())
    label = (f"sum = {total:.3g}" if abs(total) > 1e-12 else "sum = 0") if show_sum else ""
    heading = "\n".join(part for part in (title, label) if part)
    ax.set_title(heading, fontsize="medium")
    return ax.figure


def show_kernels(kernels: dict, *, ncols: int | None = None, suptitle: str | None = None, size: float = 2.0,
                 colorbar: bool = True, numbers_up_to: int = 5, shared_scale: bool = False) -> Figure:
    """Draw several named kernels side by side (lesson 03).

    By default each panel is scaled to its own largest weight, so a 21 x 21 box blur
    (weights 1/441) is as visible as a Sobel filter (weights up to 2), and each panel's
    colour bar says what its colours mean. With ``shared_scale=True`` all panels use one
    colour scale (the largest absolute weight of them all) and one colour bar, so the
    panels can be compared: a pale cell is a small weight. Weights are written on the
    cells of kernels up to ``numbers_up_to`` x ``numbers_up_to``.
    """
    if not isinstance(kernels, dict) or not kernels:
        raise ValueError("kernels must be a non-empty dict {name: 2-D array}")
    n = len(kernels)
    ncols = ncols or min(n, 6)
    nrows = math.ceil(n / ncols)
    each_bar = colorbar and not shared_scale
    width = size * ncols * (1.25 if each_bar else 1) + (0.9 if colorbar and shared_scale else 0)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, size * nrows * 1.15 + (0.3 if suptitle else 0)),
                             squeeze=False)
    for ax in axes.flat[n:]:
        ax.axis("off")
    limit = max(float(np.abs(np.asarray(k, dtype=float)).max()) for k in kernels.values()) if shared_scale else None
    for ax, (name, kernel) in zip(axes.flat, kernels.items()):
        show_kernel(kernel, ax=ax, title=name, colorbar=each_bar, numbers=max(np.shape(kernel)) <= numbers_up_to,
                    limit=(limit or 1.0) if shared_scale else None)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    if colorbar and shared_scale:
        fig.colorbar(axes.flat[0].images[0], ax=list(axes.flat), fraction=0.03, pad=0.02)
    return fig


def show_correlation_step(image, kernel, row: int, col: int, *, fmt: str = "g") -> Figure:
    """One output pixel of a 'valid' cross-correlation, step by step (lesson 03).

    Four panels: the input with the window at (row, col) outlined, the kernel, their
    element-wise product, and the whole output with the pixel this sum fills outlined.
    """
    image = _check_small(image, "image")
    kernel = _check_small(kernel, "kernel")
    kh, kw = kernel.shape
    out = _valid_correlation(image, kernel)
    if not (0 <= row < out.shape[0] and 0 <= col < out.shape[1]):
        raise ValueError(f"(row, col) must be an output position inside {out.shape}, got ({row}, {col})")
    product = image[row : row + kh, col : col + kw] * kernel
    widths = [image.shape[1], kw, kw, out.shape[1]]
    fig, axes = plt.subplots(1, 4, figsize=(11, 3.2), gridspec_kw={"width_ratios": widths})
    _conv_grid(axes[0], image, fmt=fmt, vmin=image.min(), vmax=image.max())
    _conv_box(axes[0], row, col, kh, kw)
    axes[0].set_title("input, window outlined")
    show_kernel(kernel, ax=axes[1], title="kernel", fmt=fmt)
    limit = float(np.abs(product).max()) or 1.0
    _conv_grid(axes[2], product, fmt=fmt, cmap="RdBu_r", vmin=-limit, vmax=limit)
    axes[2].set_title(f"window × kernel\nsum = {product.sum():{fmt}}")
    _conv_grid(axes[3], out, fmt=fmt, cmap="RdBu_r", vmin=-np.abs(out).max(), vmax=np.abs(out).max())
    _conv_box(axes[3], row, col, 1, 1)
    axes[3].set_title(f"out[{row}, {col}] = {out[row, col]:{fmt}}")
    fig.tight_layout()
    return fig


def animate_correlation(image, kernel, *, interval: int = 600, dpi: int = 70, fmt: str = "g",
                        figsize: tuple[float, float] = (8.5, 3.0)):
    """Animate a kernel sliding over a small image, filling the 'valid' output (lesson 03).

    Returns a ``matplotlib.animation.FuncAnimation`` with one frame per output pixel; show
    it with ``IPython.display.HTML(anim.to_jshtml())`` (no ffmpeg needed). The figure is
    closed, so the notebook does not draw it a second time. Each frame is embedded as a
    PNG: a lower ``dpi`` and a smaller ``figsize`` keep the notebook light.
    """
    from matplotlib import animation

    image = _check_small(image, "image")
    kernel = _check_small(kernel, "kernel")
    kh, kw = kernel.shape
    out = _valid_correlation(image, kernel)
    positions = list(np.ndindex(*out.shape))
    fig, axes = plt.subplots(1, 3, figsize=figsize, dpi=dpi,
                             gridspec_kw={"width_ratios": [image.shape[1], kw, out.shape[1]]})
    _conv_grid(axes[0], image, fmt=fmt, vmin=image.min(), vmax=image.max())
    axes[0].set_title("input")
    show_kernel(kernel, ax=axes[1], title="kernel", fmt=fmt)
    limit = float(np.abs(out).max()) or 1.0
    hidden = np.full(out.shape, np.nan)
    shown = axes[2].imshow(hidden, cmap="RdBu_r", vmin=-limit, vmax=limit)
    _conv_grid(axes[2], hidden, numbers=False)
    axes[2].set_title("out")
    window = _conv_box(axes[0], 0, 0, kh, kw)
    target = _conv_box(axes[2], 0, 0, 1, 1)
    texts = [axes[2].text(c, r, "", ha="center", va="center", fontsize=10) for r, c in positions]
    fig.tight_layout()

    def draw(frame: int):
        r, c = positions[frame]
        window.set_xy((c - 0.5, r - 0.5))
        target.set_xy((c - 0.5, r - 0.5))
        filled = np.full(out.shape, np.nan)
        for k, (rr, cc) in enumerate(positions):
            if k <= frame:
                filled[rr, cc] = out[rr, cc]
                texts[k].set_text(format(out[rr, cc], fmt))
                texts[k].set_color("white" if abs(out[rr, cc]) / limit > 0.6 else "black")  # as _conv_grid does
            else:
                texts[k].set_text("")
        shown.set_data(filled)
        axes[2].set_title(f"out[{r}, {c}] = {out[r, c]:{fmt}}")
        axes[0].set_title(f"input, window at ({r}, {c})")
        return [window, target, shown, *texts]

    anim = animation.FuncAnimation(fig, draw, frames=len(positions), interval=interval, blit=False)
    plt.close(fig)
    return anim


def show_padding_modes(image, width: int, modes: Sequence[str] = ("constant", "edge", "reflect", "symmetric", "wrap"),
                       *, size: float = 2.2, numbers: bool = False, ncols: int | None = None) -> Figure:
    """Show an image padded by ``width`` pixels with each NumPy padding mode (lesson 04).

    The original image is outlined in red, so what each mode invents is what lies outside.
    ``ncols`` panels per row (default: all in one row); the numbers grow with ``size``.
    """
    image = np.asarray(image, dtype=float)
    if image.ndim != 2 or image.size == 0:
        raise ValueError(f"image must be a non-empty 2-D array, got shape {image.shape}")
    if not isinstance(width, (int, np.integer)) or width < 0:
        raise ValueError(f"width must be a non-negative int, got {width!r}")
    ncols = len(modes) if ncols is None else ncols
    if isinstance(ncols, bool) or not isinstance(ncols, (int, np.integer)) or ncols < 1:
        raise ValueError(f"ncols must be an int >= 1, got {ncols!r}")
    nrows = -(-len(modes) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, (size + 0.4) * nrows), squeeze=False)
    for ax in axes.flat[len(modes):]:
        ax.remove()
    low, high = float(image.min()), float(image.max())
    for ax, mode in zip(axes.flat, modes):
        padded = np.pad(image, width, mode=mode)
        if numbers:
            _conv_grid(ax, padded, fmt="g", vmin=low, vmax=high, fontsize=max(10.0, round(4.5 * size)))  # >= 11 px at 80 dpi
            ax.set_xticks([])
            ax.set_yticks([])
        else:
            ax.imshow(padded, cmap="gray", vmin=low, vmax=high, interpolation="nearest")
            ax.axis("off")
        _conv_box(ax, width, width, image.shape[0], image.shape[1])
        ax.set_title(f'"{mode}"')
    fig.tight_layout()
    return fig


def show_conv_geometry(n: int, k: int, *, stride: int = 1, before: int = 0, after: int = 0) -> Figure:
    """Where a k x k kernel lands on an n x n input with padding and stride (lesson 04).

    Left: the padded input (padding pale, image columns numbered), a dot at every
    window's centre, the first window outlined in red and the last in purple. Right: the
    output grid, with the pixels those two windows fill outlined in the same colours.
    """
    for name, value, low in (("n", n, 1), ("k", k, 1), ("stride", stride, 1), ("before", before, 0), ("after", after, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be an int >= {low}, got {value!r}")
    total = n + before + after
    if k > total:
        raise ValueError(f"the kernel ({k}) is larger than the padded input ({total})")
    out = (total - k) // stride + 1
    fig, axes = plt.subplots(1, 2, figsize=(9.6, 4.8), gridspec_kw={"width_ratios": [total, max(out, 2)]})
    ax, ax2 = axes
    cells = np.zeros((total, total))
    cells[before : before + n, before : before + n] = 1
    ax.imshow(cells, cmap="Blues", vmin=-0.25, vmax=1.6)
    for a, size in ((ax, total), (ax2, out)):
        for t in np.arange(-0.5, size):
            a.axhline(t, color="white", linewidth=1.2)
            a.axvline(t, color="white", linewidth=1.2)
        a.set_xticks([])
        a.set_yticks([])
    starts = np.arange(out) * stride
    centres = starts + (k - 1) / 2
    rr, cc = np.meshgrid(centres, centres, indexing="ij")
    ax.plot(cc.ravel(), rr.ravel(), "o", color="tab:orange", markersize=10, markeredgecolor="black", zorder=4)
    ax.set_xticks(np.arange(before, before + n), [str(i) for i in range(n)])
    ax.tick_params(length=0, labelsize=12)  # 12 pt: 13 px at the course's 80 dpi
    last = int(starts[-1])
    _conv_box(ax, last, last, k, k, color="tab:purple")
    _conv_box(ax, 0, 0, k, k, color="tab:red")
    unused = total - (last + k)
    ax.set_title(f"input {n}x{n} + padding {before} before, {after} after\nkernel {k}x{k}, stride {stride}"
                 + (f": {unused} row(s)/col(s) never reached" if unused else ""), fontsize=12)
    ax.set_xlabel("image column (dark: image, pale: padding, dots: window centres)", fontsize=12)
    ax2.imshow(np.ones((out, out)), cmap="Oranges", vmin=0, vmax=2.5)
    _conv_box(ax2, out - 1, out - 1, 1, 1, color="tab:purple")
    _conv_box(ax2, 0, 0, 1, 1, color="tab:red")
    ax2.set_title(f"output {out}x{out}\n⌊({n} + {before + after} − {k}) / {stride}⌋ + 1 = {out}", fontsize=12)
    fig.tight_layout()
    return fig


def show_filtered(image, kernel, *, title: str = "your kernel", pad_mode: str = "reflect",
                  figsize: tuple[float, float] = (8.4, 2.9), fig: Figure | None = None) -> Figure:
    """Draw an image, a kernel and the filtered image on an honest colour scale (lesson 03).

    The output is cross-correlated with ``pad_mode`` padding and shown as floats: centred
    on 0 (red positive, blue negative, the strongest 0.5 % beyond the colour bar's arrows)
    when it has negative values, in gray from 0 otherwise. Used by the kernel editor of
    :mod:`helpers.widgets`, which passes ``fig``: a plain :class:`matplotlib.figure.Figure`
    that pyplot never sees, so the inline backend's end-of-cell flush (which closes every
    pyplot figure) cannot close it while a widget callback is still drawing it.
    """
    from helpers.convolution import correlate2d

    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(f"image must be a 2-D grayscale image, got shape {image.shape}")
    result = correlate2d(image, kernel, pad_mode=pad_mode)
    if fig is None:
        fig = plt.figure(figsize=figsize)
    else:
        fig.set_size_inches(figsize)
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 0.7, 1.2]})
    axes[0].imshow(image, cmap="gray", vmin=0, vmax=255)
    axes[0].set_title("input")
    axes[0].axis("off")
    show_kernel(kernel, ax=axes[1], title=title)
    if result.min() < 0:
        limit = max(float(np.percentile(np.abs(result), 99.5)), 1e-9)
        shown = axes[2].imshow(result, cmap="RdBu_r", vmin=-limit, vmax=limit)
        fig.colorbar(shown, ax=axes[2], fraction=0.046, extend="both")
    else:
        shown = axes[2].imshow(result, cmap="gray", vmin=0, vmax=max(255.0, float(result.max())))
        fig.colorbar(shown, ax=axes[2], fraction=0.046)
    axes[2].set_title(f"output, range {result.min():.0f}..{result.max():.0f}")
    axes[2].axis("off")
    fig.tight_layout()
    return fig


def show_filtered_images(images: dict, *, cmap: str = "gray", vmin: float = 0.0, vmax: float = 255.0,
                         colorbar: bool = False, extend: str = "neither", label: str | None = None,
                         size: float = 2.1, suptitle: str | None = None, ncols: int | None = None) -> Figure:
    """Show images on one shared colour scale, for comparing filters (lesson 03).

    ``images`` maps a title (``"box_7x7"``) to a 2-D array. Every panel uses ``cmap``
    from ``vmin`` to ``vmax``, so one colour means one value in all of them;
    ``colorbar`` adds a single colour bar for all panels (``extend="both"`` draws arrows
    when values lie beyond the scale, ``label`` names it). ``size`` is inches per panel;
    ``ncols`` panels per row (default: all in one row); titles use the body font size,
    readable when projected.
    """
    if not isinstance(images, dict) or not images:
        raise ValueError("images must be a non-empty dict {title: 2-D array}")
    arrays = {str(t): np.asarray(im) for t, im in images.items()}
    for title, im in arrays.items():
        if im.ndim != 2:
            raise ValueError(f"images[{title!r}] must be a 2-D array, got shape {im.shape}")
    n = len(arrays)
    ncols = min(ncols or n, n)
    nrows = math.ceil(n / ncols)
    titles_high = max(title.count("\n") for title in arrays) * 0.25
    aspect = max(im.shape[0] / im.shape[1] for im in arrays.values())  # panels as tall as the images
    fig, axes = plt.subplots(nrows, ncols, squeeze=False,
                             figsize=(size * ncols + (0.9 if colorbar else 0),
                                      (size * aspect + 0.45 + titles_high) * nrows + (0.35 if suptitle else 0)))
    for ax in axes.flat[n:]:
        ax.axis("off")
    for ax, (title, im) in zip(axes.flat, arrays.items()):
        shown = ax.imshow(im, cmap=cmap, vmin=vmin, vmax=vmax)
        ax.set_title(title)
        ax.axis("off")
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    if colorbar:
        fig.colorbar(shown, ax=list(axes.flat), fraction=0.03, pad=0.02, extend=extend, label=label)
    return fig


def show_digit_predictions(
    images,
    y_true,
    probabilities,
    *,
    top: int = 0,
    ncols: int = 8,
    suptitle: str | None = None,
    size: float = 1.6,
) -> Figure:
    """Digits titled with the network's answer, "says 7"; a wrong answer in red, with "true: 9" (lesson 08).

    Parameters
    ----------
    images
        uint8 (0..255) or float (0..1) images, ``(N, H, W)`` or ``(N, H, W, 1)``.
    y_true
        The true labels, ``(N,)``.
    probabilities
        The model's output for these images, ``(N, classes)``: its answer is the argmax.
    top
        0: the answer only; 1: with its probability ("says 4: 55 %"); 2: also the
        runner-up and its probability ("then 9: 40 %"). Above 99.5 % prints as ">99 %".
    ncols, suptitle, size
        Panels per row, a title over the figure, inches per panel.
    """
    items = [np.squeeze(np.asarray(im)) for im in _as_image_list(np.asarray(images))]
    y_true = np.asarray(y_true)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    n = len(items)
    if n == 0:
        raise ValueError("images is empty: there is nothing to show")
    if y_true.shape != (n,):
        raise ValueError(f"y_true must have one label per image ({n}), got shape {y_true.shape}")
    if probabilities.ndim != 2 or probabilities.shape[0] != n or probabilities.shape[1] < 2:
        raise ValueError(f"probabilities must have shape ({n}, classes) with at least 2 classes, got shape {probabilities.shape}")
    if top not in (0, 1, 2):
        raise ValueError(f"top must be 0, 1 or 2 (how many classes to print with their probability), got {top!r}")
    order = np.argsort(-probabilities, axis=1, kind="stable")
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    lines = max(top, 1) + int(np.any(order[:, 0] != y_true))
    percent = lambda p: ">99 %" if p > 0.995 else f"{100 * p:.0f} %"  # noqa: E731
    fig, axes = plt.subplots(nrows, ncols, squeeze=False,
                             figsize=(size * ncols, (size + 0.25 * lines + 0.1) * nrows + (0.45 if suptitle else 0)))
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        image = items[i]
        ax.imshow(image, cmap="gray", vmin=0, vmax=255 if image.dtype == np.uint8 else 1)
        first, second = int(order[i, 0]), int(order[i, 1])
        wrong = first != int(y_true[i])
        text = f"says {first}" + (f": {percent(probabilities[i, first])}" if top else "")
        if top == 2:
            text += f"\nthen {second}: {percent(probabilities[i, second])}"
        if wrong:
            text += f"\ntrue: {int(y_true[i])}"
        ax.set_title(text, fontsize=11, color="tab:red" if wrong else "black")
    if suptitle:
        fig.suptitle(suptitle, fontsize=12)
    fig.tight_layout()
    return fig


# ---- lesson 10: looking inside the CNN ------------------------------------------------------

def _gray_limits(image: np.ndarray) -> tuple[float, float]:
    return (0.0, 255.0) if image.dtype == np.uint8 else (0.0, 1.0)


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
    return fig


def show_labelled_images(
    images,
    titles: Sequence[str] | None = None,
    *,
    ncols: int | None = None,
    suptitle: str | None = None,
    size: float = 1.7,
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
    return fig


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


# ---- lesson 09: what a shift does to an image --------------------------------------------

def show_shifted(image, shifted: dict, *, title: str = "The same image, shifted") -> Figure:
    """An image, shifted copies of it, and the last copy minus the image (lesson 09).

    ``shifted`` maps a panel title ("2 px right") to a shifted copy of ``image`` (uint8,
    0..255). Dashed lines mark the first and last columns where the original has ink, in
    every panel, so a move of a pixel or two shows. The last panel is the last copy minus
    the original, on one gray scale from -255 (black: ink that left) to 255 (white: new ink).
    """
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim != 2:
        raise ValueError(f"image must be one 2-D image (H, W), got shape {image.shape}")
    if not shifted:
        raise ValueError("shifted is empty: pass at least one shifted copy, e.g. {'2 px right': ...}")
    copies = {str(k): np.squeeze(np.asarray(v)) for k, v in shifted.items()}
    for k, v in copies.items():
        if v.shape != image.shape:
            raise ValueError(f"shifted[{k!r}] must have the image's shape {image.shape}, got {v.shape}")
    panels = [("original", image), *copies.items()]
    fig, axes = plt.subplots(1, len(panels) + 1, figsize=(2.4 * (len(panels) + 1) + 0.6, 3.0))
    ink = np.flatnonzero(image.max(axis=0) > 0)
    edges = (ink[0] - 0.5, ink[-1] + 0.5) if ink.size else ()
    for ax, (name, picture) in zip(axes, panels):
        ax.imshow(picture, cmap="gray", vmin=0, vmax=255)
        for x in edges:
            ax.axvline(x, color="tab:orange", linestyle="--", linewidth=1.5)
        ax.set_title(name, fontsize=12)
        ax.axis("off")
    last_title, last = panels[-1]
    difference = last.astype(np.int16) - image.astype(np.int16)
    shown = axes[-1].imshow(difference, cmap="gray", vmin=-255, vmax=255)
    axes[-1].set_title(f"{last_title} − original", fontsize=12)
    axes[-1].axis("off")
    bar = fig.colorbar(shown, ax=axes[-1], fraction=0.046, pad=0.04, ticks=[-255, 0, 255])
    bar.ax.tick_params(labelsize=11)
    fig.suptitle(title, fontsize=13)
    fig.tight_layout()
    return fig
