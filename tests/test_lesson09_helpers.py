"""Helpers only lesson 09 uses: plots.show_shifted and the two-panel plots.plot_accuracy_vs_shift."""

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


def _bar_image():
    image = np.zeros((8, 10), np.uint8)
    image[2:6, 3:5] = 200  # ink in columns 3 and 4
    return image


def test_show_shifted_panels_edges_and_difference():
    image = _bar_image()
    moved = np.roll(image, 2, axis=1)
    fig = plots.show_shifted(image, {"2 px right": moved}, title="t")
    axes = [ax for ax in fig.axes if ax.images and ax.get_title()]
    assert [ax.get_title() for ax in axes] == ["original", "2 px right", "2 px right − original"]
    # dashed lines at the original's ink edges, in the image panels
    assert [line.get_xdata()[0] for line in axes[1].get_lines()] == [2.5, 4.5]
    difference = axes[2].images[0].get_array()
    np.testing.assert_array_equal(difference, moved.astype(np.int16) - image)
    assert axes[2].images[0].get_clim() == (-255, 255)
    assert axes[0].images[0].get_clim() == (0, 255)


def test_show_shifted_errors():
    image = _bar_image()
    with pytest.raises(ValueError, match="one 2-D image"):
        plots.show_shifted(np.zeros((2, 8, 10)), {"x": image})
    with pytest.raises(ValueError, match="shifted is empty"):
        plots.show_shifted(image, {})
    with pytest.raises(ValueError, match=r"must have the image's shape \(8, 10\)"):
        plots.show_shifted(image, {"x": np.zeros((8, 9))})


def test_plot_accuracy_vs_shift_two_panels_share_the_scale_and_colours():
    fig = plots.plot_accuracy_vs_shift(
        [0, 1, 2], {"dense": [0.9, 0.7, 0.5], "cnn": [0.92, 0.9, 0.8]},
        signed_shifts=[-1, 0, 1], signed={"dense": [0.7, 0.9, 0.7], "cnn": [0.9, 0.92, 0.9]},
    )
    left, right = fig.axes
    np.testing.assert_allclose(left.get_lines()[1].get_ydata(), [90, 92, 90])
    np.testing.assert_allclose(right.get_lines()[0].get_ydata(), [90, 70, 50])
    assert [line.get_color() for line in left.get_lines()] == [line.get_color() for line in right.get_lines()]
    assert left.get_ylim() == right.get_ylim()
    assert right.get_legend() is not None and left.get_legend() is None
    with pytest.raises(ValueError, match="same models"):
        plots.plot_accuracy_vs_shift([0, 1], {"a": [1, 1]}, signed_shifts=[0, 1], signed={"b": [1, 1]})
    assert not left.patches and not right.patches  # no band unless asked for


def test_plot_accuracy_vs_shift_marks_the_trained_range():
    fig = plots.plot_accuracy_vs_shift([0, 2, 4, 6], {"a": [0.9, 0.8, 0.7, 0.5]}, signed_shifts=[-6, 0, 6],
                                       signed={"a": [0.5, 0.9, 0.5]}, trained_within=4)
    left, right = fig.axes
    for ax, low in ((left, -4), (right, 0)):
        (band,) = ax.patches
        xs = [band.get_x(), band.get_x() + band.get_width()]  # a Rectangle (matplotlib >= 3.9)
        assert min(xs) == low and max(xs) == 4
    assert "up to 4 px" in " ".join(t.get_text() for t in right.get_legend().get_texts())
    with pytest.raises(ValueError, match="one value per shift"):
        plots.plot_accuracy_vs_shift([0, 1], {"a": [1, 1]}, signed_shifts=[-1, 0, 1], signed={"a": [1, 1]})
