"""Kernels, correlation step by step, padding and output geometry, filtered images (lessons 03-04)."""

from __future__ import annotations

import math
from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from helpers.plots._common import _check_small, _mark_grid

__all__ = [
    "animate_correlation",
    "show_conv_geometry",
    "show_correlation_step",
    "show_filtered",
    "show_filtered_images",
    "show_kernel",
    "show_kernels",
    "show_padding_modes",
]


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
    return _mark_grid(fig)  # the grid is the point: no panel limit


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


def animate_correlation(image, kernel, *, interval: int = 600, dpi: int = 80, fmt: str = "g",
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
                         size: float | None = None, suptitle: str | None = None, ncols: int | None = None) -> Figure:
    """Show images on one shared colour scale, for comparing filters (lesson 03).

    ``images`` maps a title (``"box_7x7"``) to a 2-D array. Every panel uses ``cmap``
    from ``vmin`` to ``vmax``, so one colour means one value in all of them;
    ``colorbar`` adds a single colour bar for all panels (``extend="both"`` draws arrows
    when values lie beyond the scale, ``label`` names it). ``size`` is inches per panel
    (default: 2.1, more when a short row would leave the figure under 7.6 inches);
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
    if size is None:
        size = max(2.1, min(3.6, (7.6 - (0.9 if colorbar else 0)) / ncols))
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
