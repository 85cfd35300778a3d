"""The exercise cells of the lessons agree with their exercises, without running a kernel.

For every exercise cell (``ex.qN.check(...)`` with a ``# ex.qN.solution()`` line): the
solution text defines the names the cell's body defines (same functions, same
parameters), and the prompt above the cell names them too. That the solution then
*passes* is checked in the lesson's own kernel by the "Exercise N solution" items that
``tests/nbval_exercises.py`` adds to the notebook runs.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import nbformat
import pytest

from helpers.exercises import lesson_modules
from tests.nbval_exercises import (
    bound_names,
    defined_functions,
    exercise_module_of,
    parse_exercise_cell,
    solution_as_printed,
)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _exercise_cells(path):
    """``(module name, [(exercise, cell index, prompt markdown), ...])`` of one notebook."""
    nb = nbformat.read(path, as_version=4)
    found = []
    previous = -1
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        exercise = parse_exercise_cell(cell.source)
        if exercise is None:
            continue
        heading = re.compile(rf"\*\*Exercise {exercise.number}\b")
        prompts = [c.source for c in nb.cells[previous + 1 : index] if c.cell_type == "markdown" and heading.search(c.source)]
        found.append((exercise, index, prompts[-1] if prompts else None))
        previous = index
    return exercise_module_of(nb), found


LESSONS = {path.name: _exercise_cells(path) for path in NOTEBOOKS}
CELLS = [
    pytest.param(module, exercise, prompt, id=f"{name[:2]}-q{exercise.number}")
    for name, (module, cells) in LESSONS.items()
    for exercise, _index, prompt in cells
]


def _question(module, number):
    return getattr(importlib.import_module(f"helpers.exercises.{module}"), f"q{number}")


def test_every_lesson_has_its_exercise_module_and_cells():
    assert len(NOTEBOOKS) >= 11
    used = {}
    for name, (module, cells) in LESSONS.items():
        assert module is not None, f"{name} imports no helpers.exercises module as ex"
        assert module not in used, f"{name} and {used[module]} both use helpers.exercises.{module}"
        used[module] = name
        in_module = sorted(
            int(n[1:]) for n in vars(importlib.import_module(f"helpers.exercises.{module}"))
            if re.fullmatch(r"q\d+", n)
        )
        in_notebook = [exercise.number for exercise, _, _ in cells]
        assert in_notebook == in_module, (
            f"{name}: exercise cells for q{in_notebook}, helpers.exercises.{module} defines q{in_module}"
        )
    assert sorted(used) == lesson_modules()


@pytest.mark.parametrize("module, exercise, prompt", CELLS)
def test_solution_defines_what_the_cell_checks(module, exercise, prompt):
    question = _question(module, exercise.number)
    solution = ast.parse(question.solution_text).body
    assert exercise.body_names, f"the cell checks {exercise.check_line} but its body defines nothing"
    missing = [n for n in exercise.body_names if n not in bound_names(solution)]
    assert not missing, (
        f"the cell's body defines {missing}, the solution does not (it defines {bound_names(solution)}): "
        f"a learner who pastes the solution gets a NameError in `{exercise.check_line}`"
    )
    assert defined_functions(solution) == exercise.body_functions, (
        "the solution and the cell must define the same functions with the same parameters"
    )


@pytest.mark.parametrize("module, exercise, prompt", CELLS)
def test_prompt_names_what_the_cell_defines(module, exercise, prompt):
    assert prompt is not None, f"no markdown cell '**Exercise {exercise.number}...' above the cell"
    for name in exercise.body_functions:
        assert f"`{name}(" in prompt, f"the prompt does not ask for `{name}(...)`:\n{prompt}"
    for name in set(exercise.body_names) - set(exercise.body_functions) - {"answer"}:
        assert f"`{name}`" in prompt, f"the prompt does not name `{name}`:\n{prompt}"
    for asked in re.findall(r"[Ww]rite `(\w+)\(", prompt):
        assert asked in exercise.body_functions, f"the prompt asks for `{asked}(...)`, the cell defines {exercise.body_names}"


@pytest.mark.parametrize("module, exercise, prompt", CELLS)
def test_hint_and_solution_use_the_cells_names(module, exercise, prompt):
    question = _question(module, exercise.number)
    for text in (question.hint_text, question.solution_text):
        for name in re.findall(r"\bdef (\w+)\(", text):
            assert name in exercise.body_functions, f"{name!r} in the hint or solution; the cell defines {exercise.body_names}"


@pytest.mark.parametrize("module, exercise, prompt", CELLS)
def test_printed_solution_is_the_solution_text(module, exercise, prompt):
    """What the kernel-side probe copies from solution() is exactly the solution text."""
    question = _question(module, exercise.number)
    assert solution_as_printed(question) == question.solution_text


# ---- the cell parser itself ----------------------------------------------------------------

def test_parse_exercise_cell():
    cell = (
        "from helpers.exercises import cnn_mnist as ex\n\n\n"
        "def conv_output_size(n, k, padding):\n    ...  # your code here\n\n\n"
        "ex.q1.check(conv_output_size)\n# ex.q1.hint()\n# ex.q1.solution()\n"
    )
    exercise = parse_exercise_cell(cell)
    assert exercise.number == 1 and exercise.receiver == "ex.q1"
    assert exercise.body_names == ("conv_output_size",)  # the import is not the learner's body
    assert exercise.body_functions == {"conv_output_size": ["n", "k", "padding"]}
    assert exercise.evaluate_expr == "ex.q1.evaluate(conv_output_size)"


def test_parse_keeps_the_check_arguments():
    exercise = parse_exercise_cell("answer = ...\nex.q1.check(answer, cm=cm)\n# ex.q1.solution()\n")
    assert exercise.check_line == "ex.q1.check(answer, cm=cm)"
    assert exercise.evaluate_expr == "ex.q1.evaluate(answer, cm=cm)"
    assert exercise.body_names == ("answer",)


def test_a_cell_that_only_demonstrates_check_is_no_exercise():
    assert parse_exercise_cell("ex.q1.check(x_train.shape[1] * x_train.shape[2])\n") is None
    assert parse_exercise_cell("x = 1\nprint(x)\n") is None


# ---- the exercise standard of every lesson (STYLE.md "Exercises") -------------------------

STANDARD_LESSONS = list(LESSONS)
LEGEND = "Each exercise is marked ★ (uses one step the lesson showed, in a new situation), ★★ (combines steps, or asks why) or ★★★ (goes beyond the lesson)."


@pytest.mark.parametrize("name", STANDARD_LESSONS)
def test_exercises_meet_the_course_standard(name):
    from helpers.exercises.core import LEVELS

    module, cells = LESSONS[name]
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    sections = [c.source for c in nb.cells if c.cell_type == "markdown" and c.source.lstrip().startswith("## Exercises")]
    assert len(sections) == 1 and LEGEND in sections[0], f"{name}: the '## Exercises' cell must open with the legend:\n{LEGEND}"
    assert 3 <= len(cells) <= 4, f"{name}: {len(cells)} exercises; the standard is 3-4"
    questions = [_question(module, exercise.number) for exercise, _, _ in cells]
    levels = [q.level for q in questions]
    assert all(level in LEVELS for level in levels), f"{name}: every exercise needs level=1, 2 or 3, got {levels}"
    assert levels == sorted(levels), f"{name}: exercises go from easy to hard, got levels {levels}"
    assert levels[-1] == 3, f"{name}: the last exercise is a ★★★ one that goes beyond the lesson"
    kinds = [set(q.kinds) for q in questions]
    for wanted in ("predict", "concept", "beyond"):
        assert any(wanted in k for k in kinds), f"{name}: no exercise of kind {wanted!r} (kinds: {kinds})"
    for (exercise, _, prompt), question in zip(cells, questions):
        stars = LEVELS[question.level]
        heading = re.search(rf"^\s*\*\*Exercise {exercise.number} · (★+) ([^*]+)\*\*", prompt or "", re.MULTILINE)
        assert heading and heading.group(1) == stars, (
            f"{name} exercise {exercise.number}: the prompt must start '**Exercise {exercise.number} · {stars} Title.**'"
        )
        assert not re.search(r"\((easy|medium|hard|stretch\w*)\)", prompt, re.IGNORECASE), (
            f"{name} exercise {exercise.number}: difficulty is shown by the stars only (and 'stretch' is a technique in 02-03)"
        )
        if "concept" in question.kinds:
            assert len(question.wrong_answers) >= 2 and question.explanation, (
                f"{name} exercise {exercise.number}: a concept question explains every wrong choice and the right one"
            )
