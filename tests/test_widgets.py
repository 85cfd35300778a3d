"""helpers.widgets: the kernel editor parses what learners type and redraws the filtered image."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import widgets as hw
from helpers.convolution import KERNELS

ipywidgets = pytest.importorskip("ipywidgets")
IMAGE = np.tile(np.arange(0, 256, 8, dtype=np.uint8), (32, 1))


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("text, value", [("1", 1.0), ("-2.5", -2.5), ("1/9", 1 / 9), (" 3 / 4 ", 0.75), ("1/", 1.0)])
def test_parse_weight(text, value):
    assert hw.parse_weight(text) == pytest.approx(value)


@pytest.mark.parametrize("text, error", [("", ValueError), ("a", ValueError), ("1/0", ZeroDivisionError),
                                         ("1/2/3", ValueError), (3, TypeError)])
def test_parse_weight_errors(text, error):
    with pytest.raises(error):
        hw.parse_weight(text)


def boxes_of(editor):
    return [box for row in editor.children[1:4] for box in row.children]


def test_editor_loads_a_preset_into_the_nine_boxes():
    editor = hw.kernel_editor(IMAGE, preset="sobel_x")
    choice = editor.children[0]
    assert choice.value == "sobel_x" and "(type your own)" in choice.options
    weights = np.array([hw.parse_weight(b.value) for b in boxes_of(editor)]).reshape(3, 3)
    np.testing.assert_array_equal(weights, KERNELS["sobel_x"])
    choice.value = "box_3x3"
    weights = np.array([hw.parse_weight(b.value) for b in boxes_of(editor)]).reshape(3, 3)
    np.testing.assert_allclose(weights, KERNELS["box_3x3"], atol=1e-4)


def test_editor_survives_half_typed_numbers():
    editor = hw.kernel_editor(IMAGE)
    boxes = boxes_of(editor)
    boxes[0].value = "1/"  # parses as 1
    boxes[0].value = "-"  # half-typed: ignored, no exception
    boxes[0].value = "1/0"
    assert boxes[0].value == "1/0"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"preset": "nope"}, "preset must be"),
        ({"bank": {"big": np.ones((5, 5))}, "preset": "big"}, r"bank\['big'\] must be a 3 x 3 kernel"),
    ],
)
def test_editor_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        hw.kernel_editor(IMAGE, **kwargs)


def test_editor_needs_a_grayscale_image():
    with pytest.raises(ValueError, match="2-D grayscale image"):
        hw.kernel_editor(np.zeros((4, 4, 3)))
