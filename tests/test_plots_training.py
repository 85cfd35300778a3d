"""helpers.plots.training (lessons 07-09): learning curves, confusion matrix, predictions,
accuracy vs shift."""

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


HISTORY = {"loss": [1.0, 0.5, 0.4], "accuracy": [0.6, 0.8, 0.85], "val_loss": [0.9, 0.6, 0.55], "val_accuracy": [0.65, 0.78, 0.8]}


def test_plot_history_panels_and_lines():
    fig = plots.plot_history(HISTORY, title="curves")
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    loss_ax = fig.axes[0]
    assert [line.get_label() for line in loss_ax.get_lines()] == ["training", "validation"]
    np.testing.assert_array_equal(loss_ax.get_lines()[1].get_ydata(), HISTORY["val_loss"])
    np.testing.assert_array_equal(loss_ax.get_lines()[0].get_xdata(), [1, 2, 3])
    assert loss_ax.get_xlabel() == "epoch" and fig._suptitle.get_text() == "curves"


def test_plot_history_without_validation_and_history_object():
    class FakeHistory:
        history = {"loss": [1.0, 0.5]}

    fig = plots.plot_history(FakeHistory())
    assert len(fig.axes) == 1 and len(fig.axes[0].get_lines()) == 1


def test_plot_history_extra_curves_in_order():
    history = dict(HISTORY, end_loss=[0.8, 0.45, 0.3], end_accuracy=[0.7, 0.82, 0.9])
    curves = {"": "epoch average", "end_": "end of epoch", "val_": "validation"}
    fig = plots.plot_history(history, curves=curves)
    for ax, metric in zip(fig.axes, ["loss", "accuracy"]):
        assert [line.get_label() for line in ax.get_lines()] == list(curves.values())
        np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), history[f"end_{metric}"])
    fig = plots.plot_history(HISTORY, curves=curves)  # a prefix the history lacks is skipped
    assert [line.get_label() for line in fig.axes[0].get_lines()] == ["epoch average", "validation"]


def test_plot_history_errors():
    with pytest.raises(TypeError, match="history must be a dict of lists"):
        plots.plot_history([1, 2])
    with pytest.raises(ValueError, match="has none of the metrics"):
        plots.plot_history({"mae": [1.0]})


def test_plot_confusion_matrix_text_and_labels():
    cm = np.array([[50, 2, 0], [5, 40, 1], [0, 0, 9]])
    fig = plots.plot_confusion_matrix(cm, ["a", "b", "c"], title="cm")
    ax = fig.axes[0]
    texts = sorted(t.get_text() for t in ax.texts)
    assert texts == sorted(["50", "2", "5", "40", "1", "9"])  # zeros are left blank
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    assert len(fig.axes) == 2  # the matrix and its colour bar
    colours = {t.get_text(): t.get_color() for t in ax.texts}
    assert colours["5"] == "white" and colours["2"] == "black"  # the darkest mistake stays readable
    assert colours["50"] == "black"  # the diagonal is grey


def test_plot_confusion_matrix_numbers_grow_with_the_figure():
    cm = np.arange(100).reshape(10, 10)
    small = plots.plot_confusion_matrix(cm, size=5).axes[0].texts[0].get_fontsize()
    large = plots.plot_confusion_matrix(cm, size=6.5).axes[0].texts[0].get_fontsize()
    assert small == 10 and large == 13


def test_plot_confusion_matrix_normalized_rows():
    cm = np.array([[3, 1], [0, 4]])
    fig = plots.plot_confusion_matrix(cm, normalize=True)
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert texts == {"75.0", "25.0", "100.0"}


@pytest.mark.parametrize(
    "cm, names, message",
    [(np.zeros((2, 3)), None, r"square matrix, got shape \(2, 3\)"),
     (np.zeros((2, 2)), ["a"], "one name per class: 2 classes, 1 names")],
)
def test_plot_confusion_matrix_errors(cm, names, message):
    with pytest.raises(ValueError, match=message):
        plots.plot_confusion_matrix(cm, names)


def test_show_predictions_titles_and_colours():
    images = np.zeros((3, 28, 28, 1), np.float32)
    fig = plots.show_predictions(images, [1, 2, 3], [1, 0, 3], class_names=["z", "a", "b", "c"], probabilities=[0.9, 0.5, 0.99])
    titled = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in titled] == ["a 90%", "z 50%\n(true: b)", "c 99%"]
    assert titled[1].title.get_color() == "red" and titled[0].title.get_color() == "black"
    assert titled[0].images[0].get_clim() == (0, 1)  # float images: 0..1


def test_show_predictions_errors():
    with pytest.raises(ValueError, match=r"one label per image \(2\)"):
        plots.show_predictions(np.zeros((2, 4, 4), np.uint8), [1], [1, 2])


def test_plot_accuracy_vs_shift():
    fig = plots.plot_accuracy_vs_shift([0, 1, 2], {"dense": [0.9, 0.8, 0.5], "cnn": [0.92, 0.9, 0.7]})
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines()] == ["dense", "cnn"]
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), [92, 90, 70])
    with pytest.raises(ValueError, match="one value per shift"):
        plots.plot_accuracy_vs_shift([0, 1], {"x": [1.0]})
