"""pytest plugin: every exercise's printed solution passes its own check, in its lesson.

nbval runs each lesson notebook in one kernel, one pytest item per code cell. This
plugin adds, right after the item of each exercise cell (a cell with
``ex.qN.check(...)`` and a ``# ex.qN.solution()`` line), one more item with the same
notebook as parent, so it runs in the same kernel, at that point of the lesson::

    notebooks/03_convolution_by_hand.ipynb::Cell 44
    notebooks/03_convolution_by_hand.ipynb::Exercise 2 solution

The extra item does what a learner does: it takes the text ``ex.qN.solution()``
prints, without the header line and the indentation, puts it in place of the cell's
body (everything above the check line except the ``import ... as ex`` line) and runs it,
then the cell's own check line, and, once that passes, the cell after it when that cell is
gated on the answer (``if ex.qN.evaluate(answer).passed: ...``: with the placeholder nbval
never runs its body). It runs in a *copy* of the kernel's globals, from which
the names the cell's body binds are removed (as if the starter cell had never run), so
the notebook's own state is untouched for the cells that follow. The outcome comes
from ``ex.qN.evaluate(...)`` with the check line's arguments; the item fails unless it
is "correct"; the failure names the lesson and exercise and shows the exception or
the outcome and the solution text. Nothing is executed twice: the notebook is run once,
by nbval, and each solution item adds a fraction of a second.

When the lesson's state cannot be trusted the item is skipped, not failed: after a
timeout, when the kernel is gone, when the exercise cell itself did not run (an item
selected on its own), and when an earlier cell raised and the solution then fails too
(that cell's failure is already reported; a solution that passes anyway passes).

Registered from the root ``conftest.py`` (so it applies to ``notebooks/``, which a
conftest in ``tests/`` would not reach). The functions that read a notebook's exercise
cells are used by ``tests/test_exercise_cells.py`` too.

A teacher may switch solutions off with ``COURSE_SOLUTIONS=off`` (see
:mod:`helpers.exercises.core`); :func:`pytest_configure` sets it to "on" for the test
session, before any kernel starts, so the suite checks the solutions whatever the
machine's environment says (tests of the switch itself set the variable themselves).
"""

from __future__ import annotations

import ast
import json
import os
import re
import textwrap
from dataclasses import dataclass
from queue import Empty

import pytest

try:
    from nbval.plugin import IPyNbCell, IPyNbFile, NbCellError
except ImportError:  # nbval missing: nothing to hook into, the plain tests still run
    IPyNbCell = IPyNbFile = NbCellError = None

RESULT_MARKER = "@@exercise-solution-result@@"


def pytest_configure(config):
    """Solutions on for the whole session (and the kernels it starts), whatever a teacher set."""
    os.environ["COURSE_SOLUTIONS"] = "on"


def pytest_ignore_collect(collection_path, config):
    """Skip the learners' copies ``make reset`` keeps (``notebooks/mine-*.ipynb``): not lessons."""
    if collection_path.name.startswith("mine-") and collection_path.suffix == ".ipynb":
        return True
    return None


# ---- reading an exercise cell (no kernel) ------------------------------------------------

@dataclass(frozen=True)
class ExerciseCell:
    """What the solution item needs to know about one exercise cell."""

    number: int            #: N of ``ex.qN``
    receiver: str          #: the exercise expression, e.g. ``ex.q2``
    check_line: str        #: the cell's check statement, e.g. ``ex.q2.check(my_correlate_valid)``
    evaluate_expr: str     #: the same call with ``evaluate``: ``ex.q2.evaluate(my_correlate_valid)``
    body_names: tuple      #: names bound by the body the learner replaces, e.g. ``("my_correlate_valid",)``
    body_functions: dict   #: for each function the body defines, its parameter names


def python_source(cell_source: str) -> str:
    """The cell as plain Python (IPython magics transformed as the kernel would)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return cell_source
    return TransformerManager().transform_cell(cell_source)


def bound_names(statements) -> list[str]:
    """Names bound at top level by ``statements`` (assignments, defs, classes), in order."""
    names: list[str] = []

    def add_target(target):
        if isinstance(target, ast.Name):
            names.append(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                add_target(element)
        elif isinstance(target, ast.Starred):
            add_target(target.value)

    for statement in statements:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(statement.name)
        elif isinstance(statement, ast.Assign):
            for target in statement.targets:
                add_target(target)
        elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
            add_target(statement.target)
    return list(dict.fromkeys(names))


def defined_functions(statements) -> dict:
    """``{name: [parameter names]}`` of the functions ``statements`` define at top level."""
    return {
        s.name: [a.arg for a in s.args.posonlyargs + s.args.args + s.args.kwonlyargs]
        for s in statements
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
    }


def _check_call(statement):
    """``(receiver node, number)`` if ``statement`` is ``<name>.qN.check(...)``, else None."""
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return None
    func = statement.value.func
    if not (isinstance(func, ast.Attribute) and func.attr == "check"):
        return None
    receiver = func.value
    if isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name):
        match = re.fullmatch(r"q(\d+)", receiver.attr)
        if match:
            return receiver, int(match.group(1))
    return None


def parse_exercise_cell(cell_source: str) -> ExerciseCell | None:
    """The exercise in a code cell, or None when the cell is not an exercise cell.

    An exercise cell checks ``ex.qN`` and offers its solution in a comment
    (``# ex.qN.solution()``); a cell that only demonstrates ``check`` is not one.
    """
    if ".check(" not in cell_source:
        return None
    try:
        tree = ast.parse(python_source(cell_source))
    except SyntaxError:
        return None
    for index, statement in enumerate(tree.body):
        found = _check_call(statement)
        if found is None:
            continue
        receiver_node, number = found
        receiver = ast.unparse(receiver_node)
        if not re.search(rf"^\s*#\s*{re.escape(receiver)}\.solution\(\)", cell_source, re.M):
            continue
        body = [s for s in tree.body[:index] if not isinstance(s, (ast.Import, ast.ImportFrom))]
        call = statement.value
        evaluate = ast.Call(func=ast.Attribute(value=receiver_node, attr="evaluate", ctx=ast.Load()),
                            args=call.args, keywords=call.keywords)
        return ExerciseCell(
            number=number,
            receiver=receiver,
            check_line=ast.unparse(statement),
            evaluate_expr=ast.unparse(evaluate),
            body_names=tuple(bound_names(body)),
            body_functions=defined_functions(body),
        )
    return None


def exercise_module_of(notebook) -> str | None:
    """``helpers.exercises.<name>`` that the notebook imports ``as ex`` (None if none)."""
    for cell in notebook.cells:
        if cell.cell_type == "code":
            match = re.search(r"^from helpers\.exercises import (\w+) as ex\b", cell.source, re.M)
            if match:
                return match.group(1)
    return None


def solution_as_printed(exercise) -> str:
    """What a learner copies from ``exercise.solution()``: the text without header and indentation."""
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()) as printed:
        exercise.solution()
    return _strip_printed_solution(printed.getvalue())


def _strip_printed_solution(printed: str) -> str:
    _header, _, rest = printed.partition("\n")
    return textwrap.dedent(rest).strip("\n")


# ---- the code sent to the kernel ----------------------------------------------------------

# Runs inside the lesson's kernel. Defines one function, calls it and deletes it again,
# so the only traces left in the kernel are what the checker itself keeps.
_KERNEL_PROBE = '''
def _exercise_solution_probe(receiver, check_line, evaluate_expr, body_names, filename, marker, followup=None):
    import contextlib, io, json, linecache, textwrap, traceback
    ns = dict(globals())   # a copy: the lesson's own state stays as it is
    report = {"module": None, "title": None, "solution": None, "status": None,
              "message": None, "error": None, "printed": "", "followup_error": None}
    printed = io.StringIO()
    try:
        exercise = eval(receiver, ns)
        report["title"] = getattr(exercise, "title", None)
        module = eval(receiver.rsplit(".", 1)[0], ns)
        report["module"] = getattr(module, "__name__", None)
        with contextlib.redirect_stdout(io.StringIO()) as shown:
            exercise.solution()
        _header, _, rest = shown.getvalue().partition("\\n")
        solution = textwrap.dedent(rest).strip("\\n")   # what the learner copies
        report["solution"] = solution
        for name in body_names:   # as if the starter cell had never run
            ns.pop(name, None)
        code = solution + "\\n" + check_line + "\\n"
        try:
            code = get_ipython().transform_cell(code)
        except NameError:
            pass
        # Register the code like IPython does, so inspect.getsource works on its functions.
        linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
        with contextlib.redirect_stdout(printed):
            exec(compile(code, filename, "exec"), ns)
            outcome = eval(compile(evaluate_expr, filename, "eval"), ns)
        report["status"], report["message"] = outcome.status, outcome.message
        if followup and outcome.status == "correct":   # the cell a learner runs once the answer passes
            try:
                after = get_ipython().transform_cell(followup)
            except NameError:
                after = followup
            try:
                with contextlib.redirect_stdout(printed):
                    exec(compile(after, filename + " (the cell after it)", "exec"), ns)
            except Exception as exc:
                report["followup_error"] = "".join(
                    traceback.format_exception(type(exc), exc, exc.__traceback__.tb_next))
    except Exception as exc:
        report["error"] = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__.tb_next))
    finally:
        report["printed"] = printed.getvalue()
        linecache.cache.pop(filename, None)
    print(marker + json.dumps(report))
'''


def followup_source(exercise: ExerciseCell, later_sources) -> str | None:
    """The code cell after an exercise cell that runs only once its answer passes, if any.

    Lessons follow some exercises with a cell gated on the learner's answer
    (``if ex.q1.evaluate(answer).passed: ...``): with the placeholder in place nbval never runs
    its body, so the solution item runs it after the solution passes. ``later_sources`` are the
    sources of the code cells after the exercise cell, in order; only the first one is looked at.
    """
    for source in later_sources:
        return source if f"{exercise.receiver}.evaluate(" in source else None
    return None


def kernel_code(exercise: ExerciseCell, filename: str, followup: str | None = None) -> str:
    arguments = ", ".join(
        repr(a) for a in (exercise.receiver, exercise.check_line, exercise.evaluate_expr,
                          list(exercise.body_names), filename, RESULT_MARKER, followup)
    )
    return (
        _KERNEL_PROBE
        + f"try:\n    _exercise_solution_probe({arguments})\n"
        + "finally:\n    del _exercise_solution_probe\n"
    )


# ---- pytest items ---------------------------------------------------------------------------

class SolutionFailed(Exception):
    """The printed solution does not pass its own check (the message says why)."""


if IPyNbFile is not None:

    class ExerciseNotebook(IPyNbFile):
        """nbval's notebook collector, with a solution item after each exercise cell."""

        def collect(self):
            self.ran_cells = set()      # cell numbers whose item ran (filled by the hook below)
            self.broken_by = None       # (cell number, reason) of the first cell that raised
            items = list(super().collect())
            for position, item in enumerate(items):
                yield item
                if not isinstance(item, IPyNbCell):
                    continue
                exercise = parse_exercise_cell(item.cell.source)
                if exercise is not None:
                    later = (i.cell.source for i in items[position + 1:] if isinstance(i, IPyNbCell))
                    yield ExerciseSolutionItem.from_parent(
                        self, name=f"Exercise {exercise.number} solution",
                        cell_item=item, exercise=exercise, followup=followup_source(exercise, later),
                    )

    class ExerciseSolutionItem(pytest.Item):
        """Runs the printed solution of one exercise in the lesson's kernel, right after its cell."""

        def __init__(self, *, cell_item, exercise: ExerciseCell, followup: str | None = None, **kwargs):
            super().__init__(**kwargs)
            self.cell_item = cell_item
            self.exercise = exercise
            self.followup = followup

        def reportinfo(self):
            return self.path, None, self.name   # shown as notebooks/NN_....ipynb::Exercise N solution

        def _lesson(self) -> str:
            return self.nodeid.split("::")[0]   # notebooks/03_convolution_by_hand.ipynb

        def setup(self):
            notebook = self.parent
            if notebook.timed_out:
                pytest.skip("an earlier cell of this notebook timed out, so the lesson's state is incomplete")
            if self.cell_item.cell_num not in notebook.ran_cells:
                pytest.skip(f"the exercise cell (Cell {self.cell_item.cell_num}) did not run in this session "
                            "(skipped or not selected): run the whole notebook")
            if notebook.kernel is None or not notebook.kernel.is_alive():
                pytest.skip("the notebook's kernel is not running")

        def runtest(self):
            notebook = self.parent
            kernel = notebook.kernel
            filename = f"<{self._lesson()} exercise {self.exercise.number} solution>"
            msg_id = kernel.execute_cell_input(kernel_code(self.exercise, filename, self.followup), allow_stdin=False)
            timeout = self.config.option.nbval_cell_timeout
            try:
                kernel.await_reply(msg_id, timeout=timeout)
            except Empty:
                kernel.interrupt()
                notebook.timed_out = True
                raise SolutionFailed(f"the solution did not finish within {timeout:g} s (kernel interrupted)")
            stdout, stderr, errors = [], [], []
            while True:
                try:
                    msg = notebook.get_kernel_message(timeout=30)
                except Empty:
                    raise SolutionFailed("the kernel sent no output for 30 s after running the solution") from None
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                kind, content = msg["msg_type"], msg["content"]
                if kind == "status" and content["execution_state"] == "idle":
                    break
                if kind == "stream":
                    (stdout if content["name"] == "stdout" else stderr).append(content["text"])
                elif kind == "error":
                    errors.append(f"{content['ename']}: {content['evalue']}")
            text = "".join(stdout)
            report = None
            for line in text.splitlines():
                if line.startswith(RESULT_MARKER):
                    report = json.loads(line[len(RESULT_MARKER):])
            if report is None:
                raise SolutionFailed(
                    "the probe sent to the kernel reported nothing.\n"
                    f"stdout: {text!r}\nstderr: {''.join(stderr)!r}\nerrors: {errors}"
                )
            if report["status"] != "correct":
                if notebook.broken_by is not None:  # not the solution's fault: that cell is reported already
                    cell_num, reason = notebook.broken_by
                    first = (report.get("error") or "").strip().splitlines()[-1:] or [report.get("message")]
                    pytest.skip(f"Cell {cell_num} of this notebook failed ({reason}), so the lesson's state is "
                                f"incomplete; the solution then gave: {first[0]}")
                raise SolutionFailed(self._explain(report))
            if report.get("followup_error") or (self.followup and errors):
                detail = report.get("followup_error") or "\n".join(errors)
                raise SolutionFailed(
                    f"{self._lesson()}, exercise {self.exercise.number}: the solution passes, but the cell after "
                    "the exercise, which a learner runs once the answer passes, then raises:\n\n"
                    + textwrap.indent(detail.rstrip(), "    ")
                    + "\n\nThat cell:\n" + textwrap.indent(self.followup.rstrip(), "    ")
                )

        def _explain(self, report) -> str:
            exercise = self.exercise
            where = f"{report['module']}.q{exercise.number}" if report.get("module") else exercise.receiver
            lines = [
                f"{self._lesson()}, exercise {exercise.number}"
                + (f" ({report['title']})" if report.get("title") else "")
                + f", {where}:",
                f"the text printed by {exercise.receiver}.solution(), put in place of the cell's body, "
                f"does not pass the cell's check line `{exercise.check_line}`.",
            ]
            if report.get("error"):
                lines += ["", "Exception:", textwrap.indent(report["error"].rstrip(), "    ")]
            else:
                lines += ["", f"Outcome: {report['status']}: {report['message']}"]
            if report.get("printed"):
                lines += ["", "The check printed:", textwrap.indent(report["printed"].rstrip(), "    ")]
            if report.get("solution") is not None:
                lines += ["", "Solution text:", textwrap.indent(report["solution"], "    ")]
            if exercise.body_names:
                lines += ["", "Names the cell's body defines: " + ", ".join(exercise.body_names)]
            return "\n".join(lines)

        def repr_failure(self, excinfo, style=None):
            if isinstance(excinfo.value, SolutionFailed):
                return str(excinfo.value)
            return super().repr_failure(excinfo, style=style)

    @pytest.hookimpl(wrapper=True)
    def pytest_collect_file(file_path, parent):
        collected = yield
        return [
            ExerciseNotebook.from_parent(parent, path=file_path) if type(node) is IPyNbFile else node
            for node in collected
        ]

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(item, call):
        report = yield
        notebook = getattr(item, "parent", None)
        if call.when == "call" and isinstance(item, IPyNbCell) and isinstance(notebook, ExerciseNotebook):
            if not report.skipped:
                notebook.ran_cells.add(item.cell_num)
            exc = call.excinfo.value if call.excinfo is not None else None
            failed_to_run = exc is not None and not report.skipped and not (
                isinstance(exc, NbCellError) and str(exc) == "Cell outputs differ"
            )
            if failed_to_run and notebook.broken_by is None:
                notebook.broken_by = (item.cell_num, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        return report
