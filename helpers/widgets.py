"""Interactive widgets of the lessons (ipywidgets 7.7 and 8: only what both share).

- :func:`kernel_editor` (lesson 03): type nine weights, see the filtered image.
- :func:`parse_weight`: read "0.5", "-2" or "1/9" typed into a box.
"""

from __future__ import annotations

import numpy as np

__all__ = ["kernel_editor", "parse_weight"]


def parse_weight(text: str) -> float:
    """A number or a fraction such as ``"1/9"``; raises ValueError or ZeroDivisionError otherwise."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    top, _, bottom = text.partition("/")
    return float(top) / float(bottom) if bottom.strip() else float(top)


def kernel_editor(image, *, bank: dict | None = None, preset: str = "identity"):
    """A 3 x 3 kernel editor: nine text boxes, a drop-down of named kernels, the filtered image (lesson 03).

    Parameters
    ----------
    image
        2-D grayscale image (0..255) to filter; keep it small (about 256 x 256) so the
        figure redraws quickly.
    bank
        Named 3 x 3 kernels for the drop-down (default: the 3 x 3 ones of
        :data:`helpers.convolution.KERNELS`).
    preset
        Name of the kernel shown first, or "(type your own)".

    Returns
    -------
    ipywidgets.VBox
        Show it with ``display(...)`` or as the last value of a cell. Each change redraws
        :func:`helpers.plots.show_filtered` in the box's output area.
    """
    import ipywidgets as widgets
    from IPython.display import display
    from matplotlib.figure import Figure

    from helpers import plots
    from helpers.convolution import KERNELS

    if bank is None:
        bank = {name: k for name, k in KERNELS.items() if k.shape == (3, 3)}
    for name, k in bank.items():
        if np.shape(k) != (3, 3):
            raise ValueError(f"bank[{name!r}] must be a 3 x 3 kernel, got shape {np.shape(k)}")
    custom = "(type your own)"
    if preset != custom and preset not in bank:
        raise ValueError(f"preset must be {custom!r} or one of {list(bank)}, got {preset!r}")
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(f"image must be a 2-D grayscale image, got shape {image.shape}")

    boxes = [widgets.Text(value="0", layout=widgets.Layout(width="70px")) for _ in range(9)]
    choice = widgets.Dropdown(options=[custom, *bank], value=preset, description="kernel:")
    output = widgets.Output()
    loading = {"now": False}  # True while a preset fills the boxes: draw once, not nine times

    def redraw(change=None):
        if loading["now"]:
            return
        try:
            weights = np.array([parse_weight(b.value) for b in boxes]).reshape(3, 3)
        except (ValueError, ZeroDivisionError):
            return  # half-typed number: wait for the rest
        name = choice.value if choice.value in bank and np.allclose(weights, bank[choice.value]) else "your kernel"
        # A figure outside pyplot: with JupyterLab 4.6 and ipykernel 7, widget events are
        # handled on a subshell thread, while the inline backend closes all pyplot figures
        # at the end of each cell on the main thread; a pyplot figure could vanish mid-draw.
        fig = plots.show_filtered(image, weights, title=name, fig=Figure())
        with output:
            output.clear_output(wait=True)
            display(fig)

    def load_preset(change=None):
        if choice.value in bank:
            loading["now"] = True
            for box, w in zip(boxes, np.asarray(bank[choice.value], dtype=float).ravel()):
                box.value = f"{w:.4g}"
            loading["now"] = False
        redraw()

    for box in boxes:
        box.observe(redraw, names="value")
    choice.observe(load_preset, names="value")
    rows = [widgets.HBox(boxes[r * 3 : r * 3 + 3]) for r in range(3)]
    load_preset()
    return widgets.VBox([choice, *rows, output])
