"""The course as a person sees it: JupyterLab in headless Chromium, driven by Playwright.

For each lesson with interactive widgets, the test starts JupyterLab on localhost (on a
copy of the notebooks, so autosave never touches the repository), opens the notebook,
runs all cells, and checks that

* no cell shows an error,
* every widget renders as a control, not as a text placeholder,
* changing each control (moving a slider, picking another entry, editing a text box)
  updates the widget's output.

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
            if any("application/vnd.jupyter.widget-view+json" in out.get("data", {}) for out in cell.get("outputs", [])):
                found.append(path)
                break
    return found


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


KERNEL_IDLE = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle';
}"""

ALL_CELLS_RUN = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const k = w.sessionContext.session.kernel;
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-Cell.jp-CodeCell .jp-InputPrompt')]
      .map(p => p.textContent.trim());
  return k.status === 'idle' && prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:$/.test(p));
}"""


def _open_and_run(page, base: str, name: str, timeout_s: int = 600):
    # ?reset: a fresh workspace, so tabs of notebooks tested before do not reopen
    page.goto(f"{base}/lab/tree/{name}?reset&token={TOKEN}")
    page.wait_for_function(KERNEL_IDLE, timeout=120_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(ALL_CELLS_RUN, timeout=timeout_s * 1000, polling=1000)


def _shutdown_kernels(base: str) -> None:
    """Stop the kernels the test started (each lesson's kernel holds its memory)."""
    with urllib.request.urlopen(f"{base}/api/kernels?token={TOKEN}", timeout=10) as r:
        kernels = json.load(r)
    for kernel in kernels:
        request = urllib.request.Request(f"{base}/api/kernels/{kernel['id']}?token={TOKEN}", method="DELETE")
        urllib.request.urlopen(request, timeout=30).close()


def _changed(output, before: str, timeout_s: float = 60) -> bool:
    """Wait until the output area settles on new, non-empty content (not a cleared area)."""
    deadline = time.monotonic() + timeout_s
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        html = output.inner_html()
        if html != last:
            last, since = html, time.monotonic()
        filled = output.locator(".jp-OutputArea-output img, .jp-OutputArea-output pre, .jp-OutputArea-output table").count() > 0
        if html != before and filled and time.monotonic() - since >= 1.0:
            return True
        time.sleep(0.2)
    return False


def _settle_images(output) -> None:
    """Wait until the output's images are decoded, so a screenshot shows them."""
    images = output.locator("img")
    for k in range(images.count()):
        images.nth(k).evaluate("img => img.decode().catch(() => null)")
    output.page.wait_for_timeout(300)


def _operate(control, page) -> str:
    """Change one widget control the way a person would; return what was done."""
    if control.locator(".noUi-handle").count():  # ipywidgets 8 slider
        handle = control.locator(".noUi-handle").first
        handle.focus()
        for _ in range(2):
            handle.press("ArrowRight")
        handle.press("Enter")
        return "moved a slider"
    if control.locator("select").count():
        select = control.locator("select").first
        options = select.locator("option").all_inner_texts()
        current = select.input_value()
        values = [o.get_attribute("value") for o in select.locator("option").all()]
        target = next(v for v in values if v != current)
        select.select_option(target)
        return f"picked another entry of {options[:4]}"
    if control.locator("button").count():
        buttons = control.locator("button")
        for i in range(buttons.count()):
            b = buttons.nth(i)
            if "mod-active" not in (b.get_attribute("class") or ""):
                b.click()
                return "clicked a toggle button"
    if control.locator("input").count():
        box = control.locator("input").first
        old = box.input_value()
        try:
            new = repr(float(old) + 1.0)
        except ValueError:
            new = old + "!"
        box.fill(new)
        box.press("Enter")
        return "edited a text box"
    return ""


@pytest.mark.parametrize("path", widget_notebooks(), ids=lambda p: p.name)
def test_widgets_render_and_respond(path, browser, lab):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    try:
        _open_and_run(page, lab, path.name)
        stem = path.stem
        page.screenshot(path=str(OUTPUT / f"{stem}__after-run-all.png"))

        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        texts = [errors.nth(i).inner_text() for i in range(errors.count())]
        bad = [t for t in texts if "Traceback" in t or "Error" in t]
        assert not bad, f"{path.name}: a cell shows an error:\n{bad[0][:2000]}"

        placeholders = page.locator(".jp-OutputArea-output").filter(
            has_text=re.compile(r"^(interactive|VBox|HBox|IntSlider|FloatSlider)\(|Loading widget|Error displaying widget")
        )
        assert placeholders.count() == 0, f"{path.name}: a widget shows as text: {placeholders.first.inner_text()[:300]}"

        # the outermost widget of each output area: an interact() box or a helper's VBox/HBox
        views = page.locator(".jp-OutputArea-output > .jupyter-widgets:is(.widget-interact, .widget-vbox, .widget-hbox)")
        assert views.count() >= 1, f"{path.name}: uses ipywidgets but no widget rendered as a control"
        for i in range(views.count()):
            view = views.nth(i)
            view.scroll_into_view_if_needed()
            _settle_images(view)
            view.screenshot(path=str(OUTPUT / f"{stem}__widget{i + 1}-before.png"))
            output = view.locator(".widget-output").first
            assert output.count() == 1, f"{path.name}: widget {i + 1} has no output area"
            controls = view.locator(".widget-slider, .widget-dropdown, .widget-toggle-buttons, .widget-text, .widget-hslider")
            assert controls.count() >= 1, f"{path.name}: widget {i + 1} has no control"
            for j in range(controls.count()):
                before = output.inner_html()
                action = _operate(controls.nth(j), page)
                assert action, f"{path.name}: widget {i + 1}, control {j + 1}: nothing to operate"
                assert _changed(output, before), f"{path.name}: widget {i + 1}: output did not change after it {action}"
                shown = output.inner_text()
                assert "Traceback" not in shown and "array(" not in shown, (
                    f"{path.name}: widget {i + 1} shows an error or a raw value after it {action}:\n{shown[:500]}"
                )
                _settle_images(output)
                view.screenshot(path=str(OUTPUT / f"{stem}__widget{i + 1}-control{j + 1}.png"))
            _changed(output, before="", timeout_s=30)  # let queued redraws finish
            _settle_images(output)
            view.screenshot(path=str(OUTPUT / f"{stem}__widget{i + 1}-after.png"))
    finally:
        page.close()
        _shutdown_kernels(lab)
