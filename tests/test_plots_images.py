"""helpers.plots.images (lessons 00-01): image grids and pixel-value pictures have the right
panels, numbers and titles; bad input gets a clear error."""

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


def test_show_pixel_values_writes_every_grey_value():
    image = np.arange(12, dtype=np.uint8).reshape(3, 4) * 20
    fig = plots.show_pixel_values(image, title="twelve pixels")
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert texts == [str(v) for v in image.ravel()]
    assert ax.get_title() == "twelve pixels"
    assert ax.images[0].get_clim() == (0, 255)
    assert ax.get_xlabel() == "column" and ax.get_ylabel() == "row"
    # readable: white text on dark pixels, black on light ones
    colours = {t.get_text(): t.get_color() for t in ax.texts}
    assert colours["0"] == "white" and colours["220"] == "black"


def test_show_pixel_values_rgb_triples_and_given_axes():
    rgb = np.array([[[255, 0, 0], [0, 0, 0]], [[255, 255, 255], [0, 0, 255]]], np.uint8)
    fig, ax = plt.subplots()
    assert plots.show_pixel_values(rgb, ax=ax) is fig
    assert [t.get_text() for t in ax.texts] == ["255,0,0", "0,0,0", "255,255,255", "0,0,255"]
    assert ax.images[0].get_array().shape == (2, 2, 3)


def test_show_pixel_values_float_values_and_own_range():
    image = np.array([[0.25, 0.5]])
    fig = plots.show_pixel_values(image, vmin=0, vmax=1)
    assert [t.get_text() for t in fig.axes[0].texts] == ["0.25", "0.50"]
    assert fig.axes[0].images[0].get_clim() == (0, 1)


@pytest.mark.parametrize(
    "image, message",
    [
        (np.zeros((20, 3)), r"at most 16 x 16 pixels .* got \(20, 3\)"),
        (np.zeros((2, 2, 4)), r"2-D \(H, W\) or RGB \(H, W, 3\), got shape \(2, 2, 4\)"),
        (np.zeros(5), r"got shape \(5,\)"),
        (np.zeros((0, 3)), r"image is empty"),
    ],
)
def test_show_pixel_values_errors(image, message):
    with pytest.raises(ValueError, match=message):
        plots.show_pixel_values(image)
