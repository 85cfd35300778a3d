"""Build the course as a static HTML book, offline, from the committed notebooks (`make site`).

    python tools/build_site.py               # HTML into site/, then one PDF per lesson
    python tools/build_site.py --no-pdf      # HTML only
    python tools/build_site.py --out DIR     # somewhere else (the test builds into a tmp dir)

Nothing is executed and nothing is fetched: every page is made from the outputs saved in
``notebooks/NN_*.ipynb`` by nbconvert's HTMLExporter (lab template, extended below), and
README.md / INSTRUCTORS.md are rendered by the same exporter (its markdown renderer is
mistune), so all pages look alike. What the build changes so the pages work offline:

* no require.js, no jupyter-widgets html-manager, no mermaid: nothing is loaded from a CDN;
* a widget output shows its saved ``text/plain`` fallback (the lessons draw the figure
  again in a later cell, so the figure is visible without a kernel);
* remote ``<link>``/``<script>`` tags inside saved HTML outputs are dropped (lesson 03's
  animation asks for font-awesome on a CDN; its buttons get Unicode symbols instead);
* math is typeset by MathJax 2.7 from the ``jupyter-server-mathjax`` package, copied to
  ``site/mathjax/``, with the reader's fonts (its web fonts cannot load from ``file://``);
* a picture from the web (README's Binder badge) is replaced by its alt text;
* links are rewritten: ``NN_x.ipynb`` -> ``NN_x.html``, ``README.md#the-lessons`` ->
  ``index.html#the-lessons``, other README anchors -> ``readme.html#...``,
  ``INSTRUCTORS.md`` -> ``instructors.html``; links to other repository files become
  plain text. Headings also get GitHub-style ids (``#the-lessons``) next to nbconvert's.

PDFs (``site/pdf/NN_name.pdf``, A4) are printed from the lesson pages by headless Chromium
(Debian's ``chromium``, driven by the ``playwright`` package, never a downloaded browser).
Without either, the HTML is still built and the reason the PDFs were skipped is printed.
"""

from __future__ import annotations

import argparse
import html
import json
import posixpath
import re
import shutil
import sys
import time
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import nbformat
from nbconvert import HTMLExporter
from nbformat.validator import MissingIDFieldWarning

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DEFAULT_OUT = ROOT / "site"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
MATHJAX_URL = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
WIDGET_NOTE = "[Interactive widget: run the notebook in JupyterLab to use it. Saved text form:]\n"

# The lab template, minus everything that would load from a CDN, plus the book's
# navigation bar and CSS (readable width, images within the page, print rules for A4).
TEMPLATE = r"""
{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}
<script>
/* Offline math: MathJax 2.7 from jupyter-server-mathjax, HTML-CSS output with the reader's own
   fonts. Its STIX-Web web fonts cannot load from file:// (Chromium blocks fonts there by CORS). */
window.MathJax = {"HTML-CSS": {availableFonts: [], preferredFont: null, webFont: null, imageFont: null, scale: 110},
                  menuSettings: {zoom: "None"}};
</script>
{{ super() }}
{%- endblock html_head_js_mathjax -%}
{% block extra_css %}
<style type="text/css">
main { max-width: 62rem; margin: 0 auto; padding: 0 1rem 2rem; }
img, svg, video { max-width: 100%; height: auto; }
.jp-RenderedHTMLCommon { font-size: 15px; line-height: 1.55; }
.jp-RenderedHTMLCommon table { display: block; overflow-x: auto; }
.jp-OutputArea-output pre { overflow-x: auto; }
nav.site-nav { max-width: 62rem; margin: 0 auto; padding: 0.6rem 1rem; display: flex;
  gap: 1.2rem; flex-wrap: wrap; border-bottom: 1px solid #ddd; font: 14px/1.4 sans-serif; }
nav.site-nav .book { font-weight: bold; margin-right: auto; }
/* lesson 03's animation (matplotlib's to_jshtml) names font-awesome icons: draw them as text */
.anim-buttons i.fa { font-style: normal; display: inline-block; }
.fa-play::before { content: "\25B6"; } .fa-pause::before { content: "||"; }
.fa-plus::before { content: "+"; } .fa-minus::before { content: "\2212"; }
.fa-step-forward::before { content: "|\25B6"; } .fa-step-backward::before { content: "\25C0|"; }
.fa-fast-forward::before { content: "\25B6\25B6|"; } .fa-fast-backward::before { content: "|\25C0\25C0"; }
.fa-flip-horizontal { transform: scaleX(-1); }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  nav.site-nav, .celltag_navigation, .anim-buttons, .anim-state, a.anchor-link { display: none !important; }
  main { max-width: none; padding: 0; }
  pre { white-space: pre-wrap !important; overflow-wrap: anywhere; }
  .jp-InputArea, .jp-InputArea-editor { overflow: visible !important; }
  img, svg, table, .jp-RenderedImage, .MathJax_Display, .jp-InputArea { break-inside: avoid; page-break-inside: avoid; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  .jp-RenderedHTMLCommon table { display: table; }
}
</style>
{% endblock extra_css %}
{%- block body_header -%}
{{ super() }}
{%- if resources.site_nav %}
<nav class="site-nav" aria-label="Course navigation">
{%- for item in resources.site_nav %}
<a class="{{ item.cls }}" href="{{ item.href }}">{{ item.text | e }}</a>
{%- endfor %}
</nav>
{%- endif %}
{%- endblock body_header -%}
"""


class SiteError(RuntimeError):
    """A source file the site is built from cannot be used; the message names it."""


@dataclass
class Page:
    """One HTML page of the site."""

    file: str  # name inside the site directory, e.g. "03_convolution_by_hand.html"
    source: Path  # the notebook or markdown file it was made from
    title: str
    lesson: bool = False


@dataclass
class BuildReport:
    """What a build wrote, and how long it took."""

    out: Path
    pages: list[Page] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    pdf_skipped: str | None = None
    html_seconds: float = 0.0
    pdf_seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


def lessons(notebooks: Path = NOTEBOOKS) -> list[Path]:
    """The lesson notebooks, in course order."""
    return sorted(notebooks.glob("[0-9][0-9]_*.ipynb"))


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read and validate a notebook, or raise SiteError naming the file."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MissingIDFieldWarning)  # old notebooks: nbformat adds the ids
            nb = nbformat.read(path, as_version=4)
            nbformat.validate(nb)
    except Exception as error:  # JSON errors, schema errors, unreadable file
        raise SiteError(f"{path}: not a valid notebook ({type(error).__name__}: {error})") from error
    return nb


def notebook_title(nb: nbformat.NotebookNode, path: Path) -> str:
    """The text of the notebook's first ``# `` heading."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise SiteError(f"{path}: no '# ' title heading in any markdown cell")


def github_slug(text: str) -> str:
    """The id GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = unicodedata.normalize("NFC", html.unescape(re.sub(r"<[^>]+>", "", text))).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def static_outputs(nb: nbformat.NotebookNode, path: Path, notes: list[str]) -> None:
    """Make every output viewable without a kernel or network, in place."""
    nb.metadata.pop("widgets", None)
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_MIME in data:
                del data[WIDGET_MIME]
                data["text/plain"] = WIDGET_NOTE + "".join(data.get("text/plain", ""))
            if "text/html" in data:
                text = "".join(data["text/html"])
                stripped = re.sub(
                    r"<link\b[^>]*\bhref=[\"']https?://[^>]*>|<script\b[^>]*\bsrc=[\"']https?://[^>]*>\s*</script>",
                    "", text, flags=re.IGNORECASE,
                )
                if stripped != text:
                    notes.append(f"{path.name} cell {index}: dropped a remote <link>/<script> from a saved HTML output")
                    data["text/html"] = stripped


def site_target(href: str, source_dir: str) -> str | None:
    """Where a relative link of a source file points in the site; None if outside it.

    ``source_dir`` is the source file's folder relative to the repository ('' or 'notebooks').
    Absolute URLs and in-page anchors come back unchanged.
    """
    if not href or href.startswith("#") or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href):
        return href
    path, _, fragment = href.partition("#")
    if "/" not in path and path.endswith(".html") or path.startswith("pdf/"):
        return href  # already a page of the site (the navigation bar, the index's PDF list)
    target = posixpath.normpath(posixpath.join(source_dir, path))
    anchor = f"#{fragment}" if fragment else ""
    if target == "README.md":
        return ("index.html" if fragment == "the-lessons" else "readme.html") + anchor
    if target == "INSTRUCTORS.md":
        return "instructors.html" + anchor
    match = re.fullmatch(r"notebooks/([0-9][0-9]_[^/]+)\.ipynb", target)
    if match:
        return f"{match.group(1)}.html{anchor}"
    return None


def rewrite_links(page_html: str, source_dir: str, name: str, notes: list[str]) -> str:
    """Point every relative link at a site page; links to other repository files become text."""

    def replace(match: re.Match[str]) -> str:
        href = html.unescape(match.group(2))
        target = site_target(href, source_dir)
        if target is None:
            notes.append(f"{name}: link to {href} (not part of the site) shown as text")
            return f'<span class="repo-file" title="{html.escape(href)} in the course repository">{match.group(4)}</span>'
        return f"<a{match.group(1)}href=\"{html.escape(target)}\"{match.group(3)}>{match.group(4)}</a>"

    return re.sub(r"<a(\s[^>]*?)href=\"([^\"]*)\"([^>]*)>(.*?)</a>", replace, page_html, flags=re.DOTALL)


def drop_remote_images(page_html: str, name: str, notes: list[str]) -> str:
    """A picture from the web (README's Binder badge) becomes its alt text: pages load nothing remote."""

    def replace(match: re.Match[str]) -> str:
        alt = re.search(r'\balt="([^"]*)"', match.group(0))
        notes.append(f"{name}: remote image {match.group(1)[:80]} shown as its alt text")
        return f'<span class="remote-image">{alt.group(1) if alt else ""}</span>'

    return re.sub(r'<img\b[^>]*\bsrc="(https?://[^"]*)"[^>]*>', replace, page_html)


def add_github_ids(page_html: str) -> str:
    """Give each heading a second, GitHub-style id (an empty anchor), unless it already has it."""
    ids = set(re.findall(r'\bid="([^"]+)"', page_html))

    def replace(match: re.Match[str]) -> str:
        slug = github_slug(re.sub(r'<a class="anchor-link".*?</a>', "", match.group(3), flags=re.DOTALL))
        if not slug or slug in ids:
            return match.group(0)
        ids.add(slug)
        return f'{match.group(1)}<a id="{slug}"></a>{match.group(3)}{match.group(4)}'

    return re.sub(r'(<h([1-6])\b[^>]*>)(.*?)(</h\2>)', replace, page_html, flags=re.DOTALL)


def make_exporter() -> HTMLExporter:
    """nbconvert's HTMLExporter with the lab template and this site's extension."""
    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[jinja2.DictLoader({"course_site.html.j2": TEMPLATE})],
    )
    exporter.template_file = "course_site.html.j2"
    exporter.mathjax_url = MATHJAX_URL
    exporter.exclude_anchor_links = False
    return exporter


def markdown_notebook(text: str, title: str) -> nbformat.NotebookNode:
    """A one-cell notebook, so a markdown file renders with the same exporter and styles."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])
    nb.metadata.update(title=title, language_info={"name": "python"})
    return nb


def lesson_table_section(readme: str) -> str:
    """README from its title to the end of the section "The lessons"."""
    match = re.search(r"^## The lessons\n.*?(?=^## )", readme, flags=re.MULTILINE | re.DOTALL)
    if not match:
        raise SiteError(f"{ROOT / 'README.md'}: no section '## The lessons' followed by another '## ' section")
    return readme[: match.end()]


def write_page(exporter: HTMLExporter, nb: nbformat.NotebookNode, page: Page, source_dir: str,
               nav: list[dict[str, str]], out: Path, notes: list[str]) -> None:
    """Export one notebook to out/page.file."""
    try:
        body, _ = exporter.from_notebook_node(nb, resources={"site_nav": nav, "metadata": {"name": page.title}})
    except Exception as error:
        raise SiteError(f"{page.source}: nbconvert could not export it ({type(error).__name__}: {error})") from error
    body = rewrite_links(drop_remote_images(body, page.file, notes), source_dir, page.file, notes)
    body = add_github_ids(body)
    (out / page.file).write_text(body, encoding="utf-8")


def copy_mathjax(out: Path) -> None:
    """Copy MathJax 2.7 from the jupyter-server-mathjax package into out/mathjax/."""
    try:
        import jupyter_server_mathjax
    except ImportError as error:
        raise SiteError("the jupyter-server-mathjax package is missing (pip install -r requirements.txt): "
                        "it provides MathJax for offline math") from error
    static = Path(jupyter_server_mathjax.__file__).parent / "static"
    if not (static / "MathJax.js").exists():
        raise SiteError(f"{static}: no MathJax.js in jupyter-server-mathjax's static folder")
    shutil.copytree(static, out / "mathjax", dirs_exist_ok=True)


def build_html(out: Path = DEFAULT_OUT, notebooks: Path = NOTEBOOKS, pdf_links: bool = False) -> BuildReport:
    """Write every HTML page into out/ and return the report (no PDFs).

    ``pdf_links``: list the lesson PDFs on the index page (only when they will be printed).
    """
    start = time.perf_counter()
    report = BuildReport(out=out)
    exporter = make_exporter()

    paths = lessons(notebooks)
    if not paths:
        raise SiteError(f"{notebooks}: no lesson notebooks (NN_name.ipynb)")
    books = [(path, read_notebook(path)) for path in paths]
    out.mkdir(parents=True, exist_ok=True)
    copy_mathjax(out)
    pages = [Page(f"{p.stem}.html", p, notebook_title(nb, p), lesson=True) for p, nb in books]
    instructors = ROOT / "INSTRUCTORS.md"
    has_guide = instructors.exists()

    def common_nav() -> list[dict[str, str]]:
        nav = [{"cls": "book", "href": "index.html", "text": "Pixels to CNNs"},
               {"cls": "index", "href": "index.html#the-lessons", "text": "Lessons"},
               {"cls": "readme", "href": "readme.html", "text": "About the course"}]
        if has_guide:
            nav.append({"cls": "instructors", "href": "instructors.html", "text": "Instructor guide"})
        return nav

    for i, ((path, nb), page) in enumerate(zip(books, pages)):
        static_outputs(nb, path, report.warnings)
        nb.metadata["title"] = page.title
        nav = common_nav()
        if i > 0:
            nav.append({"cls": "prev", "href": pages[i - 1].file, "text": f"\u2190 {pages[i - 1].title}"})
        if i + 1 < len(pages):
            nav.append({"cls": "next", "href": pages[i + 1].file, "text": f"{pages[i + 1].title} \u2192"})
        write_page(exporter, nb, page, "notebooks", nav, out, report.warnings)

    readme_path = ROOT / "README.md"
    try:
        readme = readme_path.read_text(encoding="utf-8")
    except OSError as error:
        raise SiteError(f"{readme_path}: cannot read it ({error})") from error
    more = ["", "---", "", "**Also in this book:** [About the course: setup, tests, data, troubleshooting](README.md)"]
    if has_guide:
        more[-1] += " · [Instructor guide](INSTRUCTORS.md)"
    if pdf_links:
        more += ["", "**Each lesson as a PDF (A4):** " + " · ".join(
            f"[{p.source.stem[:2]}](pdf/{p.source.stem}.pdf)" for p in pages)]
    index_text = lesson_table_section(readme) + "\n".join(more) + "\n"
    extra = [Page("index.html", readme_path, "Pixels to CNNs"),
             Page("readme.html", readme_path, "Pixels to CNNs: about the course")]
    texts = [index_text, readme]
    if has_guide:
        try:
            texts.append(instructors.read_text(encoding="utf-8"))
        except OSError as error:
            raise SiteError(f"{instructors}: cannot read it ({error})") from error
        extra.append(Page("instructors.html", instructors, "Pixels to CNNs: instructor guide"))
    for page, text in zip(extra, texts):
        write_page(exporter, markdown_notebook(text, page.title), page, "", common_nav(), out, report.warnings)

    report.pages = pages + extra
    report.html_seconds = time.perf_counter() - start
    return report


def chromium_path() -> str | None:
    """Debian's Chromium (or another system Chromium), never a downloaded one."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

WAIT_FOR_MATH = """() => new Promise(resolve => {
  if (!(window.MathJax && MathJax.Hub)) { resolve(false); return; }
  MathJax.Hub.Queue(() => resolve(true));
})"""


def pdf_unavailable() -> str | None:
    """Why the PDFs cannot be printed here, or None if they can."""
    if chromium_path() is None:
        return "no Chromium on this machine (Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install playwright)"
    return None


def print_pdfs(report: BuildReport) -> None:
    """Print each lesson page to out/pdf/NN_name.pdf with headless Chromium (A4)."""
    start = time.perf_counter()
    report.pdf_skipped = pdf_unavailable()
    if report.pdf_skipped:
        return
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    pdf_dir = report.out / "pdf"
    pdf_dir.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            # Offline by construction: refuse anything that is not a local file.
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                       else route.abort())
            for lesson in (pg for pg in report.pages if pg.lesson):
                page.goto((report.out / lesson.file).as_uri(), wait_until="load")
                page.evaluate(WAIT_FOR_MATH)
                target = pdf_dir / f"{lesson.source.stem}.pdf"
                page.pdf(path=str(target), format="A4", print_background=True, prefer_css_page_size=True)
                report.pdfs.append(target)
        finally:
            browser.close()
    report.pdf_seconds = time.perf_counter() - start


def build(out: Path = DEFAULT_OUT, pdf: bool = True) -> BuildReport:
    """The whole site: HTML pages, MathJax, and (if asked and possible) the lesson PDFs."""
    pdf = pdf and pdf_unavailable() is None
    report = build_html(out, pdf_links=pdf)
    if pdf:
        print_pdfs(report)
    elif pdf_unavailable():
        report.pdf_skipped = pdf_unavailable()
    return report


def directory_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: site/)")
    parser.add_argument("--no-pdf", action="store_true", help="build the HTML pages only")
    args = parser.parse_args(argv)
    try:
        report = build(args.out.resolve(), pdf=not args.no_pdf)
    except SiteError as error:
        print(f"build_site: {error}", file=sys.stderr)
        return 1
    for warning in report.warnings:
        print(f"note: {warning}")
    print(f"{len(report.pages)} HTML pages in {report.out} ({report.html_seconds:.1f} s)")
    if args.no_pdf:
        print("PDFs not built (--no-pdf)")
    elif report.pdf_skipped:
        print(f"PDFs skipped: {report.pdf_skipped}")
    else:
        print(f"{len(report.pdfs)} PDFs in {report.out / 'pdf'} ({report.pdf_seconds:.1f} s)")
    print(f"site size: {directory_size(report.out) / 1e6:.1f} MB; open {report.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
