"""helpers.plots.pooling (lesson 05): drawn windows, numbers, shift curves; clear errors."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import plots
from helpers.pooling import pool2d


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def rectangles(ax):
    return [p for p in ax.patches if isinstance(p, matplotlib.patches.Rectangle)]


def test_show_pooling_small_input_outlines_every_window_and_writes_numbers():
    x = np.arange(16).reshape(4, 4)
    fig = plots.show_pooling(x, pool2d(x, 2), size=2, stride=2, op="max")
    ax_in, ax_out = fig.axes
    assert ax_in.get_title() == "input 4 x 4" and ax_out.get_title() == "max pool -> 2 x 2"
    assert fig._suptitle.get_text() == "max pooling, window 2 x 2, stride 2"
    assert len(rectangles(ax_in)) == len(rectangles(ax_out)) == 4
    assert [t.get_text() for t in ax_out.texts] == ["5", "7", "13", "15"]
    assert len(ax_in.texts) == 16
    # projector: at least 600 px wide at the course's 80 dpi, numbers at least 11 px high
    assert fig.get_size_inches()[0] * 80 >= 600 and min(t.get_fontsize() for t in ax_in.texts) * 80 / 72 >= 11
    # ...also after the notebook's tight crop of the white margins (lesson 05's first figure)
    fig.canvas.draw()
    assert fig.get_tightbbox().width * 80 >= 600
    # window (0, 1) starts at column 2 (x = 1.5); its outline sits a little inside, apart from window (0, 0)'s
    first, second = rectangles(ax_in)[:2]
    assert 1.5 < second.get_x() < 1.6 and 1.8 < second.get_width() < 2
    assert first.get_x() + first.get_width() < second.get_x()
    # each window and its output cell share a colour
    for a, b in zip(rectangles(ax_in), rectangles(ax_out)):
        assert a.get_edgecolor() == b.get_edgecolor()


def test_show_pooling_overlap_and_large_inputs_outline_three_windows():
    x = np.arange(49).reshape(7, 7)
    fig = plots.show_pooling(x, pool2d(x, 3, stride=2), size=3, stride=2)
    assert len(rectangles(fig.axes[0])) == 3
    boxes = rectangles(fig.axes[1])  # the output boxes of (0, 0) and (0, 1) do not touch
    assert boxes[0].get_x() + boxes[0].get_width() < boxes[1].get_x()
    big = np.random.default_rng(0).random((24, 24))
    fig = plots.show_pooling(big, pool2d(big, 2, op="mean"), size=2, stride=2, op="mean")
    assert len(rectangles(fig.axes[0])) == 3 and not fig.axes[0].texts  # too large to write numbers
    assert fig.axes[1].get_title() == "mean pool -> 12 x 12"


def test_show_pooling_single_output_cell():
    x = np.ones((3, 3))
    fig = plots.show_pooling(x, pool2d(x, 3), size=3, stride=3)
    assert len(rectangles(fig.axes[1])) == 1


def test_show_pooling_shares_the_grey_range():
    x = np.arange(16.0).reshape(4, 4)
    fig = plots.show_pooling(x, pool2d(x, 2, op="mean"), size=2, stride=2, vmin=0, vmax=20)
    assert [ax.images[0].get_clim() for ax in fig.axes] == [(0, 20), (0, 20)]


def test_show_pooling_rejects_non_2d():
    with pytest.raises(ValueError, match=r"x and out must be 2-D, got shapes \(4, 4, 3\)"):
        plots.show_pooling(np.zeros((4, 4, 3)), np.zeros((2, 2, 3)), size=2, stride=2)


def test_plot_shift_tolerance_one_line_per_variant():
    shifts = np.arange(4)
    fig = plots.plot_shift_tolerance(shifts, {"a": [0, 0.5, 0.7, 0.8], "b": [0, 0.2, 0.3, 0.4]}, title="t")
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["a", "b"]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [0, 50, 70, 80])  # drawn in percent
    assert ax.get_xlabel() == "shift of the input (pixels)" and ax.get_title() == "t"
    assert fig.get_size_inches()[0] * 80 >= 800  # projector: 800 px wide at 80 dpi
    assert [line.get_linestyle() for line in ax.lines] == ["-", "-"]
    assert min(t.get_fontsize() for t in ax.get_legend().get_texts()) * 80 / 72 >= 11
    with pytest.raises(ValueError, match=r"changes\['a'\] must have one value per shift \(4\), got shape \(3,\)"):
        plots.plot_shift_tolerance(shifts, {"a": [0, 1, 2]})
    fig = plots.plot_shift_tolerance(shifts, {"a": [0, 0.5, 0.7, 0.8]}, reference=("unrelated", 1.1))
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["a", "unrelated"]  # the reference line is in the legend
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [110, 110])  # horizontal, in percent
    assert ax.get_ylim()[1] > 110  # the line is inside the plot
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "unrelated"]
    fig = plots.plot_shift_tolerance(shifts, {"max pool 4x4": [0, 1, 2, 3], "average pool 4x4": [0, 1, 2, 3]})
    assert [line.get_linestyle() for line in fig.axes[0].lines] == ["-", "--"]  # a near-overlapping pair stays apart
