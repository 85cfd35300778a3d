"""Self-checking exercises, one module per lesson, named after the lesson.

``from helpers.exercises import getting_started as ex`` gives ``ex.q1``, ``ex.q2``, ...,
each with ``check(answer)``, ``hint()`` and ``solution()``. See :mod:`helpers.exercises.core`.
"""

from helpers.exercises.core import Exercise, NotAttempted, Outcome, Wrong

__all__ = ["Exercise", "NotAttempted", "Outcome", "Wrong", "lesson_modules"]


def lesson_modules() -> list[str]:
    """Names of the lesson exercise modules in this package (used by the tests)."""
    import pkgutil

    return sorted(
        m.name for m in pkgutil.iter_modules(__path__) if m.name != "core" and not m.name.startswith("_")
    )
