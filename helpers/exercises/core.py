"""Self-checking exercises: ``check(answer)``, ``hint()`` and ``solution()``.

Each lesson has a module in :mod:`helpers.exercises` (named after the lesson) that
defines its questions as :class:`Exercise` objects ``q1``, ``q2``, ... A notebook uses::

    from helpers.exercises import getting_started as ex
    answer = ...            # the learner replaces the ... placeholder
    ex.q1.check(answer)
    # ex.q1.hint()
    # ex.q1.solution()

``check`` never raises for a wrong answer: it prints what was expected and what it got,
and a placeholder that was left in prints "not attempted yet". Errors inside the
learner's own function are reported as a sentence, not as a traceback, so "Run all"
goes through.

A teacher can switch solutions off for a class: with the environment variable
``COURSE_SOLUTIONS=off`` (read each time, so ``os.environ["COURSE_SOLUTIONS"] = "off"``
in a notebook's first cell works too) ``solution()`` prints a short note instead of the
answer, while ``hint()`` and ``check()`` work as usual. See :func:`solutions_enabled`.
"""

from __future__ import annotations

import math
import os
import sys
import textwrap
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

__all__ = [
    "Exercise",
    "Outcome",
    "NotAttempted",
    "Wrong",
    "LEVELS",
    "SOLUTIONS_VARIABLE",
    "call",
    "choice_test",
    "expect_array",
    "expect_equal",
    "expect_number",
    "expect_source_avoids",
    "is_placeholder",
    "solutions_enabled",
]

#: Difficulty marks, the same in every lesson: the prompt's heading starts with
#: "**Exercise N · ★★ Title.**" and the lesson's "Exercises" section explains the marks.
LEVELS = {
    1: "★",  # uses one step the lesson showed, in a new situation
    2: "★★",  # combines several steps, or asks why
    3: "★★★",  # goes beyond the lesson
}

#: What an exercise asks of the learner (``Exercise(kinds=...)``); lessons 00-06 have at
#: least one "predict" (say what will happen before running it) and one "concept"
#: (a checked choice whose every wrong answer is explained).
KINDS = ("predict", "concept", "code", "beyond")


#: The environment variable a teacher sets to switch ``solution()`` off for a class.
SOLUTIONS_VARIABLE = "COURSE_SOLUTIONS"
_SOLUTIONS_OFF = ("off", "0", "false", "no")
_SOLUTIONS_ON = ("on", "1", "true", "yes")


def solutions_enabled() -> bool | None:
    """Whether ``solution()`` shows solutions, from ``COURSE_SOLUTIONS`` as it is now.

    True when the variable is unset, empty or one of on/1/true/yes; False for
    off/0/false/no (case and surrounding spaces ignored); None for any other value,
    which ``solution()`` then explains instead of guessing (a typo must not show the
    solutions to a class whose teacher meant to hide them).
    """
    value = os.environ.get(SOLUTIONS_VARIABLE, "").strip().lower()
    if value in _SOLUTIONS_ON or not value:
        return True
    if value in _SOLUTIONS_OFF:
        return False
    return None


class Wrong(Exception):
    """Raised by a test to say what is wrong with the answer (the message is shown)."""


class NotAttempted(Exception):
    """Raised when the answer is still the placeholder."""


@dataclass(frozen=True)
class Outcome:
    """Result of checking one answer: ``status`` is "correct", "wrong" or "not attempted"."""

    status: str
    message: str

    @property
    def passed(self) -> bool:
        return self.status == "correct"


def is_placeholder(answer: Any) -> bool:
    """True for what a starter cell holds before the learner answers: ``...`` or ``None``."""
    return answer is Ellipsis or answer is None


def _short(value: Any) -> str:
    if isinstance(value, np.generic):  # show np.int64(6) as 6
        value = value.item()
    if isinstance(value, np.ndarray):
        text = np.array2string(value, threshold=20, edgeitems=3, precision=4)
        return f"array of shape {value.shape}, dtype {value.dtype}: {text}"
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def call(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Call the learner's function; turn its exceptions into a :class:`Wrong` sentence.

    A function that returns ``None`` or ``...`` counts as not attempted (a body of
    ``...`` or a forgotten ``return``).
    """
    if is_placeholder(function):
        raise NotAttempted
    if not callable(function):
        raise Wrong(f"expected a function, got {type(function).__name__} {_short(function)}")
    shown = ", ".join([_short(a) for a in args] + [f"{k}={_short(v)}" for k, v in kwargs.items()])
    try:
        result = function(*args, **kwargs)
    except Exception as exc:  # the learner's code failed: report it, don't crash the notebook
        raise Wrong(
            f"your function raised {type(exc).__name__}: {exc}\n   when called with {shown}"
        ) from None
    if is_placeholder(result):
        raise NotAttempted(
            "your function returns None: fill in its body and make sure it ends with `return`."
        )
    return result


def expect_equal(got: Any, expected: Any, what: str = "the answer") -> None:
    """Raise :class:`Wrong` unless ``got == expected``."""
    if isinstance(got, np.ndarray) and got.ndim == 0:
        got = got.item()
    if got != expected:
        raise Wrong(f"{what}: expected {_short(expected)}, got {_short(got)}")


def expect_number(got: Any, expected: float, what: str = "the answer", *, rel: float = 1e-6, abs_: float = 1e-9) -> None:
    """Raise :class:`Wrong` unless ``got`` is a number close to ``expected``."""
    if isinstance(got, np.ndarray) and got.size == 1:
        got = got.item()
    if isinstance(got, bool) or not isinstance(got, (int, float, np.integer, np.floating)):
        raise Wrong(f"{what}: expected a number, got {type(got).__name__} {_short(got)}")
    if not math.isclose(float(got), float(expected), rel_tol=rel, abs_tol=abs_):
        raise Wrong(f"{what}: expected {_short(expected)}, got {_short(got)}")


def expect_array(
    got: Any,
    expected: np.ndarray,
    what: str = "the result",
    *,
    dtype: Any = None,
    atol: float = 1e-6,
) -> None:
    """Raise :class:`Wrong` unless ``got`` is an array of the right shape (and dtype) and values."""
    if not isinstance(got, np.ndarray):
        if hasattr(got, "numpy"):  # a TensorFlow tensor
            got = got.numpy()
        else:
            raise Wrong(f"{what}: expected a NumPy array, got {type(got).__name__} {_short(got)}")
    expected = np.asarray(expected)
    if got.shape != expected.shape:
        raise Wrong(f"{what}: expected shape {expected.shape}, got shape {got.shape}")
    if dtype is not None and got.dtype != np.dtype(dtype):
        raise Wrong(f"{what}: expected dtype {np.dtype(dtype)}, got dtype {got.dtype}")
    if not np.allclose(got.astype(np.float64), expected.astype(np.float64), atol=atol, rtol=1e-6, equal_nan=True):
        where = np.argwhere(~np.isclose(got.astype(np.float64), expected.astype(np.float64), atol=atol, rtol=1e-6))
        index = tuple(int(i) for i in where[0]) if len(where) else ()
        raise Wrong(
            f"{what}: values differ at {len(where)} of {expected.size} positions; "
            f"first at index {index}: expected {_short(expected[index])}, got {_short(got[index])}"
        )


def choice_test(correct: str, explanations: dict[str, str]) -> Callable[[Any], None]:
    """A test for a multiple-choice question answered with one letter such as ``"b"``.

    ``explanations`` maps every letter offered to why it is right or wrong; a wrong letter
    fails with its own explanation, so the learner learns why, not just that.
    """
    letters = sorted(explanations)
    if correct not in explanations:
        raise ValueError(f"correct must be one of the explained letters {letters}, got {correct!r}")

    def test(answer: Any) -> None:
        if not isinstance(answer, str) or answer.strip().lower() not in explanations:
            raise Wrong(f"answer with one of the letters {', '.join(repr(x) for x in letters)}, as a string; got {_short(answer)}")
        letter = answer.strip().lower()
        if letter != correct:
            raise Wrong(f"({letter}) is not it: {explanations[letter]}")

    return test


def expect_source_avoids(function: Any, *, loops: bool = False, names: Sequence[str] = (), why: str = "") -> None:
    """Raise :class:`Wrong` if the learner's function breaks a constraint the prompt states.

    ``loops=True`` forbids ``for`` and ``while`` (statements and comprehensions);
    ``names`` forbids attribute or function names such as ``"sum"`` or ``"pool2d"``
    (matched as whole names in the source, so ``np.sum`` and ``x.sum()`` both count).
    A function without source (typed into a console) is trusted.
    """
    import inspect
    import io
    import tokenize

    if not callable(function):
        return
    try:
        source = textwrap.dedent(inspect.getsource(function))
        tokens = [t.string for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type == tokenize.NAME]
    except (OSError, TypeError, tokenize.TokenError, IndentationError, SyntaxError):
        return
    tail = f" {why}" if why else ""
    if loops:
        used = sorted({t for t in tokens if t in ("for", "while")})
        if used:
            raise Wrong(f"your function uses a Python loop ({' and '.join(used)}), which this exercise rules out.{tail}")
    used = [n for n in names if n in tokens]
    if used:
        raise Wrong(f"your function uses {', '.join(f'`{n}`' for n in used)}, which this exercise rules out.{tail}")


class Exercise:
    """One question with a checker, a hint and a solution.

    Parameters
    ----------
    title
        Short name shown in every message ("Exercise 1 · Count the pixels").
    test
        ``test(answer)`` raises :class:`Wrong` with a specific message when the answer is
        wrong; it returns normally when the answer is right.
    hint, solution
        Text shown by :meth:`hint` and :meth:`solution` (the solution is usually code).
    reference
        The reference answer (value or function); the unit tests check it passes.
    wrong_answers
        Typical mistakes; the unit tests check that each one fails.
    level
        Difficulty, 1-3 (:data:`LEVELS`); the prompt's heading shows the same stars.
    kinds
        What the exercise asks for, from :data:`KINDS` ("predict", "concept", "code", "beyond").
    explanation
        Printed after a correct answer (why it is right), e.g. for a concept question.
    """

    def __init__(
        self,
        title: str,
        *,
        test: Callable[[Any], None],
        hint: str,
        solution: str,
        reference: Any,
        wrong_answers: Sequence[Any] = (),
        level: int | None = None,
        kinds: Sequence[str] = (),
        explanation: str = "",
    ) -> None:
        if level is not None and level not in LEVELS:
            raise ValueError(f"level must be one of {sorted(LEVELS)}, got {level!r}")
        unknown = [k for k in kinds if k not in KINDS]
        if unknown:
            raise ValueError(f"kinds must come from {KINDS}, got {unknown}")
        self.level = level
        self.kinds = tuple(kinds)
        self.explanation = textwrap.dedent(explanation).strip()
        self.title = title
        self.test = test
        self.hint_text = textwrap.dedent(hint).strip()
        self.solution_text = textwrap.dedent(solution).strip()
        self.reference = reference
        self.wrong_answers = tuple(wrong_answers)

    def __repr__(self) -> str:
        return f"<Exercise {self.title!r}: call .check(answer), .hint() or .solution()>"

    def evaluate(self, answer: Any = ...) -> Outcome:
        """Check ``answer`` and return an :class:`Outcome` (nothing printed)."""
        if is_placeholder(answer):
            return Outcome("not attempted", "replace the ... placeholder with your answer, then run the cell again.")
        try:
            self.test(answer)
        except NotAttempted as exc:
            return Outcome("not attempted", str(exc) or "replace the ... placeholder with your answer.")
        except Wrong as exc:
            return Outcome("wrong", str(exc))
        except Exception as exc:  # a checker must never crash the learner's notebook
            return Outcome("wrong", f"the answer could not be checked ({type(exc).__name__}: {exc}).")
        return Outcome("correct", "well done.")

    def check(self, answer: Any = ...) -> None:
        """Check ``answer`` and print a friendly verdict."""
        outcome = self.evaluate(answer)
        if outcome.status == "correct":
            print(f"✅ {self.title}: correct, {outcome.message}")
            if self.explanation:
                print(textwrap.indent(self.explanation, "   "))
        elif outcome.status == "not attempted":
            print(f"⏳ {self.title}: not attempted yet. {_capitalise(outcome.message)}")
        else:
            print(f"❌ {self.title}: not quite. {_capitalise(outcome.message)}")

    def hint(self) -> None:
        """Print a hint."""
        print(f"💡 Hint for {self.title}:\n" + textwrap.indent(self.hint_text, "   "))

    def solution(self) -> None:
        """Print the solution, or a note saying the teacher switched solutions off."""
        enabled = solutions_enabled()
        if enabled:
            print(f"📖 Solution to {self.title}:\n" + textwrap.indent(self.solution_text, "   "))
            return
        name = self._name()
        if enabled is False:
            print(
                f"🔒 Solutions are switched off for this class (your teacher set {SOLUTIONS_VARIABLE}=off). "
                f"Use {name}.hint() for a hint and {name}.check(...) to check your answer."
            )
        else:
            value = os.environ.get(SOLUTIONS_VARIABLE, "")
            print(
                f"🔒 The solution stays hidden: {SOLUTIONS_VARIABLE} is set to {value!r}, which is not "
                f"understood. Set it to one of {', '.join(_SOLUTIONS_OFF)} to switch solutions off, or "
                f"one of {', '.join(_SOLUTIONS_ON)} (or unset it) to show them. "
                f"{name}.hint() and {name}.check(...) work either way."
            )

    def _name(self) -> str:
        """How a notebook reaches this exercise, ``ex.q1``, from its lesson module's names."""
        for module_name, module in list(sys.modules.items()):
            if module_name.startswith("helpers.exercises."):
                for attribute, value in vars(module).items():
                    if value is self:
                        return f"ex.{attribute}"
        return "ex.qN"


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text
