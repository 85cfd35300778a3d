"""The figure standard (helpers.figures): every figure of helpers.plots meets it for typical
inputs, with the course's FIGURE_DEFAULTS applied; figure_problems names what breaks it;
the projector switch of setup() changes only figure.dpi."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import figures, notebook, plots
from helpers.convolution import KERNELS

RNG = np.random.default_rng(0)
IMAGE = np.array([[3, 0, 1, 2, 7], [1, 5, 8, 9, 3], [2, 7, 2, 5, 1], [0, 1, 3, 1, 7], [4, 2, 1, 6, 2]])
EDGE = np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]])
PHOTO = (RNG.random((64, 64)) * 255).astype(np.uint8)
DIGITS = (RNG.random((8, 28, 28)) * 255).astype(np.uint8)
HISTORY = {"loss": [1.0, 0.5, 0.4], "accuracy": [0.6, 0.8, 0.85], "val_loss": [0.9, 0.6, 0.55],
           "val_accuracy": [0.65, 0.78, 0.8]}


@pytest.fixture(autouse=True)
def course_defaults():
    with plt.rc_context(notebook.FIGURE_DEFAULTS):
        yield
    plt.close("all")


def _histogram_axes():
    fig, ax = plt.subplots()
    plots.draw_histogram(ax, PHOTO, cdf=True, mark=[255], title="counts")
    return fig


def _pooling_input():
    from helpers.pooling import pool2d

    x = np.arange(36.0).reshape(6, 6)
    return x, pool2d(x, 2)


def _training_weights():
    steps, target = 20, np.arange(9.0).reshape(3, 3)
    return np.geomspace(1, 1e-3, steps), np.linspace(0, 1, steps)[:, None, None] * target, target


# name -> (draws a typical figure, the grid is the point)
FIGURES = {
    "animate_correlation": (lambda: plots.animate_correlation(IMAGE, EDGE), False),
    "compare_kernels": (lambda: plots.compare_kernels([EDGE, EDGE / 2, -EDGE], ["a", "b", "c"], suptitle="s"), False),
    "draw_histogram": (_histogram_axes, False),
    "plot_accuracy_vs_shift": (lambda: plots.plot_accuracy_vs_shift(
        [0, 1, 2], {"dense": [0.9, 0.8, 0.5], "cnn": [0.92, 0.9, 0.7]}), False),
    "plot_confusion_matrix": (lambda: plots.plot_confusion_matrix(
        RNG.integers(0, 900, (10, 10)) + np.eye(10, dtype=int) * 900, [f"class {i}" for i in range(10)]), False),
    "plot_history": (lambda: plots.plot_history(HISTORY, title="curves"), False),
    "plot_shift_tolerance": (lambda: plots.plot_shift_tolerance(
        np.arange(4), {"max pool 4x4": [0, 0.5, 0.7, 0.8], "average pool 4x4": [0, 0.2, 0.3, 0.4]},
        reference=("unrelated", 1.1)), False),
    "plot_training": (lambda: plots.plot_training(*_training_weights()), True),
    "show_conv_geometry": (lambda: plots.show_conv_geometry(8, 3, stride=2, before=0, after=1), False),
    "show_correlation_step": (lambda: plots.show_correlation_step(IMAGE, EDGE, 1, 2), False),
    "show_digit_predictions": (lambda: plots.show_digit_predictions(
        DIGITS, np.arange(8), np.eye(10)[np.arange(8)[::-1]] * 0.6 + 0.04, top=2, suptitle="digits"), True),
    "show_feature_maps": (lambda: plots.show_feature_maps(RNG.random((12, 12, 16)), title="maps"), True),
    "show_filter_rows": (lambda: plots.show_filter_rows(
        {"start": RNG.normal(size=(8, 3, 3)), "trained": RNG.normal(size=(8, 3, 3))}, suptitle="filters"), True),
    "show_filtered": (lambda: plots.show_filtered(PHOTO, KERNELS["sobel_x"], title="sobel_x"), False),
    "show_filtered_images": (lambda: plots.show_filtered_images(
        {"a": PHOTO, "b": 255 - PHOTO, "c": PHOTO // 2}, colorbar=True, label="grey level"), False),
    "show_images": (lambda: plots.show_images(DIGITS[:4], [f"#{i}" for i in range(4)], suptitle="four"), True),
    "show_images_and_histograms": (lambda: plots.show_images_and_histograms(
        [PHOTO, 255 - PHOTO], ["photo", "negative"], cdf=True, mark=[255]), False),
    "show_kernel": (lambda: plots.show_kernel(KERNELS["sobel_x"], title="sobel_x"), False),
    "show_kernels": (lambda: plots.show_kernels({name: KERNELS[name] for name in ("sobel_x", "sobel_y", "laplacian", "sharpen")},
                                                shared_scale=True, size=3.3), True),
    "show_labelled_images": (lambda: plots.show_labelled_images(
        DIGITS[:4], [f"image {i}\n{i / 3:.1f}" for i in range(4)], boxes=[(2, 2, 8, 8)] * 4), True),
    "show_overlays": (lambda: plots.show_overlays(DIGITS[:3], list(RNG.random((3, 28, 28))),
                                                  titles=["a", "b", "c"], suptitle="overlays"), False),
    "show_padding_modes": (lambda: plots.show_padding_modes(np.arange(16).reshape(4, 4), 2, numbers=True), False),
    "show_pixel_values": (lambda: plots.show_pixel_values(IMAGE.astype(np.uint8) * 30, title="pixels"), False),
    "show_pooling": (lambda: plots.show_pooling(*_pooling_input(), size=2, stride=2, op="max"), False),
    "show_predictions": (lambda: plots.show_predictions(
        DIGITS, np.arange(8), np.r_[np.arange(7), 0], class_names=[f"c{i}" for i in range(10)],
        probabilities=np.full(8, 0.9)), True),
    "show_receptive_fields": (lambda: plots.show_receptive_fields(
        [RNG.random((9, 9)), RNG.random((9, 9))], ["conv 1", "conv 2"], suptitle="rf"), False),
    "show_shifted": (lambda: plots.show_shifted(DIGITS[0], {"2 px right": np.roll(DIGITS[0], 2, axis=1)}), False),
}


def test_every_plots_function_is_covered():
    assert sorted(FIGURES) == sorted(plots.__all__)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figure_meets_the_standard(name):
    draw, grid = FIGURES[name]
    fig = draw()
    assert figures.figure_problems(fig, grid=grid) == []


def test_grid_figures_are_marked_so_a_lesson_check_accepts_them():
    fig = plots.show_feature_maps(RNG.random((12, 12, 16)), title="maps")
    assert getattr(fig, figures.GRID_ATTRIBUTE) is True
    assert figures.figure_problems(fig) == []


def test_small_text_is_named_with_its_pixel_size():
    fig, ax = plt.subplots(figsize=(10, 4))
    ax.plot([0, 1], [0, 1])
    ax.text(0.5, 0.5, "tiny note", fontsize=7)
    problems = figures.figure_problems(fig)
    assert len(problems) == 1, problems
    assert "'tiny note'" in problems[0] and "7.8 px" in problems[0] and "at least 11 px" in problems[0]


def test_small_tick_labels_are_found_after_a_draw():
    fig, ax = plt.subplots(figsize=(10, 4))
    ax.plot([0, 1], [0, 1])
    ax.tick_params(labelsize=6)
    problems = figures.figure_problems(fig)
    assert any("6.7 px" in p and "more" in p for p in problems), problems


def test_hidden_and_empty_text_is_ignored():
    fig, ax = plt.subplots(figsize=(10, 4))
    ax.plot([0, 1], [0, 1])
    ax.text(0.5, 0.5, "hidden", fontsize=5).set_visible(False)
    ax.text(0.2, 0.2, "   ", fontsize=5)
    off = fig.add_axes((0.1, 0.1, 0.2, 0.2))
    off.tick_params(labelsize=5)
    off.axis("off")
    assert figures.figure_problems(fig) == []


def test_narrow_figure_is_named_with_its_width():
    fig, axes = plt.subplots(1, 2, figsize=(5, 3))
    for ax in axes:
        ax.plot([0, 1], [0, 1])
    problems = figures.figure_problems(fig)
    assert len(problems) == 1, problems
    assert "px wide" in problems[0] and "at least 600 px" in problems[0]
    assert "is 400 px wide (5.00 in at 80 dpi" in problems[0]


def test_a_single_small_image_may_be_narrow():
    fig, ax = plt.subplots(figsize=(3, 3))
    ax.imshow(np.eye(3))
    assert figures.figure_problems(fig) == []


def test_too_many_panels_unless_the_grid_is_the_point():
    fig, axes = plt.subplots(2, 4, figsize=(10, 5))
    for ax in axes.flat:
        ax.imshow(np.eye(3))
    problems = figures.figure_problems(fig)
    assert len(problems) == 1 and "8 panels" in problems[0]
    assert figures.figure_problems(fig, grid=True) == []
    assert figures.figure_problems(figures.mark_grid(fig)) == []


def test_repeated_colour_bars_and_rainbow_maps_are_named():
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax in axes:
        fig.colorbar(ax.imshow(np.eye(3), cmap="jet", vmin=0, vmax=1), ax=ax)
    problems = figures.figure_problems(fig)
    assert any("2 colour bars show the same scale" in p for p in problems), problems
    assert any("'jet'" in p for p in problems), problems


def test_defaults_meet_the_standard():
    settings = notebook.FIGURE_DEFAULTS
    assert settings["figure.dpi"] == 80 and settings["figure.figsize"][0] * 80 >= figures.MIN_WIDTH_PX
    assert settings["font.size"] * 0.833 * 80 / 72 >= figures.MIN_TEXT_PX  # "small" still readable


def test_projector_switch(monkeypatch):
    monkeypatch.delenv("COURSE_PROJECTOR", raising=False)
    monkeypatch.delenv("COURSE_CHECK_FIGURES", raising=False)
    with plt.rc_context():
        notebook.setup()
        assert plt.rcParams["figure.dpi"] == 80
        notebook.setup(projector=True)
        assert plt.rcParams["figure.dpi"] == 120
        assert plt.rcParams["font.size"] == notebook.FIGURE_DEFAULTS["font.size"]
        monkeypatch.setenv("COURSE_PROJECTOR", "1")
        notebook.setup()
        assert plt.rcParams["figure.dpi"] == 120
        notebook.setup(projector=False)  # the argument wins over the environment
        assert plt.rcParams["figure.dpi"] == 80
        monkeypatch.setenv("COURSE_PROJECTOR", "0")
        notebook.setup()
        assert plt.rcParams["figure.dpi"] == 80


def test_figure_check_outside_ipython_installs_nothing():
    assert figures.install_figure_check("unused.json") is False


# ---- the lessons' committed figures ------------------------------------------------------

def _committed_pngs():
    import base64
    import io
    import json
    from pathlib import Path

    from PIL import Image

    root = Path(__file__).resolve().parent.parent
    for path in sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for index, cell in enumerate(nb["cells"]):
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if "image/png" in data:
                    image = Image.open(io.BytesIO(base64.b64decode(data["image/png"])))
                    yield path.name, index, image.size


def test_every_committed_lesson_figure_is_wide_enough():
    # text sizes cannot be read back from a PNG: tools/check_figures.py checks them while a
    # lesson runs; here every saved figure must be at least MIN_WIDTH_PX wide (the standard's
    # exception, a single small image, is used by no lesson today)
    found = list(_committed_pngs())
    assert len(found) > 50, f"only {len(found)} committed figures found: are the notebooks executed?"
    narrow = [(name, index, size) for name, index, size in found if size[0] < figures.MIN_WIDTH_PX]
    assert not narrow, f"committed figures narrower than {figures.MIN_WIDTH_PX} px: {narrow}"


# ---- strict mode: the suite fails on a lesson figure that breaks the standard -------------

def test_the_suite_checks_lesson_figures_strictly():
    # the root conftest sets it for every kernel the suite starts (nbval runs the lessons in them)
    assert os.environ.get("COURSE_CHECK_FIGURES") == "strict"


def test_strict_mode_fails_the_cell_that_shows_a_bad_figure(pytester, monkeypatch):
    import nbformat

    root = Path(__file__).resolve().parent.parent
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])))
    monkeypatch.setenv("COURSE_CHECK_FIGURES", "strict")
    monkeypatch.delenv("COURSE_FIGURE_LOG", raising=False)
    monkeypatch.delenv("COURSE_PROJECTOR", raising=False)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in (
        "%matplotlib inline\nimport matplotlib.pyplot as plt\nimport helpers\nhelpers.setup()",
        "fig, ax = plt.subplots()\nax.plot([0, 1], [0, 1])\nax.set_title('A readable figure')\nplt.show()",
        "fig, ax = plt.subplots()\nax.plot([0, 1], [0, 1])\nax.set_title('Tiny ticks')\n"
        "ax.tick_params(labelsize=6)\nplt.show()",
        "fig, ax = plt.subplots(figsize=(4, 3))\nax.plot([0, 1], [0, 1])\nax.set_title('Too narrow')",
        "print('the lesson goes on')",
    )]
    nbformat.write(nb, pytester.path / "lesson.ipynb")
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:randomly", "--nbval-lax", "--nbval-current-env", "-v",
        "lesson.ipynb",
    )
    out = result.stdout
    out.fnmatch_lines(["*::Cell 0 PASSED*", "*::Cell 1 PASSED*", "*::Cell 2 FAILED*",
                       "*::Cell 3 FAILED*", "*::Cell 4 PASSED*"])
    text = out.str()
    assert "FigureStandardError" in text and "'Tiny ticks' breaks the course's figure standard" in text
    assert "is 6.7 px high" in text and "at least 11 px" in text
    assert "'Too narrow'" in text and "320 px wide" in text
    assert not (pytester.path / "figure_problems.json").exists()  # strict mode writes no log unless asked
