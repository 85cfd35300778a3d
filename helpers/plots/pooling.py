"""Pooling windows and how much a feature map changes when the input moves (lesson 05)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from helpers.plots._common import _WINDOW_COLOURS, _annotate

__all__ = ["plot_shift_tolerance", "show_pooling"]


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
    ax.legend(fontsize=12)
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
    fig.set_size_inches(10.5, 5.4)  # projector: 840 px wide, text 14-15 pt (at least 15 px)
    ax = fig.axes[0]
    for line in ax.lines:
        if line.get_label().startswith(("average", "every")):
            line.set_linestyle("--")
    if reference is not None:
        label, value = reference
        ax.axhline(100 * float(value), color="0.35", linestyle=":", linewidth=2, label=label)
        ax.set_ylim(0, max(ax.get_ylim()[1], 106 * float(value)))  # the y limits were fixed before the line
    ax.legend(fontsize=14)
    ax.tick_params(labelsize=14)
    ax.xaxis.label.set_fontsize(14)
    ax.yaxis.label.set_fontsize(14)
    ax.title.set_fontsize(15)
    fig.tight_layout()
    return fig
