"""helpers.drawing: strokes -> canvas -> the 28 x 28 digit MNIST's preprocessing would make."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage as ndi

from helpers import drawing


def ink_box(image: np.ndarray) -> tuple[int, int, int, int]:
    rows, cols = np.flatnonzero(image.any(axis=1)), np.flatnonzero(image.any(axis=0))
    return rows[0], rows[-1], cols[0], cols[-1]


def test_a_horizontal_line_covers_its_width_with_grey_edges():
    canvas = drawing.rasterize_strokes([[(40, 100.3), (200, 100.3)]], size=280, line_width=10)
    assert canvas.shape == (280, 280) and canvas.dtype == np.float32
    column = canvas[:, 120]
    assert np.isclose(column.sum(), 10, atol=0.6)  # the pen covers 10 px of the column
    assert column.max() == 1.0 and np.any((column > 0) & (column < 1))  # anti-aliased edges
    assert canvas[100, :30].max() == 0 and canvas[100, 210:].max() == 0  # round caps end 5 px out


def test_a_single_point_is_a_dot_and_strokes_do_not_add_up():
    dot = drawing.rasterize_strokes([[(50, 50)]], size=100, line_width=20)
    assert dot[50, 50] == 1 and dot[50, 75] == 0 and dot[50, 45] == 1
    twice = drawing.rasterize_strokes([[(50, 50)], [(50, 50)]], size=100, line_width=20)
    assert np.array_equal(dot, twice)  # overlapping ink stays at 1, as on paper


def test_strokes_outside_the_canvas_are_clipped():
    canvas = drawing.rasterize_strokes([[(-50, -50), (-10, -10)], [(20, 20), (400, 20)]], size=64, line_width=6)
    assert canvas[:3, :3].max() <= 1 and canvas[20, 63] == 1


@pytest.mark.parametrize("bad, message", [
    (np.zeros((3, 2)), "list of strokes"),
    ([[]], r"strokes\[0\] must be a non-empty"),
    ([[(1, 2, 3)]], r"strokes\[0\] must be a non-empty"),
    ([[(1, float("nan"))]], "NaN"),
])
def test_bad_strokes_name_the_problem(bad, message):
    with pytest.raises((TypeError, ValueError), match=message):
        drawing.rasterize_strokes(bad)


def test_a_centred_bar_becomes_a_20_px_bar_in_the_middle():
    canvas = drawing.rasterize_strokes([[(140, 40), (140, 240)]])
    digit = drawing.mnist_style(canvas)
    assert digit.shape == (28, 28) and digit.dtype == np.uint8 and digit.max() == 255
    top, bottom, left, right = ink_box(digit)
    assert bottom - top + 1 == 20  # the longer side is scaled to 20 px
    assert right - left + 1 <= 3  # the aspect ratio is kept: a thin bar stays thin
    r, c = ndi.center_of_mass(digit.astype(float))
    assert abs(r - 14) <= 0.5 and abs(c - 14) <= 0.5


def test_an_off_centre_blob_is_moved_to_the_centre_and_enlarged():
    canvas = drawing.rasterize_strokes([[(40, 40), (60, 50)]], line_width=20)
    naive = drawing.naive_resize(canvas)
    digit = drawing.mnist_style(canvas)
    r, c = ndi.center_of_mass(naive.astype(float))
    assert r < 8 and c < 8  # without preprocessing it stays in the top-left corner, tiny
    r, c = ndi.center_of_mass(digit.astype(float))
    assert abs(r - 14) <= 0.5 and abs(c - 14) <= 0.5
    top, bottom, left, right = ink_box(digit)
    assert max(bottom - top, right - left) + 1 == 20
    assert (digit > 0).sum() > 5 * (naive > 0).sum()


def test_grey_levels_come_from_the_scaling():
    canvas = drawing.rasterize_strokes([[(140, 40), (100, 240)]])
    digit = drawing.mnist_style(canvas)
    grey = (digit > 0) & (digit < 255)
    assert grey.sum() >= 10  # anti-aliasing leaves grey edges, as in MNIST


def test_it_accepts_uint8_canvases_the_same_as_floats():
    canvas = drawing.rasterize_strokes([[(100, 60), (180, 220)]])
    as_uint8 = np.round(canvas * 255).astype(np.uint8)
    assert np.abs(drawing.mnist_style(as_uint8).astype(int) - drawing.mnist_style(canvas)).max() <= 2


def test_an_empty_canvas_gives_a_clear_message_not_a_crash():
    with pytest.raises(drawing.EmptyCanvasError, match="canvas is empty: draw a digit"):
        drawing.mnist_style(np.zeros((280, 280)))
    with pytest.raises(drawing.EmptyCanvasError):
        drawing.naive_resize(np.zeros((280, 280), np.uint8))


def test_a_colour_image_or_strokes_instead_of_a_canvas_are_refused_clearly():
    with pytest.raises(ValueError, match="2-D grey image.*rasterize_strokes"):
        drawing.mnist_style(np.ones((28, 28, 3)))
    with pytest.raises(ValueError, match="2-D grey image"):
        drawing.mnist_style([[(1, 2), (3, 4)]][0][0])


def test_pad_shows_input_and_probabilities_after_a_stroke():
    pytest.importorskip("anywidget")
    import matplotlib

    matplotlib.use("Agg")
    seen = []

    def classify(image):
        seen.append(image)
        p = np.full(10, 0.01)
        p[1] = 0.91
        return p

    pad = drawing.digit_pad(classify)
    assert pad.result is None and seen == []  # empty canvas: a message, no call
    pad.canvas.strokes = [[[140, 40], [140, 240]]]
    assert pad.result["prediction"] == 1
    assert seen[-1].shape == (28, 28) and np.array_equal(pad.result["image"], seen[-1])
    pad.canvas.strokes = []
    assert pad.result is None
    with pytest.raises(ValueError, match="class_names must have 10"):
        drawing.digit_pad(classify, class_names=["a", "b"])
