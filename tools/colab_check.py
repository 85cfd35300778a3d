#!/usr/bin/env python3
"""Run every lesson top to bottom in an environment like Google Colab's (`make colab-check`).

    sudo make colab-check                        # all lessons
    sudo make colab-check LESSONS="07 08"        # only those whose file name starts so
    sudo python3 tools/colab_check.py 07 08      # the same without make

A maintainer tool, not part of `make test` or CI. It needs root (chroot and mount), Linux,
debootstrap, and access to Debian's mirror (first run only) and to PyPI.

What it does
------------
1. Builds, or reuses, a Debian 13 ("trixie") root with Python 3.13 and, inside it, a
   virtual environment /opt/colab holding exactly the versions of Colab's runtime listed
   in COLAB_PINS below, plus nbclient/nbformat to execute notebooks headlessly (installed
   with COLAB_PINS as constraints, so they cannot move Colab's versions). The environment
   lives outside the repository, in $COLAB_ROOT; it is rebuilt only when it is missing or
   when COLAB_PINS / NOTEBOOK_TOOLS change (a stamp file records what it was built from).
2. Installs the course package the way the lessons' `colab-setup` cell does on Colab:
   the same `pip install` flags, with the git URL replaced by a copy of this checkout
   (tracked and untracked-but-not-ignored files, so uncommitted work is included). Before
   that it asks pip for a dry-run report, and afterwards compares `pip list` with the
   state before, and prints whether installing the course added, upgraded or downgraded
   anything -- above all one of Colab's own packages.
3. Executes copies of notebooks/[0-9][0-9]_*.ipynb, each in a fresh kernel from that
   environment, in a fresh working directory (as Colab's /content), with COURSE_DATA_DIR
   pointing at the offline data sets (bind-mounted read-only). Prints per lesson "ok" or
   "FAILED" with the failing cell and its error, and the time taken.

Exit status: 0 when every lesson ran, 1 when one failed, 2 when the environment could
not be built. Mounts are undone on every exit (also on Ctrl-C).

Settings (environment variables, or `make colab-check VAR=...`)
---------------------------------------------------------------
COLAB_ROOT          where the Debian root lives (default ~/.cache/pixels-to-cnns/colab-py313);
                    about 3 GB. The last run's files (executed notebooks, kernel logs,
                    pip reports) stay in $COLAB_ROOT/rootfs/srv/colab-check/run/.
COURSE_DATA_DIR     folder with mnist/ and fashion-mnist/ (default ../shared/datasets beside
                    the repository, when it exists).
COLAB_CELL_TIMEOUT  seconds one cell may take (default 600).
COLAB_SOURCE        worktree (default: the checkout as it is on disk, uncommitted edits
                    included) or head (the last commit, what Colab installs once pushed).
COLAB_DEBIAN_MIRROR Debian mirror for debootstrap (default http://deb.debian.org/debian).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

# ----------------------------------------------------------------------------------------
# What "like Colab" means: versions from `pip freeze` on Colab's default runtime,
# 2026-08-19 (Python 3.13.x there too; Debian 13's python3.13 gives whatever 3.13.x
# trixie has). Edit this list when Colab moves; the environment is rebuilt on next run.
COLAB_PINS = """
tensorflow==2.20.0
keras==3.13.2
tf_keras==2.20.1
ipywidgets==7.7.1
numpy==2.1.3
matplotlib==3.10.0
scikit-image==0.25.2
scipy==1.16.3
ipython==7.34.0
ipykernel==6.17.1
pillow==11.3.0
anywidget==0.9.21
"""
COLAB_PYTHON = "3.13"

# Not on Colab: only what is needed to execute notebooks without a browser. Installed with
# COLAB_PINS as constraints, so they cannot replace any of Colab's versions.
NOTEBOOK_TOOLS = ["nbclient", "nbformat"]

# Bump when the way the environment is built changes, to force a rebuild.
BUILD_FORMAT = "1"
# ----------------------------------------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent
ME = Path(__file__).resolve()

# Paths inside the Debian root (as seen after chroot).
VENV = "/opt/colab"
STAMP = f"{VENV}/.colab-check-stamp"
BASELINE = f"{VENV}/.colab-check-baseline.json"  # `pip list` right after the build
PIP_CACHE = "/var/cache/colab-check-pip"  # kept, so a rebuild downloads nothing twice
RUN = "/srv/colab-check/run"  # this run's files; emptied at the start of each run
DATA = "/mnt/course-data"  # COURSE_DATA_DIR, bind-mounted read-only
CA_BUNDLE = "/etc/ssl/certs/colab-check-host-ca.crt"  # the host's CA bundle, copied

COLAB_TAG = "colab-setup"


# ======================================================================================
# Small utilities
# ======================================================================================

def say(message: str = "") -> None:
    print(message, flush=True)


def step(message: str) -> None:
    say(f"\n==> {message}")


class Fatal(Exception):
    """The environment could not be built or entered (exit status 2)."""


def canonical(name: str) -> str:
    """PEP 503 normalised project name: 'Pillow', 'tf_keras' -> 'pillow', 'tf-keras'."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins() -> dict[str, str]:
    """COLAB_PINS as {canonical name: version}."""
    out = {}
    for line in COLAB_PINS.split():
        name, _, version = line.partition("==")
        out[canonical(name)] = version
    return out


def version_key(version: str) -> tuple:
    """Rough ordering of versions for 'upgrade' vs 'downgrade' (no packaging module here)."""
    return tuple(int(p) if p.isdigit() else -1 for p in re.split(r"[.+!-]", version))


def duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def run(cmd: list[str], *, check: bool = True, capture: bool = False, **kw) -> subprocess.CompletedProcess:
    if capture:
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.STDOUT)
        kw.setdefault("text", True)
    try:
        result = subprocess.run(cmd, **kw)
    except OSError as exc:
        raise Fatal(f"cannot run {cmd[0]}: {exc}") from None
    if check and result.returncode != 0:
        detail = f"\n{result.stdout}" if capture and result.stdout else ""
        raise Fatal(f"command failed (exit {result.returncode}): {shlex.join(cmd)}{detail}")
    return result


# ======================================================================================
# The Debian 13 root and its mounts (host side)
# ======================================================================================

class Chroot:
    """A Debian root directory, the mounts it needs, and commands run inside it."""

    def __init__(self, root: Path, data_dir: Path | None):
        self.root = root
        self.data_dir = data_dir
        self.mounted: list[Path] = []  # in mounting order

    def path(self, inside: str) -> Path:
        """Host path of ``inside`` (an absolute path within the root)."""
        return self.root / inside.lstrip("/")

    # -- building ---------------------------------------------------------------------

    def bootstrap(self) -> None:
        """debootstrap a minimal trixie with python3.13 (about 4 minutes, the first time)."""
        mirror = os.environ.get("COLAB_DEBIAN_MIRROR", "http://deb.debian.org/debian")
        partial = self.root.with_name(self.root.name + ".partial")
        unmount_all_under(partial)  # a debootstrap that died may have left /proc mounted
        if partial.exists():
            safe_rmtree(partial)
        partial.parent.mkdir(parents=True, exist_ok=True)
        say(f"debootstrap trixie into {partial} (from {mirror}); takes a few minutes")
        include = f"python{COLAB_PYTHON},python{COLAB_PYTHON}-venv,ca-certificates"
        log = partial.parent / "debootstrap.log"
        with open(log, "w") as out:
            result = subprocess.run(
                ["debootstrap", "--variant=minbase", f"--include={include}", "trixie", str(partial), mirror],
                stdout=out, stderr=subprocess.STDOUT,
            )
        unmount_all_under(partial)
        if result.returncode != 0:
            tail = "".join(log.read_text(errors="replace").splitlines(True)[-20:])
            raise Fatal(f"debootstrap failed (exit {result.returncode}); last lines of {log}:\n{tail}")
        partial.rename(self.root)

    def configure(self) -> None:
        """Name resolution, the host's CA bundle and pip's index settings (every run: cheap)."""
        for name in ("/etc/resolv.conf", "/etc/hosts"):
            if Path(name).exists():
                shutil.copyfile(name, self.path(name))
        host_ca = host_ca_bundle()
        if host_ca:
            shutil.copyfile(host_ca, self.path(CA_BUNDLE))
        self.path("/etc/pip.conf").write_text(pip_conf(host_ca is not None))

    # -- mounts -----------------------------------------------------------------------

    def _mount(self, args: list[str], target: Path) -> None:
        target.mkdir(parents=True, exist_ok=True)
        run(["mount", *args, str(target)])
        self.mounted.append(target)

    def mount(self) -> None:
        """/proc, /dev, /dev/shm and /sys for TensorFlow and the kernels; the data sets read-only."""
        unmount_all_under(self.root)  # left over by a run that was killed
        self._mount(["-t", "proc", "proc"], self.path("/proc"))
        self._mount(["--bind", "/dev"], self.path("/dev"))
        self._mount(["-t", "tmpfs", "-o", "mode=1777", "shm"], self.path("/dev/shm"))
        self._mount(["--bind", "/sys"], self.path("/sys"))
        self._read_only(self.path("/sys"))
        if self.data_dir:  # read-only too: nothing inside may change the shared data sets
            self._mount(["--bind", str(self.data_dir)], self.path(DATA))
            self._read_only(self.path(DATA))

    def _read_only(self, target: Path) -> None:
        if run(["mount", "-o", "remount,bind,ro", str(target)], check=False, capture=True).returncode:
            say(f"warning: could not make {target} read-only; it is mounted read-write")

    def unmount(self) -> None:
        kill_processes_in(self.root)
        for target in reversed(self.mounted):
            if run(["umount", str(target)], check=False, capture=True).returncode:
                run(["umount", "-l", str(target)], check=False, capture=True)
        self.mounted.clear()
        left = mounts_under(self.root)
        if left:
            say("warning: still mounted, unmount by hand: " + ", ".join(map(str, left)))

    # -- running inside ---------------------------------------------------------------

    def env(self, **extra: str) -> dict[str, str]:
        """A clean environment for commands in the root: nothing of the host's leaks in
        (the host's PIP_FIND_LINKS, PYTHONPATH, constraints, virtualenv...)."""
        env = {
            "PATH": f"{VENV}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": "/root",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "PIP_CACHE_DIR": PIP_CACHE,
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        }
        for name in ("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"):
            if name in os.environ:
                env[name] = os.environ[name]
        env.update(extra)
        return env

    def run(self, cmd: list[str], *, env: dict[str, str] | None = None, **kw) -> subprocess.CompletedProcess:
        # The host's chroot, by its full path: `env` is the root's, whose PATH is not the host's.
        chroot = shutil.which("chroot") or "/usr/sbin/chroot"
        return run([chroot, str(self.root), *cmd], env=env or self.env(), **kw)

    def pip(self, *args: str, **kw) -> subprocess.CompletedProcess:
        return self.run([f"{VENV}/bin/python", "-m", "pip", *args], **kw)

    def pip_list(self) -> dict[str, str]:
        """{canonical name: version} of everything in the venv."""
        out = self.pip("list", "--format=json", capture=True, stderr=subprocess.DEVNULL).stdout
        return {canonical(p["name"]): p["version"] for p in json.loads(out)}


def mounts_under(root: Path) -> list[Path]:
    """Mount points at or below ``root``, deepest first."""
    found = []
    root_s = str(root.resolve())
    with open("/proc/self/mountinfo") as f:
        for line in f:
            point = line.split()[4].replace("\\040", " ")
            if point == root_s or point.startswith(root_s + "/"):
                found.append(Path(point))
    return sorted(found, key=lambda p: len(p.parts), reverse=True)


def unmount_all_under(root: Path) -> None:
    if not root.exists():
        return
    kill_processes_in(root)
    for point in mounts_under(root):
        if run(["umount", str(point)], check=False, capture=True).returncode:
            run(["umount", "-l", str(point)], check=False, capture=True)


def kill_processes_in(root: Path) -> None:
    """End processes whose root directory is our chroot (kernels of an interrupted run).

    Only processes chrooted into ``root`` -- which only this tool starts -- by their PID."""
    target = str(root.resolve())
    victims = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if os.readlink(proc / "root") == target:
                victims.append(int(proc.name))
        except OSError:
            continue
    for sig in (signal.SIGTERM, signal.SIGKILL):
        alive = []
        for pid in victims:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
                alive.append(pid)
        if not alive:
            return
        time.sleep(2)
        victims = [pid for pid in alive if Path(f"/proc/{pid}").exists()]


def safe_rmtree(path: Path) -> None:
    """rm -rf, refusing when anything below is still mounted (a bind of /dev, say)."""
    if mounts_under(path):
        raise Fatal(f"refusing to delete {path}: something below it is still mounted")
    shutil.rmtree(path)


def host_ca_bundle() -> Path | None:
    """The CA bundle the host's pip trusts (this machine's network has its own CA)."""
    candidates = [os.environ.get("PIP_CERT"), pip_config().get("cert"), os.environ.get("SSL_CERT_FILE"),
                  "/etc/ssl/certs/ca-certificates.crt"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def pip_config() -> dict[str, str]:
    """The host's effective pip settings, 'global.index-url' -> 'index-url' (pip config list)."""
    try:
        out = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True).stdout
    except OSError:
        return {}
    found = {}
    for line in out.splitlines():
        key, _, value = line.partition("=")
        section, _, option = key.partition(".")
        if option and section in ("global", "install", ":env:"):
            found[option] = value.strip().strip("'\"")
    return found


def pip_conf(with_ca: bool) -> str:
    """/etc/pip.conf for the root: the host's index settings that make sense there.

    Only http(s) indexes are carried over: file:// indexes and find-links directories of
    the host do not exist inside the root, and the host's constraints file caps packages
    (torch) the lessons do not use."""
    host = pip_config()
    lines = ["# written by tools/colab_check.py from the host's pip settings", "[global]"]
    for option in ("index-url", "extra-index-url", "trusted-host"):
        value = os.environ.get("PIP_" + option.upper().replace("-", "_")) or host.get(option)
        if not value:
            continue
        kept = [v for v in value.split() if option == "trusted-host" or v.startswith(("http://", "https://"))]
        if kept:
            lines.append(f"{option} = {' '.join(kept)}")
    timeout = os.environ.get("PIP_DEFAULT_TIMEOUT") or host.get("default-timeout") or host.get("timeout")
    if timeout:
        lines.append(f"timeout = {timeout}")
    if with_ca:
        lines.append(f"cert = {CA_BUNDLE}")
    return "\n".join(lines) + "\n"


# ======================================================================================
# The Colab-like virtual environment
# ======================================================================================

def stamp_text() -> str:
    recipe = json.dumps([BUILD_FORMAT, COLAB_PYTHON, sorted(COLAB_PINS.split()), NOTEBOOK_TOOLS])
    return hashlib.sha256(recipe.encode()).hexdigest() + "\n"


def ensure_venv(ch: Chroot) -> bool:
    """Build /opt/colab when missing or built from other pins. Returns True if it built."""
    stamp = ch.path(STAMP)
    if stamp.exists() and stamp.read_text() == stamp_text() and ch.path(BASELINE).exists():
        return False
    if ch.path(VENV).exists():
        say(f"{VENV} was built from other pins (or not finished): rebuilding it")
        safe_rmtree(ch.path(VENV))
    pins_file = "/opt/colab-pins.txt"
    ch.path(pins_file).write_text("# Colab's versions (tools/colab_check.py)\n" + COLAB_PINS.strip() + "\n")
    say(f"python{COLAB_PYTHON} -m venv {VENV}")
    ch.run([f"/usr/bin/python{COLAB_PYTHON}", "-m", "venv", VENV])
    say("pip install Colab's versions: " + " ".join(COLAB_PINS.split()))
    ch.pip("install", "--quiet", "-r", pins_file, env=ch.env(PIP_ROOT_USER_ACTION="ignore"))
    say(f"pip install {' '.join(NOTEBOOK_TOOLS)} (constrained to Colab's versions)")
    before = ch.pip_list()
    ch.pip("install", "--quiet", "-c", pins_file, *NOTEBOOK_TOOLS, env=ch.env(PIP_ROOT_USER_ACTION="ignore"))
    after = ch.pip_list()
    moved = {n: (before[n], after.get(n)) for n in before if after.get(n) != before[n]}
    if moved:  # cannot happen for Colab's pins (constraints), but could for their dependencies
        say("note: installing the notebook tools changed: "
            + ", ".join(f"{n} {a} -> {b}" for n, (a, b) in moved.items()))
    ch.path(BASELINE).write_text(json.dumps(after, indent=1, sort_keys=True))
    stamp.write_text(stamp_text())
    return True


def restore_baseline(ch: Chroot) -> None:
    """Undo the previous run's course install, so every run starts from the built state."""
    baseline = json.loads(ch.path(BASELINE).read_text())
    now = ch.pip_list()
    extra = sorted(set(now) - set(baseline))
    changed = sorted(f"{n}=={v}" for n, v in baseline.items() if now.get(n) != v)
    if not extra and not changed:
        return
    say("restoring the environment as built (undoing the previous run's course install)")
    if extra:
        ch.pip("uninstall", "--quiet", "-y", *extra, env=ch.env(PIP_ROOT_USER_ACTION="ignore"))
    if changed:
        ch.pip("install", "--quiet", "--no-deps", *changed, env=ch.env(PIP_ROOT_USER_ACTION="ignore"))
    if ch.pip_list() != baseline:
        ch.path(STAMP).unlink()
        raise Fatal("could not restore the environment; it will be rebuilt on the next run")


# ======================================================================================
# The course install, as the colab-setup cell does it
# ======================================================================================

def repository_url(checkout: Path) -> str:
    """REPOSITORY_URL from helpers/notebook.py (read, not imported: the host may lack numpy)."""
    text = (checkout / "helpers" / "notebook.py").read_text()
    match = re.search(r'^REPOSITORY_URL\s*=\s*"([^"]+)"', text, re.M)
    if not match:
        raise Fatal("REPOSITORY_URL not found in helpers/notebook.py")
    return match.group(1)


def colab_cell_pip_args(lessons: list[Path]) -> tuple[list[str], str]:
    """The `%pip install` arguments of the first colab-setup cell, and the cell's source."""
    sources = {}
    for path in lessons:
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code" and COLAB_TAG in cell.get("metadata", {}).get("tags", []):
                sources[path.name] = "".join(cell["source"])
                break
        else:
            say(f"warning: {path.name} has no code cell tagged {COLAB_TAG!r}: on Colab it would not install the course")
    if not sources:
        raise Fatal(f"no notebook has a code cell tagged {COLAB_TAG!r}")
    first_name, source = next(iter(sources.items()))
    differing = [name for name, s in sources.items() if s != source]
    if differing:
        say(f"warning: these lessons' {COLAB_TAG} cell differs from {first_name}'s: {', '.join(differing)}"
            " (run `make sync`)")
    for line in source.splitlines():
        words = line.strip().split(None, 2)
        if len(words) == 3 and words[0] in ("%pip", "!pip") and words[1] == "install":
            return shlex.split(words[2]), source
    raise Fatal(f"no `%pip install` line in the {COLAB_TAG} cell of {first_name}:\n{source}")


def localise(args: list[str], url: str, local: str) -> list[str]:
    """Replace the git URL of the course in pip arguments by the local copy (no internet)."""
    out, found = [], False
    for arg in args:
        match = re.fullmatch(r"\s*([A-Za-z0-9._-]+)\s*@\s*git\+(\S+?)(?:\.git)?(?:@\S+)?\s*", arg)
        if match:
            if match.group(2).rstrip("/") != url.rstrip("/"):
                say(f"warning: the {COLAB_TAG} cell installs from {match.group(2)}, "
                    f"but REPOSITORY_URL is {url} (run `make sync`)")
            arg, found = f"{match.group(1)} @ file://{local}", True
        out.append(arg)
    if not found:
        raise Fatal(f"the {COLAB_TAG} cell's pip install names no `NAME @ git+URL` requirement: {args}")
    return out


def copy_checkout(dest: Path, source: str) -> None:
    """The files a clone would have.

    ``source="worktree"``: tracked files plus untracked, not-ignored ones, as they are on
    disk (work not yet committed is tested too); ``"head"``: the last commit, which is
    what Colab installs once it is pushed. No .git, .venv or downloaded data either way."""
    if source == "head":
        archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", "HEAD"], capture_output=True)
        if archive.returncode:
            raise Fatal(f"git archive HEAD failed: {archive.stderr.decode(errors='replace')}")
        run(["tar", "-x", "-C", str(dest)], input=archive.stdout)
        return
    listed = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True)
    if listed.returncode == 0:
        for rel in sorted(set(filter(None, listed.stdout.decode().split("\0")))):
            src = REPO / rel
            if src.is_file():
                (dest / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dest / rel)
    else:  # not a git checkout (an unpacked archive): copy everything but the obvious
        shutil.copytree(REPO, dest, ignore=shutil.ignore_patterns(".git", ".venv", "data", "__pycache__", "*.egg-info", "build"))


def install_course(ch: Chroot, lessons: list[Path]) -> dict:
    """Install the course as the Colab cell does; return what pip changed."""
    args, source = colab_cell_pip_args(lessons)
    local_args = localise(args, repository_url(ch.path(f"{RUN}/src")), f"{RUN}/src")
    say("the Colab cell runs:  %pip install " + shlex.join(args))
    say("here (no internet):   pip install " + shlex.join(local_args))

    # The cell is never run here (it runs only where google.colab is imported), so check at
    # least that Colab's IPython reads it: the indented `%pip` must become a magic call.
    ch.path(f"{RUN}/colab-cell.txt").write_text(source)
    transformed = ch.run([f"{VENV}/bin/python", "-c",
                          "import sys; from IPython.core.inputtransformer2 import TransformerManager; "
                          "code = TransformerManager().transform_cell(open(sys.argv[1]).read()); "
                          "compile(code, 'colab-setup', 'exec'); print(code)", f"{RUN}/colab-cell.txt"],
                         capture=True, check=False, stderr=subprocess.PIPE)
    magic = [line.strip() for line in transformed.stdout.splitlines() if "run_line_magic('pip'" in line]
    if transformed.returncode or not magic:
        raise Fatal(f"Colab's IPython cannot run the {COLAB_TAG} cell:\n{transformed.stdout}{transformed.stderr}")
    say(f"IPython reads it as:  {magic[0]}")

    colab = pins()
    before = ch.pip_list()
    drift = {n: (v, before.get(n)) for n, v in colab.items() if before.get(n) != v}
    if drift:
        raise Fatal(f"the environment does not hold Colab's versions: {drift}")

    # What pip *would* do, then what it did.
    report_file = f"{RUN}/pip-install-report.json"
    ch.pip("install", "--dry-run", "--quiet", "--report", report_file, *local_args,
           env=ch.env(PIP_ROOT_USER_ACTION="ignore"), capture=True)
    report = json.loads(ch.path(report_file).read_text())
    planned = {canonical(item["metadata"]["name"]): item["metadata"]["version"] for item in report.get("install", [])}
    log = ch.pip("install", *local_args, capture=True, check=False)  # as on Colab: no extra env
    ch.path(f"{RUN}/pip-install.log").write_text(log.stdout or "")
    if log.returncode:
        raise Fatal(f"installing the course failed (exit {log.returncode}):\n{log.stdout}")
    after = ch.pip_list()

    changes = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if old is None:
            kind = "added"
        elif new is None:
            kind = "removed"
        else:
            kind = "upgraded" if version_key(new) > version_key(old) else "downgraded"
        changes.append({"name": name, "kind": kind, "from": old, "to": new, "colab_pin": name in colab})
    return {"cell": source, "colab_args": args, "local_args": local_args,
            "dry_run": planned, "changes": changes, "pip_version": ch.pip("--version", capture=True).stdout.split()[1]}


def print_pip_summary(result: dict) -> None:
    step("pip report: what installing the course changes in Colab's environment")
    say(f"pip {result['pip_version']} dry run would install: "
        + (", ".join(f"{n} {v}" for n, v in sorted(result["dry_run"].items())) or "nothing"))
    course = [c for c in result["changes"] if c["name"] == "pixels-to-cnns"]
    others = [c for c in result["changes"] if c["name"] != "pixels-to-cnns"]
    if course:
        say(f"  course package: pixels-to-cnns {course[0]['to']} {course[0]['kind']}")
    if not others:
        say("  OK: nothing else was added, upgraded, downgraded or removed; Colab's versions stay as they are")
        return
    for c in others:
        tag = "COLAB PACKAGE" if c["colab_pin"] else "dependency"
        say(f"  {c['kind'].upper():10s} {c['name']}: {c['from'] or '-'} -> {c['to'] or '-'}   ({tag})")
    pinned = [c for c in others if c["colab_pin"]]
    if pinned:
        say(f"  WARNING: installing the course changes {len(pinned)} of Colab's own packages;"
            " on Colab this means a long install and possibly a runtime restart")


# ======================================================================================
# Executing the lessons (runs INSIDE the root, with the venv's Python)
# ======================================================================================

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def inside_main(argv: list[str]) -> int:
    """`python colab_check.py --inside RUN_DIR TIMEOUT LESSON...`: execute lessons, write results."""
    # ipykernel's debugger prints a note about frozen modules at import time; not news.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    import nbformat
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from patient_client import PatientClient  # copied next to this file (nbclient#312 workaround)

    run_dir, timeout, names = Path(argv[0]), int(argv[1]), argv[2:]
    results = []
    for name in names:
        path = run_dir / "notebooks" / name
        nb = nbformat.read(path, as_version=4)
        content = run_dir / "content" / path.stem  # a fresh working directory, as Colab's /content
        content.mkdir(parents=True)
        current = {"index": None}
        wall = {}  # cell index -> seconds, as the client saw it

        def on_cell_execute(cell, cell_index, **_):
            current["index"] = cell_index
            wall[cell_index] = time.perf_counter()

        def on_cell_executed(cell, cell_index, **_):
            wall[cell_index] = time.perf_counter() - wall[cell_index]

        client = PatientClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                               resources={"metadata": {"path": str(content)}},
                               on_cell_execute=on_cell_execute, on_cell_executed=on_cell_executed)
        print(f"{name:48s}", end=" ", flush=True)
        log_path = run_dir / "logs" / f"{path.stem}.kernel.log"
        start = time.perf_counter()
        error = None
        with open(log_path, "w") as kernel_log:
            try:
                # The kernel's own stdout/stderr (TensorFlow's C++ logs...) go to a log file.
                client.execute(stdout=kernel_log, stderr=kernel_log)
            except CellTimeoutError:
                error = {"ename": "CellTimeoutError", "evalue": f"the cell ran longer than {timeout} s", "traceback": ""}
            except DeadKernelError as exc:
                error = {"ename": "DeadKernelError", "evalue": f"the kernel died ({exc}); see {log_path}", "traceback": ""}
            except CellExecutionError as exc:
                error = {"ename": exc.ename, "evalue": exc.evalue, "traceback": ANSI.sub("", exc.traceback)}
            except Exception as exc:  # noqa: BLE001 (report anything, go on with the next lesson)
                error = {"ename": type(exc).__name__, "evalue": str(exc), "traceback": ""}
        seconds = time.perf_counter() - start
        nbformat.write(nb, run_dir / "executed" / name)
        entry = {"name": name, "seconds": seconds, "ok": error is None, **slowest_cell(nb, wall)}
        if error:
            index = current["index"]
            cell = nb.cells[index] if index is not None else None
            code_number = sum(1 for c in nb.cells[: index + 1] if c.cell_type == "code") if cell else None
            # The kernel's own traceback, from the cell's error output (nbclient's message
            # would repeat the cell's source).
            for output in cell.get("outputs", []) if cell else []:
                if output.get("output_type") == "error":
                    error["traceback"] = ANSI.sub("", "\n".join(output.get("traceback", [])))
            entry.update(error=error, cell_index=index, code_cell=code_number,
                         source=cell.source if cell else "")
            print(f"FAILED {seconds:7.1f} s  (cell {index}: {error['ename']})", flush=True)
        else:
            print(f"ok     {seconds:7.1f} s  {describe_slowest(entry)}", flush=True)
        results.append(entry)
    (run_dir / "results.json").write_text(json.dumps(results, indent=1))
    return 0 if all(r["ok"] for r in results) else 1


def slowest_cell(nb, wall: dict[int, float]) -> dict:
    """The cell that took longest, and how long the kernel itself was busy with it.

    A cell whose wall time far exceeds the kernel's busy time means the client waited for a
    message the kernel had already sent (seen here once: a full cell timeout lost)."""
    done = {i: w for i, w in wall.items() if isinstance(w, float) and w < 1e6}
    if not done:
        return {}
    index = max(done, key=done.get)
    execution = nb.cells[index].metadata.get("execution", {})
    busy = None
    with contextlib.suppress(KeyError, ValueError):
        from datetime import datetime
        start = datetime.fromisoformat(execution["iopub.status.busy"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(execution["iopub.status.idle"].replace("Z", "+00:00"))
        busy = (end - start).total_seconds()
    return {"slowest": {"cell_index": index, "seconds": done[index], "kernel_busy": busy}}


def describe_slowest(entry: dict) -> str:
    slow = entry.get("slowest")
    if not slow:
        return ""
    text = f"(slowest: cell {slow['cell_index']}, {slow['seconds']:.1f} s"
    if slow["kernel_busy"] is not None and slow["seconds"] - slow["kernel_busy"] > 30:
        text += (f"; the kernel was busy only {slow['kernel_busy']:.1f} s of it: "
                 "the client waited for messages already sent")
    return text + ")"


def print_failures(results: list[dict], run_host: Path) -> None:
    for r in results:
        if r["ok"]:
            continue
        e = r["error"]
        say(f"\n---- {r['name']} FAILED in cell {r['cell_index']} (code cell {r['code_cell']}) ----")
        source = r["source"].splitlines()
        for line in source[:25]:
            say(f"  | {line}")
        if len(source) > 25:
            say(f"  | ... ({len(source) - 25} more lines)")
        say(f"{e['ename']}: {e['evalue']}")
        if e["traceback"]:
            say(e["traceback"].rstrip())
        say(f"(executed copy: {run_host / 'executed' / r['name']}; kernel log: "
            f"{run_host / 'logs' / (Path(r['name']).stem + '.kernel.log')})")


# ======================================================================================
# Main (host side)
# ======================================================================================

def default_data_dir() -> Path | None:
    if os.environ.get("COURSE_DATA_DIR"):
        path = Path(os.environ["COURSE_DATA_DIR"]).expanduser().resolve()
        if not path.is_dir():
            raise Fatal(f"COURSE_DATA_DIR={path} is not a directory")
        return path
    shared = (REPO.parent / "shared" / "datasets").resolve()
    return shared if shared.is_dir() else None


def check_host() -> None:
    if sys.platform != "linux":
        raise Fatal("this tool needs Linux (debootstrap, chroot, mount)")
    if os.geteuid() != 0:
        raise Fatal("this tool needs root for chroot and mount: run `sudo make colab-check`")
    missing = [tool for tool in ("debootstrap", "chroot", "mount", "umount") if not shutil.which(tool)]
    if missing:
        raise Fatal(f"missing: {', '.join(missing)} (Debian: apt-get install debootstrap)")


def select_lessons(folder: Path, prefixes: list[str]) -> list[Path]:
    """notebooks/[0-9][0-9]_*.ipynb, or those of them whose name starts with a prefix."""
    lessons = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    return [p for p in lessons if not prefixes or any(p.name.startswith(a) for a in prefixes)]


def host_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("lessons", nargs="*", help="run only lessons whose file name starts so (e.g. 03 07)")
    args = parser.parse_args(argv)

    lessons = select_lessons(REPO / "notebooks", args.lessons)
    if not lessons:
        say(f"no lesson matches {args.lessons}")
        return 2

    check_host()
    colab_root = Path(os.environ.get("COLAB_ROOT", "~/.cache/pixels-to-cnns/colab-py313")).expanduser().resolve()
    if colab_root == REPO or REPO in colab_root.parents:
        raise Fatal(f"COLAB_ROOT={colab_root} is inside the repository; put it outside")
    timeout = int(os.environ.get("COLAB_CELL_TIMEOUT", "600"))
    source = os.environ.get("COLAB_SOURCE", "worktree")
    if source not in ("worktree", "head"):
        raise Fatal(f"COLAB_SOURCE must be 'worktree' or 'head', got {source!r}")
    data_dir = default_data_dir()
    colab_root.mkdir(parents=True, exist_ok=True)

    # One run at a time per COLAB_ROOT.
    lock = open(colab_root / ".lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise Fatal(f"another colab-check is running on {colab_root}") from None

    say(f"Colab check: {len(lessons)} lesson(s), Python {COLAB_PYTHON} in a Debian 13 root at {colab_root}/rootfs")
    say(f"course source: {'the last commit (COLAB_SOURCE=head)' if source == 'head' else 'the working tree, uncommitted changes included'}")
    say(f"data sets: {data_dir or 'none (COURSE_DATA_DIR unset, ../shared/datasets missing): lessons download'}")
    ch = Chroot(colab_root / "rootfs", data_dir)
    timings = {}
    t0 = time.perf_counter()

    step("Debian 13 root")
    if ch.path(f"/usr/bin/python{COLAB_PYTHON}").exists():
        say("reusing it")
        label = "Debian root (reused)"
    else:
        ch.bootstrap()
        label = "debootstrap"
    ch.configure()
    timings[label] = time.perf_counter() - t0

    try:
        ch.mount()
        step(f"virtual environment {VENV} with Colab's versions")
        t1 = time.perf_counter()
        built = ensure_venv(ch)
        if built:
            say(f"built in {duration(time.perf_counter() - t1)}")
        else:
            say("reusing it (stamp matches the pinned list)")
            restore_baseline(ch)
        timings["venv (built)" if built else "venv (reused)"] = time.perf_counter() - t1

        # This run's files: a copy of the checkout, the lesson copies, outputs and logs.
        run_host = ch.path(RUN)
        unmount_all_under(run_host)
        if run_host.exists():
            safe_rmtree(run_host)
        for sub in ("src", "notebooks", "executed", "logs", "content"):
            (run_host / sub).mkdir(parents=True)
        copy_checkout(run_host / "src", source)
        lessons = select_lessons(run_host / "src" / "notebooks", args.lessons)  # as in that copy
        if not lessons:
            raise Fatal(f"no lesson matches {args.lessons} in the {source} copy")
        for path in lessons:
            shutil.copy2(path, run_host / "notebooks" / path.name)
        shutil.copy2(ME, run_host / "colab_check.py")
        shutil.copy2(ME.parent / "patient_client.py", run_host / "patient_client.py")

        step("install the course as the Colab cell does")
        t2 = time.perf_counter()
        pip_result = install_course(ch, lessons)
        (run_host / "pip-summary.json").write_text(json.dumps(pip_result, indent=1))
        timings["course install"] = time.perf_counter() - t2
        print_pip_summary(pip_result)

        step(f"run the lessons (fresh kernel each, cell timeout {timeout} s)")
        versions = ch.run([f"{VENV}/bin/python", "-c",
                           "import platform, importlib.metadata as m; print('Python', platform.python_version(), "
                           "'|', ', '.join(f'{p} {m.version(p)}' for p in ('tensorflow', 'keras', 'ipywidgets', 'numpy', 'ipython', 'ipykernel')))"],
                          capture=True, stderr=subprocess.DEVNULL).stdout.strip()
        say(versions)
        t3 = time.perf_counter()
        env = ch.env(HOME=f"{RUN}/home", **({"COURSE_DATA_DIR": DATA} if data_dir else {}))
        (run_host / "home").mkdir()
        ch.run([f"{VENV}/bin/python", f"{RUN}/colab_check.py", "--inside", RUN, str(timeout),
                *(p.name for p in lessons)], env=env, check=False)
        timings["lessons"] = time.perf_counter() - t3
        results_file = run_host / "results.json"
        if not results_file.exists():
            raise Fatal("the notebook runner stopped before writing its results")
        results = json.loads(results_file.read_text())
    finally:
        ch.unmount()

    print_failures(results, run_host)
    step("summary")
    say(f"Python {COLAB_PYTHON} (Debian 13), {versions.split('|', 1)[-1].strip()}")
    pinned = [c for c in pip_result["changes"] if c["colab_pin"]]
    others = [c for c in pip_result["changes"] if c["name"] != "pixels-to-cnns" and not c["colab_pin"]]
    say("course install: " + ("changes Colab packages: " + ", ".join(f"{c['name']} {c['from']} -> {c['to']}" for c in pinned)
                              if pinned else "leaves every Colab package as it is")
        + (f"; also {', '.join(c['kind'] + ' ' + c['name'] for c in others)}" if others else ""))
    for r in results:
        say(f"  {'ok    ' if r['ok'] else 'FAILED'}  {r['name']:48s} {r['seconds']:7.1f} s   "
            + (describe_slowest(r) if r["ok"] else f"cell {r['cell_index']}: {r['error']['ename']}"))
    failed = [r for r in results if not r["ok"]]
    say(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    say("times: " + ", ".join(f"{k} {duration(v)}" for k, v in timings.items())
        + f"; total {duration(time.perf_counter() - t0)}")
    size = run(["du", "-sh", "--one-file-system", str(ch.root)], capture=True, check=False).stdout.split()
    say(f"disk: {size[0] if size else '?'} in {ch.root}; this run's files: {run_host}")
    return 1 if failed else 0


def main() -> int:
    if sys.argv[1:2] == ["--inside"]:
        return inside_main(sys.argv[2:])

    def terminate(signum, _frame):  # so `finally` unmounts on kill / hang-up too
        say(f"\ncolab-check: stopped by signal {signum}; undoing the mounts")
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGHUP, terminate)
    try:
        return host_main(sys.argv[1:])
    except Fatal as exc:
        say(f"\ncolab-check: {exc}")
        return 2
    except KeyboardInterrupt:
        say("\ncolab-check: interrupted (mounts undone)")
        return 130


if __name__ == "__main__":
    sys.exit(main())
