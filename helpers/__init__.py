"""Pixels to CNNs: the code the lessons share.

One module per idea: :mod:`helpers.datasets` (MNIST, Fashion-MNIST, offline first),
:mod:`helpers.histogram` (histograms, equalization; lessons 01-02),
:mod:`helpers.convolution` (correlation, padding, stride; 03-04), :mod:`helpers.pooling`
(05), :mod:`helpers.models` and :mod:`helpers.training` (Keras models and training;
07-10), :mod:`helpers.plots` (figures), :mod:`helpers.widgets` (interactive editors),
:mod:`helpers.exercises` (self-checking exercises, one module per lesson) and
:mod:`helpers.notebook` (the setup call every lesson makes), :mod:`helpers.figures` (the
figure standard: ``figure_problems``). Importing this package
changes nothing: no settings, no seeds, no output. Lessons call :func:`setup` explicitly.
"""

from helpers.figures import figure_problems
from helpers.notebook import setup

__version__ = "0.1.0"

__all__ = ["figure_problems", "setup", "__version__"]
