"""Re-execute lesson notebooks in place, top to bottom, each in a fresh kernel.

    python tools/run_notebooks.py                 # all notebooks in notebooks/
    python tools/run_notebooks.py 03 04           # only those whose name starts so

Outputs (and widget state, so GitHub shows a static rendering of the widgets) are saved
into the notebooks, which is what `make notebooks` does before a commit.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat

from patient_client import PatientClient  # tools/patient_client.py (nbclient#312 workaround)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def execute(path: Path, timeout: int = 900) -> float:
    """Execute one notebook in place in a fresh kernel; return the seconds it took."""
    nb = nbformat.read(path, as_version=4)
    client = PatientClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,
        record_timing=False,  # no per-cell timestamps in the committed files
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    for cell in nb.cells:  # timestamps of earlier runs would only add noise to diffs
        cell.metadata.pop("execution", None)
    if not _has_widget_state(nb):  # GitHub refuses widget metadata without "state"
        nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return seconds


def _has_widget_state(nb) -> bool:
    widgets = nb.metadata.get("widgets", {})
    return all(isinstance(v, dict) and "state" in v for v in widgets.values()) and bool(widgets)


def main(argv: list[str]) -> int:
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if argv:
        paths = [p for p in paths if any(p.name.startswith(a) for a in argv)]
    if not paths:
        print("no notebook matches", argv)
        return 1
    for path in paths:
        print(f"{path.name:45s}", end=" ", flush=True)
        print(f"{execute(path):6.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
