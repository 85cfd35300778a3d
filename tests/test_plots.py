"""helpers.plots as a package: every public figure is reachable as ``plots.<name>``, each
lives in the module its docstring names, and no module grows past about 500 lines."""

from __future__ import annotations

import importlib
import pathlib

import matplotlib

matplotlib.use("Agg")

import pytest

from helpers import plots

MODULES = ["convolution", "histograms", "images", "inspection", "learning", "pooling", "training"]
PLOTS_DIR = pathlib.Path(plots.__file__).parent


def test_every_name_in_all_is_importable_and_callable():
    assert len(plots.__all__) == len(set(plots.__all__))
    for name in plots.__all__:
        assert callable(getattr(plots, name)), name
        assert name in plots.__doc__, f"{name} missing from the package docstring"
    namespace: dict = {}
    exec("from helpers.plots import *", namespace)
    assert set(plots.__all__) <= set(namespace)


def test_modules_split_the_public_names_without_overlap():
    seen: dict[str, str] = {}
    for module_name in MODULES:
        module = importlib.import_module(f"helpers.plots.{module_name}")
        for name in module.__all__:
            assert name not in seen, f"{name} in both {seen.get(name)} and {module_name}"
            seen[name] = module_name
            assert getattr(plots, name) is getattr(module, name)
    assert sorted(seen) == sorted(plots.__all__)


@pytest.mark.parametrize("path", sorted(PLOTS_DIR.glob("*.py")), ids=lambda p: p.name)
def test_no_plots_module_exceeds_520_lines(path):
    n_lines = len(path.read_text(encoding="utf-8").splitlines())
    assert n_lines <= 520, f"{path.name} has {n_lines} lines; split it by idea"
