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
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


@pytest.fixture(scope="module")
def environment():
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def conda_pins(environment):
    """{name: version} of the conda dependencies; every one pinned to one exact version."""
    pins = {}
    for dep in environment["dependencies"]:
        assert isinstance(dep, str), f"environment.yml must not have a pip section: {dep!r}"
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*=\s*([0-9][0-9A-Za-z.]*)", dep.strip())
        assert match, f"environment.yml: {dep!r} is not pinned as name=version"
        pins[match[1].lower()] = match[2]
    return pins


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


def test_environment_matches_notebooks_extra(environment, pyproject):
    conda = conda_pins(environment)
    conda.pop("python")
    extra = pip_pins(pyproject["project"]["optional-dependencies"]["notebooks"])
    assert conda == extra  # same packages, same exact versions, both ways


def test_python_version_satisfies_requires_python(environment, pyproject):
    python = conda_pins(environment)["python"]
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
    assert version_tuple(conda_pins(environment)["numpy"]) >= version_tuple(minimum[1])


def test_environment_does_not_install_the_repository(environment):
    text = (ROOT / "environment.yml").read_text()
    for dep in environment["dependencies"]:
        assert not isinstance(dep, dict), f"pip section in environment.yml: {dep!r}"
        assert "dynweights" not in dep
    assert not re.search(r"^\s*-\s*(-e\s+)?\.\s*$", text, re.M)
    assert "-e ." not in text and "pip:" not in text


def test_postbuild_installs_the_repository(pyproject):
    path = ROOT / "postBuild"
    assert path.is_file()
    assert os.access(path, os.X_OK), "postBuild must be executable"
    lines = [line.strip() for line in path.read_text().splitlines()]
    assert lines[0].startswith("#!")
    assert any(re.fullmatch(r"(python3? -m )?pip install --no-deps -e \.", line)
               for line in lines), lines
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
