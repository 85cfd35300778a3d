"""Every exercise of every lesson: reference passes, placeholder is 'not attempted',
typical mistakes fail with a message; plus the checker framework itself."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from helpers.exercises import Exercise, Wrong, lesson_modules
from helpers.exercises.core import call, expect_array, expect_equal, expect_number


def all_exercises():
    for module_name in lesson_modules():
        module = importlib.import_module(f"helpers.exercises.{module_name}")
        names = sorted(n for n in vars(module) if n.startswith("q") and n[1:].isdigit())
        assert names, f"helpers.exercises.{module_name} defines no q1, q2, ..."
        for name in names:
            yield pytest.param(getattr(module, name), id=f"{module_name}.{name}")


EXERCISES = list(all_exercises())


def test_every_lesson_module_has_exercises():
    assert "getting_started" in lesson_modules()
    assert len(EXERCISES) >= 2


@pytest.mark.parametrize("exercise", EXERCISES)
def test_reference_answer_passes(exercise):
    outcome = exercise.evaluate(exercise.reference)
    assert outcome.passed, outcome.message


@pytest.mark.parametrize("exercise", EXERCISES)
def test_placeholder_is_not_attempted(exercise, capsys):
    assert exercise.evaluate(...).status == "not attempted"
    exercise.check(...)
    assert "not attempted yet" in capsys.readouterr().out


@pytest.mark.parametrize("exercise", EXERCISES)
def test_typical_mistakes_fail_with_a_message(exercise):
    assert len(exercise.wrong_answers) >= 2, "give at least two typical mistakes"
    for wrong in exercise.wrong_answers:
        outcome = exercise.evaluate(wrong)
        assert outcome.status == "wrong", f"{wrong!r} was not rejected"
        assert len(outcome.message) > 10


@pytest.mark.parametrize("exercise", EXERCISES)
def test_hint_and_solution_print_text(exercise, capsys):
    exercise.hint()
    exercise.solution()
    out = capsys.readouterr().out
    assert "Hint" in out and "Solution" in out and len(out) > 60


# ---- the framework ----------------------------------------------------------------

def _square_test(function):
    expect_equal(call(function, 3), 9, "f(3)")


square = Exercise("Square", test=_square_test, hint="x * x", solution="def f(x): return x * x", reference=lambda x: x * x)


def test_learner_exception_is_reported_not_raised(capsys):
    def broken(x):
        raise KeyError("oops")

    square.check(broken)
    out = capsys.readouterr().out
    assert out.startswith("❌ Square: not quite.")
    assert "KeyError" in out and "'oops'" in out and "Traceback" not in out


def test_function_returning_none_is_not_attempted():
    def unfinished(x):
        x * x  # forgot return

    assert square.evaluate(unfinished).status == "not attempted"


def test_non_callable_answer_is_wrong():
    outcome = square.evaluate(9)
    assert outcome.status == "wrong" and "expected a function" in outcome.message


def test_correct_message(capsys):
    square.check(lambda x: x ** 2)
    assert capsys.readouterr().out == "✅ Square: correct, well done.\n"


def test_checker_bug_never_raises():
    def buggy_test(answer):
        raise RuntimeError("bug in the checker")

    ex = Exercise("Buggy", test=buggy_test, hint="", solution="", reference=1)
    assert ex.evaluate(1).status == "wrong"


def test_expect_array_messages():
    expected = np.arange(6.0).reshape(2, 3)
    with pytest.raises(Wrong, match=r"expected shape \(2, 3\), got shape \(3, 2\)"):
        expect_array(expected.T, expected)
    with pytest.raises(Wrong, match="expected dtype float32, got dtype float64"):
        expect_array(expected, expected, dtype=np.float32)
    with pytest.raises(Wrong, match=r"differ at 1 of 6 positions; first at index \(1, 2\)"):
        changed = expected.copy()
        changed[1, 2] = 99
        expect_array(changed, expected)
    with pytest.raises(Wrong, match="expected a NumPy array, got list"):
        expect_array([[0, 1, 2], [3, 4, 5]], expected)
    expect_array(expected.copy(), expected)


def test_expect_number():
    expect_number(np.float32(0.5), 0.5)
    with pytest.raises(Wrong, match="expected a number, got str"):
        expect_number("0.5", 0.5)
    with pytest.raises(Wrong, match="expected 0.5, got 0.6"):
        expect_number(0.6, 0.5)


def test_numpy_scalars_are_shown_plainly():
    with pytest.raises(Wrong, match=r"^n: expected 6, got 5$"):
        expect_equal(np.int64(5), np.int64(6), "n")
    with pytest.raises(Wrong, match=r"expected 0.5, got 0.25$"):
        expect_number(np.float64(0.25), np.float64(0.5))


# ---- framework: multiple choice, source constraints, levels ----------------------------

def test_choice_test_explains_each_wrong_letter():
    from helpers.exercises.core import choice_test

    test = choice_test("b", {"a": "a is wrong because of x", "b": "right", "c": "c misses y"})
    test("b")
    test(" B ")  # case and spaces do not matter
    for letter, reason in (("a", "because of x"), ("c", "misses y")):
        with pytest.raises(Wrong, match=reason):
            test(letter)
    with pytest.raises(Wrong, match="one of the letters"):
        test("d")
    with pytest.raises(Wrong, match="as a string"):
        test(2)
    with pytest.raises(ValueError, match="correct must be one of"):
        choice_test("z", {"a": "", "b": ""})


def _loop_sum(values):
    total = 0
    for v in values:
        total += v
    return total


def _builtin_sum(values):
    return sum(values)


def _vector_sum(values):
    return np.add.reduce(np.asarray(values))


def test_expect_source_avoids_loops_and_names():
    from helpers.exercises.core import expect_source_avoids

    with pytest.raises(Wrong, match=r"Python loop \(for\)"):
        expect_source_avoids(_loop_sum, loops=True)
    with pytest.raises(Wrong, match="`sum`"):
        expect_source_avoids(_builtin_sum, names=("sum",), why="Use np.add.reduce.")
    expect_source_avoids(_vector_sum, loops=True, names=("sum",))  # passes
    expect_source_avoids(eval("lambda v: sum(v)"), names=("sum",))  # no source: trusted
    expect_source_avoids(42, loops=True)  # not a function: the test proper reports it


def test_exercise_shows_explanation_and_validates_level(capsys):
    from helpers.exercises.core import choice_test

    q = Exercise("Exercise 1 · ★ Why", test=choice_test("a", {"a": "yes", "b": "no"}), hint="h", solution="answer = 'a'",
                 reference="a", wrong_answers=("b",), level=1, kinds=("concept",), explanation="Because a.")
    q.check("a")
    assert "Because a." in capsys.readouterr().out
    q.check("b")
    assert "Because a." not in capsys.readouterr().out
    with pytest.raises(ValueError, match="level"):
        Exercise("x", test=lambda a: None, hint="", solution="", reference=None, level=4)
    with pytest.raises(ValueError, match="kinds"):
        Exercise("x", test=lambda a: None, hint="", solution="", reference=None, kinds=("guess",))
