"""``make reset LESSON=NN`` (tools/reset_lesson.py), on a small git repository in tmp_path.

The real notebooks are never touched: every test builds its own repository with a fake
lesson, commits it, edits it as a learner would, and resets it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("reset_lesson", ROOT / "tools" / "reset_lesson.py")
reset = importlib.util.module_from_spec(_spec)
sys.modules["reset_lesson"] = reset  # dataclasses look the module up by name
_spec.loader.exec_module(reset)

COMMITTED = '{"cells": [{"source": "answer = ..."}]}\n'
MINE = '{"cells": [{"source": "answer = 42  # my work"}]}\n'
NOW = datetime(2026, 12, 1, 21, 30)
NAME = "03_convolution_by_hand.ipynb"
COPY = "mine-03_convolution_by_hand-2026-12-01-2130.ipynb"

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)


@pytest.fixture
def repo(tmp_path) -> Path:
    """A git repository with notebooks/00_... and notebooks/03_... committed."""
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "00_getting_started.ipynb").write_text("{}\n")
    (tmp_path / "notebooks" / NAME).write_text(COMMITTED)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "notebooks")
    _git(tmp_path, "commit", "-q", "-m", "lessons")
    return tmp_path


@needs_git
def test_reset_keeps_a_copy_and_restores(repo):
    lesson = repo / "notebooks" / NAME
    lesson.write_text(MINE)
    done = reset.reset_lesson("03", root=repo, now=NOW)
    assert done.notebook == lesson and lesson.read_text() == COMMITTED
    assert done.copy == repo / "notebooks" / COPY and done.copy.read_text() == MINE


@needs_git
def test_a_second_reset_never_overwrites_the_first_copy(repo):
    lesson = repo / "notebooks" / NAME
    lesson.write_text(MINE)
    first = reset.reset_lesson("3", root=repo, now=NOW).copy  # "3" means lesson 03
    lesson.write_text(MINE.replace("42", "43"))
    second = reset.reset_lesson("03", root=repo, now=NOW).copy  # same minute
    assert first.name == COPY and second.name == COPY.replace(".ipynb", "-2.ipynb")
    assert first.read_text() == MINE and "43" in second.read_text()
    assert lesson.read_text() == COMMITTED


@needs_git
def test_copies_are_not_taken_for_lessons(repo):
    (repo / "notebooks" / NAME).write_text(MINE)
    reset.reset_lesson("03", root=repo, now=NOW)
    assert sorted(reset.lessons(repo)) == ["00", "03"]  # the copy is not a lesson 03 twin


@needs_git
def test_unchanged_lesson_is_left_alone(repo):
    done = reset.reset_lesson("03", root=repo, now=NOW)
    assert done.copy is None
    assert sorted(p.name for p in (repo / "notebooks").iterdir()) == ["00_getting_started.ipynb", NAME]


@needs_git
def test_a_deleted_lesson_comes_back(repo):
    (repo / "notebooks" / NAME).unlink()
    done = reset.reset_lesson("03", root=repo, now=NOW)
    assert done.copy is None and (repo / "notebooks" / NAME).read_text() == COMMITTED


@needs_git
def test_unknown_lesson_lists_the_valid_ones(repo):
    with pytest.raises(reset.ResetError, match=r"no lesson '42'.*00, 03") as info:
        reset.reset_lesson("42", root=repo)
    assert "make reset LESSON=" in str(info.value)


def test_without_git_nothing_changes_and_the_message_says_what_to_do(tmp_path, monkeypatch):
    """A zip download: no .git folder. (GIT_CEILING_DIRECTORIES stops git looking above tmp_path.)"""
    (tmp_path / "notebooks").mkdir()
    lesson = tmp_path / "notebooks" / NAME
    lesson.write_text(MINE)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    with pytest.raises(reset.ResetError) as info:
        reset.reset_lesson("03", root=tmp_path, now=NOW)
    message = str(info.value)
    assert "Nothing was changed" in message and f"/raw/main/notebooks/{NAME}" in message
    assert lesson.read_text() == MINE and [p.name for p in (tmp_path / "notebooks").iterdir()] == [NAME]


def test_git_not_installed(tmp_path, monkeypatch):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / NAME).write_text(MINE)
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    with pytest.raises(reset.ResetError, match="git is not installed"):
        reset.reset_lesson("03", root=tmp_path, now=NOW)
    assert (tmp_path / "notebooks" / NAME).read_text() == MINE


def test_command_line_usage_and_errors(capsys):
    assert reset.main([]) == 2
    assert "usage: make reset LESSON=03" in capsys.readouterr().err
    assert reset.main(["99"]) == 1
    err = capsys.readouterr().err
    assert "no lesson '99'" in err and "00, 01" in err  # the real course's lessons, untouched


def test_make_reset_without_lesson_prints_the_usage():
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    shown = subprocess.run(["make", "-s", "reset"], cwd=ROOT, capture_output=True, text=True)
    assert shown.returncode != 0 and "usage: make reset LESSON=03" in shown.stderr
