"""The book (`make book`) read in headless Chromium.

The book: build/book/ is (re)built with book/build.py when it is missing or older than
its sources, then served from 127.0.0.1 by a small http server. Every page is opened in
Debian's Chromium (the launch of tests/test_browser.py): it loads, no local resource
fails and the console shows no error from one, every local image is decoded with a
non-zero size, the math is present as TeX source and typeset by the book's own MathJax
with no TeX error, and the previous/next links go, in series order, to pages that exist.
Each slider panel is shown as its stored image; solutions are folded. A screenshot of
each page is saved; the folder is printed in the "dynweights report".
Requests to other hosts are blocked, as they are on a machine with no network, and
counted: a notebook page makes none (MathJax is the book's own, and each slider panel is
shown as its stored image); the landing page asks only for the Binder badge.

Read from the built HTML (no browser): every table renders as a table, computed
(`dw.markdown_table`) or written in Markdown, with no pipe-table row left in a page's text;
and each notebook page's launch buttons open that notebook, notebooks/NN_name.ipynb of the
repository in [project.urls], on Binder and Colab.

Without Sphinx (the `book` extra) the book tests skip, unless $CI is set: then they
fail. Without Chromium they skip, as the notebook browser test does (and fail when $CI is set).

The student edition (`make student`) is tested in tests/test_student.py.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import nbformat
import pytest

import dynweights as dw

# the same Chromium (the `browser` fixture) as the notebook browser test
from conftest import VIEWPORT, markdown_tables, notebook_tables, pipe_rows, report, repository

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("book_build", ROOT / "book" / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

NOTEBOOKS = build.notebooks()
# Every page the book must have, in reading order (previous/next follow this order: the
# landing page, the notebooks, the teachers' page), then the pages Sphinx adds.
SERIES = (["book/index.html"] + [f"notebooks/{nb.stem}.html" for nb in NOTEBOOKS]
          + ["book/TEACHING.html"])
PAGES = SERIES + ["search.html", "genindex.html", "index.html"]
BOOK_PACKAGES = ["sphinx", "myst_nb", "sphinx_book_theme", "mathjax"]
LOAD_TIMEOUT = 30_000     # ms, one page loaded
MATH_TIMEOUT = 30_000     # ms, MathJax done typesetting one page


# --------------------------------------------------------------------------- fixtures

def _require_book_extra():
    """Skip without the `book` extra; fail instead when $CI is set."""
    missing = [name for name in BOOK_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        message = (f"the book needs the `book` extra ({', '.join(missing)} not installed): "
                   f"`make test` installs it, or pip install -e '.[book]'")
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so the book must be tested: {message}", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="module")
def book_dir():
    """build/book/, rebuilt when missing or older than the notebooks, README or config."""
    _require_book_extra()
    if build.book_is_stale():
        result = subprocess.run([sys.executable, str(ROOT / "book" / "build.py"), "book"],
                                cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, (
            f"make book failed (warnings are errors):\n{result.stdout}\n{result.stderr}")
    return build.BOOK


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(book_dir):
    """http://127.0.0.1:PORT/ serving build/book/ from a thread of this process."""
    handler = functools.partial(_QuietHandler, directory=str(book_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def screenshots(request):
    """$DYNWEIGHTS_SCREENSHOTS/book if that is set, else a new folder under the temp dir."""
    folder = os.environ.get("DYNWEIGHTS_SCREENSHOTS")
    if folder:
        folder = Path(folder) / "book"
        folder.mkdir(parents=True, exist_ok=True)
    else:
        folder = Path(tempfile.mkdtemp(prefix="dynweights-book-screenshots-"))
    return folder


class Visit:
    """One page opened in a fresh browser context, with what went wrong on the way."""

    def __init__(self, browser, base):
        self.base = base
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.local_errors, self.js_errors, self.blocked = [], [], []
        self.context.route("**/*", self._route)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.js_errors.append(str(error)))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)

    def local(self, url):
        return url.startswith(self.base)

    def _route(self, route):
        # Other hosts are blocked, as with no network: the result is the same everywhere.
        if self.local(route.request.url) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort("blockedbyclient")

    def _console(self, message):
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        # A failed load of a blocked remote resource is reported by the console at that
        # resource's URL; everything else counts.
        if url and not self.local(url) and url in self.blocked:
            return
        if "ERR_BLOCKED_BY_CLIENT" in message.text and url in self.blocked:
            return
        self.local_errors.append(f"console: {message.text} ({url})")

    def _failed(self, request):
        if self.local(request.url):
            self.local_errors.append(f"failed: {request.url} {request.failure}")

    def _response(self, response):
        if self.local(response.url) and response.status >= 400:
            self.local_errors.append(f"HTTP {response.status}: {response.url}")

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, server):
    opened = []

    def open_page(relpath):
        v = Visit(browser, server)
        opened.append(v)
        v.page.goto(urljoin(server, relpath), wait_until="load", timeout=LOAD_TIMEOUT)
        return v

    yield open_page
    for v in opened:
        v.close()


# --------------------------------------------------------------------------- book tests

_IMAGES = """() => [...document.images].map(img => ({
    src: img.currentSrc || img.src, complete: img.complete,
    width: img.naturalWidth, height: img.naturalHeight}))"""

_MATH = """() => {
    const math = [...document.querySelectorAll('.math')];
    return {count: math.length,
            typeset: math.filter(e => e.querySelector('mjx-container')).length,
            errors: [...document.querySelectorAll('mjx-merror')]
                .map(e => e.textContent.slice(0, 120))};
}"""

_SOLUTIONS = """() => ({
    markdown: [...document.querySelectorAll('details.solution')].map(d => !d.open),
    code: [...document.querySelectorAll('.cell.tag_solution')].map(cell => {
        const folds = [...cell.querySelectorAll('details')];
        return folds.length > 0 && folds.every(d => !d.open);
    })})"""

_LINKS = """() => ({
    prev: document.querySelector('.prev-next-area a.left-prev')?.getAttribute('href') ?? null,
    next: document.querySelector('.prev-next-area a.right-next')?.getAttribute('href') ?? null})"""


def _page_path(base, page_url, href):
    """The page a link points to, as a path relative to the book's root."""
    url = urljoin(page_url, href)
    assert url.startswith(base), f"link {href!r} leaves the book"
    return urlsplit(url).path.lstrip("/")


def _stored_figures(notebook):
    """The image/png outputs stored in a notebook (each must be an <img> in the book)."""
    nb = nbformat.read(notebook, as_version=4)
    return sum("image/png" in output.get("data", {})
               for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs)


def test_book_folds_solutions():
    """book/conf.py folds the cells tagged `solution` (shown on a synthetic notebook: the
    series may have none yet)."""
    _require_book_extra()
    spec = importlib.util.spec_from_file_location("book_conf", ROOT / "book" / "conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    synthetic = _synthetic()
    nb = json.loads(nbformat.writes(synthetic))
    nb["cells"][6]["metadata"]["jupyter"]["outputs_hidden"] = True
    folded = conf.fold_solutions(nb)["cells"]
    assert folded[6]["metadata"]["tags"] == ["solution", "hide-input", "hide-output"]
    assert folded[10]["metadata"]["tags"] == ["remove-input", "solution", "hide-input"]
    assert folded[7]["source"].startswith("::::{dropdown} Solution\n:class-container: solution")
    assert "The answer is 4." in folded[7]["source"]
    assert folded[7]["source"].rstrip().endswith("::::")
    untouched = json.loads(nbformat.writes(synthetic))["cells"]
    assert [c for i, c in enumerate(folded) if i not in (6, 7, 10)] == [
        c for i, c in enumerate(untouched) if i not in (6, 7, 10)]


@pytest.mark.e2e
def test_book_has_every_page(book_dir):
    built = sorted(p.relative_to(book_dir).as_posix() for p in book_dir.rglob("*.html")
                   if not p.relative_to(book_dir).as_posix().startswith("_"))
    assert built == sorted(PAGES), "the book's pages are not the ones tested here"


@pytest.mark.e2e
@pytest.mark.parametrize("relpath", SERIES, ids=[Path(p).stem for p in SERIES])
def test_book_page(relpath, visit, server, book_dir, screenshots, request):
    v = visit(relpath)
    page = v.page
    # MathJax (served from the book, _static/mathjax, on the pages with math) typesets
    # after load.
    if page.locator("script[src*='mathjax']").count():
        page.wait_for_function("() => window.MathJax?.startup?.promise",
                               timeout=MATH_TIMEOUT)
        page.evaluate("() => window.MathJax.startup.promise")
    page.wait_for_function(
        "() => [...document.images].every(img => img.complete)", timeout=LOAD_TIMEOUT)

    images = page.evaluate(_IMAGES)
    local = [img for img in images if v.local(img["src"]) or img["src"].startswith("data:")]
    broken = [img for img in local if not (img["complete"] and img["width"] > 0
                                           and img["height"] > 0)]
    assert not broken, f"{relpath}: images not shown: {broken}"
    html = (book_dir / relpath).read_text(encoding="utf-8")
    if relpath.startswith("notebooks/"):
        notebook = ROOT / "notebooks" / f"{Path(relpath).stem}.ipynb"
        figures = _stored_figures(notebook)
        assert len(local) >= figures, (
            f"{relpath}: {figures} stored figures but {len(local)} images")
        nb = nbformat.read(notebook, as_version=4)
        # each slider panel shown as its stored image, with its sliders' values
        views = sum("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                    for c in nb.cells if c.cell_type == "code" for o in c.outputs)
        panels = page.evaluate("""() => [...document.querySelectorAll('figure.slider-panel')]
            .map(f => [f.querySelector('img')?.naturalWidth ?? 0,
                       f.querySelector('figcaption')?.textContent ?? ''])""")
        assert len(panels) == views, f"{relpath}: {views} slider panels, {len(panels)} shown"
        assert all(width > 0 and " = " in caption for width, caption in panels), panels
        # and nothing comes from the network (no CDN widget manager, MathJax local)
        assert not v.blocked, f"{relpath}: requests to other hosts: {v.blocked}"

        # solutions folded, as in JupyterLab: Markdown ones in a closed dropdown, code
        # ones behind MyST-NB's closed "Show code cell source" (and output)
        folded = page.evaluate(_SOLUTIONS)
        solutions = [c for c in nb.cells if _has_solution(c)]
        assert len(folded["markdown"]) == sum(c.cell_type == "markdown" for c in solutions)
        assert len(folded["code"]) == sum(c.cell_type == "code" for c in solutions)
        assert all(folded["markdown"]) and all(folded["code"]), (
            f"{relpath}: solutions shown unfolded: {folded}")

    math = page.evaluate(_MATH)
    if relpath.startswith("notebooks/"):
        assert math["count"] > 0, f"{relpath}: no math on the page"
        # the TeX source is in the page itself, so it reads even without JavaScript
        assert "\\(" in html or "\\[" in html
    assert math["typeset"] == math["count"], (
        f"{relpath}: MathJax typeset {math['typeset']} of {math['count']} formulas")
    assert not math["errors"], f"{relpath}: TeX errors: {math['errors']}"

    # Previous and next, in series order, to pages that exist.
    links = page.evaluate(_LINKS)
    index = SERIES.index(relpath)
    expected_prev = SERIES[index - 1] if index > 0 else None
    expected_next = SERIES[index + 1] if index + 1 < len(SERIES) else None
    for name, href, expected in (("previous", links["prev"], expected_prev),
                                 ("next", links["next"], expected_next)):
        if expected is None:
            assert href is None, f"{relpath}: unexpected {name} link {href!r}"
            continue
        assert href is not None, f"{relpath}: no {name} link (expected {expected})"
        target = _page_path(server, page.url, href)
        assert target == expected, f"{relpath}: {name} link goes to {target}, not {expected}"
        assert (book_dir / target).is_file()

    # Every link inside the book goes to a file that exists.
    hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
    dead = sorted({h for h in hrefs if v.local(h)
                   and not (book_dir / urlsplit(h).path.lstrip("/")).is_file()})
    assert not dead, f"{relpath}: links to missing files: {dead}"

    shot = screenshots / f"{Path(relpath).stem}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert not v.local_errors, f"{relpath}: local resources failed: {v.local_errors}"
    assert not v.js_errors, f"{relpath}: JavaScript errors: {v.js_errors}"
    report(request, f"\nbook {relpath}: {len(local)} images, {math['count']} formulas typeset, "
                  f"{len(v.blocked)} remote requests blocked; screenshot {shot}")


def _article(html):
    """The page's main article (the notebook or the landing page), without the navigation."""
    start, end = html.find("<article"), html.rfind("</article>")
    assert 0 <= start < end, "no <article> in the page"
    return html[start:end]


def _expected_tables(relpath):
    """The tables the page must show: the notebook's Markdown tables and table outputs,
    or, for the landing page, the tables of the part of README.md that it includes."""
    if relpath.startswith("notebooks/"):
        nb = nbformat.read(ROOT / "notebooks" / f"{Path(relpath).stem}.ipynb", as_version=4)
        return sum(notebook_tables(nb))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return markdown_tables(readme.split("## Read online")[0])


@pytest.mark.e2e
@pytest.mark.parametrize("relpath", SERIES, ids=[Path(p).stem for p in SERIES])
def test_book_renders_every_table(relpath, book_dir):
    """Every table is a table: the computed ones (`dw.markdown_table`, text/markdown outputs,
    which MyST-NB renders as plain CommonMark unless told otherwise) as well as those of the
    Markdown cells. A table that did not render leaves its rows as text, pipes and all."""
    html = _article((book_dir / relpath).read_text(encoding="utf-8"))
    rows = pipe_rows(html)
    assert not rows, f"{relpath}: {len(rows)} table rows shown as text, first: {rows[:3]}"
    expected, tables = _expected_tables(relpath), html.count("<table")
    assert tables >= expected, f"{relpath}: {expected} tables in the source, {tables} rendered"


def _launch_links(html):
    """{"Binder": url, "Colab": url, ...}: the launch buttons of a page (sphinx-book-theme's
    dropdown)."""
    start = html.find('class="dropdown dropdown-launch-buttons"')
    if start < 0:
        return {}
    menu = html[start:html.index("</ul>", start)]
    return {title: unescape(href) for href, title in re.findall(
        r'<a href="([^"]+)"[^>]*?title="Launch on ([^"]+)"', menu)}


@pytest.mark.e2e
@pytest.mark.parametrize("relpath", SERIES, ids=[Path(p).stem for p in SERIES])
def test_book_launch_buttons(relpath, book_dir):
    """Each notebook page launches its own notebook, notebooks/NN_name.ipynb of the
    repository named in [project.urls], on Binder (in JupyterLab) and on Colab, at the
    release tag v + __version__ (as the notebooks' own links and install cells);
    the landing page, which is no notebook, has no launch buttons."""
    links = _launch_links((book_dir / relpath).read_text(encoding="utf-8"))
    if not relpath.startswith("notebooks/"):
        assert links == {}, f"{relpath}: launch buttons on a page that is no notebook"
        return
    notebook = f"notebooks/{Path(relpath).stem}.ipynb"
    assert (ROOT / notebook).is_file()
    repo, tag = repository(), f"v{dw.__version__}"
    assert links == {
        "Binder": f"https://mybinder.org/v2/gh/{repo}/{tag}?urlpath=lab/tree/{notebook}",
        "Colab": f"https://colab.research.google.com/github/{repo}/blob/{tag}/{notebook}",
    }, f"{relpath}: launch buttons {links}"


def test_pipe_row_check_sees_a_table_left_as_text():
    """The check above on small pages: a table that rendered, and the same table left as a
    paragraph (with Sphinx's em dashes), in code (allowed) and in math (allowed)."""
    rendered = "<table><tr><th>t</th><th>w</th></tr><tr><td>0</td><td>0.0</td></tr></table>"
    assert pipe_rows(f"<article>{rendered}</article>") == []
    left = "<p>| t | w |\n|\u2014|\u2014|\n| 0 | 0.0 |</p>"
    assert pipe_rows(left) == ["| t | w |", "|\u2014|\u2014|", "| 0 | 0.0 |"]
    assert pipe_rows("<p>text |---| more</p>") == ["|---| more"]
    assert pipe_rows("<pre>| t | w |\n|---|---|</pre><p><code>| a | b |</code></p>") == []
    assert pipe_rows('<span class="math">\\(| x | + | y |\\)</span>') == []
    assert markdown_tables("| t | w |\n|---|:-:|\n| 0 | 0 |\n\n```\n| a | b |\n|---|---|\n```") == 1


@pytest.mark.e2e
def test_book_index_redirects_to_landing_page(visit, server):
    v = visit("index.html")
    v.page.wait_for_url("**/book/index.html", timeout=LOAD_TIMEOUT)
    assert v.page.locator("h1").first.text_content().startswith("dynweights")
    assert not v.local_errors and not v.js_errors


@pytest.mark.e2e
def test_book_landing_page_links_every_notebook(visit, server):
    v = visit("book/index.html")
    hrefs = v.page.evaluate("""() => [...document.querySelectorAll('article a[href]')]
        .map(a => a.href)""")
    for notebook in NOTEBOOKS:
        url = urljoin(server, f"notebooks/{notebook.stem}.html")
        assert url in hrefs, f"the landing page does not link {notebook.stem}"


@pytest.mark.e2e
def test_book_search_finds_a_notebook(visit, server):
    v = visit("search.html?q=cosine")
    results = v.page.locator("#search-results li a")
    results.first.wait_for(timeout=LOAD_TIMEOUT)
    hrefs = [urljoin(v.page.url, h) for h in results.evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")]
    assert any("notebooks/02_cosine.html" in h for h in hrefs), hrefs
    assert not v.local_errors and not v.js_errors


@pytest.mark.e2e
def test_book_screenshots_reported(screenshots, request):
    report(request, f"\nbook screenshots: {screenshots}")


# --------------------------------------------------------------------------- solutions

def _has_solution(cell):
    return build.SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def _synthetic():
    v4 = nbformat.v4
    png = {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}

    def code(source, tags=(), text="1"):
        cell = v4.new_code_cell(source, execution_count=1, outputs=[
            v4.new_output("execute_result", data={"text/plain": text}, execution_count=1)])
        if tags:
            cell.metadata["tags"] = list(tags)
            cell.metadata["jupyter"] = {"source_hidden": True}
        return cell

    solution_md = v4.new_markdown_cell("The answer is 4.")
    solution_md.metadata["tags"] = ["solution"]
    with_figure = code("plot()")
    with_figure.outputs.append(v4.new_output("display_data", data=png))
    return v4.new_notebook(cells=[
        v4.new_markdown_cell("# Title\n\n```python\n# not a heading: inside a fence\n```"),
        code("x = 2"),                                           # 1 kept, outputs kept
        v4.new_markdown_cell("## 1. Section\n\ntext"),
        with_figure,                                             # 3 kept, outputs kept
        v4.new_markdown_cell("## Exercises\n\n### Exercise 1\n\nCompute x squared."),
        code("# your code here", text="None"),                   # 5 outputs cleared
        code("assert x ** 2 == 4\nx ** 2", tags=["solution"]),  # dropped
        solution_md,                                             # dropped
        v4.new_markdown_cell("### Exercise 2\n\n```\n## not a heading\n```"),
        code("y = x + 1\ny"),                                    # 9 outputs cleared
        code("assert y == 3", tags=["remove-input", "solution"]),  # dropped
        v4.new_markdown_cell("## Summary"),
        code("x"),                                               # 12 outputs kept
    ])
