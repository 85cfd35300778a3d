"""Refresh the generated cells of every lesson notebook (`make sync`).

    python tools/sync_notebooks.py           # rewrite the generated cells
    python tools/sync_notebooks.py --check   # exit 1 if any is missing or stale

Two cells in each lesson are generated, never edited by hand:

* ``colab-setup``: the first code cell. On Colab only, it installs the course's
  ``helpers`` package from the repository named in ``helpers.notebook.REPOSITORY_URL``
  (the one place that names it).
* ``navigation``: the last cell, "previous | index | next" links built from the
  notebooks' file names and titles (their first ``# `` heading).

Idempotent: running it twice changes nothing the second time. The Colab cell prints
nothing outside Colab, so adding it does not change a notebook's saved outputs; after
changing it, re-execute the notebooks (`make notebooks`) so execution counts stay in order.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"

from helpers.notebook import colab_install_source

NAV_TAG = "navigation"
COLAB_TAG = "colab-setup"


def lessons() -> list[Path]:
    """The lesson notebooks, in course order."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def title(path: Path) -> str:
    """The text of a notebook's first '# ' heading (its title)."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem


def navigation_source(index: int, paths: list[Path]) -> str:
    """Markdown of the navigation cell of lesson ``paths[index]``."""
    parts = []
    if index > 0:
        prev = paths[index - 1]
        parts.append(f"[← {title(prev)}]({prev.name})")
    parts.append("[Course index](../README.md#the-lessons)")
    if index + 1 < len(paths):
        nxt = paths[index + 1]
        parts.append(f"**Next: [{title(nxt)} →]({nxt.name})**")
    else:
        parts.append("You have reached the end of the course. Well done!")
    return "---\n" + " | ".join(parts)


def _tagged(cell, tag: str) -> bool:
    return tag in cell.get("metadata", {}).get("tags", [])


def sync(nb, nav_source: str) -> bool:
    """Put the generated cells into ``nb``; return True if anything changed."""
    colab = colab_install_source()
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    colab_ok = bool(code_cells) and _tagged(code_cells[0], COLAB_TAG) and code_cells[0].source == colab
    colab_ok = colab_ok and sum(_tagged(c, COLAB_TAG) for c in nb.cells) == 1
    nav_cells = [c for c in nb.cells if _tagged(c, NAV_TAG)]
    nav_ok = len(nav_cells) == 1 and nb.cells[-1] is nav_cells[0] and nav_cells[0].source == nav_source
    if colab_ok and nav_ok:
        return False
    if not colab_ok:
        old = next((c for c in nb.cells if _tagged(c, COLAB_TAG)), None)
        nb.cells = [c for c in nb.cells if not _tagged(c, COLAB_TAG)]
        cell = nbformat.v4.new_code_cell(colab)
        cell.metadata["tags"] = [COLAB_TAG]
        if old is not None:  # keep its execution record; only the source changed
            cell.execution_count = old.get("execution_count")
            cell.outputs = old.get("outputs", [])
        first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
        nb.cells.insert(first_code, cell)
    if not nav_ok:
        nb.cells = [c for c in nb.cells if not _tagged(c, NAV_TAG)]
        cell = nbformat.v4.new_markdown_cell(nav_source)
        cell.metadata["tags"] = [NAV_TAG]
        nb.cells.append(cell)
    return True


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = lessons()
    stale = []
    for i, path in enumerate(paths):
        nb = nbformat.read(path, as_version=4)
        if sync(nb, navigation_source(i, paths)):
            stale.append(path.name)
            if not check:
                nbformat.write(nb, path)
    if check:
        if stale:
            print("generated cells missing or stale in:", ", ".join(stale), "-> run `make sync`")
            return 1
        return 0
    print(f"generated cells refreshed in {len(stale)} of {len(paths)} notebooks")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
