"""Learning a kernel by gradient descent: learned vs target kernels, the training run, receptive fields (lesson 06)."""

from __future__ import annotations

from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from helpers.plots._common import _mark_grid

__all__ = ["compare_kernels", "plot_training", "show_receptive_fields"]


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
    low, high = min(np.nanmin(weights), target.min()), max(np.nanmax(weights), target.max())
    margin = 0.12 * (high - low) or 0.5  # keep each dotted target line off the panel's edge
    first.set_ylim(low - margin, high + margin)  # shared by every weight panel
    fig.suptitle(title)
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.12, top=0.86)
    return _mark_grid(fig)  # the grid is the point: no panel limit


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
    # inches per panel: one row stays low (but 8 in wide in all), a grid can be taller
    size = max(2.6, min(3.9, 7.6 / ncols)) if nrows == 1 else 3.9
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
