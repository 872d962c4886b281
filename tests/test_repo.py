"""Repository consistency: environment.yml (what Binder builds) agrees with pyproject.toml."""

import os
import re
import tomllib
from pathlib import Path

import pytest
import yaml  # PyYAML: already installed with jupyterlab (via jupyter-events)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def environment():
    return yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


def conda_deps(environment):
    """The conda (non-pip) dependencies, as strings."""
    return [dep for dep in environment["dependencies"] if isinstance(dep, str)]


def conda_python(environment):
    pythons = [re.fullmatch(r"python\s*=\s*([0-9.]+)", dep.strip())
               for dep in conda_deps(environment)]
    found = [match[1] for match in pythons if match]
    assert len(found) == 1, f"environment.yml must pin python once: {conda_deps(environment)}"
    return found[0]


def env_pip_list(environment):
    """The requirements of environment.yml's `pip:` section."""
    sections = [dep["pip"] for dep in environment["dependencies"]
                if isinstance(dep, dict) and "pip" in dep]
    assert len(sections) == 1, "environment.yml needs exactly one `pip:` section"
    return sections[0]


def pip_pins(requirements):
    pins = {}
    for req in requirements:
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*==\s*([0-9][0-9A-Za-z.]*)", req.strip())
        assert match, f"pyproject.toml: {req!r} is not pinned as name==version"
        pins[match[1].lower().replace("_", "-")] = match[2]
    return pins


def version_tuple(text):
    return tuple(int(part) for part in text.split("."))


def test_environment_uses_conda_forge_only(environment):
    assert environment["channels"] == ["conda-forge"]


def test_environment_takes_python_and_pip_from_conda_forge(environment):
    # everything else comes from PyPI through pip: the wheels the tests run with
    assert sorted(dep.strip() for dep in conda_deps(environment)) == ["pip", "python=3.11"]


def test_environment_pip_pins_equal_the_notebooks_extra(environment, pyproject):
    pinned = pip_pins(env_pip_list(environment))
    extra = pip_pins(pyproject["project"]["optional-dependencies"]["notebooks"])
    assert pinned == extra  # same packages, same exact versions, both ways
    assert len(env_pip_list(environment)) == len(extra), "a package listed twice"


def test_environment_uses_the_default_index(environment):
    # no --index-url, --extra-index-url or --find-links: pip's default index, as the
    # tests' `pip install -e '.[notebooks,test]'`
    for req in env_pip_list(environment):
        assert not req.strip().startswith("-"), f"pip option in environment.yml: {req!r}"


def test_python_version_satisfies_requires_python(environment, pyproject):
    python = conda_python(environment)
    spec = pyproject["project"]["requires-python"]
    match = re.fullmatch(r">=\s*([0-9.]+)", spec)
    assert match, f"unexpected requires-python {spec!r}"
    assert version_tuple(python)[:2] >= version_tuple(match[1])[:2]


def test_numpy_is_the_only_required_dependency(pyproject, environment):
    deps = pyproject["project"]["dependencies"]
    assert [re.match(r"[A-Za-z0-9_.\-]+", d)[0] for d in deps] == ["numpy"]
    # the notebooks pin satisfies the minimum
    minimum = re.fullmatch(r"numpy\s*>=\s*([0-9.]+)", deps[0])
    assert minimum
    assert version_tuple(pip_pins(env_pip_list(environment))["numpy"]) >= \
        version_tuple(minimum[1])


def test_environment_does_not_install_the_repository(environment):
    # postBuild does, after Binder has copied the repository
    for req in [*conda_deps(environment), *env_pip_list(environment)]:
        assert "dynweights" not in req and req.strip() not in (".", "-e .", "-e.")
        assert not req.strip().startswith(("-e", "./", "file:", "git+")), req


def test_postbuild_installs_the_repository(pyproject):
    path = ROOT / "postBuild"
    assert path.is_file()
    assert os.access(path, os.X_OK), "postBuild must be executable"
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    assert lines[0].startswith("#!")
    assert any(re.fullmatch(r"(python3? -m )?pip install --no-deps -e \.", line)
               for line in lines), lines
    # JupyterLab's defaults for this repository, where Binder's JupyterLab reads them
    text = path.read_text(encoding="utf-8")
    assert "cp overrides.json" in text and "share/jupyter/lab/settings" in text
    modules = pyproject["tool"]["setuptools"]["py-modules"]
    assert modules == ["dynweights", "dynweights_display"]
    assert all((ROOT / f"{module}.py").is_file() for module in modules)


def test_pinned_versions_are_the_installed_ones(pyproject):
    """The pins are the versions the tests run with."""
    from importlib.metadata import PackageNotFoundError, version

    extras = pyproject["project"]["optional-dependencies"]
    for name, pinned in {**pip_pins(extras["notebooks"]), **pip_pins(extras["test"])}.items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            pytest.fail(f"{name} is pinned but not installed")
        assert installed == pinned, f"{name}: pinned {pinned}, installed {installed}"


def test_jupyterlab_overrides_switch_off_news_and_update_check():
    """overrides.json: JupyterLab's defaults for this repository (postBuild and the
    Makefile install it; tests/test_browser.py checks a first launch shows no prompt)."""
    import json

    overrides = json.loads((ROOT / "overrides.json").read_text(encoding="utf-8"))
    assert overrides == {"@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false", "checkForUpdates": False}}
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "cp overrides.json $(LAB_SETTINGS)/overrides.json" in makefile
    assert "LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings" in makefile
