"""Check a lesson's figures against the course's figure standard (for maintainers).

    python tools/check_figures.py 05            # run lesson 05, check every figure it shows
    python tools/check_figures.py 05 07 --saved # only read the committed PNGs of 05 and 07

For each lesson (``notebooks/NN_*.ipynb``, NN as given):

1. unless ``--saved``: executes the notebook in a fresh kernel (nbclient; the notebook on
   disk is not changed) with ``COURSE_CHECK_FIGURES=1``, so that ``helpers.setup()`` checks
   every figure the lesson shows with :func:`helpers.figures.figure_problems` and logs it
   to the JSON file named by ``COURSE_FIGURE_LOG``; prints each figure's problems with the
   index of its cell;
2. reads the committed ``image/png`` outputs and prints those narrower than
   ``MIN_WIDTH_PX`` (fine only for a single small image).

Exit status 1 if any problem was found. The standard itself: :mod:`helpers.figures`.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpers.figures import MIN_WIDTH_PX  # noqa: E402


def find_lesson(number: str) -> Path:
    if number.endswith(".ipynb"):  # a notebook given by its path
        return Path(number).resolve()
    matches = sorted((ROOT / "notebooks").glob(f"{int(number):02d}_*.ipynb"))
    if not matches:
        raise SystemExit(f"no notebook notebooks/{int(number):02d}_*.ipynb")
    return matches[0]


def saved_png_widths(path: Path) -> list[tuple[int, int, int]]:
    """(cell index, width px, height px) of every committed PNG output of the notebook."""
    from PIL import Image

    notebook = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for index, cell in enumerate(notebook["cells"]):
        for output in cell.get("outputs", []):
            data = output.get("data", {}).get("image/png")
            if not data:
                continue
            raw = base64.b64decode("".join(data) if isinstance(data, list) else data)
            with Image.open(io.BytesIO(raw)) as image:
                found.append((index, *image.size))
    return found


def run_and_check(path: Path, timeout: int) -> tuple[list[dict], str | None]:
    """Execute the notebook (not saved) and return the figure log, each entry with its cell index."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "figures.json"
        saved = {name: os.environ.get(name) for name in ("COURSE_CHECK_FIGURES", "COURSE_FIGURE_LOG", "MPLBACKEND")}
        os.environ.update(COURSE_CHECK_FIGURES="1", COURSE_FIGURE_LOG=str(log))
        os.environ.pop("MPLBACKEND", None)  # the kernel's inline backend, as in JupyterLab
        error = None
        try:
            client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                                    resources={"metadata": {"path": str(path.parent)}})
            client.execute()
        except CellExecutionError as exc:
            error = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        entries = json.loads(log.read_text(encoding="utf-8")) if log.exists() else []
    cells = {cell.get("execution_count"): index for index, cell in enumerate(notebook.cells)
             if cell.cell_type == "code" and cell.get("execution_count") is not None}
    for entry in entries:
        entry["cell"] = cells.get(entry.get("execution_count"))
    return entries, error


def report(path: Path, *, execute: bool, timeout: int) -> int:
    """Print the report of one lesson; return the number of problems."""
    print(f"== {path.name}")
    count = 0
    if execute:
        entries, error = run_and_check(path, timeout)
        if error:
            print(f"   the lesson stopped with an error: {error}")
            count += 1
        bad = [e for e in entries if e["problems"]]
        print(f"   {len(entries)} figures shown, {len(bad)} with problems")
        for entry in bad:
            title = f" {entry['title']!r}" if entry.get("title") else ""
            print(f"   cell {entry['cell']} ({entry['source']}{title}, {entry['width_px']} px wide at {entry['dpi']:g} dpi):")
            for problem in entry["problems"]:
                print(f"      - {problem}")
            count += len(entry["problems"])
    pngs = saved_png_widths(path)
    narrow = [(cell, w, h) for cell, w, h in pngs if w < MIN_WIDTH_PX]
    print(f"   {len(pngs)} committed PNGs, {len(narrow)} narrower than {MIN_WIDTH_PX} px (fine only for a single small image)")
    for cell, w, h in narrow:
        print(f"      - cell {cell}: {w} x {h} px")
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lessons", nargs="+", help="lesson numbers, e.g. 05 07 (or paths of notebooks)")
    parser.add_argument("--saved", action="store_true", help="only check the committed PNGs; do not run the lesson")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    args = parser.parse_args(argv)
    problems = sum(report(find_lesson(n), execute=not args.saved, timeout=args.timeout) for n in args.lessons)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
