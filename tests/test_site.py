"""The HTML book (`make site`) works offline: every page, image, link and PDF.

Builds the site with ``tools/build_site.py`` into a temporary folder (HTML and the lesson
PDFs), then opens every page from ``file://`` in headless Chromium with every request that
is not a local file blocked, and checks that

* the page logs no console error and no request fails (a blocked request fails the test:
  the pages must not touch the network);
* every ``<img>`` is decoded (``naturalWidth > 0``) and MathJax typeset the math of the
  lessons that have some, without errors;
* every internal link (a local page, with or without ``#anchor``) names a file of the site
  and, for an anchor, an id in that file;
* each lesson page links to the previous and next lesson and to the index;
* each lesson's PDF exists, starts with ``%PDF`` and has at least one page.

Needs Debian's ``chromium`` and the ``playwright`` package, like ``test_browser.py``;
skipped with the reason otherwise. Deselect with ``pytest -m "not browser"``.
"""

from __future__ import annotations

import html
import importlib.util
import re
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PAGES = [f"{name}.html" for name in LESSONS] + ["index.html", "readme.html"]
if (ROOT / "INSTRUCTORS.md").exists():  # written by another change; required once it exists
    PAGES.append("instructors.html")

pytestmark = pytest.mark.browser


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_site", ROOT / "tools" / "build_site.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_site", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


builder = _load_builder()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The whole site, HTML and PDFs, built into a temporary folder."""
    reason = builder.pdf_unavailable()
    if reason:
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("site")
    start = time.perf_counter()
    report = builder.build(out, pdf=True)
    print(f"\nsite built in {time.perf_counter() - start:.1f} s "
          f"(HTML {report.html_seconds:.1f} s, PDFs {report.pdf_seconds:.1f} s)")
    assert report.pdf_skipped is None, report.pdf_skipped
    return out


@pytest.fixture(scope="module")
def browser(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=builder.chromium_path(), headless=True,
                                    args=builder.CHROMIUM_ARGS)
        yield browser
        browser.close()


_ids_cache: dict[Path, set[str]] = {}


def ids_in(path: Path) -> set[str]:
    """Every id (and name) an anchor can point at in an HTML file."""
    if path not in _ids_cache:
        text = path.read_text(encoding="utf-8")
        _ids_cache[path] = {html.unescape(v) for v in re.findall(r'\b(?:id|name)="([^"]+)"', text)}
    return _ids_cache[path]


def has_math(page: str) -> bool:
    """Does the page's source have TeX ($...$ or $$...$$) in a markdown cell?"""
    if not re.fullmatch(r"\d\d_.*\.html", page):
        return False
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / page.replace(".html", ".ipynb"), as_version=4)
    return any(c.cell_type == "markdown" and re.search(r"\$[^$\s][^$]*\$", c.source) for c in nb.cells)


@pytest.mark.parametrize("name", PAGES)
def test_page_offline(site, browser, name):
    problems: list[str] = []
    page = browser.new_page()

    def route(r):
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            problems.append(f"request to the network: {r.request.url[:120]}")
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text[:300]}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: r.url.startswith("file:") and problems.append(
        f"failed request: {r.url[:120]} ({r.failure})"))
    try:
        url = (site / name).as_uri()
        page.goto(url, wait_until="load")
        page.evaluate(builder.WAIT_FOR_MATH)
        page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=30_000)
        found = page.evaluate("""() => ({
            badImages: [...document.images].filter(i => !(i.naturalWidth > 0)).map(i => (i.id || '') + ' ' + i.src.slice(0, 80)),
            hrefs: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
            ids: [...document.querySelectorAll('[id], a[name]')].map(e => e.id || e.getAttribute('name')),
            math: document.querySelectorAll('.MathJax, .MathJax_Display, .MathJax_SVG, mjx-container').length,
            mathErrors: [...document.querySelectorAll('.MathJax_Error, .noError, merror')].map(e => e.textContent.slice(0, 80)),
        })""")
    finally:
        page.close()

    problems += [f"image not decoded: {src}" for src in found["badImages"]]
    problems += [f"math error: {text}" for text in found["mathErrors"]]
    if has_math(name) and found["math"] == 0:
        problems.append("the notebook has $...$ math but MathJax typeset none")

    for href in found["hrefs"]:
        if re.match(r"^(https?|mailto):", href):
            continue
        target = urlparse(urljoin(url, href))
        if target.scheme != "file":
            problems.append(f"link {href!r} is neither a local file nor a web address")
            continue
        path = Path(unquote(target.path))
        if not path.is_file() or site not in path.parents:
            problems.append(f"link {href!r}: no such page in the site")
            continue
        fragment = target.fragment
        if fragment:
            ids = set(found["ids"]) if path == site / name else ids_in(path)
            # as a browser does: the fragment as written, then percent-decoded
            if fragment not in ids and unquote(fragment) not in ids:
                problems.append(f"link {href!r}: no id {fragment!r} in {path.name}")

    stem = name.removesuffix(".html")
    if stem in LESSONS:
        i = LESSONS.index(stem)
        wanted = {"index.html#the-lessons"}
        if i > 0:
            wanted.add(f"{LESSONS[i - 1]}.html")
        if i + 1 < len(LESSONS):
            wanted.add(f"{LESSONS[i + 1]}.html")
        missing = wanted - set(found["hrefs"])
        if missing:
            problems.append(f"navigation links missing: {sorted(missing)}")

    assert not problems, f"{name}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_pdf(site, lesson):
    pdf = site / "pdf" / f"{lesson}.pdf"
    assert pdf.is_file(), f"{pdf} was not written"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF"), f"{pdf} does not start with %PDF"
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    assert pages >= 1, f"{pdf} has no page"


def test_broken_notebook_named(tmp_path):
    """A notebook nbconvert cannot read stops the build with an error naming the file."""
    bad = tmp_path / "notebooks"
    bad.mkdir()
    (bad / "00_broken.ipynb").write_text("{ not json", encoding="utf-8")
    with pytest.raises(builder.SiteError, match="00_broken.ipynb"):
        builder.build_html(tmp_path / "out", notebooks=bad)
