"""The "Exercise N solution" items of tests/nbval_exercises.py, on small made-up notebooks.

Runs pytest + nbval + the plugin in a subprocess (one kernel per notebook, a few seconds).
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent

SETUP = '''\
import types
from helpers.exercises.core import Exercise, call, expect_equal

def _square_test(f):
    expect_equal(call(f, 3), 9, "f(3)")

ex = types.SimpleNamespace(
    q1=Exercise("Exercise 1 · Square", test=_square_test, hint="x * x", reference=None,
                solution="def square(x):\\n    return x * x   # 9 for 3"),
    q2=Exercise("Exercise 2 · Cube", test=lambda f: expect_equal(call(f, 2), 8, "f(2)"), hint="", reference=None,
                solution="def cubed(x):\\n    return x ** 3"),   # not the name the cell checks
    q3=Exercise("Exercise 3 · Nine", test=lambda a: expect_equal(a, 9), hint="", reference=None,
                solution="answer = 8"),   # wrong value
)
'''


def _notebook(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, path)


def test_solution_items(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    _notebook(
        pytester.path / "lesson.ipynb",
        SETUP,
        "def square(x):\n    ...  # your code here\n\n\nex.q1.check(square)\n# ex.q1.hint()\n# ex.q1.solution()",
        "def cube(x):\n    ...  # your code here\n\n\nex.q2.check(cube)\n# ex.q2.solution()",
        "answer = ...\nex.q3.check(answer)\n# ex.q3.solution()",
        # the solution items ran in a copy of the globals: the learner's placeholders are untouched
        "assert square(3) is None and cube(2) is None and answer is ...\n"
        "assert 'cubed' not in globals() and '_exercise_solution_probe' not in globals()",
    )
    _notebook(
        pytester.path / "broken.ipynb",
        SETUP,
        "raise ValueError('the lesson broke here')",
        "def square(x):\n    ...\n\n\nex.q1.check(square)\n# ex.q1.solution()",   # passes all the same
        "answer = ...\nex.q3.check(answer)\n# ex.q3.solution()",                  # fails: skipped
    )
    _notebook(pytester.path / "alone.ipynb", SETUP, "def square(x):\n    ...\n\n\nex.q1.check(square)\n# ex.q1.solution()")

    result = pytester.runpytest_subprocess(
        "-p", "tests.nbval_exercises", "-p", "no:cacheprovider", "-p", "no:randomly",
        "--nbval-lax", "--nbval-current-env", "-v", "-rs",
        "lesson.ipynb", "broken.ipynb", "alone.ipynb::Exercise 1 solution",
    )
    out = result.stdout
    # an item right after each exercise cell, passing or failing
    out.fnmatch_lines([
        "*::Cell 1 PASSED*",
        "lesson.ipynb::Exercise 1 solution PASSED*",
        "*::Cell 2 PASSED*",
        "lesson.ipynb::Exercise 2 solution FAILED*",
        "*::Cell 3 PASSED*",
        "lesson.ipynb::Exercise 3 solution FAILED*",
        "*::Cell 4 PASSED*",
    ])
    # after a cell that raised: a passing solution passes, a failing one is skipped
    out.fnmatch_lines([
        "*::Cell 1 FAILED*",
        "broken.ipynb::Exercise 1 solution PASSED*",
        "broken.ipynb::Exercise 3 solution SKIPPED*",
    ])
    # the failure says which exercise, what went wrong and what the solution is
    out.fnmatch_lines([
        "lesson.ipynb, exercise 2 (Exercise 2 · Cube), ex.q2:",
        "*does not pass the cell's check line `ex.q2.check(cube)`.",
        "*NameError: name 'cube' is not defined",
        "Solution text:",
        "    def cubed(x):",
    ])
    out.fnmatch_lines(["Outcome: wrong: the answer: expected 9, got 8"])
    out.fnmatch_lines([
        "SKIPPED*Cell 1 of this notebook failed (Cell execution caused an exception)*expected 9, got 8",
    ])
    # selected alone, without the cells before it: skipped, not failed
    out.fnmatch_lines(["SKIPPED*the exercise cell (Cell 1) did not run in this session*"])
    result.assert_outcomes(passed=6 + 4, failed=2 + 1, skipped=1 + 1)


def test_the_cell_after_an_exercise_runs_once_the_solution_passes(pytester, monkeypatch):
    # A lesson may follow an exercise with a cell gated on the answer; nbval never runs its body
    # (the placeholder does not pass), so the solution item runs it after the solution passes.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    exercise = "def square(x):\n    ...  # your code here\n\n\nex.q1.check(square)\n# ex.q1.solution()"
    _notebook(pytester.path / "works.ipynb", SETUP, exercise,
              "if ex.q1.evaluate(square).passed:\n    assert square(4) == 16\n    print('see for yourself')")
    _notebook(pytester.path / "crashes.ipynb", SETUP, exercise,
              "if ex.q1.evaluate(square).passed:\n    print(square(2).shape)  # an int has no shape")
    _notebook(pytester.path / "ungated.ipynb", SETUP, exercise, "raise_if_run = 1 / 0")  # not gated: nbval's
    result = pytester.runpytest_subprocess(
        "-p", "tests.nbval_exercises", "-p", "no:cacheprovider", "-p", "no:randomly",
        "--nbval-lax", "--nbval-current-env", "-v", "works.ipynb", "crashes.ipynb", "ungated.ipynb",
    )
    out = result.stdout
    out.fnmatch_lines(["works.ipynb::Exercise 1 solution PASSED*", "crashes.ipynb::Exercise 1 solution FAILED*",
                       "ungated.ipynb::Exercise 1 solution PASSED*", "*ungated*Cell 2 FAILED*"])
    out.fnmatch_lines([
        "crashes.ipynb, exercise 1: the solution passes, but the cell after the exercise, which a learner "
        "runs once the answer passes, then raises:",
        "*AttributeError: 'int' object has no attribute 'shape'",
    ])
