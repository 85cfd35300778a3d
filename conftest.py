"""Root conftest: registers plugins that must reach every test path, notebooks/ included.

``tests/nbval_exercises.py`` adds an "Exercise N solution" item after each exercise cell
of a lesson notebook (run by nbval), checking that the printed solution passes.
A conftest inside ``tests/`` would not apply to ``notebooks/``, hence this file.
``pytester`` runs that plugin on small notebooks in ``tests/test_nbval_exercises.py``.

It also sets ``COURSE_CHECK_FIGURES=strict`` for every kernel the suite starts (unless
the variable is already set): ``helpers.setup()`` then checks each figure a lesson shows
against the course's figure standard (``helpers/figures.py``: text at least 11 px high,
at least 600 px wide, ...), and a figure that breaks it makes its cell fail under nbval.
"""

import os

pytest_plugins = ["tests.nbval_exercises", "pytester"]

os.environ.setdefault("COURSE_CHECK_FIGURES", "strict")
