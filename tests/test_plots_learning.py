"""helpers.plots.learning (lesson 06): learned vs target kernels, the training run,
receptive fields; clear errors."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import plots


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def rectangles(ax):
    return [p for p in ax.patches if isinstance(p, matplotlib.patches.Rectangle)]


def test_compare_kernels_shares_a_symmetric_scale():
    a, b = np.array([[1, -2], [0, 0.5]]), np.array([[0.004, -0.001], [3, 0]])
    fig = plots.compare_kernels([a, b], ["a", "b"], suptitle="s")
    kernel_axes = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in kernel_axes] == ["a", "b"]
    assert all(ax.images[0].get_clim() == (-3, 3) for ax in kernel_axes)
    texts = [t.get_text() for t in kernel_axes[1].texts]
    assert texts == ["0.00", "0.00", "3.00", "0.00"]  # no "-0.00"
    assert len(fig.axes) == 3  # two kernels and one colour bar
    assert min(t.get_fontsize() for t in kernel_axes[1].texts) * 80 / 72 >= 12  # values readable projected


def test_compare_kernels_errors():
    with pytest.raises(ValueError, match="one entry per kernel: 2 kernels, 1 titles"):
        plots.compare_kernels([np.eye(3), np.eye(3)], ["a"])
    with pytest.raises(ValueError, match=r"kernels\[0\] must be 2-D, got shape \(3,\)"):
        plots.compare_kernels([np.ones(3)], ["a"])


def test_plot_training_draws_loss_and_each_weight_at_its_kernel_position():
    steps = 20
    target = np.arange(9.0).reshape(3, 3)
    weights = np.linspace(0, 1, steps)[:, None, None] * target
    fig = plots.plot_training(np.geomspace(1, 1e-3, steps), weights, target)
    ax_loss, *weight_axes = fig.axes
    assert ax_loss.get_yscale() == "log"
    assert len(weight_axes) == 9  # small multiples, one per weight
    for n, ax in enumerate(weight_axes):
        r, c = divmod(n, 3)
        assert ax.get_subplotspec().rowspan.start == r and ax.get_subplotspec().colspan.start == c + 1
        solid, dotted = ax.lines
        assert dotted.get_linestyle() == ":" and dotted.get_ydata()[0] == target[r, c]
        np.testing.assert_allclose(solid.get_ydata(), weights[:, r, c])
        assert ax.get_title() == f"w[{r}, {c}] -> {target[r, c]:g}"
    assert weight_axes[0].get_shared_y_axes().joined(weight_axes[0], weight_axes[8])
    low, high = weight_axes[0].get_ylim()  # every target line inside, off the edges
    assert low < target.min() - 0.5 and high > target.max() + 0.5
    # projector: at least 600 px wide at the course's 80 dpi, titles and tick labels at least 11 px high
    assert fig.get_size_inches()[0] * 80 >= 600
    sizes = [ax.title.get_fontsize() for ax in fig.axes] + [t.get_fontsize() for ax in fig.axes for t in ax.get_yticklabels()]
    assert min(sizes) * 80 / 72 >= 11
    assert min(ax.get_position().width for ax in weight_axes) * fig.get_size_inches()[0] * 80 >= 120  # panels >= 120 px
    fig = plots.plot_training(np.ones(steps), weights.reshape(steps, 9)[:, :4], np.ones(4))
    assert len(fig.axes) == 5  # (steps, n) weights: one row of n panels
    with pytest.raises(ValueError, match="weights have 9 values per step but target has 4"):
        plots.plot_training(np.ones(steps), weights, np.ones((2, 2)))


def test_show_receptive_fields_boxes_the_non_zero_pixels():
    m = np.zeros((9, 9))
    m[3:6, 2:7] = 1
    m[4, 4] = 3
    fig = plots.show_receptive_fields([m, np.zeros((9, 9))], ["one", "none"], suptitle="rf", label="paths")
    map_axes = [ax for ax in fig.axes if ax.images]
    box = rectangles(map_axes[0])[0]
    assert (box.get_x(), box.get_y(), box.get_width(), box.get_height()) == (1.5, 2.5, 5, 3)
    assert box.get_edgecolor()[:3] == (1.0, 0.0, 0.0)  # red: shows on viridis' yellow and purple
    assert not rectangles(map_axes[1])  # nothing reaches the output: no box
    assert [ax.get_title() for ax in map_axes] == ["one", "none"]
    assert all(ax.images[0].get_clim() == (0, 3) for ax in map_axes)  # one shared scale...
    colour_bars = [ax for ax in fig.axes if not ax.images]
    assert len(colour_bars) == 1 and colour_bars[0].get_ylabel() == "paths"  # ...and one colour bar
    with pytest.raises(ValueError, match="one entry per map: 1 maps, 2 titles"):
        plots.show_receptive_fields([m], ["a", "b"])
    with pytest.raises(ValueError, match=r"maps\[0\] must be 2-D"):
        plots.show_receptive_fields([np.ones(3)], ["a"])
    grid = plots.show_receptive_fields([m, m, m], ["a", "b", "c"], ncols=2)  # 2 x 2, the last place left empty
    assert [ax.get_title() for ax in grid.axes if ax.images] == ["a", "b", "c"]
    assert sum(1 for ax in grid.axes if not ax.images and ax.axison) == 1  # the colour bar only
    with pytest.raises(ValueError, match="ncols must be at least 1, got 0"):
        plots.show_receptive_fields([m], ["a"], ncols=0)
