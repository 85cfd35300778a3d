"""The one setup call every lesson makes, and facts about where the notebook runs.

``setup()`` is explicit on purpose: importing :mod:`helpers` changes nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import platform
import random
import re
import sys
from importlib import metadata
from typing import Iterator

from helpers.figures import NOTEBOOK_DPI

__all__ = [
    "FIGURE_DEFAULTS",
    "MINIMUM_VERSIONS",
    "PROJECTOR_DPI",
    "REPOSITORY_URL",
    "VersionError",
    "binder_url",
    "check_versions",
    "colab_install_source",
    "colab_url",
    "figure_settings",
    "in_colab",
    "setup",
    "versions",
]

#: The course's public repository: the one place that names it. The Colab cell of every
#: notebook and the README's launch links are generated from it (`make sync`); if you fork
#: the course, change it here and run `make sync`.
REPOSITORY_URL = "https://github.com/pixels-to-cnns/pixels-to-cnns"

#: The oldest release of each package the lessons are known to work with (Colab's
#: preinstalled versions are above all of these).
MINIMUM_VERSIONS: dict[str, str] = {
    "numpy": "1.26",
    "matplotlib": "3.8",
    "scikit-image": "0.22",
    "scipy": "1.11",
    "ipywidgets": "7.7",
    "tensorflow": "2.16",
    "keras": "3.0",
}

#: rcParams every lesson starts from. They meet the course's figure standard
#: (:mod:`helpers.figures`): at 80 dpi, 12 pt text is 13 px high and "small" (10 pt) still
#: 11 px; a default figure is 7.5 inches = 600 px wide.
FIGURE_DEFAULTS = {
    "figure.dpi": NOTEBOOK_DPI,  # 80: small PNGs keep the committed notebooks light (setup(projector=True): 120)
    "figure.figsize": (7.5, 4.0),  # 600 px wide at 80 dpi
    "font.size": 12.0,  # "small" = 10 pt = 11 px at 80 dpi, the smallest the standard allows
    "axes.titlesize": "medium",
    "axes.labelsize": "medium",
    "xtick.labelsize": "medium",
    "ytick.labelsize": "medium",
    "legend.fontsize": "medium",
    "legend.title_fontsize": "medium",
    "figure.titlesize": "large",
    # matplotlib's default "antialiased" interpolation already draws small matrices as
    # crisp squares (nearest) and smooths photos shown smaller than their size.
    "image.cmap": "gray",
}

#: figure.dpi of the projector switch (every figure 1.5 times larger when its cell is re-run)
#: comes from helpers.figures, where the figure standard lives.
from helpers.figures import PROJECTOR_DPI  # noqa: E402

#: Environment variables read by :func:`setup`.
PROJECTOR_ENV = "COURSE_PROJECTOR"
CHECK_FIGURES_ENV = "COURSE_CHECK_FIGURES"
FIGURE_LOG_ENV = "COURSE_FIGURE_LOG"


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no", "off")


def figure_settings(projector: bool | None = None) -> dict:
    """The rcParams :func:`setup` applies: FIGURE_DEFAULTS, at 120 dpi with the projector switch.

    ``projector=None`` reads the environment variable ``COURSE_PROJECTOR`` (1/true/yes: on).
    """
    if projector is None:
        projector = _env_flag(PROJECTOR_ENV)
    settings = dict(FIGURE_DEFAULTS)
    if projector:
        settings["figure.dpi"] = PROJECTOR_DPI
    return settings


class VersionError(RuntimeError):
    """An installed package is missing or older than the course needs."""


def in_colab() -> bool:
    """True when running inside Google Colab."""
    return "google.colab" in sys.modules


def colab_install_source(repository_url: str = REPOSITORY_URL) -> str:
    """Source of the first code cell of every lesson: on Colab only, install ``helpers``.

    Colab already has TensorFlow, Keras and ipywidgets 7.7; ``helpers`` declares ranges
    that those satisfy, so pip installs only the course package and nothing is replaced.
    """
    return (
        "# On Colab only: install the course's `helpers` package (Colab already has TensorFlow).\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f'    %pip install --quiet "pixels-to-cnns @ git+{repository_url}.git"'
    )


def _github_path(repository_url: str) -> str:
    prefix = "https://github.com/"
    if not repository_url.startswith(prefix):
        raise ValueError(f"repository_url must start with {prefix!r}, got {repository_url!r}")
    return repository_url[len(prefix):].rstrip("/")


def colab_url(notebook: str, repository_url: str = REPOSITORY_URL, branch: str = "main") -> str:
    """Link that opens ``notebooks/<notebook>`` of the repository in Colab."""
    return f"https://colab.research.google.com/github/{_github_path(repository_url)}/blob/{branch}/notebooks/{notebook}"


def binder_url(notebook: str | None = None, repository_url: str = REPOSITORY_URL, branch: str = "HEAD") -> str:
    """Link that starts the repository on mybinder.org, optionally opening one notebook in JupyterLab."""
    url = f"https://mybinder.org/v2/gh/{_github_path(repository_url)}/{branch}"
    if notebook:
        url += f"?urlpath=lab/tree/notebooks/{notebook}"
    return url


def _parse(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.split(".")[:3]:
        match = re.match(r"\d+", piece)
        parts.append(int(match.group()) if match else 0)
        if not piece.isdigit():  # "0rc1": a pre-release ends the numeric part
            break
    return tuple(parts)


def versions(packages: tuple[str, ...] | None = None) -> dict[str, str | None]:
    """Installed versions of ``packages`` (default: those in MINIMUM_VERSIONS); None if missing."""
    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in packages or tuple(MINIMUM_VERSIONS):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def check_versions(packages: tuple[str, ...]) -> None:
    """Raise :class:`VersionError` with a plain sentence if a package is missing or too old."""
    problems = []
    for name, have in versions(packages).items():
        if name == "python":
            continue
        need = MINIMUM_VERSIONS[name]
        if have is None:
            problems.append(f"{name} is not installed (the course needs {name} >= {need})")
        elif _parse(have) < _parse(need):
            problems.append(f"{name} {have} is too old (the course needs {name} >= {need})")
    if sys.version_info < (3, 10):
        problems.append(f"Python {platform.python_version()} is too old (the course needs 3.10 or newer)")
    if problems:
        raise VersionError(
            "This environment cannot run the course: "
            + "; ".join(problems)
            + ". Run `make lab` from the repository (it installs the tested versions), "
            "or see README, section 'Troubleshooting'."
        )


@contextlib.contextmanager
def _quiet_stderr_fd() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null for a moment (C++ start-up logs bypass Python)."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real fd 2: nothing to hide
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _tune_malloc_for_tensorflow() -> bool:
    """Make glibc's ``malloc`` hand freed memory back instead of keeping it per thread.

    glibc gives every thread that allocates its own heap ("arena"), and keeps large
    freed blocks for reuse. TensorFlow's thread pools then leave tens of MB stranded
    in arenas of idle threads after each ``fit``. Two arenas, and ``mmap`` for every
    block over 128 KiB (returned to the system as soon as it is freed), lower the peak
    memory of the training lessons by 20-50 MB, which counts on Binder's 1 GB. Only on
    Linux with glibc, and only before TensorFlow starts its threads; elsewhere nothing
    happens. Returns whether the settings were applied.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (e.g. musl): leave the allocator alone
        return False
    m_arena_max, m_mmap_threshold = -8, -3  # from glibc's malloc.h
    return bool(mallopt(m_arena_max, 2)) and bool(mallopt(m_mmap_threshold, 128 * 1024))


def setup(*, seed: int = 0, tensorflow: bool = False, projector: bool | None = None) -> None:
    """Prepare a lesson: check versions, set figure defaults, fix the random seeds.

    Parameters
    ----------
    seed
        Seed for Python's and NumPy's global generators (and Keras's, with ``tensorflow``).
    tensorflow
        Also check and import TensorFlow and Keras. TensorFlow prints C++ start-up logs
        straight to the terminal's error stream; they are hidden during this import, so
        a later ``import tensorflow as tf`` in the notebook is instant and silent.
    projector
        The projector switch: figures at 120 dpi instead of 80, so every figure drawn
        afterwards (re-run the cells) is 1.5 times larger, text included. ``None`` (the
        default) reads the environment variable ``COURSE_PROJECTOR``: start JupyterLab
        with ``COURSE_PROJECTOR=1`` to switch every lesson on without editing it. The
        committed notebooks stay at 80 dpi, to keep them light.

    With the environment variable ``COURSE_CHECK_FIGURES=1`` (set by
    ``tools/check_figures.py``), every figure the lesson shows is also checked against the
    course's figure standard (:func:`helpers.figures.figure_problems`) and the result
    written to the JSON file named by ``COURSE_FIGURE_LOG``. With
    ``COURSE_CHECK_FIGURES=strict`` (the test suite sets it), a figure that breaks the
    standard makes its cell fail, naming each problem.
    """
    packages = ("numpy", "matplotlib", "scikit-image", "scipy")
    if tensorflow:
        packages += ("tensorflow", "keras")
    check_versions(packages)

    import matplotlib.pyplot as plt
    import numpy as np

    plt.rcParams.update(figure_settings(projector))
    if _env_flag(CHECK_FIGURES_ENV):
        from helpers.figures import install_figure_check

        strict = os.environ[CHECK_FIGURES_ENV].strip().lower() == "strict"
        log = os.environ.get(FIGURE_LOG_ENV) or (None if strict else "figure_problems.json")
        install_figure_check(log, strict=strict)
    random.seed(seed)
    np.random.seed(seed)
    if tensorflow:
        if "tensorflow" not in sys.modules:
            _tune_malloc_for_tensorflow()
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        with _quiet_stderr_fd():
            import keras  # noqa: F401  (imports TensorFlow as its backend)
            import tensorflow

            # The first device query logs "failed call to cuInit" on machines without a
            # GPU; make it here, while the log is hidden, not in a lesson's first TF cell.
            tensorflow.config.list_physical_devices()
        keras.utils.set_random_seed(seed)
