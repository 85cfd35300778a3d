"""Root conftest: registers plugins that must reach every test path, notebooks/ included.

``tests/nbval_exercises.py`` adds an "Exercise N solution" item after each exercise cell
of a lesson notebook (run by nbval), checking that the printed solution passes.
A conftest inside ``tests/`` would not apply to ``notebooks/``, hence this file.
``pytester`` runs that plugin on small notebooks in ``tests/test_nbval_exercises.py``.
"""

pytest_plugins = ["tests.nbval_exercises", "pytester"]
