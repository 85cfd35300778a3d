"""Get a lesson back as it was committed, keeping the learner's version beside it.

Usage (from the repository's top folder)::

    make reset LESSON=03
    python tools/reset_lesson.py 03      # the same, without make (any Python 3.10+)

It copies ``notebooks/03_convolution_by_hand.ipynb`` to
``notebooks/mine-03_convolution_by_hand-2026-12-01-2130.ipynb`` (the date and time of
the reset; an earlier copy is never overwritten, a second reset in the same minute adds
``-2``), then writes the committed version from git (``git show HEAD:...``) in its
place. Nothing else is touched: not git's index, not the other lessons. The copies'
names do not start with the two digits of a lesson, so ``make test``, ``make notebooks``
and ``make sync`` leave them alone.

Without git (a zip download, or ``git`` not installed) nothing is changed and the
message says where to download the lesson again. A notebook open in JupyterLab keeps
showing the old version: close its tab without saving, or choose *File → Reload
Notebook from Disk*.

To reset a single exercise, no tool is needed: put the ``...`` placeholder back in its
cell and run the cell again.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
USAGE = "usage: make reset LESSON=03   (or: python tools/reset_lesson.py 03)"
_FALLBACK_URL = "https://github.com/pixels-to-cnns/pixels-to-cnns"


class ResetError(Exception):
    """The lesson could not be reset; the message says why and what to do."""


@dataclass(frozen=True)
class Reset:
    """What :func:`reset_lesson` did."""

    notebook: Path          #: the lesson, now as committed
    copy: Path | None       #: the learner's version, kept; None if there was nothing to keep


def lessons(root: Path = ROOT) -> dict[str, Path]:
    """The lesson notebooks by number: ``{"00": .../00_getting_started.ipynb, ...}``.

    Includes a committed lesson whose file was deleted, so it can be brought back too.
    """
    folder = root / "notebooks"
    names = {p.name for p in folder.glob("[0-9][0-9]_*.ipynb")}
    try:
        listed = subprocess.run(["git", "ls-tree", "--name-only", "HEAD", "./"], cwd=folder,
                                capture_output=True, text=True, timeout=60, check=False)
        if listed.returncode == 0:
            names |= {Path(line).name for line in listed.stdout.splitlines()
                      if re.fullmatch(r"[0-9][0-9]_.*\.ipynb", Path(line).name)}
    except (OSError, subprocess.TimeoutExpired):
        pass  # no git: the files on disk are all there is
    return {name[:2]: folder / name for name in sorted(names)}


def find_lesson(lesson: str, root: Path = ROOT) -> Path:
    """The notebook of lesson ``"03"`` (``"3"`` works too); a clear error for any other value."""
    found = lessons(root)
    number = lesson.strip()
    if number.isdigit() and len(number) <= 2:
        number = number.zfill(2)
    if number not in found:
        valid = ", ".join(found) or "none found in notebooks/"
        raise ResetError(f"there is no lesson {lesson.strip()!r}. The lessons are: {valid}.\n{USAGE}")
    return found[number]


def repository_url(root: Path = ROOT) -> str:
    """The course's GitHub address, read from ``helpers/notebook.py`` without importing it."""
    try:
        text = (root / "helpers" / "notebook.py").read_text(encoding="utf-8")
    except OSError:
        return _FALLBACK_URL
    match = re.search(r'^REPOSITORY_URL\s*=\s*"([^"]+)"', text, re.M)
    return match.group(1) if match else _FALLBACK_URL


def committed_version(notebook: Path) -> bytes:
    """The notebook's content in the last commit (``git show HEAD:<path>``); ResetError without git."""
    where = notebook.parent
    try:
        shown = subprocess.run(
            ["git", "show", f"HEAD:./{notebook.name}"],
            cwd=where, capture_output=True, timeout=60, check=False,
        )
    except FileNotFoundError:
        reason = "git is not installed"
    except (OSError, subprocess.TimeoutExpired) as exc:
        reason = f"git could not be run ({exc})"
    else:
        if shown.returncode == 0:
            return shown.stdout
        error = shown.stderr.decode(errors="replace").strip().splitlines()
        reason = ("this folder is not a git clone (a zip download?)"
                  if any("not a git repository" in line for line in error)
                  else "git has no committed copy of it: " + (error[-1] if error else "unknown error"))
    url = repository_url(notebook.parent.parent)
    raise ResetError(
        f"cannot reset {notebook.name}: {reason}. Nothing was changed.\n"
        f"To get the lesson back by hand: rename your {notebook.name} if you want to keep it, then "
        f"download {url}/raw/main/notebooks/{notebook.name} (or unpack the course's zip again) "
        f"and put it in notebooks/."
    )


def copy_name(notebook: Path, now: datetime) -> Path:
    """A new file beside ``notebook`` for the learner's version; never the name of an existing file."""
    stem = f"mine-{notebook.stem}-{now:%Y-%m-%d-%H%M}"
    candidate, n = notebook.with_name(stem + notebook.suffix), 1
    while candidate.exists():
        n += 1
        candidate = notebook.with_name(f"{stem}-{n}{notebook.suffix}")
    return candidate


def reset_lesson(lesson: str, root: Path = ROOT, now: datetime | None = None) -> Reset:
    """Keep a copy of the learner's lesson ``lesson`` and put the committed version in its place.

    Raises :class:`ResetError` (nothing changed) for an unknown lesson or without git.
    A notebook that already equals the committed version is left as it is, with no copy.
    """
    notebook = find_lesson(lesson, root)
    committed = committed_version(notebook)
    mine = notebook.read_bytes() if notebook.exists() else None
    if mine == committed:
        return Reset(notebook, None)
    copy = None
    if mine is not None:
        copy = copy_name(notebook, now or datetime.now())
        with open(copy, "xb") as f:  # "x": fails rather than overwrite, even in a race
            f.write(mine)
    notebook.write_bytes(committed)
    return Reset(notebook, copy)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python tools/reset_lesson.py NN``; returns the exit status."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not args[0].strip() or args[0] in ("-h", "--help"):
        valid = ", ".join(lessons()) or "none found"
        print(f"{USAGE}\nRestores a lesson notebook as committed, keeping your version beside it. "
              f"Lessons: {valid}.", file=sys.stderr)
        return 0 if args[:1] in (["-h"], ["--help"]) else 2
    try:
        done = reset_lesson(args[0])
    except ResetError as exc:
        print(f"reset: {exc}", file=sys.stderr)
        return 1
    shown = done.notebook.relative_to(ROOT) if done.notebook.is_relative_to(ROOT) else done.notebook
    if done.copy is None:
        print(f"{shown} is already as committed: nothing to do.")
        return 0
    print(f"Your version is kept as {done.copy.name}; {shown} is back as committed.\n"
          "If the notebook is open in JupyterLab, close its tab without saving, or choose "
          "File → Reload Notebook from Disk.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
