"""Pixels to CNNs: the code the lessons share.

One module per idea: :mod:`helpers.datasets` (MNIST, Fashion-MNIST, offline first),
:mod:`helpers.exercises` (self-checking exercises), :mod:`helpers.notebook` (the setup
call every lesson makes), :mod:`helpers.plots` (figures). Importing this package changes
nothing: no settings, no seeds, no output. Lessons call :func:`setup` explicitly.
"""

from helpers.notebook import setup

__version__ = "0.1.0"

__all__ = ["setup", "__version__"]
