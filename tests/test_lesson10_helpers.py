"""The figures only lesson 10 uses: filter rows, labelled images with boxes, overlays on one scale."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import plots  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _panels(fig):
    return [ax for ax in fig.axes if ax.images]


def test_show_filter_rows_one_shared_scale_and_labels():
    rng = np.random.default_rng(0)
    rows = {"start": rng.normal(size=(4, 5, 5)), "trained": 3 * rng.normal(size=(4, 5, 5))}
    fig = plots.show_filter_rows(rows, suptitle="filters")
    panels = _panels(fig)
    assert len(panels) == 8  # the colour bar axis holds no image
    limit = max(np.abs(v).max() for v in rows.values())
    assert all(np.allclose(ax.images[0].get_clim(), (-limit, limit)) for ax in panels)
    np.testing.assert_allclose(panels[5].images[0].get_array(), rows["trained"][1])
    assert [ax.get_ylabel() for ax in panels if ax.get_ylabel()] == ["start", "trained"]
    assert [ax.get_title() for ax in panels[:4]] == ["#0", "#1", "#2", "#3"]
    with pytest.raises(ValueError, match="same shape"):
        plots.show_filter_rows({"a": np.zeros((4, 5, 5)), "b": np.zeros((3, 5, 5))})
    with pytest.raises(ValueError, match="non-empty dict"):
        plots.show_filter_rows({})


def test_show_labelled_images_titles_and_boxes():
    images = np.zeros((3, 8, 8), np.uint8)
    fig = plots.show_labelled_images(images, ["a", "b\nc", "d"], ncols=2, boxes=[(0, 0, 4, 4), (1, 2, 3, 3), (4, 4, 4, 4)])
    panels = _panels(fig)
    assert [ax.get_title() for ax in panels] == ["a", "b\nc", "d"]
    assert all(ax.images[0].get_clim() == (0.0, 255.0) for ax in panels)  # uint8 shown honestly
    box = panels[1].patches[0]
    assert (box.get_x(), box.get_y(), box.get_width(), box.get_height()) == (1.5, 0.5, 3, 3)
    assert panels[0].title.get_fontsize() >= 10  # readable when projected
    with pytest.raises(ValueError, match="one \\(row, column, height, width\\) per image"):
        plots.show_labelled_images(images, boxes=[(0, 0, 1, 1)])
    with pytest.raises(ValueError, match="one entry per image"):
        plots.show_labelled_images(images, ["a"])


def test_show_overlays_one_scale_and_transparent_zero():
    images = np.full((2, 6, 6), 100, np.uint8)
    maps = [np.zeros((6, 6)), np.linspace(-1, 3, 36).reshape(6, 6)]
    fig = plots.show_overlays(images, maps, titles=["a", "b"], label="drop")
    panels = _panels(fig)
    assert len(panels) == 2 and all(len(ax.images) == 2 for ax in panels)  # image + overlay in each
    zero_overlay = panels[0].images[1].get_array()
    assert np.all(zero_overlay[..., 3] == 0)  # a map of 0 leaves the image visible
    overlay = panels[1].images[1].get_array()
    assert overlay[..., 3].max() == pytest.approx(0.85) and overlay[0, 0, 3] == 0  # negative values are clear
    colorbar = [ax for ax in fig.axes if not ax.images and ax.get_ylabel() == "drop"]
    assert len(colorbar) == 1  # one colour bar for the whole figure
    assert colorbar[0].get_ylim() == pytest.approx((0.0, 3.0))  # the scale runs to the largest value of all maps
    fig = plots.show_overlays(images, maps, vmax=6.0)
    assert _panels(fig)[1].images[1].get_array()[..., 3].max() < 0.85  # a fixed top: 3 is half of it
    with pytest.raises(ValueError, match="the image's shape"):
        plots.show_overlays(images, [np.zeros((6, 6)), np.zeros((5, 6))])
    with pytest.raises(ValueError, match="same length"):
        plots.show_overlays(images, maps[:1])
