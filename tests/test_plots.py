"""helpers.plots: figures have the right panels and titles; bad input gets a clear error."""

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


def test_show_images_grid_and_titles():
    images = np.zeros((7, 5, 5), np.uint8)
    fig = plots.show_images(images, [f"#{i}" for i in range(7)], ncols=3, suptitle="grid")
    visible = [ax for ax in fig.axes if ax.images]
    assert len(fig.axes) == 9 and len(visible) == 7
    assert [ax.get_title() for ax in visible] == [f"#{i}" for i in range(7)]
    assert fig._suptitle.get_text() == "grid"
    assert visible[0].images[0].get_clim() == (0, 255)


def test_show_images_rgb_and_single_image():
    rgb = np.zeros((4, 4, 3), np.uint8)
    fig = plots.show_images([rgb, rgb[..., 0]])
    assert fig.axes[0].images[0].get_array().shape == (4, 4, 3)
    fig = plots.show_images(np.ones((3, 3)))
    assert len(fig.axes) == 1


@pytest.mark.parametrize(
    "images, titles, message",
    [
        (np.zeros(5), None, "got an array of shape \\(5,\\)"),
        (np.zeros((2, 4, 4)), ["one"], "one entry per image: 2 images, 1 titles"),
        ([], None, "images is empty"),
        ([np.zeros(3)], None, r"images\[0\] must be 2-D"),
    ],
)
def test_show_images_errors(images, titles, message):
    with pytest.raises(ValueError, match=message):
        plots.show_images(images, titles)
