"""Trained Keras models: learning curves, confusion matrix, predictions, accuracy under shifts (lessons 07-09)."""

from __future__ import annotations

import math
from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from helpers.plots._common import _as_image_list, _mark_grid

__all__ = [
    "plot_accuracy_vs_shift",
    "plot_confusion_matrix",
    "plot_history",
    "show_digit_predictions",
    "show_predictions",
    "show_shifted",
]


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
    # the numbers grow with the cells: 10 pt (11 px at 80 dpi) in a 5-inch 10 x 10 matrix, 13 pt at size 6.5
    number_size = max(10.0, round(2.0 * size * 10 / max(n, 10), 1))
    for i in range(n):
        for j in range(n):
            if values[i, j] == 0:
                continue
            dark = i != j and values[i, j] > 0.6 * top
            ax.text(j, i, fmt.format(values[i, j]), ha="center", va="center", fontsize=number_size,
                    color="white" if dark else "black", fontweight="bold" if i == j else "normal")
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
        ax.set_title(text, fontsize=11, color="black" if y_pred[i] == y_true[i] else "red")
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return _mark_grid(fig)  # the grid is the point: no panel limit


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
    return _mark_grid(fig)  # the grid is the point: no panel limit


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
    fig, axes = plt.subplots(1, len(panels), figsize=(max(5.6 * len(panels), 8.0), 4.4), sharey=True, squeeze=False)
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
