"""The course as a person sees it: JupyterLab in headless Chromium, driven by Playwright.

For each lesson with interactive widgets, the test starts JupyterLab on localhost (on a
copy of the notebooks, so autosave never touches the repository), opens the notebook,
runs all cells, and checks that

* no cell shows an error,
* every widget renders as a control, not as a text placeholder,
* changing each control (moving a slider, picking another entry, editing a text box)
  updates the widget's output.

It waits on events (kernel requests coming back idle, the output area settling), not
on fixed times; see "Waiting on events" below.

Screenshots of every widget, before and after, are saved under
``test-output/browser/`` for a person to look at.

Needs Debian's ``chromium`` and the ``playwright`` Python package (``.ci/run`` installs
both); skipped with the reason otherwise. Never downloads a browser. Deselect with
``pytest -m "not browser"``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output" / "browser"
TOKEN = "course-browser-test"

pytestmark = pytest.mark.browser


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def widget_notebooks() -> list[Path]:
    """Lessons whose saved outputs contain an interactive widget."""
    found = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if "digit_pad(" in "".join(cell["source"]):
                continue  # the drawing pad has no control to move: test_draw_a_digit draws on it
            if any("application/vnd.jupyter.widget-view+json" in out.get("data", {}) for out in cell.get("outputs", [])):
                found.append(path)
                break
    return found


# --- The notebook each lesson's widget test runs -----------------------------------------
#
# nbval already runs every lesson top to bottom (tests/ + notebooks/ in `make test`); this
# test checks what only a browser shows: that the widgets render and respond. So it runs,
# in JupyterLab, a copy of the lesson cut to what its widgets need: the setup cell, every
# widget cell, and (found by reading the code, not by hand-kept lists) each earlier cell
# that binds a name one of those cells uses, recursively. A cell that trains a network
# trains it for one epoch on a few batches: the widgets need a trained model, not a good
# one. Lesson 10's browser test went from 180 s to seconds this way.

def _code(cell: dict) -> str:
    source = "".join(cell["source"])
    return "\n".join("pass" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def _names(source: str) -> tuple[set[str], set[str]]:
    """(names a cell binds at its top level, names it reads from outside its functions)."""
    import ast

    def scan(body: list, bound: set, read: set) -> None:
        for node in body:
            for sub in ast.walk(node) if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else [node]:
                if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                    if not isinstance(sub, ast.Lambda):
                        bound.add(sub.name)
                    inner_bound, inner_read = set(), set()
                    args = sub.args if not isinstance(sub, ast.ClassDef) else None
                    if args is not None:
                        inner_bound |= {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg] if a}
                        read |= {n.id for d in [*args.defaults, *args.kw_defaults] if d for n in ast.walk(d) if isinstance(n, ast.Name)}
                    scan(sub.body if isinstance(sub.body, list) else [ast.Expr(sub.body)], inner_bound, inner_read)
                    read |= inner_read - inner_bound
                elif isinstance(sub, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                    inner_bound, inner_read = set(), set()  # a comprehension's loop names are its own
                    for part in ast.walk(sub):
                        if isinstance(part, ast.Name):
                            (inner_bound if isinstance(part.ctx, ast.Store) else inner_read).add(part.id)
                    read |= inner_read - inner_bound
                elif isinstance(sub, ast.Name):
                    (bound if isinstance(sub.ctx, (ast.Store, ast.Del)) else read).add(sub.id)
                elif isinstance(sub, (ast.Import, ast.ImportFrom)):
                    bound.update((alias.asname or alias.name).split(".")[0] for alias in sub.names)
                elif isinstance(sub, (ast.Attribute, ast.Subscript)) and isinstance(sub.ctx, ast.Store):
                    base = sub.value
                    while isinstance(base, (ast.Attribute, ast.Subscript)):
                        base = base.value
                    if isinstance(base, ast.Name):
                        bound.add(base.id)  # `d[k] = v`, `obj.x = v` change what d / obj hold

    bound, read = set(), set()
    scan(ast.parse(source).body, bound, read)
    return bound, read - bound  # approximate: a name the cell binds is taken as its own


def _has_widget(cell: dict) -> bool:
    return any("application/vnd.jupyter.widget-view+json" in out.get("data", {}) for out in cell.get("outputs", []))


QUICK_TRAINING = """\
# Browser test only: the widgets need a trained network, not a good one.
import helpers.training as _training
_full_train = _training.train


def _quick_train(model, x, *args, epochs, **kwargs):
    kwargs.pop("validation_data", None)
    if hasattr(x, "take"):  # a tf.data pipeline of batches
        return _full_train(model, x.take(8), *args, epochs=1, **kwargs)
    return _full_train(model, x[:1024], *(a[:1024] for a in args), epochs=1, **kwargs)


_training.train = _quick_train"""


def _without_asserts(source: str) -> str:
    """The code without its asserts: they check the lesson's claims (nbval runs them), which a
    network trained on a few batches does not meet."""
    import ast

    class Drop(ast.NodeTransformer):
        def visit_Assert(self, node):
            return ast.Pass()

        def visit_Expr(self, node):
            call = node.value
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr.startswith("assert"):
                return ast.Pass()  # np.testing.assert_allclose(...) and friends
            return node

    tree = ast.parse(source)
    if not any(isinstance(n, ast.Assert) or (isinstance(n, ast.Attribute) and n.attr.startswith("assert")) for n in ast.walk(tree)):
        return source
    return ast.unparse(ast.fix_missing_locations(Drop().visit(tree)))


def widget_slice(path: Path) -> dict:
    """The lesson cut to its widget cells and what they need (see the comment above)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if c["cell_type"] == "code" and "colab-setup" not in c["metadata"].get("tags", [])]
    names = [_names(_code(c)) for c in cells]
    targets = [i for i, c in enumerate(cells) if _has_widget(c) and "digit_pad(" not in "".join(c["source"])]
    keep, needed = {0, *targets}, set().union(*(names[i][1] for i in targets))
    for i in range(max(targets) - 1, 0, -1):
        bound, read = names[i]
        if i in keep:
            needed |= read
        elif bound & needed:
            keep.add(i)
            needed |= read
    chosen = [cells[i] for i in sorted(keep)]
    out = []
    for cell in chosen:
        out.append({**cell, "source": _without_asserts(_code(cell)), "outputs": [], "execution_count": None})
        if "training" in names[cells.index(cell)][0] and not any("_quick_train" in "".join(c["source"]) for c in out):
            out.append({"cell_type": "code", "execution_count": None, "id": "quick-training", "metadata": {},
                        "outputs": [], "source": QUICK_TRAINING})
    return {**nb, "cells": out}


def _sliced_name(path: Path) -> str:
    return f"_widgets_{path.name}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium on this machine (Debian: apt-get install chromium; .ci/run does this)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright Python package is not installed (pip install playwright)")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on localhost serving a copy of notebooks/; yields its base URL."""
    work = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", work / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (work / "notebooks" / PAD_NOTEBOOK).write_text(json.dumps(_pad_notebook(), indent=1))
    for path in widget_notebooks():
        (work / "notebooks" / _sliced_name(path)).write_text(json.dumps(widget_slice(path), indent=1))
    settings = work / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    port = _free_port()
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(work / "settings"), JUPYTER_RUNTIME_DIR=str(work / "runtime"))
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={work / 'notebooks'}",
        "--LabApp.expose_app_in_browser=True", f"--LabApp.workspaces_dir={work / 'workspaces'}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = open(work / "jupyterlab.log", "w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail("JupyterLab did not start:\n" + (work / "jupyterlab.log").read_text()[-3000:])
        time.sleep(0.5)
    yield base
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


# --- Waiting on events -------------------------------------------------------------
#
# The test waits on what happens, not for fixed times. A probe installed in the page
# (through window.jupyterapp) records every request the notebook's kernel connection
# sends and, by parent message id, the iopub messages that answer it: busy, outputs,
# idle. After an interaction the test first checks that the control sent something at
# all, then waits until every request since (including the ones ipywidgets holds back
# until the previous one is idle, and the Output widget's own echo) has come back idle,
# until the output area shows new content, and until it has had no DOM mutation for a
# short quiet period with its images decoded. "Run all" waits on the command's promise,
# the kernel going idle and every widget output turning into a view. The limits below
# are only a last resort; a failure says what was observed (requests, busy/idle, the
# iopub messages, what the output shows).

OPEN_LIMIT_S = 300  # page load, kernel start and widget manager ready
RUN_ALL_LIMIT_S = 1500  # "run all cells" of one lesson (lesson 10 trains a CNN)
INTERACTION_LIMIT_S = 300  # one control change: kernel round trip and redraw
QUIET_MS = 400  # the DOM counts as settled after this long without a mutation
SEND_GRACE_MS = 3000  # ipywidgets sends synchronously in the input event; this only
                      # lets a slower control show that it sent nothing

PROBE_JS = r"""
(name) => {
  const app = window.jupyterapp;
  const panel = Array.from(app.shell.widgets('main')).find(w => w.context && w.context.path === name);
  const kernel = panel.sessionContext.session.kernel;
  const old = window.__courseProbe;
  if (old && old.kernel === kernel) return;
  if (old) old.kernel.anyMessage.disconnect(old.onMessage);
  const OUTPUTS = ['display_data', 'update_display_data', 'execute_result', 'stream', 'error', 'clear_output'];
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const probe = {
    kernel, panel, seq: 0, requests: [], byId: new Map(), lastMessageAt: performance.now(), orphans: [],
  };
  probe.onMessage = (_, {msg, direction}) => {
    const now = performance.now();
    probe.lastMessageAt = now;
    if (direction === 'send') {
      if (msg.channel !== 'shell') return;  // every shell request is answered busy ... idle
      const data = msg.content && msg.content.data;
      let what = msg.header.msg_type === 'comm_msg' && data
        ? 'comm ' + data.method + (data.method === 'custom' ? ' ' + JSON.stringify(data.content) :
                                   data.state ? ' ' + Object.keys(data.state).join(',') : '')
        : msg.header.msg_type;
      if (msg.header.subshell_id) what += ' (subshell ' + msg.header.subshell_id.slice(0, 6) + ')';
      const r = {seq: probe.seq++, id: msg.header.msg_id, what, sentAt: now,
                 busy: false, idle: false, outputs: [], errors: [], iopub: []};
      probe.requests.push(r);
      probe.byId.set(r.id, r);
      return;
    }
    if (msg.channel !== 'iopub') return;
    const type = msg.header.msg_type;
    const r = msg.parent_header && probe.byId.get(msg.parent_header.msg_id);
    if (!r) { probe.orphans.push(type + ' (parent ' + (msg.parent_header && msg.parent_header.msg_type) + ')'); return; }
    const data = type === 'comm_msg' && msg.content.data;
    r.iopub.push(type === 'status' ? msg.content.execution_state :
                 data ? data.method + (data.state ? ' ' + Object.keys(data.state).join(',') : '') : type);
    if (type === 'status') {
      if (msg.content.execution_state === 'busy') r.busy = true;
      if (msg.content.execution_state === 'idle') { r.idle = true; r.idleAt = now; }
    } else if (OUTPUTS.includes(type)) {
      r.outputs.push(type);
      if (type === 'error') r.errors.push(msg.content.ename + ': ' + msg.content.evalue);
    }
  };
  kernel.anyMessage.connect(probe.onMessage);

  // every request recorded so far came back idle, and no message has come or gone for
  // a moment: ipywidgets sends a held-back update while it handles the previous idle
  probe.allIdle = () => probe.requests.every(r => r.idle) && performance.now() - probe.lastMessageAt >= 100;
  probe.since = mark => probe.requests.filter(r => r.seq >= mark);
  probe.summary = mark => {
    const rs = probe.since(mark);
    return {
      kernelStatus: kernel.status, connection: kernel.connectionStatus,
      unanswered: probe.requests.filter(r => !r.idle).length,
      requests: rs.map(r => ({what: r.what, busy: r.busy, idle: r.idle, outputs: r.outputs.length,
                              errors: r.errors, ms: r.idle ? Math.round(r.idleAt - r.sentAt) : null, iopub: r.iopub})),
      orphans: probe.orphans.slice(-20),
    };
  };
  // resolves true when cond() holds, false when limitMs pass first
  probe.until = async (cond, limitMs, everyMs = 50) => {
    const end = performance.now() + limitMs;
    for (;;) {
      if (cond()) return true;
      if (performance.now() > end) return false;
      await sleep(everyMs);
    }
  };
  // resolves when el has had no mutation (children, text, image sources) for quietMs and
  // its images are decoded; false if that did not happen within limitMs
  probe.settle = async (el, quietMs, limitMs) => {
    const end = performance.now() + limitMs;
    let last = performance.now();
    const observer = new MutationObserver(() => { last = performance.now(); });
    observer.observe(el, {subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['src']});
    try {
      for (;;) {
        const ok = await probe.until(() => performance.now() - last >= quietMs, end - performance.now());
        if (!ok) return false;
        const seen = last;
        await Promise.all([...el.querySelectorAll('img')].map(img => img.decode().catch(() => null)));
        if (last === seen) return true;  // nothing changed while decoding
      }
    } finally {
      observer.disconnect();
    }
  };
  probe.filled = el => el.querySelector('.jp-OutputArea-output img, .jp-OutputArea-output pre, .jp-OutputArea-output table') !== null;
  probe.mark = el => { probe.before = el ? el.innerHTML : null; return probe.seq; };
  window.__courseProbe = probe;
}
"""

OPEN_JS = r"""
async ([name, limitMs]) => {
  const app = window.jupyterapp;
  await app.restored;
  const panel = Array.from(app.shell.widgets('main')).find(w => w.context && w.context.path === name);
  await panel.context.ready;
  await panel.sessionContext.ready;
  const kernel = panel.sessionContext.session.kernel;
  await kernel.info;
  const p = window.__courseProbe;
  // connected, idle, and the widget manager's own requests (comm_info) answered
  const ok = await p.until(() => kernel.connectionStatus === 'connected' && kernel.status === 'idle' && p.allIdle(), limitMs);
  return {ok, status: kernel.status, connection: kernel.connectionStatus, unanswered: p.requests.filter(r => !r.idle).map(r => r.what)};
}
"""

RUN_ALL_JS = r"""
async ([limitMs, quietMs]) => {
  const app = window.jupyterapp, p = window.__courseProbe;
  const start = performance.now(), mark = p.mark(null);
  const left = () => Math.max(0, limitMs - (performance.now() - start));
  const timer = new Promise(r => setTimeout(() => r('limit'), limitMs));
  const ran = await Promise.race([app.commands.execute('notebook:run-all-cells'), timer]);
  const executes = p.since(mark).filter(r => r.what === 'execute_request');
  const result = {ran, seconds: 0, executes: executes.length,
                  answered: executes.filter(r => r.idle).length, busy: executes.filter(r => r.busy).length};
  // widgets talk to the kernel after their cell ran (comm_open, state); wait for all of it
  result.idle = ran !== 'limit' && await p.until(() => p.kernel.status === 'idle' && p.allIdle(), left());
  // every widget output has turned into a view, and the notebook's DOM is quiet
  const node = p.panel.content.node;
  const pending = () => [...node.querySelectorAll(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.widget-view+json']")]
      .filter(o => !o.querySelector('.jupyter-widgets')).length;
  result.views = result.idle && await p.until(() => pending() === 0, left());
  result.settled = result.views && await p.settle(node, quietMs, left());
  result.prompts = [...node.querySelectorAll('.jp-Cell.jp-CodeCell .jp-InputPrompt')].map(e => e.textContent.trim());
  result.unrendered = pending();
  result.status = p.kernel.status;
  result.seconds = Math.round((performance.now() - start) / 100) / 10;
  return result;
}
"""

INTERACTION_JS = r"""
async ([el, mark, limitMs, graceMs, quietMs, needChange]) => {
  const p = window.__courseProbe;
  const start = performance.now();
  const left = () => Math.max(0, limitMs - (performance.now() - start));
  const result = {verdict: 'ok'};
  const done = verdict => {
    result.verdict = verdict;
    Object.assign(result, p.summary(mark));
    result.seconds = Math.round((performance.now() - start) / 100) / 10;
    result.changed = el.innerHTML !== p.before;
    result.shown = el.innerText.slice(0, 600);
    return result;
  };
  const mine = () => p.since(mark);
  if (needChange && !await p.until(() => mine().length > 0, graceMs)) return done('nothing sent');
  for (;;) {
    // every request came back idle, including those ipywidgets sent only after the
    // previous one returned
    if (!await p.until(p.allIdle, left()))
      return done(p.requests.some(r => !r.idle && r.busy) ? 'kernel stayed busy' : 'kernel never went busy');
    const sent = p.seq;
    if (needChange) {
      if (!mine().some(r => r.outputs.length)) return done('no output');
      if (!await p.until(() => el.innerHTML !== p.before && p.filled(el), left())) return done('output unchanged');
    }
    if (!await p.settle(el, quietMs, left())) return done('output never settled');
    if (p.seq === sent && p.allIdle()) return done('ok');  // else: more requests came meanwhile; wait for them too
  }
}
"""


def _install_probe(page, name: str) -> None:
    page.evaluate(PROBE_JS, name)


def _open_and_run(page, base: str, name: str) -> dict:
    """Open a lesson, wait for its kernel, run all cells and wait until the notebook settles."""
    # ?reset: a fresh workspace, so tabs of notebooks tested before do not reopen
    page.goto(f"{base}/lab/tree/{name}?reset&token={TOKEN}", timeout=OPEN_LIMIT_S * 1000)
    page.wait_for_function(
        """name => { const app = window.jupyterapp;
                     if (!app) return false;
                     const panel = Array.from(app.shell.widgets('main')).find(w => w.context && w.context.path === name);
                     return !!(panel && panel.sessionContext.session && panel.sessionContext.session.kernel); }""",
        arg=name, timeout=OPEN_LIMIT_S * 1000, polling=200,
    )
    _install_probe(page, name)
    opened = page.evaluate(OPEN_JS, [name, OPEN_LIMIT_S * 1000])
    assert opened["ok"], f"{name}: the kernel did not become ready and idle within {OPEN_LIMIT_S} s: {opened}"
    run = page.evaluate(RUN_ALL_JS, [RUN_ALL_LIMIT_S * 1000, QUIET_MS])
    unrun = [i for i, p in enumerate(run["prompts"]) if not re.fullmatch(r"\[\d+\]:", p)]
    if run["ran"] == "limit" or not run["idle"] or not run["views"] or not run["settled"]:
        raise AssertionError(
            f"{name}: 'run all cells' did not finish within {RUN_ALL_LIMIT_S} s (the safety limit): "
            f"{run['executes']} cells sent, {run['busy']} seen busy, {run['answered']} back to idle; "
            f"kernel now {run['status']}; cells not run: {unrun[:10]}; widget outputs not rendered: {run['unrendered']}; "
            f"finished: run-all {run['ran'] != 'limit'}, kernel idle {run['idle']}, widgets rendered {run['views']}, "
            f"DOM settled {run['settled']}"
        )
    print(f"{name}: run all: {run['executes']} cells in {run['seconds']} s")
    return {"unrun": unrun, **run}


def _changed(page, output, mark: int, action: str, where: str) -> dict:
    """After an interaction, wait for its kernel requests and the redraw; fail with what was seen."""
    handle = output.element_handle()
    result = page.evaluate(INTERACTION_JS, [handle, mark, INTERACTION_LIMIT_S * 1000, SEND_GRACE_MS, QUIET_MS, True])
    verdict = result["verdict"]
    if verdict != "ok":
        requests = "; ".join(
            f"{r['what']} (busy {r['busy']}, idle {r['idle']}, {r['outputs']} outputs{', ' + str(r['errors']) if r['errors'] else ''}; "
            f"iopub: {', '.join(r['iopub'])})"
            for r in result["requests"]
        ) or "none"
        explain = {
            "nothing sent": f"the control sent nothing to the kernel within {SEND_GRACE_MS} ms: the change was not committed",
            "kernel never went busy": f"the kernel never went busy for the request within {INTERACTION_LIMIT_S} s (the safety limit)",
            "kernel stayed busy": f"the kernel went busy but did not return to idle within {INTERACTION_LIMIT_S} s (the safety limit)",
            "no output": "the kernel ran and returned to idle but sent no output for the widget (was the value unchanged?)",
            "output unchanged": f"the kernel ran, returned to idle and sent output, but the output area did not change within {INTERACTION_LIMIT_S} s",
            "output never settled": f"the output area kept changing for {INTERACTION_LIMIT_S} s",
        }[verdict]
        raise AssertionError(
            f"{where}: output did not change after it {action}: {explain}.\n"
            f"Observed after {result['seconds']} s: requests: {requests}; kernel {result['kernelStatus']} "
            f"({result['connection']}), {result['unanswered']} requests unanswered; output area changed: {result['changed']}; "
            f"it shows: {result['shown']!r}; iopub messages of other requests: {result['orphans']}"
        )
    print(f"{where}: {action}: {[r['what'] + ' ' + str(r['ms']) + ' ms' for r in result['requests']]}, settled after {result['seconds']} s")
    return result


def _settle(page, element, mark: int | None = None) -> None:
    """Wait until every kernel request (since mark) is back idle and element's DOM is quiet, images decoded."""
    handle = element.element_handle()
    if mark is None:
        mark = page.evaluate("() => window.__courseProbe.mark(null)")
    result = page.evaluate(INTERACTION_JS, [handle, mark, INTERACTION_LIMIT_S * 1000, 0, QUIET_MS, False])
    assert result["verdict"] == "ok", f"a widget did not settle within {INTERACTION_LIMIT_S} s: {result}"


def _shutdown_kernels(base: str) -> None:
    """Stop the kernels the test started (each lesson's kernel holds its memory)."""
    with urllib.request.urlopen(f"{base}/api/kernels?token={TOKEN}", timeout=10) as r:
        kernels = json.load(r)
    for kernel in kernels:
        request = urllib.request.Request(f"{base}/api/kernels/{kernel['id']}?token={TOKEN}", method="DELETE")
        urllib.request.urlopen(request, timeout=30).close()


def _operate(control, page, mark: int):
    """Change one widget control the way a person would.

    Returns what was done and, for a text box whose typing already reached the kernel, the
    box, so the caller presses Enter once the redraw is done (see the loop below).
    """
    if control.locator(".noUi-handle").count():  # ipywidgets 8 slider
        handle = control.locator(".noUi-handle").first
        handle.focus()
        for _ in range(2):
            handle.press("ArrowRight")
        return "moved a slider", None
    if control.locator("select").count():
        select = control.locator("select").first
        options = select.locator("option").all_inner_texts()
        current = select.input_value()
        values = [o.get_attribute("value") for o in select.locator("option").all()]
        target = next(v for v in values if v != current)
        select.select_option(target)
        return f"picked another entry of {options[:4]}", None
    if control.locator("button").count():
        buttons = control.locator("button")
        for i in range(buttons.count()):
            b = buttons.nth(i)
            if "mod-active" not in (b.get_attribute("class") or ""):
                b.click()
                return "clicked a toggle button", None
    if control.locator("input").count():
        box = control.locator("input").first
        old = box.input_value()
        try:
            new = repr(float(old) + 1.0)
        except ValueError:
            new = old + "!"
        box.fill(new)  # one "input" event: with continuous_update (the default) the value is sent now
        if page.evaluate("mark => window.__courseProbe.since(mark).length", mark):
            return f"edited a text box ({old!r} -> {new!r})", box
        box.press("Enter")  # continuous_update=False: Enter ("change") commits the value
        return f"edited a text box ({old!r} -> {new!r}) and pressed Enter", None
    return "", None


@pytest.mark.parametrize("path", widget_notebooks(), ids=lambda p: p.name)
def test_widgets_render_and_respond(path, browser, lab):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    # Playwright's own waits (actionability of a control, screenshots) get a generous limit
    # too; everything the test waits for on purpose is awaited as an event above.
    page.set_default_timeout(INTERACTION_LIMIT_S * 1000)
    try:
        run = _open_and_run(page, lab, _sliced_name(path))
        stem = path.stem
        page.screenshot(path=str(OUTPUT / f"{stem}__after-run-all.png"))

        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        texts = [errors.nth(i).inner_text() for i in range(errors.count())]
        bad = [t for t in texts if "Traceback" in t or "Error" in t]
        assert not bad, f"{path.name}: a cell shows an error:\n{bad[0][:2000]}"
        assert not run["unrun"], f"{path.name}: 'run all cells' finished but cells {run['unrun'][:10]} did not run"

        placeholders = page.locator(".jp-OutputArea-output").filter(
            has_text=re.compile(r"^(interactive|VBox|HBox|IntSlider|FloatSlider)\(|Loading widget|Error displaying widget")
        )
        assert placeholders.count() == 0, f"{path.name}: a widget shows as text: {placeholders.first.inner_text()[:300]}"

        # the outermost widget of each output area: an interact() box or a helper's VBox/HBox
        # (not the drawing pad: test_draw_a_digit draws on it; not a photo chooser: below)
        views = page.locator(".jp-OutputArea-output > .jupyter-widgets:is(.widget-interact, .widget-vbox, .widget-hbox)"
                             ":not(:has(.digit-pad)):not(:has(.widget-upload))")
        assert views.count() >= 1, f"{path.name}: uses ipywidgets but no widget rendered as a control"
        for i in range(views.count()):
            view = views.nth(i)
            view.scroll_into_view_if_needed()
            _settle(page, view)
            view.screenshot(path=str(OUTPUT / f"{stem}__widget{i + 1}-before.png"))
            output = view.locator(".widget-output").first
            assert output.count() == 1, f"{path.name}: widget {i + 1} has no output area"
            controls = view.locator(".widget-slider, .widget-dropdown, .widget-toggle-buttons, .widget-text, .widget-hslider")
            assert controls.count() >= 1, f"{path.name}: widget {i + 1} has no control"
            for j in range(controls.count()):
                where = f"{path.name}: widget {i + 1}, control {j + 1}"
                mark = page.evaluate("el => window.__courseProbe.mark(el)", output.element_handle())
                action, box = _operate(controls.nth(j), page, mark)
                assert action, f"{where}: nothing to operate"
                _changed(page, output, mark, action, where)
                if box is not None:
                    # Enter only after the redraw. Pressed at once, its "submit" message can
                    # run on another kernel thread while the redraw runs (JupyterLab 4.6 sends
                    # comm messages to a subshell, ipykernel 7 routes a widget's first one to
                    # the main shell), and its post-execute figure flush shows and closes the
                    # half-drawn pyplot figure: the output stays empty. A real bug, reported;
                    # this test checks that typing updates the figure, not that race.
                    mark = page.evaluate("() => window.__courseProbe.mark(null)")
                    box.press("Enter")
                    _settle(page, output, mark)
                    assert page.evaluate("el => window.__courseProbe.filled(el)", output.element_handle()), (
                        f"{where}: the output went empty when Enter was pressed after it {action}"
                    )
                shown = output.inner_text()
                assert "Traceback" not in shown and "array(" not in shown, (
                    f"{path.name}: widget {i + 1} shows an error or a raw value after it {action}:\n{shown[:500]}"
                )
                view.screenshot(path=str(OUTPUT / f"{stem}__widget{i + 1}-control{j + 1}.png"))
            _settle(page, view)
            view.screenshot(path=str(OUTPUT / f"{stem}__widget{i + 1}-after.png"))
        _upload_a_photo(page, path.name, stem)
    finally:
        page.close()
        _shutdown_kernels(lab)


def _upload_a_photo(page, name: str, stem: str) -> None:
    """A lesson's photo chooser (helpers.photos.PhotoChooser): upload a PNG made here, see it taken."""
    choosers = page.locator(".jp-OutputArea-output > .jupyter-widgets.widget-vbox:has(.widget-upload)")
    if choosers.count() == 0:
        return
    from PIL import Image

    photo = OUTPUT / f"{stem}__upload.png"
    stripes = Image.new("RGB", (300, 200), (20, 90, 200))
    stripes.paste((250, 200, 40), (0, 0, 150, 200))
    stripes.save(photo)
    chooser = choosers.first
    chooser.scroll_into_view_if_needed()
    status = chooser.locator(".photo-status").first
    before = status.text_content()  # the DOM's text: JupyterLab may not render cells out of view
    assert "No photo chosen" in before, f"{name}: the chooser should start with the lesson's image, it says {before!r}"
    mark = page.evaluate("() => window.__courseProbe.mark(null)")
    # ipywidgets 8's button opens a file input that is not in the page: answer the file chooser
    with page.expect_file_chooser(timeout=INTERACTION_LIMIT_S * 1000) as chosen:
        chooser.locator("button.widget-upload").click()
    chosen.value.set_files(str(photo))
    _settle(page, chooser, mark)
    page.wait_for_function("el => el.textContent.includes('Using your photo')", arg=status.element_handle(),
                           timeout=INTERACTION_LIMIT_S * 1000, polling=100)
    shown = status.text_content()
    assert f"{photo.name} (300 x 200 pixels)" in shown, f"{name}: after the upload the chooser says {shown!r}"
    chooser.scroll_into_view_if_needed()
    chooser.screenshot(path=str(OUTPUT / f"{stem}__chooser-after-upload.png"))
    print(f"{name}: photo chooser took an uploaded PNG: {shown!r}")


# --- Draw a digit ---------------------------------------------------------------------
#
# Lesson 08's drawing pad (helpers.drawing.digit_pad, an anywidget) drawn on with real
# mouse events. The notebook here trains lesson 07's dense network for one epoch (a few
# seconds) instead of running lesson 08 (minutes of training), so the suite stays inside its
# time budget; the pad, its preprocessing and its chart are the same code the lesson runs,
# and lesson 08's own cells (nbval) classify digits drawn from code with the lesson's CNN.

PAD_NOTEBOOK = "_draw_a_digit_test.ipynb"


def _pad_notebook() -> dict:
    cells = [
        "import os\n"
        "import helpers\n"
        "helpers.setup(tensorflow=True)\n"
        "import keras\n"
        "from helpers import datasets, drawing, models, training\n"
        "(x, y), _ = datasets.load_mnist()\n"
        "keras.utils.set_random_seed(0)\n"
        "model = models.dense_baseline()\n"
        "model.fit(training.make_dataset(x, y, batch_size=128), epochs=1, verbose=0)\n"
        "del x, y",
        "pad = drawing.digit_pad(lambda image: model.predict(training.to_model_input(image), verbose=0)[0])\n"
        "pad",
    ]
    return {
        "cells": [{"cell_type": "code", "execution_count": None, "id": f"cell{i}", "metadata": {}, "outputs": [],
                   "source": source} for i, source in enumerate(cells)],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5,
    }


def _draw(page, canvas, points: list[tuple[float, float]]) -> None:
    """One stroke with the mouse: press at the first point, move through the others, release."""
    box = canvas.bounding_box()
    scale = box["width"] / 280
    page.mouse.move(box["x"] + points[0][0] * scale, box["y"] + points[0][1] * scale)
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(box["x"] + x * scale, box["y"] + y * scale, steps=4)
    page.mouse.up()


def _answer(output) -> str:
    match = re.search(r"The network's answer: (\w+)", output.inner_text())
    return match.group(1) if match else f"no answer shown; the output says {output.inner_text()[:300]!r}"


def test_draw_a_digit(browser, lab):
    import math

    OUTPUT.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(INTERACTION_LIMIT_S * 1000)
    try:
        run = _open_and_run(page, lab, PAD_NOTEBOOK)
        assert not run["unrun"], f"cells {run['unrun']} did not run"
        pad = page.locator(".jp-OutputArea-output .widget-hbox:has(.digit-pad)").first
        assert pad.count() == 1, "the drawing pad did not render (is anywidget's JupyterLab extension installed?)"
        canvas = pad.locator("canvas.digit-canvas")
        output = pad.locator(".widget-output").first
        pad.scroll_into_view_if_needed()
        _settle(page, pad)
        assert "empty" in output.inner_text(), f"an empty pad should say so, it shows {output.inner_text()[:200]!r}"
        pad.screenshot(path=str(OUTPUT / "draw_a_digit__empty.png"))

        mark = page.evaluate("el => window.__courseProbe.mark(el)", output.element_handle())
        _draw(page, canvas, [(140, 40 + 20 * i) for i in range(11)])  # a "1": one vertical stroke
        _changed(page, output, mark, "drew a 1", "drawing pad")
        assert output.locator("img").count() >= 1, "no preview or chart after drawing"
        pad.screenshot(path=str(OUTPUT / "draw_a_digit__one.png"))
        assert _answer(output) == "1", f"drew a 1, the pad says {_answer(output)}"
        after_one = output.locator("img").first.get_attribute("src")

        mark = page.evaluate("el => window.__courseProbe.mark(el)", output.element_handle())
        pad.locator("button.digit-clear").click()
        _changed(page, output, mark, "clicked Clear", "drawing pad")
        assert "empty" in output.inner_text(), f"after Clear the pad shows {output.inner_text()[:200]!r}"

        mark = page.evaluate("el => window.__courseProbe.mark(el)", output.element_handle())
        loop = [(140 + 60 * math.sin(a), 140 - 90 * math.cos(a)) for a in (2 * math.pi * k / 40 for k in range(41))]
        _draw(page, canvas, loop)  # a "0": one closed loop
        _changed(page, output, mark, "drew a 0", "drawing pad")
        pad.screenshot(path=str(OUTPUT / "draw_a_digit__zero.png"))
        assert _answer(output) == "0", f"drew a 0, the pad says {_answer(output)}"
        assert output.locator("img").first.get_attribute("src") != after_one, "the preview and chart did not change"
    finally:
        page.close()
        _shutdown_kernels(lab)
