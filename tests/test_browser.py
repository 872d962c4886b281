"""The tutorial as a reader uses it: real JupyterLab, driven in headless Chromium.

A JupyterLab server from this environment serves a temporary copy of the repository
(the committed notebooks are never touched). For every notebook, Playwright opens it,
clears the stored outputs, runs all cells from the Run menu, waits for the kernel to go
idle, and checks that every code cell ran, that no cell raised, and that every figure
(static PNG, Markdown image or slider-panel image) was rendered by the browser. A
screenshot of each notebook is saved for a human look (the paths are printed).

In the power notebook the `a` and `T` sliders are moved with the keyboard; each key press
must produce a different plot image, and the time from key press to the new image is
printed (median and p95) with the target (median below 100 ms), met or not: the
project prints timings and never asserts them (shared, noisy machines).

Chromium is Debian's `chromium` package (or any Chromium/Chrome found on PATH or in
$CHROMIUM_PATH), never a browser downloaded by Playwright. Without one, these tests skip
(fail when $CI is set).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conftest import COPY_IGNORE, VIEWPORT, notebook_tables, output_tables, pipe_rows, report

# Every test here drives JupyterLab in Chromium: `make test` runs them, plain `pytest` does not.
pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
POWER_NOTEBOOK = "03_power.ipynb"

SERVER_START_TIMEOUT = 90      # s, JupyterLab answering /api/status
OPEN_TIMEOUT = 90              # s, notebook shown and its kernel idle
RUN_TIMEOUT = 150              # s, all cells of one notebook run (each is < 10 s alone)
IMAGE_TIMEOUT = 20             # s, every image decoded after the run
KEY_TIMEOUT = 10               # s, one slider key press answered by a new image
SLIDER_MOVES = 12              # key presses per slider (6 right, then 6 left)
LATENCY_TARGET_MS = 100.0      # median, key press -> new plot image loaded

# --------------------------------------------------------------------------- helpers

def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _api(url, token, method="GET", timeout=5):
    request = urllib.request.Request(url, method=method,
                                     headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read()
    return json.loads(body) if body else None


def _tail(path, lines=40):
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])
    except OSError:
        return "(no log)"


class Lab:
    """A running JupyterLab server on 127.0.0.1 with a token, serving ``root``."""

    def __init__(self, root, port, token, process, log):
        self.root, self.port, self.token = root, port, token
        self.process, self.log = process, log
        self.base = f"http://127.0.0.1:{port}"

    def shutdown_kernels(self):
        for session in _api(f"{self.base}/api/sessions", self.token):
            _api(f"{self.base}/api/sessions/{session['id']}", self.token, method="DELETE",
                 timeout=20)

    def stop(self):
        """Clean shutdown (kernels too), then terminate, then kill."""
        if self.process.poll() is None:
            try:
                _api(f"{self.base}/api/shutdown", self.token, method="POST", timeout=10)
            except (OSError, urllib.error.URLError):
                pass
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=10)


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def lab(chromium_executable, tmp_path_factory, request):
    """JupyterLab from this venv on a free port, serving a temporary copy of the repo."""
    work = tmp_path_factory.mktemp("lab")
    root = work / "repo"
    shutil.copytree(ROOT, root, ignore=COPY_IGNORE)
    # A fresh user: no user settings but one, every cell attached to the DOM (so every
    # output can be checked and screenshotted). The news prompt and the update check are
    # off through the repository's overrides.json in this venv (`make` puts it there), as
    # on a first `make lab`: test_no_news_prompt_on_first_launch checks that.
    settings = work / "settings" / "@jupyterlab"
    (settings / "notebook-extension").mkdir(parents=True)
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none"}), encoding="utf-8")
    env = dict(os.environ,
               JUPYTER_CONFIG_DIR=str(work / "config"),
               JUPYTER_RUNTIME_DIR=str(work / "runtime"),
               IPYTHONDIR=str(work / "ipython"),
               PYTHONUNBUFFERED="1")
    env.pop("JUPYTER_PATH", None)
    port, token = _free_port(), secrets.token_hex(16)
    log_path = work / "jupyterlab.log"
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--ServerApp.allow_root=True",
        f"--LabApp.user_settings_dir={work / 'settings'}",
        f"--LabApp.workspaces_dir={work / 'workspaces'}",
        # window.jupyterapp: read cell outputs from the notebook model, not from pixels
        "--LabApp.expose_app_in_browser=True",
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = Lab(root, port, token, process, log_path)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterLab exited with code {process.returncode}:\n"
                            f"{_tail(log_path)}")
            try:
                _api(f"{server.base}/api/status", token)
                break
            except (OSError, urllib.error.URLError, ValueError):
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer /api/status within "
                                f"{SERVER_START_TIMEOUT} s:\n{_tail(log_path)}")
                time.sleep(0.3)
        report(request, f"\nJupyterLab {server.base} serving {root} (log: {log_path})")
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def screenshots(request):
    """A folder for the screenshots that outlives pytest's rotation of its tmp dirs:
    $DYNWEIGHTS_SCREENSHOTS if set, else a new folder under the system's temp dir."""
    folder = os.environ.get("DYNWEIGHTS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
    else:
        folder = tempfile.mkdtemp(prefix="dynweights-screenshots-")
    folder = Path(folder)
    yield folder
    report(request, f"\nnotebook screenshots: {folder}")


def _load_lab(page, lab):
    """JupyterLab in a fresh, empty workspace (nothing restored from an earlier page)."""
    workspace = "t-" + secrets.token_hex(4)
    page.goto(f"{lab.base}/lab/workspaces/{workspace}?token={lab.token}",
              timeout=OPEN_TIMEOUT * 1000)
    page.wait_for_function("() => !!window.jupyterapp", timeout=OPEN_TIMEOUT * 1000)
    page.evaluate("async () => { await window.jupyterapp.restored; }")


@pytest.fixture(scope="module")
def lab_page(browser, lab):
    """One browser page with JupyterLab loaded once; the tests open notebooks in it."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    try:
        _load_lab(page, lab)
        yield page
    finally:
        context.close()


@pytest.fixture
def page(lab_page, lab):
    """The JupyterLab page; afterwards the test's notebook is closed, its kernel shut down."""
    try:
        yield lab_page
    finally:
        try:
            lab_page.evaluate("""async () => {
                const panel = window.__nb;
                window.__nb = undefined;
                if (!panel || panel.isDisposed) return;
                await panel.sessionContext.shutdown();
                panel.dispose();
            }""")
            clean = not lab_page.evaluate(_DIALOGS)
        except PlaywrightError:
            clean = False
        lab.shutdown_kernels()
        if not clean:  # a dialog or a broken page: start the next test on a fresh load
            _load_lab(lab_page, lab)


# --------------------------------------------------------------------------- driving JupyterLab
# window.__nb is the NotebookPanel of the notebook under test (set by open_notebook).

def _menu(page, top, item):
    """Click a main-menu entry, as a reader would: e.g. Run > Run All Cells."""
    page.locator(".lm-MenuBar-item", has_text=top).first.click()
    label = page.locator(".lm-Menu-itemLabel", has_text=re.compile(rf"^{re.escape(item)}$"))
    entry = page.locator(".lm-Menu-content > .lm-Menu-item").filter(has=label).first
    entry.click()


_OPEN = """async (path) => {
    const app = window.jupyterapp;
    await app.restored;
    // Open only once the kernel specs are known: otherwise JupyterLab may ask which
    // kernel to start (a "Select Kernel" dialog), a race seen on a busy machine.
    await app.serviceManager.kernelspecs.ready;
    const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
    await panel.context.ready;
    await panel.sessionContext.ready;
    window.__nb = panel;
    return panel.context.path;
}"""

_KERNEL_READY = """() => {
    const kernel = window.__nb.sessionContext.session?.kernel;
    return !!kernel && kernel.status === 'idle' && kernel.connectionStatus === 'connected';
}"""

_DIALOGS = """() => [...document.querySelectorAll('.jp-Dialog')]
    .map(d => d.innerText.replace(/\\s+/g, ' ').trim())"""

_CELL_STATE = """() => {
    const panel = window.__nb, cells = panel.content.model.cells, state = [];
    for (let i = 0; i < cells.length; i++) {
        const cell = cells.get(i);
        if (cell.type !== 'code') continue;
        state.push({index: i, source: cell.sharedModel.getSource(),
                    count: cell.executionCount, outputs: cell.outputs.toJSON()});
    }
    const prompts = [...panel.node.querySelectorAll('.jp-InputPrompt')]
        .map(e => e.textContent.trim());
    return {cells: state, busy: prompts.some(p => p.includes('*')),
            kernel: panel.sessionContext.session?.kernel?.status};
}"""

_CLEARED = """() => {
    const cells = window.__nb.content.model.cells;
    for (let i = 0; i < cells.length; i++) {
        const cell = cells.get(i);
        if (cell.type === 'code' && (cell.executionCount !== null || cell.outputs.length))
            return false;
    }
    return true;
}"""

# Done: no cell queued or running ([*]), kernel idle, and every non-empty code cell has
# an execution count, or a cell raised (JupyterLab then skips the cells after it).
_RUN_FINISHED = """() => {
    const panel = window.__nb;
    if ([...panel.node.querySelectorAll('.jp-InputPrompt')].some(e => e.textContent.includes('*')))
        return false;
    if (panel.sessionContext.session?.kernel?.status !== 'idle') return false;
    const cells = panel.content.model.cells;
    let pending = false;
    for (let i = 0; i < cells.length; i++) {
        const cell = cells.get(i);
        if (cell.type !== 'code') continue;
        if (cell.outputs.toJSON().some(o => o.output_type === 'error')) return true;
        if (cell.sharedModel.getSource().trim() && cell.executionCount === null)
            pending = true;
    }
    return !pending;
}"""

_IMAGE_SELECTOR = ".jp-OutputArea-output img, .jp-RenderedMarkdown img"

# Every <img> in the outputs (static PNGs, slider-panel images) and in rendered Markdown:
# loaded and decoded with a real size.
_IMAGES = """(selector) => [...window.__nb.node.querySelectorAll(selector)].map(img => ({
    src: (img.getAttribute('src') || '').slice(0, 80), complete: img.complete,
    width: img.naturalWidth, height: img.naturalHeight,
    widget: img.classList.contains('widget-image')}))"""

# The rendered tables, in outputs and in all, and the HTML of every rendered Markdown.
_TABLES = """() => {
    const node = window.__nb.node;
    return {outputs: node.querySelectorAll('.jp-OutputArea-output table').length,
            all: node.querySelectorAll('.jp-RenderedMarkdown table').length,
            html: [...node.querySelectorAll('.jp-RenderedMarkdown')]
                .map(e => e.outerHTML).join('\\n')};
}"""

_IMAGES_READY = """(selector) => [...window.__nb.node.querySelectorAll(selector)]
    .every(img => img.complete && img.naturalWidth > 0)"""


def open_notebook(page, relpath):
    """Open the notebook in the JupyterLab page (as a double click in the file browser
    does) and wait until its kernel is idle."""
    page.evaluate(_OPEN, relpath)
    try:
        page.wait_for_function(_KERNEL_READY, timeout=OPEN_TIMEOUT * 1000, polling=200)
    finally:
        dialogs = page.evaluate(_DIALOGS)
        assert not dialogs, f"JupyterLab shows a dialog on opening {relpath}: {dialogs}"


def run_all(page):
    """Clear the stored outputs, Run > Run All Cells, wait for the run to finish.

    Clearing first makes the execution counts and outputs checked afterwards the ones
    this run produced (the committed notebook already has counts and figures).
    """
    _menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(_CLEARED, timeout=10_000)
    started = time.monotonic()
    _menu(page, "Run", "Run All Cells")
    # Finished twice in a row, 0.5 s apart: widgets keep the kernel briefly busy after
    # the last cell.
    deadline = started + RUN_TIMEOUT
    while True:
        page.wait_for_function(_RUN_FINISHED, polling=200,
                               timeout=max(1.0, deadline - time.monotonic()) * 1000)
        seconds = time.monotonic() - started
        page.wait_for_timeout(500)
        if page.evaluate(_RUN_FINISHED) or time.monotonic() > deadline:
            break
    dialogs = page.evaluate(_DIALOGS)
    assert not dialogs, f"JupyterLab shows a dialog after Run All: {dialogs}"
    return seconds


def full_page_screenshot(page, path):
    """Grow the viewport to the whole notebook (it scrolls inside a panel), then shoot."""
    extra = page.evaluate("""() => {
        const scroller = window.__nb.content.node.querySelector('.jp-WindowedPanel-outer')
                         || window.__nb.content.node;
        scroller.scrollTop = 0;
        return scroller.scrollHeight - scroller.clientHeight;
    }""")
    height = VIEWPORT["height"] + max(0, int(extra))
    page.set_viewport_size({"width": VIEWPORT["width"], "height": min(height, 20000)})
    page.wait_for_timeout(500)
    page.screenshot(path=str(path))
    page.set_viewport_size(VIEWPORT)


def _error_text(output):
    tb = "\n".join(output.get("traceback", []))
    return f"{output.get('ename')}: {output.get('evalue')}\n{tb}"[:3000]


# --------------------------------------------------------------------------- tests

@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.name for nb in NOTEBOOKS])
def test_notebook_runs_in_jupyterlab(notebook, lab, page, screenshots, request):
    relpath = notebook.relative_to(ROOT).as_posix()
    js_errors = len(page.js_errors)
    started = time.monotonic()
    open_notebook(page, relpath)
    opened = time.monotonic() - started
    ran = run_all(page)
    state = page.evaluate(_CELL_STATE)

    errors = [(c["index"], o) for c in state["cells"] for o in c["outputs"]
              if o["output_type"] == "error"]
    assert not errors, "cell raised in JupyterLab:\n" + "\n\n".join(
        f"cell {i}: {_error_text(o)}" for i, o in errors)
    code = [c for c in state["cells"] if c["source"].strip()]
    not_run = [c["index"] for c in code if c["count"] is None]
    assert not not_run, f"code cells without an execution count after Run All: {not_run}"
    counts = [c["count"] for c in code]
    assert counts == sorted(counts) and len(set(counts)) == len(counts), (
        f"cells did not run once each, in order: execution counts {counts}")
    assert not state["busy"], "cells still queued or running ([*]) after the run"

    # Every figure rendered: each image/png output is shown as a decoded <img>, each
    # widget image (slider panel) too, and so is every image in Markdown.
    try:
        page.wait_for_function(_IMAGES_READY, arg=_IMAGE_SELECTOR,
                               timeout=IMAGE_TIMEOUT * 1000)
    except PlaywrightTimeout:
        pass  # reported by the asserts below, naming the images
    images = page.evaluate(_IMAGES, _IMAGE_SELECTOR)
    broken = [img for img in images if not (img["complete"] and img["width"] > 0)]
    assert not broken, f"images that did not render: {broken}"
    expected_png = sum("image/png" in o.get("data", {})
                       for c in state["cells"] for o in c["outputs"])
    static = [img for img in images if not img["widget"]]
    assert len(static) >= expected_png, (
        f"{expected_png} image/png outputs but only {len(static)} rendered images")
    views = [c["index"] for c in state["cells"] for o in c["outputs"]
             if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    if views:
        not_shown = page.evaluate("""() => [...window.__nb.node
            .querySelectorAll('.jp-OutputArea-output')]
            .filter(e => /Error displaying widget|Loading widget|model not found/i
                         .test(e.textContent)).map(e => e.textContent.slice(0, 200))""")
        assert not not_shown, f"widgets that did not render: {not_shown}"
        widget_images = sum(img["widget"] for img in images)
        assert widget_images >= len(views), (
            f"{len(views)} widget outputs (cells {views}) but {widget_images} plot images")

    # Every table is a table: those of the Markdown cells, and the computed ones
    # (`dw.markdown_table`, text/markdown outputs) that this run produced.
    in_cells, _ = notebook_tables(json.loads(notebook.read_text(encoding="utf-8")))
    in_outputs = sum(output_tables(o) for c in state["cells"] for o in c["outputs"])
    shown = page.evaluate(_TABLES)
    assert shown["outputs"] >= in_outputs, (
        f"{in_outputs} table outputs but {shown['outputs']} tables in the outputs")
    assert shown["all"] >= in_cells + in_outputs, (
        f"{in_cells + in_outputs} tables in the notebook but {shown['all']} rendered")
    rows = pipe_rows(shown["html"])
    assert not rows, f"table rows shown as text: {rows[:3]}"

    shot = screenshots / f"{notebook.stem}.png"
    full_page_screenshot(page, shot)
    stderr = sum(o.get("name") == "stderr" for c in state["cells"] for o in c["outputs"])
    report(request,
         f"\n{notebook.name}: opened in {opened:.1f} s, ran in {ran:.1f} s; "
         f"{len(images)} images ({sum(i['widget'] for i in images)} in widgets), "
         f"{stderr} stderr outputs, {len(page.js_errors) - js_errors} page errors; "
         f"screenshot {shot}")


_WATCH_IMAGE = """(img) => {
    // performance.now() of each key press (capture phase: before any handler), of each
    // change of the image's src and of each load of a new image.
    window.__dw = {keys: [], changes: [], loads: []};
    window.addEventListener('keydown', () => window.__dw.keys.push(performance.now()), true);
    new MutationObserver(() => window.__dw.changes.push(performance.now()))
        .observe(img, {attributes: true, attributeFilter: ['src']});
    img.addEventListener('load', () => window.__dw.loads.push(performance.now()));
}"""

_IMAGE_BYTES = """async (img) => {
    const bytes = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000)
        text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(text);
}"""


def _percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


# Run in the notebook's kernel after the key presses (not in a cell): the same panel's
# redraw timed inside the kernel, to tell kernel time from transport and browser time.
_KERNEL_REDRAW = """
import json as _json, statistics as _st, time as _time
import dynweights as _dw
_box = _dw.explore(["power"], total_steps=100, max_weight=1.0, a=2.0)
_s = {w.description.split()[0]: w for row in _box.children[:-1] for w in row.children}
_wall, _cpu = [], []
for _i in range(24):
    _t, _c = _time.perf_counter(), _time.process_time()
    if _i % 2:
        _s["T"].value += 1 if _i < 12 else -1
    else:
        _s["a"].value *= 10 ** (0.01 if _i < 12 else -0.01)
    _wall.append(_time.perf_counter() - _t)
    _cpu.append(_time.process_time() - _c)
print(_json.dumps({"wall": 1000 * _st.median(_wall), "cpu": 1000 * _st.median(_cpu)}))
for _w in [_box, *_box.children]:
    _w.close()
for _w in _s.values():
    _w.close()
"""

_EXECUTE_QUIETLY = """async (code) => {
    const kernel = window.__nb.sessionContext.session.kernel;
    const future = kernel.requestExecute({code, silent: false, store_history: false});
    let out = '';
    future.onIOPub = (msg) => {
        if (msg.header.msg_type === 'stream') out += msg.content.text;
        if (msg.header.msg_type === 'error') out += msg.content.ename + ': ' + msg.content.evalue;
    };
    await future.done;
    return out;
}"""


def test_power_sliders_redraw_fast(lab, page, request):
    relpath = f"notebooks/{POWER_NOTEBOOK}"
    assert (lab.root / relpath).exists(), f"{relpath} is missing"
    open_notebook(page, relpath)
    run_all(page)
    panels = page.locator(".jp-NotebookPanel .jp-OutputArea-output").filter(
        has=page.locator(".widget-slider .widget-label", has_text="a (power)"))
    assert panels.count() == 1, (f"expected one power slider panel in {relpath}, "
                                 f"found {panels.count()}")
    panel = panels.first
    image = panel.locator("img.widget-image")
    assert image.count() == 1
    image.scroll_into_view_if_needed()
    image.evaluate(_WATCH_IMAGE)

    def png():
        return hashlib.sha256(base64.b64decode(image.evaluate(_IMAGE_BYTES))).hexdigest()

    sliders = {}
    for label in ("a (power)", "T (total steps)"):
        slider = panel.locator(".widget-slider").filter(
            has=page.locator(".widget-label", has_text=label))
        assert slider.count() == 1, f"no slider {label!r} in the power panel"
        sliders[label] = (slider.locator(".noUi-handle"), slider.locator(".widget-readout"))

    latencies = {label: [] for label in sliders}  # ms, key press -> new image loaded
    to_src = []                                    # ms, key press -> image src changed
    # a, T, a, T, ...: both sliders see the same machine load
    for move in range(SLIDER_MOVES):
        key = "ArrowRight" if move < SLIDER_MOVES // 2 else "ArrowLeft"
        for label, (handle, readout) in sliders.items():
            handle.focus()
            before, shown = png(), readout.text_content()
            n = page.evaluate("[window.__dw.keys.length, window.__dw.changes.length,"
                              " window.__dw.loads.length]")
            page.keyboard.press(key)
            page.wait_for_function(
                f"window.__dw.changes.length > {n[1]} && window.__dw.loads.length > {n[2]}",
                timeout=KEY_TIMEOUT * 1000, polling="raf")
            page.wait_for_timeout(100)  # let a late second update show up before comparing
            marks = page.evaluate("window.__dw")
            pressed = marks["keys"][n[0]]
            latencies[label].append(marks["loads"][n[2]] - pressed)
            to_src.append(marks["changes"][n[1]] - pressed)
            assert readout.text_content() != shown, f"{label}: {key} did not move the slider"
            assert png() != before, (f"{label}: {key} moved the slider to "
                                     f"{readout.text_content()} but the plot did not change")

    kernel = json.loads(page.evaluate(_EXECUTE_QUIETLY, _KERNEL_REDRAW).strip())
    every = [ms for values in latencies.values() for ms in values]
    median = statistics.median(every)
    lines = [f"\nslider latency in {relpath}, key press -> new plot image loaded, "
             f"{len(every)} moves:"]
    for label, values in latencies.items():
        lines.append(f"  {label:16s} median {statistics.median(values):6.1f} ms, "
                     f"p95 {_percentile(values, 0.95):6.1f} ms  (n={len(values)})")
    met = "met" if median < LATENCY_TARGET_MS else "NOT met"
    lines.append(f"  {'all':16s} median {median:6.1f} ms, "
                 f"p95 {_percentile(every, 0.95):6.1f} ms  (target: median < "
                 f"{LATENCY_TARGET_MS:.0f} ms: {met})")
    lines.append(f"  key press -> image src changed: median {statistics.median(to_src):.1f} ms;"
                 f" the redraw alone in the kernel (same panel, 24 updates): median "
                 f"{kernel['wall']:.1f} ms wall, {kernel['cpu']:.1f} ms CPU")
    # Printed, not asserted: the project never asserts wall-clock times in tests (these
    # machines are shared and noisy); a miss shows as "NOT met" in every test run.
    report(request, "\n".join(lines))


NEWS_PROMPT = "Would you like to get notified about official Jupyter news?"
NOTIFICATION_SETTINGS = "@jupyterlab/apputils-extension:notification"


def test_no_news_prompt_on_first_launch(browser, lab, request):
    """A first launch (empty user settings) shows no news prompt: the repository's
    overrides.json (installed into the venv by `make`, and on Binder by postBuild) makes
    fetchNews "false" and checkForUpdates false the defaults. Checked to fail without it
    (the prompt's toast is found)."""
    overrides = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert overrides.is_file(), (f"{overrides} is missing: `make .venv/.test` installs the "
                                 "repository's overrides.json there")
    assert overrides.read_bytes() == (ROOT / "overrides.json").read_bytes()
    served = _api(f"{lab.base}/lab/api/settings/{NOTIFICATION_SETTINGS}", lab.token)
    defaults = {key: served["schema"]["properties"][key]["default"]
                for key in ("fetchNews", "checkForUpdates")}
    assert defaults == {"fetchNews": "false", "checkForUpdates": False}, defaults
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        _load_lab(page, lab)
        # the prompt is emitted once the app is restored and the settings are loaded
        page.wait_for_timeout(3000)
        text = page.evaluate("() => document.body.innerText")
        toasts = page.evaluate("() => [...document.querySelectorAll("
                               "'.jp-toast-container, .Toastify, .jp-Notification-Toast')]"
                               ".map(e => e.innerText).filter(t => t.trim())")
    finally:
        context.close()
    assert NEWS_PROMPT not in text, f"JupyterLab asks about news on first launch: {toasts}"
    assert not toasts, f"JupyterLab shows notifications on first launch: {toasts}"
    report(request, f"\nfirst launch: no news prompt, no notification ({overrides} in effect)")
