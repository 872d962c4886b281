"""Binder readiness: what mybinder.org would build from this repository, checked offline.

`jupyter-repo2docker --no-build --debug .` (the tool Binder runs) prints the Dockerfile it
would build without needing Docker. The repository must be built by the conda build pack
from the root `environment.yml`, then run the executable `postBuild` on the copied repo,
and the README's Binder badge must open JupyterLab on the overview notebook.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from conftest import COPY_IGNORE, nbval_passed, pinned, report, run_step, venv_env

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_NOTEBOOK = "notebooks/00_overview.ipynb"
# https://mybinder.org/v2/gh/<owner>/<repo>/<ref>?labpath=<url-encoded path>
BADGE_URL = re.compile(r"https://mybinder\.org/v2/gh/[^\s)\"'<>]+")
R2D_TIMEOUT = 120  # s; it takes about a second


def _repo2docker():
    here = Path(sys.executable).with_name("jupyter-repo2docker")
    found = str(here) if here.exists() else shutil.which("jupyter-repo2docker")
    assert found, ("jupyter-repo2docker is missing: it comes with the test extra, "
                   "`pip install -e '.[notebooks,test]'`")
    return found


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory):
    """The working tree without .git, .venv and caches, as repo2docker's input."""
    copy = tmp_path_factory.mktemp("binder") / "repo"
    shutil.copytree(ROOT, copy, ignore=COPY_IGNORE)
    return copy


@pytest.fixture(scope="module")
def r2d(repo_copy):
    """stdout (the Dockerfile) and stderr (the log) of repo2docker --no-build --debug."""
    result = subprocess.run([_repo2docker(), "--no-build", "--debug", "."], cwd=repo_copy,
                            capture_output=True, text=True, timeout=R2D_TIMEOUT,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0, (
        f"repo2docker exited with {result.returncode}:\n{result.stderr[-3000:]}")
    return result.stdout, result.stderr


@pytest.mark.e2e
@pytest.mark.filterwarnings("ignore:pythonjsonlogger.jsonlogger has been moved")
def test_repo2docker_picks_the_conda_build_pack(repo_copy, r2d, monkeypatch):
    from repo2docker.app import Repo2Docker
    from repo2docker.buildpacks import CondaBuildPack

    # The same choice repo2docker makes before rendering: the first build pack that
    # detects its files, in its order of precedence.
    app = Repo2Docker()
    monkeypatch.chdir(repo_copy)
    picked = next((bp for bp in (BP(base_image=app.base_image) for BP in app.buildpacks)
                   if bp.detect()), None)
    assert type(picked) is CondaBuildPack, (
        f"repo2docker would use {type(picked).__name__}, not CondaBuildPack")

    dockerfile, log = r2d
    python = re.search(r"^\s*-\s*python\s*=\s*([\d.]+)\s*$",
                       (ROOT / "environment.yml").read_text(encoding="utf-8"), re.MULTILINE)
    assert python, "environment.yml pins no python version"
    assert f"Building conda environment for python={python.group(1)}" in log, log
    assert "src/environment.yml" in dockerfile
    assert re.search(r'env update -p \$\{NB_PYTHON_PREFIX\} --file "environment.yml"',
                     dockerfile), "the Dockerfile does not build environment.yml"


@pytest.mark.e2e
def test_repo2docker_runs_postbuild_after_copying_the_repo(r2d):
    dockerfile, _ = r2d
    lines = [line.strip() for line in dockerfile.splitlines()]
    assert "RUN ./postBuild" in lines, "the Dockerfile does not run postBuild"
    copy_repo = next((i for i, line in enumerate(lines)
                      if re.fullmatch(r"COPY (--chown=\S+ )?src/ \$\{REPO_DIR\}/", line)), None)
    assert copy_repo is not None, "the Dockerfile does not copy the repository"
    # postBuild installs dynweights from the repository, so it must run after the copy
    assert copy_repo < lines.index("RUN ./postBuild")


def _badges():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme, BADGE_URL.findall(readme)


def test_readme_binder_badge_opens_the_overview_notebook():
    readme, urls = _badges()
    assert urls, ("README.md has no Binder badge: add "
                  "[![Binder](https://mybinder.org/badge_logo.svg)]"
                  "(https://mybinder.org/v2/gh/OWNER/REPO/HEAD?labpath="
                  "notebooks%2F00_overview.ipynb)")
    assert "https://mybinder.org/badge_logo.svg" in readme
    for url in urls:
        parts = urlsplit(url)
        path = parts.path.split("/")  # ['', 'v2', 'gh', owner, repo, ref...]
        assert len(path) >= 6 and all(path[3:6]), f"badge URL lacks owner/repo/ref: {url}"
        labpath = parse_qs(parts.query).get("labpath")
        assert labpath, f"badge URL has no ?labpath= (JupyterLab would open on the " \
                        f"file browser, not a notebook): {url}"
        target = unquote(labpath[0])
        assert (ROOT / target).is_file(), f"badge labpath names a missing file: {target}"
        assert target == DEFAULT_NOTEBOOK, (
            f"Binder should open {DEFAULT_NOTEBOOK} by default, the badge opens {target}")
        # the repository that [project.urls] names, the one place that names it
        project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
        assert project["urls"]["Repository"].endswith("/" + "/".join(path[3:5])), url


# --------------------------------------------------------------------------- Binder-equivalent run

def _environment():
    import yaml

    return yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


@pytest.mark.e2e
def test_binder_equivalent_venv_runs_the_overview_under_strict_nbval(tmp_path, request):
    """What Binder does, without Docker: a fresh venv with environment.yml's Python gets
    exactly environment.yml's `pip:` list, then `postBuild` runs in a copy of the
    repository with that venv first on PATH, and strict nbval re-executes
    notebooks/00_overview.ipynb there (pytest and nbval added, after postBuild, only to
    run the check). pip's cache makes a second run fast; the times are printed."""
    env_file = _environment()
    python_version = next(dep.split("=")[1] for dep in env_file["dependencies"]
                          if isinstance(dep, str) and dep.startswith("python="))
    if sys.version_info[:2] == tuple(int(x) for x in python_version.split(".")[:2]):
        python = sys.executable
    else:
        python = shutil.which(f"python{python_version}")
        if python is None:
            pytest.skip(f"environment.yml wants Python {python_version}; no "
                        f"python{python_version} found")
    pip_list = next(dep["pip"] for dep in env_file["dependencies"] if isinstance(dep, dict))
    repo = tmp_path / "repo"
    shutil.copytree(ROOT, repo, ignore=COPY_IGNORE)
    venv = tmp_path / "venv"
    bin_dir = venv / "bin"
    env = venv_env(venv, tmp_path)

    def run(step, command, timeout):
        return run_step(step, command, repo, env, timeout)

    times = {}
    times["venv"], _ = run("venv", [python, "-m", "venv", str(venv)], 120)
    pip = [str(bin_dir / "python"), "-m", "pip", "install", "--disable-pip-version-check",
           "-q"]
    times["pip list"], _ = run("pip install (environment.yml)", pip + pip_list, 900)
    times["postBuild"], _ = run("postBuild", [str(repo / "postBuild")], 300)
    # JupyterLab's defaults (no news prompt) where this environment's JupyterLab reads them
    installed = venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert installed.read_bytes() == (ROOT / "overrides.json").read_bytes()
    times["test tools"], _ = run("pip install pytest nbval",
                                 pip + pinned("test", "pytest", "nbval"), 300)
    # postBuild's install is the one Python imports: from the repository copy
    _, where = run("import", [str(bin_dir / "python"), "-c",
                              "import dynweights; print(dynweights.__file__)"], 60)
    assert Path(where.stdout.strip()).resolve() == (repo / "dynweights.py").resolve()
    times["nbval"], result = run(
        "strict nbval", [str(bin_dir / "python"), "-m", "pytest", "-o", "addopts=",
                         "-p", "no:cacheprovider", "--nbval", "-q", DEFAULT_NOTEBOOK], 600)
    assert nbval_passed(result), result.stdout[-2000:]
    report(request, "\nBinder-equivalent venv (environment.yml pip list, postBuild, strict "
                     f"nbval on {DEFAULT_NOTEBOOK}): "
            + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in times.items())
            + f"; total {sum(times.values()):.0f} s")
