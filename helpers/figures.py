"""The course's figure standard ("figures for the projector and the laptop"), in one place.

Every figure a lesson shows should be readable from the back of a lecture room:

- the smallest text (ticks, labels, legends, annotations, numbers drawn on pixels,
  colour-bar ticks) is at least :data:`MIN_TEXT_PX` pixels high at the size the figure is
  shown: ``fontsize_pt * dpi / 72 >= 11``, i.e. at least 10 pt at the course's 80 dpi;
- the figure is at least :data:`MIN_WIDTH_PX` pixels wide (its figsize width times its
  dpi; a notebook's PNG is a little narrower, cropped to the content), unless it is a single small
  image (one Axes showing one image);
- at most :data:`MAX_PANELS` panels, unless the grid itself is the point (a sample grid,
  a kernel bank): such figures are marked with :func:`mark_grid`, or checked with
  ``grid=True``;
- panels that are compared share one colour scale and one colour bar;
- colour maps that survive a projector and colour blindness (viridis, cividis, gray,
  magma, RdBu-like diverging maps; no jet/rainbow, no red-green-only maps).

:func:`figure_problems` lists every violation of a figure in plain words; the tests
(``tests/test_figure_standard.py``) and ``tools/check_figures.py`` use it. Importing this
module changes nothing.
"""

from __future__ import annotations

import contextlib

__all__ = [
    "BAD_CMAPS",
    "GRID_ATTRIBUTE",
    "MAX_PANELS",
    "MIN_TEXT_PX",
    "MIN_WIDTH_PX",
    "NOTEBOOK_DPI",
    "PROJECTOR_DPI",
    "FigureStandardError",
    "figure_problems",
    "install_figure_check",
    "mark_grid",
    "shown_width_px",
]

#: Smallest text height, in pixels at the size the figure is shown.
MIN_TEXT_PX = 11
#: Smallest figure width, in pixels, unless the figure is a single small image.
MIN_WIDTH_PX = 600
#: Most panels in a figure, unless the grid itself is the point (see :func:`mark_grid`).
MAX_PANELS = 6
#: figure.dpi in the committed notebooks (small PNGs keep them light) and with the projector switch.
NOTEBOOK_DPI = 80
PROJECTOR_DPI = 120
#: Attribute a figure carries when its grid of panels is the point (a sample grid, a kernel bank).
GRID_ATTRIBUTE = "course_grid"

#: Colour maps that lose their order on a projector or for red-green colour blindness.
BAD_CMAPS = frozenset({
    "jet", "rainbow", "gist_rainbow", "hsv", "nipy_spectral", "gist_ncar", "turbo", "spectral", "brg",
    "flag", "prism", "gist_stern", "rdylgn",
})

#: What the inline backend of a notebook adds around the content when it crops a figure (inches).
_TIGHT_PAD_INCHES = 0.1


def mark_grid(fig, grid: bool = True):
    """Mark ``fig`` as a figure whose grid of panels is the point (no panel limit); returns ``fig``."""
    setattr(fig, GRID_ATTRIBUTE, bool(grid))
    return fig


class FigureStandardError(AssertionError):
    """A figure a lesson shows breaks the course's figure standard (raised only in strict mode)."""


@contextlib.contextmanager
def _record_drawn_texts(drawn: list):
    """While active, every Text that really draws (visible, non-empty, on a drawn Axes) is appended to ``drawn``."""
    from matplotlib.text import Text

    original = Text.draw

    def spy(self, renderer, *args, **kwargs):
        if self.get_visible() and self.get_text().strip():
            drawn.append(self)
        return original(self, renderer, *args, **kwargs)

    Text.draw = spy
    try:
        yield
    finally:
        Text.draw = original


def _drawn_texts(fig) -> list:
    """The Text artists of ``fig`` that a draw shows, tick labels and colour-bar ticks included."""
    from matplotlib.text import Text

    drawn: list = []
    with _record_drawn_texts(drawn):
        fig.draw_without_rendering()
    seen, texts = set(), []
    for text in drawn:
        if id(text) not in seen:
            seen.add(id(text))
            texts.append(text)
    if not texts:  # e.g. a canvas that cannot draw: fall back on every visible Text of the figure
        texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return texts


def shown_width_px(fig) -> float:
    """Width in pixels of the PNG a notebook shows: the content, cropped as the inline backend does."""
    box = fig.get_tightbbox()
    width = fig.get_figwidth() if box is None else box.width + 2 * _TIGHT_PAD_INCHES
    return width * fig.dpi


def _colorbar_axes(fig) -> list:
    bars = []
    for ax in fig.axes:
        if getattr(ax, "_colorbar", None) is not None or ax.get_label() == "<colorbar>":
            bars.append(ax)
    return bars


def _panels(fig) -> list:
    """Axes that show something, colour bars and twin axes (same place as another) left out."""
    bars = set(map(id, _colorbar_axes(fig)))
    panels, places = [], set()
    for ax in fig.axes:
        if id(ax) in bars or not ax.get_visible():
            continue
        shows = ax.axison or ax.has_data() or bool(ax.images) or bool(ax.texts)
        if not shows:
            continue
        place = tuple(round(v, 4) for v in ax.get_position().bounds)
        if place in places:  # a twinx / twiny axes
            continue
        places.add(place)
        panels.append(ax)
    return panels


def _describe(text) -> str:
    words = " ".join(text.get_text().split())
    return words if len(words) <= 40 else words[:37] + "..."


def _cmap_names(fig) -> set[str]:
    import matplotlib.cm as cm

    names = set()
    for mappable in fig.findobj(lambda a: isinstance(a, cm.ScalarMappable)):
        cmap = mappable.get_cmap()
        if cmap is not None and getattr(cmap, "name", None):
            names.add(cmap.name)
    return names


def figure_problems(fig, *, grid: bool = False) -> list[str]:
    """Every way ``fig`` breaks the course's figure standard, in plain words ([] when none).

    ``fig`` is a matplotlib Figure (or an animation: its figure is checked). ``grid=True``
    (or a figure marked with :func:`mark_grid`) lifts the limit of :data:`MAX_PANELS`
    panels, for figures whose grid is the point. The figure is drawn first, so tick labels
    exist; only text that is drawn (visible, non-empty, on a visible Axes) is checked.
    """
    fig = getattr(fig, "_fig", fig)  # a FuncAnimation keeps its figure in _fig
    grid = grid or bool(getattr(fig, GRID_ATTRIBUTE, False))
    dpi = float(fig.dpi)
    problems: list[str] = []

    small: dict[tuple[str, float], int] = {}
    examples: dict[tuple[str, float], str] = {}
    for text in _drawn_texts(fig):
        px = text.get_fontsize() * dpi / 72
        if px < MIN_TEXT_PX - 1e-6:
            key = (type(text).__name__, round(px, 1))
            small[key] = small.get(key, 0) + 1
            examples.setdefault(key, _describe(text))
    for (kind, px), count in sorted(small.items(), key=lambda item: item[0][1]):
        pt = px * 72 / dpi
        others = f" and {count - 1} more" if count > 1 else ""
        problems.append(f"text {examples[(kind, px)]!r}{others} is {px:.1f} px high ({pt:.1f} pt at {dpi:g} dpi); "
                        f"the smallest text must be at least {MIN_TEXT_PX} px")

    panels = _panels(fig)
    single_image = len(panels) == 1 and bool(panels[0].images)
    width = fig.get_figwidth() * dpi
    if width < MIN_WIDTH_PX - 0.5 and not single_image:
        problems.append(f"the figure is {width:.0f} px wide ({fig.get_figwidth():.2f} in at {dpi:g} dpi; "
                        f"{shown_width_px(fig):.0f} px once a notebook crops its margins); figures must be at "
                        f"least {MIN_WIDTH_PX} px wide unless they are a single image")

    if len(panels) > MAX_PANELS and not grid:
        problems.append(f"the figure has {len(panels)} panels; at most {MAX_PANELS} unless the grid itself is the "
                        "point (mark it with helpers.figures.mark_grid(fig) or check with grid=True)")

    scales: dict[tuple, int] = {}
    for bar_ax in _colorbar_axes(fig):
        bar = getattr(bar_ax, "_colorbar", None)
        if bar is None:
            continue
        norm = bar.mappable.norm
        key = (bar.mappable.get_cmap().name, type(norm).__name__, norm.vmin, norm.vmax)
        scales[key] = scales.get(key, 0) + 1
    for (name, _, low, high), count in scales.items():
        if count > 1:
            problems.append(f"{count} colour bars show the same scale ({name}, {low:g}..{high:g}): "
                            "panels compared on one scale need one shared colour bar")

    for name in sorted(_cmap_names(fig)):
        base = name.lower().removesuffix("_r")
        if base in BAD_CMAPS:
            problems.append(f"colour map {name!r} does not survive a projector or colour blindness; "
                            "use viridis, cividis, gray, magma or a diverging map like RdBu_r")
    return problems


def _record(log_path: str | None, fig, source: str, strict: bool = False) -> None:
    """Check ``fig``; append the result, with the cell's execution count, to the JSON list in ``log_path``.

    ``log_path=None`` writes no log. ``strict=True`` raises :class:`FigureStandardError`
    naming every problem, so that the cell showing the figure fails (nbval reports it).
    """
    try:
        from IPython import get_ipython

        shell = get_ipython()
        count = getattr(shell, "execution_count", None)
        if count is not None:  # ipykernel counts the running cell already: its cell has count - 1
            count -= 1
    except ImportError:
        count = None
    try:
        problems = figure_problems(fig)
        width = round(fig.get_figwidth() * fig.dpi)
    except Exception as error:  # a check must never break the lesson
        problems, width = [f"the check failed: {type(error).__name__}: {error}"], None
    title = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else ""
    if not title:
        title = next((ax.get_title() for ax in fig.axes if ax.get_title()), "")
    entry = {"execution_count": count, "source": source, "title": " ".join(title.split())[:80],
             "width_px": width, "dpi": float(fig.dpi), "problems": problems}
    if log_path:
        _append_to_log(log_path, entry)
    if strict and problems:
        raise FigureStandardError(
            f"the {source} {entry['title']!r} breaks the course's figure standard "
            "(helpers/figures.py): " + "; ".join(problems))


def _append_to_log(log_path: str, entry: dict) -> None:
    import json
    import os

    entries = []
    if os.path.exists(log_path):
        try:
            with open(log_path, encoding="utf-8") as file:
                entries = json.load(file)
        except (OSError, ValueError):
            entries = []
    entries.append(entry)
    with open(log_path, "w", encoding="utf-8") as file:
        json.dump(entries, file, indent=1)


def _wrap_png_formatter(shell, log_path: str | None, strict: bool = False) -> None:
    """Make IPython's PNG formatter for Figures check each figure before it draws the PNG."""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    try:
        plt._get_backend_mod()  # loads the inline backend, which registers its Figure formatter
    except Exception:  # noqa: BLE001 - no backend: nothing is shown, nothing to check
        return
    png = shell.display_formatter.formatters["image/png"]
    try:
        original = png.lookup_by_type(Figure)
    except KeyError:
        return
    if getattr(original, "_course_checked", False):
        return

    def checked(fig, *args, **kwargs):
        _record(log_path, fig, "figure", strict)
        return original(fig, *args, **kwargs)

    checked._course_checked = True
    png.for_type(Figure, checked)


def install_figure_check(log_path: str | None, strict: bool = False) -> bool:
    """Check every figure the notebook shows against the standard, logging to ``log_path`` (JSON).

    Used by :func:`helpers.setup` when ``COURSE_CHECK_FIGURES`` is set: ``1`` logs
    (``tools/check_figures.py`` sets it), ``strict`` makes a figure that breaks the standard
    fail its cell (the test suite sets it, so nbval fails on such a figure). Inline figures
    are caught where IPython turns a Figure into a PNG (``plt.show()`` and the end-of-cell
    flush both go through it); animations where ``to_jshtml`` draws them. ``log_path=None``
    writes no log. Returns False outside IPython (nothing is installed). Calling it again
    changes nothing.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    from matplotlib import animation

    _wrap_png_formatter(shell, log_path, strict)
    if not getattr(shell, "_course_figure_check", False):  # again before each cell: %matplotlib inline re-registers
        shell.events.register("pre_run_cell", lambda *args: _wrap_png_formatter(shell, log_path, strict))
        shell._course_figure_check = True
    if not getattr(animation.Animation.to_jshtml, "_course_checked", False):
        to_jshtml = animation.Animation.to_jshtml

        def checked_jshtml(self, *args, **kwargs):
            _record(log_path, self._fig, "animation", strict)
            return to_jshtml(self, *args, **kwargs)

        checked_jshtml._course_checked = True
        animation.Animation.to_jshtml = checked_jshtml
    return True
