"""Shared pytest hooks, the hypothesis profiles, and what the fast tier leaves out.

Plain `pytest` needs only pytest and hypothesis (and numpy): a test file that imports a
library which is not installed is not collected, and the report header names it. With
the environment variable CI set, every file is collected, so a missing library fails.

Hypothesis profiles (the property tests in tests/test_dynweights.py take their example
counts from these; no test sets its own):

- ``default``: 100 examples per property test, a new random seed each run (locally: a
  fast tier that still finds new cases run after run).
- ``ci``: 300 examples, derandomized (the seed is derived from each test, so a CI run is
  reproducible); chosen automatically when the environment variable CI is set.
- ``thorough``: 15000 examples per property test, random; run it with
  ``make test-thorough``.

``HYPOTHESIS_PROFILE=<name>`` picks a profile explicitly and wins over CI.
"""

import os
import re
import shutil
import subprocess
import time
import tomllib
from html.parser import HTMLParser
from importlib.util import find_spec
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# The libraries each test file imports when it is collected, beyond pytest and hypothesis.
NEEDS = {
    "test_figures.py": ["matplotlib"],
    "test_notebooks.py": ["nbformat"],
    "test_book.py": ["nbformat"],
    "test_student.py": ["nbformat", "nbconvert"],
    "test_browser.py": ["playwright"],
    "test_vae.py": ["sklearn"],
}
MISSING = {name: [module for module in modules if find_spec(module) is None]
           for name, modules in NEEDS.items()}
MISSING = {name: modules for name, modules in MISSING.items() if modules}
collect_ignore = [] if os.environ.get("CI") else list(MISSING)

# What a test that copies the repository (Binder, browser) leaves behind.
COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "venv", "__pycache__", ".ipynb_checkpoints", "*.egg-info",
    ".pytest_cache", ".hypothesis", "build", "dist")


# --------------------------------------------------------------------------- a fresh venv
# tests/test_binder.py (environment.yml's pip list and postBuild) and tests/test_install.py
# (`pip install -e ".[notebooks]"`) each build one and run commands in it.

def venv_env(venv, scratch):
    """The environment for commands run in the venv `venv`: its bin/ first on PATH, no
    variable that points Python or Jupyter elsewhere, and Jupyter's, IPython's and
    matplotlib's configuration and data in the folder `scratch` (not the user's)."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "JUPYTER_PATH",
                          "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR")}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=str(venv),
               JUPYTER_CONFIG_DIR=str(scratch / "jupyter-config"),
               JUPYTER_DATA_DIR=str(scratch / "jupyter-data"),
               JUPYTER_RUNTIME_DIR=str(scratch / "jupyter-runtime"),
               IPYTHONDIR=str(scratch / "ipython"), MPLCONFIGDIR=str(scratch / "mpl"))
    return env


def run_step(step, command, cwd, env, timeout):
    """Run `command` in `cwd` with `env`; fail with the ends of its output if it fails.
    Returns (seconds it took, the CompletedProcess)."""
    started = time.monotonic()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, (
        f"{step} failed ({result.returncode}):\n{result.stdout[-3000:]}\n"
        f"{result.stderr[-3000:]}")
    return time.monotonic() - started, result


def pinned(extra, *names):
    """The exact pins (`name==version`) of `names` in the extra `extra` of pyproject.toml."""
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    requirements = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"][
        "optional-dependencies"][extra]
    pins = [req for req in requirements if re.match(r"([A-Za-z0-9_.\-]+)", req)[1] in names]
    assert len(pins) == len(names), (names, requirements)
    return pins


def repository():
    """owner/name of the repository, from pyproject.toml's [project.urls], the one place that
    names it (the Binder badge, Colab links, install cells and launch buttons use it)."""
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    url = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["urls"]["Repository"]
    match = re.fullmatch(r"https://github\.com/([\w.-]+/[\w.-]+)", url)
    assert match, f"[project.urls] Repository is not a GitHub repository URL: {url!r}"
    return match[1]


def nbval_passed(result):
    """Whether a `pytest --nbval -q` run (its CompletedProcess) passed every cell."""
    lines = result.stdout.splitlines()
    return (bool(re.search(r"\b\d+ passed\b", result.stdout))
            and bool(lines) and not re.search(r"\b(failed|error)", lines[-1]))


def report(request, text):
    """Report a line (paths, timings) in the "dynweights report" section of pytest's
    summary (`pytest_terminal_summary` below).

    A test's lines travel in its report's user_properties, so they reach the summary
    from pytest-xdist workers too; a fixture's line is printed at once, pytest's output
    capture suspended.
    """
    if hasattr(request.node, "user_properties"):
        request.node.user_properties.append(("dynweights-report", text))
        return
    capman = request.config.pluginmanager.getplugin("capturemanager")
    with capman.global_and_fixture_disabled():
        print(text, flush=True)

# --------------------------------------------------------------------------- tables
# A computed table (`dw.markdown_table`, a text/markdown output) must render as a table
# wherever the notebooks are read: the book (tests/test_book.py), JupyterLab
# (tests/test_browser.py) and GitHub's renderer (tests/test_notebooks.py). A renderer that
# does not read pipe tables shows the rows as a paragraph of text with their pipes.

_FENCE = re.compile(r"^\s*(```|~~~)")
# The delimiter row under a table's header: |---|---| (colons for alignment)
_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)+\|?\s*$")
# A table row left as text: a line | a | b | of two cells or more, or a delimiter |---|
# (Sphinx's smart quotes turn --- into an em dash, -- into an en dash).
PIPE_ROW = re.compile(r"^[ \t]*\|[^|\n]*\|[^|\n]*\|.*$"
                      r"|\|[ \t]*:?(?:-{3,}|[\u2013\u2014]+):?[ \t]*\|.*$", re.MULTILINE)


def _text(source):
    return "".join(source) if isinstance(source, list) else source


def markdown_tables(markdown):
    """The number of pipe tables in Markdown text: delimiter rows under a row with a pipe,
    outside fenced code."""
    count, fenced, previous = 0, False, ""
    for line in markdown.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and "|" in previous and _DELIMITER_ROW.match(line):
            count += 1
        previous = line
    return count


def output_tables(output):
    """The tables a notebook output holds: pipe tables of its text/markdown (what a reader
    sees of `dw.markdown_table`), else the <table> elements of its text/html."""
    data = output.get("data", {})
    if "text/markdown" in data:
        return markdown_tables(_text(data["text/markdown"]))
    return _text(data.get("text/html", "")).count("<table")


def notebook_tables(nb):
    """(tables in Markdown cells, table outputs) of a notebook (an nbformat node or the
    dict of its JSON): every one must be a <table> wherever the notebook is shown."""
    cells = sum(markdown_tables(_text(cell["source"])) for cell in nb["cells"]
                if cell["cell_type"] == "markdown")
    outputs = sum(output_tables(output) for cell in nb["cells"]
                  for output in cell.get("outputs", []))
    return cells, outputs


class _VisibleText(HTMLParser):
    """The text of an HTML page a reader sees as prose: without code (pre, code), scripts,
    styles and math source (elements of class `math`)."""

    SKIP = {"pre", "code", "script", "style", "textarea", "svg", "math", "head"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.parts = [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        skip = tag in self.SKIP or "math" in classes or bool(self.stack and self.stack[-1][1])
        self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not (self.stack and self.stack[-1][1]):
            self.parts.append(data)


def pipe_rows(html):
    """The lines of an HTML page's prose (code and math left out) that are pipe-table rows
    left as text: a table that did not render."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return [match.group(0).strip() for match in PIPE_ROW.finditer("".join(parser.parts))]


# deadline=None: a schedule of 2000 steps, or a first call that imports numpy's
# internals, may take longer than hypothesis's 200 ms default on a loaded machine.
settings.register_profile("default", max_examples=100, deadline=None)
settings.register_profile("ci", max_examples=300, deadline=None, derandomize=True,
                          database=None, print_blob=True)
settings.register_profile("thorough", max_examples=15000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
settings.load_profile(PROFILE)


def pytest_report_header(config):
    chosen = settings.get_profile(PROFILE)
    seed = "derandomized" if chosen.derandomize else "random seed"
    lines = [f"hypothesis profile: {PROFILE!r} ({chosen.max_examples} examples per "
             f"property test, {seed})"]
    if collect_ignore:
        lines.append("not collected, libraries missing (`make test` installs them): " + ", ".join(
            f"{name} ({', '.join(MISSING[name])})" for name in collect_ignore))
    return lines


def pytest_terminal_summary(terminalreporter):
    """Print what the tests reported for a human (tests/test_browser.py: screenshot paths,
    slider latency), once each, after the run; this works under pytest-xdist as well."""
    lines = []
    for reports in terminalreporter.stats.values():
        for report in reports:
            for name, text in getattr(report, "user_properties", ()):
                if name == "dynweights-report" and text not in lines:
                    lines.append(text)
    if lines:
        terminalreporter.section("dynweights report")
        for text in lines:
            terminalreporter.write_line(text.strip("\n"))


# --------------------------------------------------------------------------- Chromium
# The browser of the e2e tests (tests/test_browser.py, tests/test_book.py).

# Headless Chromium as root on a machine with a closed network: no sandbox, no GPU, no
# background connections to Google's services (refused here, and slow to fail).
# Playwright gives every launch a fresh, empty --user-data-dir of its own.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}


def _find_chromium():
    candidates = [os.environ.get("CHROMIUM_PATH")]
    candidates += [shutil.which(name) for name in (
        "chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")]
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


@pytest.fixture(scope="module")
def chromium_executable():
    path = _find_chromium()
    if path is None:
        # CI installs Chromium (.ci/run): there, a missing browser is a failure, not a skip
        (pytest.fail if os.environ.get("CI") else pytest.skip)(
            "browser test needs Chromium or Chrome and none was found (looked at "
            "$CHROMIUM_PATH and chromium, chromium-browser, google-chrome on PATH); "
            "install Debian's package: `sudo apt-get install chromium` "
            "(or set CHROMIUM_PATH to a Chromium/Chrome executable)")
    return path


@pytest.fixture(scope="module")
def browser(chromium_executable):
    """Chromium driven by Playwright (tests/test_browser.py, tests/test_book.py)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable,
                                             args=CHROMIUM_FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
