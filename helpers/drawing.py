"""Draw a digit for the CNN (lesson 08): strokes -> canvas -> the 28 x 28 input MNIST would make.

- :func:`rasterize_strokes`: turn strokes (lists of ``(x, y)`` points) into a grey canvas,
  with anti-aliased round-capped lines. The drawing widget sends only the points; the
  pixels are always made here, so a digit drawn from code and one drawn with the mouse
  go through the same steps.
- :func:`mnist_style`: the preprocessing MNIST applied to its digits: crop to the ink's
  bounding box, scale the longer side to 20 px keeping the aspect ratio (anti-aliased,
  which makes the grey edge levels), and paste it into a 28 x 28 field so that its
  centre of mass lands on the centre.
- :func:`naive_resize`: what you get without that preprocessing (the whole canvas shrunk
  to 28 x 28), for the lesson's comparison.
- :func:`digit_pad` (needs ``anywidget``): a canvas to draw on in JupyterLab and Colab,
  with the 28 x 28 preview and the network's ten class probabilities after each stroke.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

__all__ = [
    "CANVAS_SIZE",
    "LINE_WIDTH",
    "EmptyCanvasError",
    "rasterize_strokes",
    "mnist_style",
    "naive_resize",
    "digit_pad",
]

CANVAS_SIZE = 280
"""Side of the drawing canvas in pixels (ten canvas pixels per MNIST pixel)."""
LINE_WIDTH = 22.0
"""Pen width on the canvas: after scaling a 200-px-tall digit to 20 px it is about 2 px, as in MNIST."""
DIGIT_BOX = 20
"""MNIST scaled each digit so that its longer side is 20 px ..."""
FIELD = 28
"""... and placed it in a 28 x 28 field."""
CENTRE = 14.0
"""Row and column where MNIST's digits have their centre of mass (mean 14.0 over the training set)."""
INK_THRESHOLD = 0.1
"""A canvas pixel counts as ink (for the bounding box) when it is above this fraction of the darkest stroke."""

Stroke = Sequence[Sequence[float]]


class EmptyCanvasError(ValueError):
    """Raised when there is no ink to classify."""


def _as_strokes(strokes) -> list[np.ndarray]:
    if isinstance(strokes, np.ndarray) or not isinstance(strokes, (list, tuple)):
        raise TypeError(
            "strokes must be a list of strokes, each a list of (x, y) points, "
            f"e.g. [[(140, 40), (140, 240)]]; got {type(strokes).__name__}")
    out = []
    for i, stroke in enumerate(strokes):
        points = np.asarray(stroke, dtype=np.float64)
        if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
            raise ValueError(
                f"strokes[{i}] must be a non-empty list of (x, y) points, got shape {points.shape}")
        if not np.all(np.isfinite(points)):
            raise ValueError(f"strokes[{i}] contains a NaN or infinite coordinate")
        out.append(points)
    return out


def rasterize_strokes(strokes, *, size: int = CANVAS_SIZE, line_width: float = LINE_WIDTH) -> np.ndarray:
    """Draw strokes as white ink on a black ``size x size`` canvas.

    Parameters
    ----------
    strokes
        A list of strokes; each stroke is a list of ``(x, y)`` points in canvas pixels,
        ``x`` to the right and ``y`` down (the browser's convention). A stroke of one
        point is a dot.
    size
        Side of the square canvas in pixels.
    line_width
        Pen width in canvas pixels; lines have round ends and joins.

    Returns
    -------
    numpy.ndarray
        float32 array ``(size, size)`` in 0..1: the share of each pixel the pen covers
        (so the edges of a line are grey, as a scanner would see them).
    """
    points_list = _as_strokes(strokes)
    if not isinstance(size, (int, np.integer)) or size < 8:
        raise ValueError(f"size must be an integer of at least 8 pixels, got {size!r}")
    if not line_width > 0:
        raise ValueError(f"line_width must be positive, got {line_width!r}")
    canvas = np.zeros((size, size), dtype=np.float32)
    radius = line_width / 2
    for points in points_list:
        # a stroke is a chain of segments a -> b; a single point is a segment of length 0
        starts = points if len(points) == 1 else points[:-1]
        ends = points if len(points) == 1 else points[1:]
        for a, b in zip(starts, ends):
            lo = np.floor(np.minimum(a, b) - radius - 1).astype(int).clip(0, size - 1)
            hi = np.ceil(np.maximum(a, b) + radius + 1).astype(int).clip(0, size - 1)
            if np.any(hi < lo):
                continue
            ys, xs = np.mgrid[lo[1]:hi[1] + 1, lo[0]:hi[0] + 1]
            # pixel centres at +0.5; distance from each centre to the segment
            px, py = xs + 0.5 - a[0], ys + 0.5 - a[1]
            d = b - a
            length2 = float(d @ d)
            t = np.clip((px * d[0] + py * d[1]) / length2, 0, 1) if length2 > 0 else 0.0
            dist = np.hypot(px - t * d[0], py - t * d[1])
            coverage = np.clip(radius + 0.5 - dist, 0, 1).astype(np.float32)
            window = canvas[lo[1]:hi[1] + 1, lo[0]:hi[0] + 1]
            np.maximum(window, coverage, out=window)
    return canvas


def _check_canvas(canvas) -> np.ndarray:
    image = np.asarray(canvas)
    if image.ndim != 2:
        raise ValueError(
            f"canvas must be a 2-D grey image (height, width), got shape {image.shape}; "
            "for strokes, call rasterize_strokes(strokes) first")
    if image.size == 0 or not np.issubdtype(image.dtype, np.number):
        raise ValueError(f"canvas must be a non-empty numeric image, got dtype {image.dtype} and shape {image.shape}")
    image = image.astype(np.float64)
    if image.max() <= 0:
        raise EmptyCanvasError("The canvas is empty: draw a digit (or pass some strokes) before classifying it.")
    return image / image.max()


def _to_uint8(image: np.ndarray) -> np.ndarray:
    peak = image.max()
    scaled = image / peak if peak > 0 else image
    return np.round(np.clip(scaled, 0, 1) * 255).astype(np.uint8)


def mnist_style(canvas) -> np.ndarray:
    """Make a drawn digit look like an MNIST digit: the 28 x 28 image the network receives.

    The steps are those of MNIST itself (LeCun et al.): crop to the bounding box of the
    ink, scale so that the longer side is 20 px keeping the aspect ratio (the
    anti-aliased scaling makes the grey levels at the edges), then place the digit in a
    28 x 28 field so that its centre of mass is at row 14, column 14 (where MNIST's
    training digits have theirs, on average).

    Parameters
    ----------
    canvas
        2-D grey image, ink bright on a dark background (any size; values any
        non-negative range, e.g. :func:`rasterize_strokes`'s 0..1).

    Returns
    -------
    numpy.ndarray
        uint8 array ``(28, 28)``, 0..255, the darkest stroke at 255, as in MNIST.

    Raises
    ------
    EmptyCanvasError
        When the canvas has no ink.
    """
    from skimage.transform import resize

    image = _check_canvas(canvas)
    rows = np.flatnonzero((image > INK_THRESHOLD).any(axis=1))
    cols = np.flatnonzero((image > INK_THRESHOLD).any(axis=0))
    crop = image[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    scale = DIGIT_BOX / max(crop.shape)
    shape = tuple(max(1, round(n * scale)) for n in crop.shape)
    digit = resize(crop, shape, order=1, anti_aliasing=scale < 1, mode="constant")
    digit = np.clip(digit, 0, None)
    if digit.max() <= 0:  # a faint speck that vanished in scaling
        raise EmptyCanvasError("The drawing is too faint to classify: draw with more ink.")
    total = digit.sum()
    r_com = float((digit.sum(axis=1) * np.arange(shape[0])).sum() / total)
    c_com = float((digit.sum(axis=0) * np.arange(shape[1])).sum() / total)
    top = int(np.clip(round(CENTRE - r_com), 0, FIELD - shape[0]))
    left = int(np.clip(round(CENTRE - c_com), 0, FIELD - shape[1]))
    field = np.zeros((FIELD, FIELD))
    field[top:top + shape[0], left:left + shape[1]] = digit
    return _to_uint8(field)


def naive_resize(canvas) -> np.ndarray:
    """The whole canvas shrunk to 28 x 28, with no cropping or centring (for comparison).

    Returns uint8 ``(28, 28)``, 0..255 with the darkest pixel at 255, like
    :func:`mnist_style`, so the two differ only in the cropping, scaling and centring.
    """
    from skimage.transform import resize

    image = _check_canvas(canvas)
    return _to_uint8(resize(image, (FIELD, FIELD), order=1, anti_aliasing=True, mode="constant"))


def _digit_canvas_class():
    """The anywidget class, built on first use so that the rest of the module needs no anywidget."""
    try:
        import anywidget
        import traitlets
    except ImportError as error:  # pragma: no cover - anywidget is a course dependency
        raise ImportError(
            "The drawing pad needs the anywidget package: run `pip install anywidget` "
            "(it is in the course's requirements.txt; Colab has it preinstalled)") from error

    static = Path(__file__).resolve().parent / "static"

    class DigitCanvas(anywidget.AnyWidget):
        """A square canvas: draw with the mouse, a pen or a finger; *Clear* empties it.

        ``strokes`` is synced with the browser: a list of strokes, each a list of
        ``[x, y]`` points in canvas pixels. Setting it from Python redraws the canvas.
        """

        _esm = static / "digit_canvas.js"
        _css = static / "digit_canvas.css"
        strokes = traitlets.List([]).tag(sync=True)
        size = traitlets.Int(CANVAS_SIZE).tag(sync=True)
        line_width = traitlets.Float(LINE_WIDTH).tag(sync=True)

        def image(self) -> np.ndarray:
            """The canvas as :func:`rasterize_strokes` draws it (float32, 0..1)."""
            return rasterize_strokes(self.strokes, size=self.size, line_width=self.line_width)

    return DigitCanvas


def digit_pad(classify: Callable[[np.ndarray], np.ndarray], *, class_names: Sequence[str] | None = None,
              strokes: list | None = None):
    """A drawing pad that shows what the network receives and what it answers, after every stroke.

    Parameters
    ----------
    classify
        A function from one 28 x 28 uint8 image to ten class probabilities, e.g.
        ``lambda image: model.predict(training.to_model_input(image), verbose=0)[0]``.
    class_names
        Labels of the ten classes for the bar chart (default ``"0"`` ... ``"9"``).
    strokes
        Strokes to start with (as :func:`rasterize_strokes` takes them), or None for an
        empty canvas.

    Returns
    -------
    ipywidgets.HBox
        The canvas on the left; on the right the 28 x 28 input (made by
        :func:`mnist_style`), the ten probabilities as a labelled bar chart and the top
        answer. The canvas widget is the box's ``canvas`` attribute and the last result
        its ``result`` attribute (a dict with ``image``, ``probabilities`` and
        ``prediction``, or None while the canvas is empty).
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    names = [str(d) for d in range(10)] if class_names is None else [str(n) for n in class_names]
    if len(names) != 10:
        raise ValueError(f"class_names must have 10 labels, got {len(names)}")
    canvas = _digit_canvas_class()(strokes=[] if strokes is None else [list(map(list, s)) for s in strokes])
    output = widgets.Output(layout=widgets.Layout(min_width="520px", min_height="300px"))
    box = widgets.HBox([canvas, output])
    box.canvas = canvas
    box.result = None

    def update(change=None) -> None:
        output.clear_output(wait=True)
        with output:
            try:
                image = mnist_style(canvas.image())
            except EmptyCanvasError as error:
                box.result = None
                print(error)
                return
            probabilities = np.asarray(classify(image), dtype=np.float64).reshape(-1)
            if probabilities.shape != (10,):
                raise ValueError(f"classify must return 10 probabilities, got shape {probabilities.shape}")
            prediction = int(np.argmax(probabilities))
            box.result = {"image": image, "probabilities": probabilities, "prediction": prediction}
            fig, (left, right) = plt.subplots(1, 2, figsize=(8.5, 3.6), gridspec_kw={"width_ratios": [1, 1.6]})
            left.imshow(image, cmap="gray", vmin=0, vmax=255)
            left.set_title("what the network receives\n(28 x 28 pixels)", fontsize=13)
            left.set_xticks([0, 14, 27])
            left.set_yticks([0, 14, 27])
            bars = right.bar(names, probabilities, color="tab:blue")
            bars[prediction].set_color("tab:orange")
            right.set_ylim(0, 1)
            right.set_xlabel("class", fontsize=13)
            right.set_ylabel("probability", fontsize=13)
            right.set_title(f"answer: {names[prediction]} ({probabilities[prediction]:.0%})", fontsize=13)
            for ax in (left, right):
                ax.tick_params(labelsize=12)
            fig.tight_layout()
            display(fig)
            plt.close(fig)
            print(f"The network's answer: {names[prediction]} ({probabilities[prediction]:.0%} probability)")

    canvas.observe(update, names="strokes")
    update()
    return box
