"""helpers.plots.histograms (lesson 02): histograms and image + histogram figures show the
right counts and titles; bad input gets a clear error."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import StepPatch

from helpers import plots
from helpers.histogram import histogram


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def steps(ax) -> list[StepPatch]:
    return [p for p in ax.patches if isinstance(p, StepPatch)]


def test_draw_histogram_of_grey_image_shows_its_counts():
    rng = np.random.default_rng(0)
    image = rng.integers(40, 200, (30, 20)).astype(np.uint8)
    fig, ax = plt.subplots()
    assert plots.draw_histogram(ax, image, title="counts") is ax
    (patch,) = steps(ax)
    values, edges, _ = patch.get_data()
    np.testing.assert_array_equal(values, histogram(image))
    np.testing.assert_array_equal(edges, np.arange(257) - 0.5)
    assert ax.get_xlabel() == "grey level" and ax.get_ylabel() == "pixels" and ax.get_title() == "counts"
    lo, hi = ax.get_xlim()
    assert lo < 0 and hi > 255  # spikes at 0 and 255 stay visible


def test_draw_histogram_rgb_has_one_outline_per_channel():
    rgb = np.zeros((4, 4, 3), np.uint8)
    rgb[..., 0] = 200
    fig, ax = plt.subplots()
    plots.draw_histogram(ax, rgb)
    patches = steps(ax)
    assert len(patches) == 3
    assert patches[0].get_data()[0][200] == 16 and patches[1].get_data()[0][0] == 16
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["R", "G", "B"]


def test_draw_histogram_from_counts_with_cdf_and_log():
    counts = np.zeros(256)
    counts[[10, 100]] = [30, 10]
    fig, ax = plt.subplots()
    twin = plots.draw_histogram(ax, counts, cdf=True, log=True)
    assert twin is not ax and ax.get_yscale() == "log"
    assert ax.yaxis.get_major_formatter()(1000) == "1,000"  # plain counts, not superscript exponents
    cdf_line, straight = twin.lines
    np.testing.assert_allclose(cdf_line.get_ydata()[[9, 10, 99, 100, 255]], [0, 0.75, 0.75, 1, 1])
    np.testing.assert_allclose(straight.get_ydata(), [0, 1])
    assert twin.get_ylabel() == "cumulative fraction"


def test_draw_histogram_marks_a_spike_at_the_end_of_the_axis():
    counts = np.zeros(256, np.int64)
    counts[[100, 255]] = [50, 1234]
    fig, ax = plt.subplots()
    plots.draw_histogram(ax, counts, mark=[255])
    (bar,) = [p for p in ax.patches if not isinstance(p, StepPatch)]
    assert bar.get_height() == 1234 and bar.get_width() >= 3  # wider than one level
    assert bar.get_x() + bar.get_width() <= ax.get_xlim()[1]  # inside the frame
    assert [t.get_text() for t in ax.texts] == ["1,234"]
    fig2 = plots.show_images_and_histograms([np.full((4, 4), 255, np.uint8)] * 2, mark=[255], cdf=True)
    labels = [t.get_text() for a in fig2.axes for t in a.texts]
    assert labels == ["16", "16"]
    assert all(not a.patches for a in fig2.axes if a.texts)  # written on the CDF axes, above the curve
    with pytest.raises(ValueError, match=r"mark must hold grey levels 0..255, got \[256\]"):
        plots.draw_histogram(ax, counts, mark=[256])


@pytest.mark.parametrize(
    "data, message",
    [
        (np.zeros(10), r"256 entries, got 10"),
        (np.zeros((2, 2, 4), np.uint8), r"got shape \(2, 2, 4\)"),
        (np.full((2, 2), 300), r"0..255"),
    ],
)
def test_draw_histogram_errors(data, message):
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match=message):
        plots.draw_histogram(ax, data)


def test_images_with_histograms_underneath():
    images = [np.full((5, 6), v, np.uint8) for v in (0, 100, 255)]
    fig = plots.show_images_and_histograms(images, ["a", "b", "c"], suptitle="three")
    image_axes = [ax for ax in fig.axes if ax.images]
    hist_axes = [ax for ax in fig.axes if steps(ax)]
    assert [ax.get_title() for ax in image_axes] == ["a", "b", "c"]
    assert len(hist_axes) == 3
    for image, ax_img, ax_hist in zip(images, image_axes, hist_axes):
        assert ax_img.images[0].get_clim() == (0, 255)
        np.testing.assert_array_equal(steps(ax_hist)[0].get_data()[0], histogram(image))
        assert ax_hist.get_position().y1 < ax_img.get_position().y0  # histogram underneath
    assert fig._suptitle.get_text() == "three"


def test_single_image_gets_its_histogram_beside_it_with_cdf():
    rgb = np.random.default_rng(1).integers(0, 256, (8, 8, 3)).astype(np.uint8)
    fig = plots.show_images_and_histograms(rgb, ["colour"], cdf=True)
    ax_img = next(ax for ax in fig.axes if ax.images)
    ax_hist = next(ax for ax in fig.axes if steps(ax))
    assert ax_img.images[0].get_array().shape == (8, 8, 3)
    assert ax_hist.get_position().x0 > ax_img.get_position().x1
    assert len(steps(ax_hist)) == 3
    assert len(fig.axes) == 3  # image, histogram, its CDF axis


def test_show_images_and_histograms_sharey_gives_one_count_axis():
    tall = np.zeros((20, 20), np.uint8)  # 400 pixels at level 0
    spread = np.arange(256, dtype=np.uint8).reshape(16, 16)  # 1 pixel per level
    fig = plots.show_images_and_histograms([tall, spread], sharey=True)
    fig.canvas.draw()
    hist_axes = [ax for ax in fig.axes if steps(ax)]
    assert hist_axes[0].get_ylim() == hist_axes[1].get_ylim()
    assert hist_axes[1].get_ylim()[1] >= 400
    unshared = plots.show_images_and_histograms([tall, spread])
    unshared.canvas.draw()
    assert [ax for ax in unshared.axes if steps(ax)][1].get_ylim()[1] < 400
    tall_second = plots.show_images_and_histograms([spread, tall], sharey=True)  # the tallest bar need not come first
    tall_second.canvas.draw()
    assert all(ax.get_ylim()[1] >= 400 for ax in tall_second.axes if steps(ax))


@pytest.mark.parametrize(
    "images, titles, message",
    [
        ([], None, r"images is empty"),
        ([np.zeros((2, 2), np.uint8)] * 2, ["one"], r"one entry per image: 2 images, 1 titles"),
        ([np.zeros(3)], None, r"images\[0\] must be 2-D"),
    ],
)
def test_show_images_and_histograms_errors(images, titles, message):
    with pytest.raises(ValueError, match=message):
        plots.show_images_and_histograms(images, titles)
