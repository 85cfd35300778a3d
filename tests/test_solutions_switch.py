"""The teacher's switch: ``COURSE_SOLUTIONS=off`` hides ``solution()``; hints and checks still work.

The suite itself runs with solutions on (``tests/nbval_exercises.py`` sets the variable
in ``pytest_configure``); each test here sets or removes it with ``monkeypatch``.
"""

from __future__ import annotations

import pytest

from helpers.exercises import getting_started
from helpers.exercises.core import SOLUTIONS_VARIABLE, solutions_enabled

Q1 = getting_started.q1
SOLUTION_LINE = Q1.solution_text.splitlines()[0]


def _solution_output(capsys) -> str:
    Q1.solution()
    return capsys.readouterr().out


def test_the_suite_runs_with_solutions_on():
    import os

    assert os.environ.get(SOLUTIONS_VARIABLE) == "on"


@pytest.mark.parametrize("value", [None, "", "on", "ON", "1", "true", "Yes", " on "])
def test_on_or_unset_shows_the_solution(monkeypatch, capsys, value):
    if value is None:
        monkeypatch.delenv(SOLUTIONS_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(SOLUTIONS_VARIABLE, value)
    assert solutions_enabled() is True
    out = _solution_output(capsys)
    assert out.startswith("📖 Solution to") and SOLUTION_LINE in out


@pytest.mark.parametrize("value", ["off", "OFF", "0", "false", "False", "no", " off\n"])
def test_off_hides_the_solution(monkeypatch, capsys, value):
    monkeypatch.setenv(SOLUTIONS_VARIABLE, value)
    assert solutions_enabled() is False
    out = _solution_output(capsys)
    assert SOLUTION_LINE not in out and Q1.solution_text not in out
    assert "switched off" in out and "COURSE_SOLUTIONS=off" in out
    assert "ex.q1.hint()" in out and "ex.q1.check(...)" in out  # names this exercise


def test_hint_and_check_work_when_off(monkeypatch, capsys):
    monkeypatch.setenv(SOLUTIONS_VARIABLE, "off")
    Q1.hint()
    assert Q1.hint_text.splitlines()[0] in capsys.readouterr().out
    Q1.check(Q1.reference)
    assert "✅" in capsys.readouterr().out
    Q1.check(...)
    assert "not attempted" in capsys.readouterr().out


def test_read_at_call_time(monkeypatch, capsys):
    """Setting os.environ in a notebook cell takes effect at once, no re-import needed."""
    monkeypatch.setenv(SOLUTIONS_VARIABLE, "off")
    assert SOLUTION_LINE not in _solution_output(capsys)
    monkeypatch.setenv(SOLUTIONS_VARIABLE, "on")
    assert SOLUTION_LINE in _solution_output(capsys)


@pytest.mark.parametrize("value", ["of", "hidden", "2"])
def test_unknown_value_is_explained_and_hides(monkeypatch, capsys, value):
    monkeypatch.setenv(SOLUTIONS_VARIABLE, value)
    assert solutions_enabled() is None
    out = _solution_output(capsys)
    assert SOLUTION_LINE not in out
    assert SOLUTIONS_VARIABLE in out and repr(value) in out
    for accepted in ("off", "0", "false", "no", "on", "1", "true", "yes"):
        assert accepted in out


def test_unnamed_exercise_still_gets_a_message(monkeypatch, capsys):
    from helpers.exercises import Exercise

    loose = Exercise("Loose", test=lambda a: None, hint="h", solution="secret = 1", reference=1)
    monkeypatch.setenv(SOLUTIONS_VARIABLE, "off")
    loose.solution()
    out = capsys.readouterr().out
    assert "secret" not in out and "hint()" in out
