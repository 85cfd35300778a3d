"""The repository tells the truth: pins agree, links resolve, notebooks are executed
and navigable, and CI runs the command README gives."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def pins(lines):
    found = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            found[name.strip().lower().replace("_", "-")] = version.strip()
    return found


def test_environment_yml_matches_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    assert "python=3.11" in deps, "pin Python for Binder (its default is older)"
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    env_pins = pins(pip_section)
    locked = pins((ROOT / "requirements.txt").read_text().splitlines())
    assert {"numpy", "tensorflow", "keras", "jupyterlab", "ipywidgets", "nbval", "scikit-image"} <= set(env_pins)
    for name, version in env_pins.items():
        assert locked.get(name) == version, f"{name}: environment.yml pins {version}, requirements.txt {locked.get(name)}"


def test_package_metadata_keeps_ranges_not_pins():
    text = (ROOT / "pyproject.toml").read_text()
    deps = re.search(r"dependencies = \[(.*?)\]", text, re.S).group(1)
    assert "==" not in deps, "exact pins belong in requirements.txt (Colab must keep its own TensorFlow)"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme
    commands = [l.strip() for l in ci.splitlines() if l.strip() and not l.strip().startswith("#")]
    assert commands[-1] == "make test"


def test_readme_index_lists_every_notebook():
    readme = (ROOT / "README.md").read_text()
    for nb in NOTEBOOKS:
        assert f"notebooks/{nb.name}" in readme, f"README's index misses {nb.name}"
    for link in re.findall(r"\]\((notebooks/[^)#]+)\)", readme):
        assert (ROOT / link).exists(), f"README links to missing {link}"


def test_generated_cells_are_current():
    """Every lesson has the Colab install cell first and the navigation cell last (make sync)."""
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "sync_notebooks.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_a_committed_lesson(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert path.stat().st_size < 5_000_000, "keep notebooks under 5 MB (the repository's size limit; check_repo.py)"
    assert "kernelspec" in nb["metadata"], "without a kernelspec JupyterLab asks for a kernel"
    first = "".join(nb["cells"][0]["source"])
    number = path.name[:2]
    assert first.startswith(f"# {number} · "), "title cell '# NN · Title'"
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown").lower()
    for section in ("learning goals", "recap", "exercise"):
        assert section in markdown, f"no '{section}' section"
    counts = [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    assert counts == list(range(1, len(counts) + 1)), "execute top to bottom in a fresh kernel (make notebooks)"
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", "committed notebook shows an error"
        src = "".join(cell["source"])
        if cell["cell_type"] == "code":
            assert not re.search(r"^\s*ex\.q\d+\.(solution|hint)\(\)", src, re.M), "hint()/solution() stay commented out"
    widgets = nb["metadata"].get("widgets")
    if widgets:
        assert all("state" in v for v in widgets.values()), "GitHub refuses widget metadata without state"


def test_readme_launch_links_agree_with_repository_url():
    """README's Colab and Binder links are built from helpers.notebook.REPOSITORY_URL."""
    from helpers.notebook import binder_url, colab_url

    readme = (ROOT / "README.md").read_text()
    assert colab_url("00_getting_started.ipynb") in readme
    assert binder_url("00_getting_started.ipynb") in readme
    links = re.findall(r"https://(?:colab\.research\.google\.com/github|mybinder\.org/v2/gh)/([^/\s)]+/[^/\s)]+)/", readme)
    assert links and set(links) == {colab_url("x").split("/github/")[1].split("/blob/")[0]}


def test_colab_cell_installs_helpers_without_touching_tensorflow():
    from helpers.notebook import REPOSITORY_URL, colab_install_source

    source = colab_install_source()
    assert 'if "google.colab" in sys.modules:' in source
    assert f"git+{REPOSITORY_URL}.git" in source
    assert "tensorflow" not in source.split("\n", 1)[1].lower()  # no reinstall of TF
    assert source.count("%pip install") == 1
