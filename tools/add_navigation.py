"""Add or refresh the "previous | index | next" links at the end of every lesson.

    python tools/add_navigation.py           # rewrite the navigation cells
    python tools/add_navigation.py --check   # exit 1 if any is missing or stale

Idempotent: the navigation is one markdown cell tagged ``navigation`` at the end of each
notebook, rebuilt from the notebooks' file names and titles (their first ``# `` heading).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TAG = "navigation"


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


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = lessons()
    stale = []
    for i, path in enumerate(paths):
        nb = nbformat.read(path, as_version=4)
        wanted = navigation_source(i, paths)
        nav_cells = [c for c in nb.cells if TAG in c.get("metadata", {}).get("tags", [])]
        ok = len(nav_cells) == 1 and nb.cells[-1] is nav_cells[0] and nav_cells[0].source == wanted
        if ok:
            continue
        stale.append(path.name)
        if not check:
            nb.cells = [c for c in nb.cells if TAG not in c.get("metadata", {}).get("tags", [])]
            cell = nbformat.v4.new_markdown_cell(wanted)
            cell.metadata["tags"] = [TAG]
            nb.cells.append(cell)
            nbformat.write(nb, path)
    if check and stale:
        print("navigation missing or stale in:", ", ".join(stale), "-> run `make nav`")
        return 1
    if not check:
        print(f"navigation refreshed in {len(stale)} of {len(paths)} notebooks")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
