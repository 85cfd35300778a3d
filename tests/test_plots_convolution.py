"""helpers.plots.convolution (lessons 03-04): kernel displays, the correlation step and animation,
padding modes and the geometry explorer draw what they claim; bad input gets a clear error."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import Rectangle

from helpers import plots
from helpers.convolution import KERNELS, correlate2d

IMAGE = np.array([[3, 0, 1, 2, 7], [1, 5, 8, 9, 3], [2, 7, 2, 5, 1], [0, 1, 3, 1, 7], [4, 2, 1, 6, 2]])
EDGE = np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def texts(ax):
    return [t.get_text() for t in ax.texts]


def boxes(ax):
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def test_show_kernel_writes_weights_and_sum_on_a_centred_scale():
    fig = plots.show_kernel(KERNELS["sobel_x"], title="sobel_x")
    ax = fig.axes[0]
    assert texts(ax) == ["-1", "0", "1", "-2", "0", "2", "-1", "0", "1"]
    assert ax.get_title() == "sobel_x\nsum = 0"
    assert ax.images[0].get_clim() == (-2.0, 2.0)
    big = plots.show_kernel(KERNELS["box_21x21"]).axes[0]
    assert texts(big) == [] and big.get_title() == "sum = 1"


def test_show_kernels_one_panel_per_kernel_each_on_its_own_scale():
    fig = plots.show_kernels(KERNELS, ncols=4, suptitle="bank")
    shown = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title().split("\n")[0] for ax in shown] == list(KERNELS)
    assert len(fig.axes) == 12 + 11  # 11 kernels on a 3 x 4 grid, each with its colour bar
    unsharp = shown[list(KERNELS).index("unsharp_mask_5x5")]
    assert len(texts(unsharp)) == 25 and "-0.0039" in texts(unsharp)  # 5 x 5 weights are written
    assert len(plots.show_kernels(KERNELS, colorbar=False).axes) == 12
    few = [ax for ax in plots.show_kernels(KERNELS, numbers_up_to=3).axes if ax.images]
    assert texts(few[list(KERNELS).index("unsharp_mask_5x5")]) == [] and len(texts(few[0])) == 9
    clims = {ax.get_title().split("\n")[0]: ax.images[0].get_clim()[1] for ax in shown}
    assert clims["box_21x21"] == pytest.approx(1 / 441) and clims["sobel_x"] == 2


def test_show_kernels_shared_scale_has_one_colour_bar():
    blurs = {name: KERNELS[name] for name in ("box_3x3", "gaussian_5x5", "box_21x21")}
    fig = plots.show_kernels(blurs, shared_scale=True, numbers_up_to=3)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 3 and len(fig.axes) == 4  # three panels, one colour bar for all
    top = float(KERNELS["gaussian_5x5"].max())
    assert all(ax.images[0].get_clim() == pytest.approx((-top, top)) for ax in shown)
    assert len(texts(shown[0])) == 9 and texts(shown[1]) == []


def test_show_kernel_limit_and_title_without_sum():
    ax = plots.show_kernel(np.eye(3), title="output", limit=4, show_sum=False).axes[0]
    assert ax.images[0].get_clim() == (-4, 4) and ax.get_title() == "output"
    assert plots.show_kernel(np.eye(3), show_sum=False).axes[0].get_title() == ""


def test_show_filtered_images_share_one_scale():
    images = {"zeros": np.zeros((4, 4)), "large": np.full((4, 4), 500.0)}
    fig = plots.show_filtered_images(images, cmap="RdBu_r", vmin=-300, vmax=300, colorbar=True, extend="both")
    panels = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in panels] == ["zeros", "large"]
    assert all(ax.images[0].get_clim() == (-300, 300) for ax in panels)
    assert len(fig.axes) == 3  # one colour bar for the row
    assert len(plots.show_filtered_images(images).axes) == 2
    grid = plots.show_filtered_images({**images, "three\nlines": np.ones((4, 4))}, ncols=2, colorbar=True)
    assert len(grid.axes) == 4 + 1 and [ax.get_title() for ax in grid.axes if ax.images][2] == "three\nlines"
    assert not grid.axes[3].axison  # the empty fourth slot of the 2 x 2 grid is hidden
    wide = plots.show_filtered_images({"wide": np.zeros((4, 8))}, size=4)
    assert wide.get_size_inches()[1] == pytest.approx(4 * 0.5 + 0.45)  # landscape: a shorter figure


def test_show_correlation_step_panels_agree_with_the_library():
    fig = plots.show_correlation_step(IMAGE, EDGE, 1, 2)
    image_ax, kernel_ax, product_ax, out_ax = fig.axes[:4]
    (window,) = boxes(image_ax)
    assert window.get_xy() == (1.5, 0.5) and (window.get_width(), window.get_height()) == (3, 3)
    expected = correlate2d(IMAGE, EDGE, padding="valid")
    assert out_ax.get_title() == f"out[1, 2] = {expected[1, 2]:g}"
    assert product_ax.get_title().endswith(f"sum = {expected[1, 2]:g}")
    assert texts(out_ax) == [f"{v:g}" for v in expected.ravel()]


def test_animate_correlation_has_one_frame_per_output_pixel():
    anim = plots.animate_correlation(IMAGE, EDGE)
    fig = anim._fig
    assert not plt.fignum_exists(fig.number), "the figure is closed so the notebook shows only the animation"
    html = anim.to_jshtml()
    assert html.count("data:image/png;base64") == 9
    assert len(html) < 400_000  # small enough to embed in a notebook
    small = plots.animate_correlation(IMAGE, EDGE, dpi=50).to_jshtml()
    assert len(small) < len(html)
    anim._draw_frame(8)
    expected = correlate2d(IMAGE, EDGE, padding="valid")
    assert fig.axes[2].get_title() == f"out[2, 2] = {expected[2, 2]:g}"
    # the numbers are white on the darkest cells, as in show_correlation_step
    colours = {t.get_text(): t.get_color() for t in fig.axes[2].texts}
    assert colours[f"{expected.flat[np.abs(expected).argmax()]:g}"] == "white"
    assert colours[f"{expected.flat[np.abs(expected).argmin()]:g}"] == "black"


def test_show_padding_modes_outlines_the_original():
    fig = plots.show_padding_modes(np.arange(16).reshape(4, 4), 2, numbers=True)
    assert [ax.get_title() for ax in fig.axes] == ['"constant"', '"edge"', '"reflect"', '"symmetric"', '"wrap"']
    for ax in fig.axes:
        assert ax.images[0].get_array().shape == (8, 8)
        (box,) = boxes(ax)
        assert box.get_xy() == (1.5, 1.5) and box.get_width() == 4
    np.testing.assert_array_equal(fig.axes[4].images[0].get_array(), np.pad(np.arange(16).reshape(4, 4), 2, mode="wrap"))
    assert min(t.get_fontsize() for ax in fig.axes for t in ax.texts) >= 10  # >= 11 px at the course's 80 dpi
    grid = plots.show_padding_modes(np.arange(16).reshape(4, 4), 2, numbers=True, ncols=3, size=3.2)
    assert len(grid.axes) == 5 and grid.axes[3].get_subplotspec().rowspan.start == 1  # 3 + 2 panels, no empty one
    assert min(t.get_fontsize() for ax in grid.axes for t in ax.texts) > 10  # bigger panels, bigger numbers


def test_show_conv_geometry_counts_positions():
    fig = plots.show_conv_geometry(8, 3, stride=2, before=0, after=1)
    left, right = fig.axes
    assert right.images[0].get_array().shape == (4, 4)
    assert len(left.lines[-1].get_xdata()) == 16  # one dot per output pixel
    assert sorted(set(left.lines[-1].get_xdata())) == [1, 3, 5, 7]  # at the window centres
    assert [t.get_text() for t in left.get_xticklabels()] == [str(i) for i in range(8)]
    assert "= 4" in right.get_title()
    texts = [left.title, right.title, left.xaxis.label, *left.get_xticklabels()]
    assert min(t.get_fontsize() for t in texts) >= 12  # >= 13 px at the course's 80 dpi: readable projected
    fig = plots.show_conv_geometry(8, 3, stride=2)
    assert "1 row(s)/col(s) never reached" in fig.axes[0].get_title()


def test_show_filtered_uses_an_honest_scale():
    camera = np.random.default_rng(0).integers(0, 256, size=(32, 32)).astype(np.uint8)
    fig = plots.show_filtered(camera, KERNELS["sobel_x"], title="sobel_x")
    image_ax, kernel_ax, out_ax = fig.axes[:3]
    expected = correlate2d(camera, KERNELS["sobel_x"], pad_mode="reflect")
    np.testing.assert_allclose(out_ax.images[0].get_array(), expected)
    low, high = out_ax.images[0].get_clim()
    assert low == -high and high == pytest.approx(np.percentile(np.abs(expected), 99.5))  # centred on 0
    assert kernel_ax.get_title() == "sobel_x\nsum = 0"
    blurred = plots.show_filtered(camera, KERNELS["box_3x3"]).axes[2]
    assert blurred.images[0].get_clim() == (0.0, 255.0)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: plots.show_kernel(np.ones(3)), "kernel must be a non-empty 2-D array"),
        (lambda: plots.show_kernels({}), "kernels must be a non-empty dict"),
        (lambda: plots.show_filtered_images({}), "images must be a non-empty dict"),
        (lambda: plots.show_filtered_images({"x": np.zeros(3)}), r"images\['x'\] must be a 2-D array"),
        (lambda: plots.show_correlation_step(IMAGE, EDGE, 3, 0), r"output position inside \(3, 3\)"),
        (lambda: plots.show_correlation_step(np.zeros((20, 20)), EDGE, 0, 0), "at most 12 x 12"),
        (lambda: plots.animate_correlation(IMAGE, np.ones(3)), "kernel must be a non-empty 2-D array"),
        (lambda: plots.show_padding_modes(np.zeros(4), 1), "image must be a non-empty 2-D array"),
        (lambda: plots.show_padding_modes(IMAGE, -1), "width must be a non-negative int"),
        (lambda: plots.show_padding_modes(IMAGE, 1, ncols=0), "ncols must be an int >= 1"),
        (lambda: plots.show_conv_geometry(3, 5), r"kernel \(5\) is larger than the padded input \(3\)"),
        (lambda: plots.show_conv_geometry(5, 3, stride=0), "stride must be an int >= 1"),
        (lambda: plots.show_filtered(np.zeros((4, 4, 3)), EDGE), "image must be a 2-D grayscale image"),
    ],
)
def test_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
