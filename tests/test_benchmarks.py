"""benchmarks/run.py: budgets are judged right, a missed one is a FAIL line, and the
README's runtime column is refreshed from the measurements (no timing is asserted)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module
    spec.loader.exec_module(module)
    return module


def training_result(acc, secs, recipe_secs, recipe_acc=None):
    shared = {"model": "m", "epochs": 3, "recipe_epochs": 5, "batch_size": 128, "parameters": 1000}
    course = {"test_accuracy": acc, "train_seconds": secs, **shared}
    recipe = {"test_accuracy": recipe_acc, "train_seconds": recipe_secs, "estimated": recipe_acc is None, **shared}
    return {"course": course, "recipe": recipe, "time_ratio": secs / recipe_secs}


def test_budgets_met_and_missed(bench):
    results = {
        "notebooks": [{"notebook": "01_x.ipynb", "seconds": 5, "peak_rss_mb": 400},
                      {"notebook": "09_y.ipynb", "seconds": 90, "peak_rss_mb": 1700}],
        "training": {"mnist": training_result(0.993, 25, 60, 0.990),
                     "fashion": training_result(0.915, 70, 300)},
        "convolution": {"correlate2d": [
            {"image": 512, "kernel": 3, "ratio_vs_ndimage": 1.2, "ratio_vs_best_scipy": 1.2},
            {"image": 1024, "kernel": 21, "ratio_vs_ndimage": 0.1, "ratio_vs_best_scipy": 2.5},
        ]},
        "suite": {"seconds": 420, "exit_code": 0, "summary": ""},
    }
    lines = bench.check_budgets(results)
    failed = [l for l in lines if l.startswith("FAIL")]
    assert any("01_x.ipynb" in l for l in lines if l.startswith("ok"))
    assert any("09_y.ipynb: peak RSS 1700 MB" in l for l in failed)
    assert any("Fashion-MNIST course CNN test accuracy 0.9150" in l for l in failed)
    assert any("Fashion-MNIST course CNN training 70.0 s" in l for l in failed)
    assert any("Fashion-MNIST course/recipe training time 0.233" in l and "estimated" in l for l in failed)
    assert any("worst case" in l and "x2.50" in l for l in failed)
    assert not any("MNIST course" in l and "Fashion" not in l for l in failed)
    assert any("test suite 420 s" in l for l in lines if l.startswith("ok"))
    assert len(failed) == 5


def test_training_budgets_are_judged_per_isa(bench):
    results = {"training_by_isa": {
        "AVX-512": {"mnist": training_result(0.993, 20, 60, 0.990), "measured": "today"},
        "AVX2": {"mnist": training_result(0.993, 36, 60, 0.990), "measured": "today"},
    }}
    lines = bench.check_budgets(results)
    failed = [l for l in lines if l.startswith("FAIL")]
    assert failed == ["FAIL [AVX2] MNIST course CNN training 36.0 s (budget <= 30 s)"]
    assert any(l.startswith("ok   [AVX-512] MNIST course CNN training 20.0 s") for l in lines)
    report = bench.markdown({"machine": {"date": "d", "cores": 2, "system": "s", "python": "3", "numpy": "n",
                                         "scipy": "s", "tensorflow": "t", "keras": "k"}, **results}, lines)
    assert "## Training on AVX2" in report and "## Training on AVX-512" in report


def test_readme_runtimes_are_refreshed(bench, tmp_path, monkeypatch):
    readme = tmp_path / "README.md"
    readme.write_text(
        "| # | Notebook | What you learn | Runtime (2-core CPU) |\n|---|---|---|---|\n"
        "| 00 | [Getting started](notebooks/00_getting_started.ipynb) | How it works | 2 s |\n"
        "| 01 | [Images](notebooks/01_images.ipynb) | Pixels | 9 s |\n\n"
        "Runtimes are wall-clock times of `make notebooks` on a 2-core machine\n(old text).\n"
    )
    monkeypatch.setattr(bench, "ROOT", tmp_path)
    machine = {"date": "2026-11-24 03:00 UTC", "cores": 2, "cpu": "Test CPU", "memory_gb": 24, "tensorflow": "2.21.0"}
    results = {"machine": machine, "notebooks": [{"notebook": "01_images.ipynb", "seconds": 12.4, "peak_rss_mb": 300}]}
    assert bench.update_readme(results) is True
    text = readme.read_text()
    assert "| 01 | [Images](notebooks/01_images.ipynb) | Pixels | 12 s |" in text
    assert "| 00 | [Getting started](notebooks/00_getting_started.ipynb) | How it works | 2 s |" in text
    assert "measured by `make bench`\non 2026-11-24: 2 cores (Test CPU)" in text
    assert bench.update_readme(results) is False  # idempotent
    machine["date"] = "2026-12-01 09:00 UTC"
    assert bench.update_readme(results) is True
    assert "on 2026-12-01: 2 cores" in readme.read_text() and "2026-11-24" not in readme.read_text()
