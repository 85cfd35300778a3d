"""helpers.notebook: version checks, setup(), Colab detection; and that importing helpers changes nothing."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from helpers import notebook


def test_import_helpers_changes_nothing():
    code = (
        "import matplotlib as mpl, numpy as np, copy\n"
        "before = copy.deepcopy(dict(mpl.rcParams)); state = np.random.get_state()[1].copy()\n"
        "import helpers, helpers.datasets, helpers.plots, helpers.exercises\n"
        "assert dict(mpl.rcParams) == before, 'rcParams changed on import'\n"
        "assert (np.random.get_state()[1] == state).all(), 'NumPy seed changed on import'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


def test_setup_sets_figure_defaults_and_seed():
    import matplotlib.pyplot as plt
    import numpy as np

    notebook.setup(seed=3)
    assert plt.rcParams["figure.dpi"] == 80 and plt.rcParams["image.cmap"] == "gray"
    first = np.random.rand()
    notebook.setup(seed=3)
    assert np.random.rand() == first


def test_version_check_names_package_and_fix(monkeypatch):
    monkeypatch.setitem(notebook.MINIMUM_VERSIONS, "numpy", "999.0")
    with pytest.raises(notebook.VersionError, match=r"numpy .* is too old \(the course needs numpy >= 999.0\).*make lab"):
        notebook.check_versions(("numpy",))


def test_version_check_missing_package(monkeypatch):
    monkeypatch.setitem(notebook.MINIMUM_VERSIONS, "no-such-package-xyz", "1.0")
    with pytest.raises(notebook.VersionError, match="no-such-package-xyz is not installed"):
        notebook.check_versions(("no-such-package-xyz",))


@pytest.mark.parametrize("text, parsed", [("2.21.0", (2, 21, 0)), ("3.13.0rc1", (3, 13, 0)), ("7.7.1", (7, 7, 1)), ("1.26", (1, 26))])
def test_parse_versions(text, parsed):
    assert notebook._parse(text) == parsed


def test_colab_versions_pass():
    """Colab's preinstalled TensorFlow 2.20, Keras 3.13 and ipywidgets 7.7.1 satisfy the minimums."""
    colab = {"tensorflow": "2.20.0", "keras": "3.13.0", "ipywidgets": "7.7.1", "numpy": "2.1.0",
             "matplotlib": "3.10.0", "scikit-image": "0.25.0"}
    for name, version in colab.items():
        assert notebook._parse(version) >= notebook._parse(notebook.MINIMUM_VERSIONS[name]), name


def test_in_colab(monkeypatch):
    assert notebook.in_colab() is False
    monkeypatch.setitem(sys.modules, "google.colab", object())
    assert notebook.in_colab() is True


def test_setup_tensorflow_leaves_no_startup_log_on_stderr():
    """TensorFlow's C++ start-up and device-probe logs must not land in a lesson's cells."""
    code = (
        "import helpers\n"
        "helpers.setup(tensorflow=True)\n"
        "import tensorflow as tf, keras\n"
        "print(float((tf.constant([[1.0, 2.0]]) @ tf.constant([[3.0], [4.0]]))[0, 0]))\n"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "11.0\n"
    assert result.stderr == "", result.stderr



@pytest.mark.skipif(not (sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"), reason="glibc only")
@pytest.mark.parametrize("tuned", [False, True])
def test_malloc_tuning_hands_freed_blocks_back(tuned):
    code = (
        "import re, pathlib\n"
        "from helpers import notebook\n"
        "rss = lambda: int(re.search(r'VmRSS:\\s*(\\d+)', pathlib.Path('/proc/self/status').read_text()).group(1))\n"
        f"applied = notebook._tune_malloc_for_tensorflow() if {tuned} else False\n"
        "big = bytearray(16 * 1024 * 1024); del big  # untuned, glibc now keeps blocks under 16 MB in its heap\n"
        "blocks = [bytearray(256 * 1024) for _ in range(400)]\n"
        "before = rss()\n"
        "del blocks[::2]  # 50 MB freed as holes, which a heap cannot give back\n"
        "print(applied, (before - rss()) // 1024)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    applied, handed_back_mb = result.stdout.split()
    assert applied == str(tuned)
    if tuned:
        assert int(handed_back_mb) >= 40, result.stdout
    else:
        assert int(handed_back_mb) < 10, result.stdout  # the problem the tuning solves
