"""Helpers only lesson 08 uses: plots.show_digit_predictions."""

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


def _probabilities(answers, confidence=0.7, runner_up=None):
    p = np.full((len(answers), 10), (1 - confidence) / 9)
    p[np.arange(len(answers)), answers] = confidence
    if runner_up is not None:
        p[np.arange(len(answers)), runner_up] += 0.01
    return p


def test_titles_say_which_number_is_the_answer_and_mark_mistakes():
    images = np.zeros((3, 28, 28), np.uint8)
    fig = plots.show_digit_predictions(images, [7, 2, 4], _probabilities([7, 2, 9]))
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["says 7", "says 2", "says 9\ntrue: 4"]
    colours = [ax.title.get_color() for ax in fig.axes]
    assert colours[0] == colours[1] == "black" and colours[2] == "tab:red"
    assert all(ax.title.get_fontsize() >= 11 for ax in fig.axes)


def test_probabilities_and_runner_up():
    p = np.zeros((2, 10))
    p[0, [4, 9]] = [0.55, 0.45]
    p[1, [1, 7]] = [0.6, 0.4]
    fig = plots.show_digit_predictions(np.zeros((2, 28, 28, 1), np.float32), [4, 7], p, top=2, suptitle="least sure")
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["says 4: 55 %\nthen 9: 45 %", "says 1: 60 %\nthen 7: 40 %\ntrue: 7"]
    assert fig._suptitle.get_text() == "least sure"


def test_only_the_answers_probability_and_near_certainty():
    p = np.zeros((2, 10))
    p[0, [3, 5]] = [0.9996, 0.0004]
    p[1, [0, 6]] = [0.94, 0.06]
    fig = plots.show_digit_predictions(np.zeros((2, 28, 28), np.uint8), [5, 0], p, top=1)
    assert [ax.get_title() for ax in fig.axes] == ["says 3: >99 %\ntrue: 5", "says 0: 94 %"]


def test_grid_has_empty_panels_switched_off():
    fig = plots.show_digit_predictions(np.zeros((5, 8, 8)), np.arange(5), _probabilities(np.arange(5)), ncols=3)
    assert len(fig.axes) == 6
    assert fig.axes[-1].get_title() == "" and not fig.axes[-1].images


@pytest.mark.parametrize(
    "images, y_true, probabilities, message",
    [
        (np.zeros((0, 4, 4)), [], np.zeros((0, 10)), "empty"),
        (np.zeros((2, 4, 4)), [1], np.zeros((2, 10)), "one label per image"),
        (np.zeros((2, 4, 4)), [1, 2], np.zeros((2,)), "probabilities must have shape"),
        (np.zeros((2, 4, 4)), [1, 2], np.zeros((3, 10)), "probabilities must have shape"),
    ],
)
def test_errors_name_the_argument(images, y_true, probabilities, message):
    with pytest.raises(ValueError, match=message):
        plots.show_digit_predictions(images, y_true, probabilities)


def test_top_must_be_0_1_or_2():
    with pytest.raises(ValueError, match="top must be 0, 1 or 2"):
        plots.show_digit_predictions(np.zeros((1, 4, 4)), [1], _probabilities([1]), top=3)
