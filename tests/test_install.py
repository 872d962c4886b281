"""The route without `make` (TEACHING.md: Windows, or anywhere): in a clone of the repository,

    python -m venv .venv
    (activate it)
    pip install -e ".[notebooks]"
    jupyter lab

run in a fresh venv inside a copy of the repository (its POSIX form: the commands are the
same on Windows but for the activation and `.venv\\Scripts\\`). Then `import dynweights` works
from the copy, every library the notebooks import is there at the version the `notebooks`
extra pins, `jupyter lab --version` answers, and strict nbval re-executes
notebooks/00_overview.ipynb there (pytest and nbval added only to run that check). pip's
cache keeps it short; the times are printed. The venv helpers are the Binder test's
(conftest.py).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tomllib
from pathlib import Path

import pytest

from conftest import COPY_IGNORE, nbval_passed, pinned, report, run_step, venv_env

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "notebooks/00_overview.ipynb"
_IMPORT = re.compile(r"^\s*(?:import|from)\s+([A-Za-z_]\w*)", re.MULTILINE)
# import name -> distribution name, where they differ
DISTRIBUTIONS = {"IPython": "ipython", "sklearn": "scikit-learn"}


def notebook_libraries():
    """The top-level modules that the notebooks' code cells import, without the standard
    library, dynweights itself and what lies in the repository (examples/frameworks.py)."""
    local = {path.stem for path in ROOT.glob("examples/*.py")} | {"dynweights",
                                                                   "dynweights_display"}
    names = set()
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                names.update(_IMPORT.findall("".join(cell["source"])))
    return sorted(names - set(sys.stdlib_module_names) - local)


def notebooks_extra():
    """{distribution: version} of the `notebooks` extra of pyproject.toml (exact pins)."""
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"]["notebooks"]
    return dict(pin.split("==") for pin in extra)


def test_notebook_libraries_are_found():
    libraries = notebook_libraries()
    assert {"numpy", "matplotlib", "ipywidgets"} <= set(libraries), libraries
    assert "frameworks" not in libraries and "json" not in libraries


@pytest.mark.e2e
def test_plain_pip_route_in_a_fresh_venv(tmp_path, request):
    repo = tmp_path / "dynweights"
    shutil.copytree(ROOT, repo, ignore=COPY_IGNORE)
    venv = repo / ".venv"
    python = str(venv / "bin" / "python")
    env = venv_env(venv, tmp_path)

    def run(step, command, timeout):
        return run_step(step, command, repo, env, timeout)

    times = {}
    times["venv"], _ = run("python -m venv .venv", [sys.executable, "-m", "venv", ".venv"], 120)
    times["pip install"], _ = run(
        'pip install -e ".[notebooks]"',
        [python, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e",
         ".[notebooks]"], 900)

    # dynweights from the copy (an editable install), and the notebooks' libraries at the
    # versions of the `notebooks` extra
    libraries = notebook_libraries()
    script = ("import importlib, importlib.metadata as md, json, sys\n"
              "import dynweights\n"
              "versions = {dist: md.version(dist) for name, dist in json.loads(sys.argv[1])}\n"
              "[importlib.import_module(name) for name, _ in json.loads(sys.argv[1])]\n"
              "print(json.dumps({'dynweights': dynweights.__file__, 'versions': versions}))")
    pairs = [(name, DISTRIBUTIONS.get(name, name)) for name in libraries]
    _, result = run("import", [python, "-c", script, json.dumps(pairs)], 120)
    found = json.loads(result.stdout)
    assert Path(found["dynweights"]).resolve() == (repo / "dynweights.py").resolve()
    pins = notebooks_extra()
    for dist, version in found["versions"].items():
        if dist in pins:
            assert version == pins[dist], f"{dist} {version} installed, {pins[dist]} pinned"
    missing = {DISTRIBUTIONS.get(name, name) for name in libraries} - set(found["versions"])
    assert not missing, missing

    _, lab = run("jupyter lab --version", [str(venv / "bin" / "jupyter"), "lab", "--version"],
                 120)
    assert lab.stdout.strip() == pins["jupyterlab"], lab.stdout

    times["test tools"], _ = run("pip install pytest nbval", [
        python, "-m", "pip", "install", "--disable-pip-version-check", "-q",
        *pinned("test", "pytest", "nbval")], 300)
    times["nbval"], result = run("strict nbval", [
        python, "-m", "pytest", "-o", "addopts=", "-p", "no:cacheprovider", "--nbval", "-q",
        NOTEBOOK], 600)
    assert nbval_passed(result), result.stdout[-2000:]
    report(request, f'\nplain pip route (python -m venv, pip install -e ".[notebooks]", '
                    f"strict nbval on {NOTEBOOK}): "
                    + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in times.items())
                    + f"; total {sum(times.values()):.0f} s")
