"""Repository consistency: environment.yml (what Binder builds) agrees with pyproject.toml,
the pins are the installed versions, postBuild is executable, every text file is read with
an explicit encoding, and no file cites a document that is not in the repository."""

import ast
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def environment():
    # PyYAML comes with jupyterlab (through jupyter-events), not with the fast tier
    yaml = pytest.importorskip("yaml")
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


def test_postbuild_is_executable_in_git_too():
    """Binder clones the repository and runs ./postBuild (tests/test_binder.py runs it in a
    fresh venv): the executable bit must be in git, not only on this disk."""
    path = ROOT / "postBuild"
    assert path.read_text(encoding="utf-8").startswith("#!"), "postBuild needs a shebang line"
    assert os.access(path, os.X_OK), "postBuild is not executable (chmod +x postBuild)"
    if (ROOT / ".git").exists() and shutil.which("git"):
        staged = subprocess.run(["git", "ls-files", "-s", "postBuild"], cwd=ROOT,
                                capture_output=True, text=True).stdout
        if staged:
            assert staged.startswith("100755"), (
                f"postBuild is not executable in git: {staged.strip()} "
                "(git update-index --chmod=+x postBuild)")


def test_every_top_level_module_is_installed(pyproject):
    modules = pyproject["tool"]["setuptools"]["py-modules"]
    assert sorted(modules) == sorted(path.stem for path in ROOT.glob("*.py"))


def test_pinned_versions_are_the_installed_ones(pyproject):
    """The pins are the versions the tests run with (the `frameworks` extra is checked by
    tests/test_frameworks.py, where it is installed)."""
    from importlib.metadata import PackageNotFoundError, version
    from importlib.util import find_spec

    if find_spec("nbval") is None and not os.environ.get("CI"):
        pytest.skip("the test extra is not installed here (`make .venv/.test` installs it)")
    extras = pyproject["project"]["optional-dependencies"]
    pins = {**pip_pins(extras["notebooks"]), **pip_pins(extras["test"]),
            **pip_pins(extras["book"])}
    for name, pinned in pins.items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            pytest.fail(f"{name} is pinned but not installed")
        assert installed == pinned, f"{name}: pinned {pinned}, installed {installed}"


def test_the_book_extra_is_not_in_environment_yml(environment, pyproject):
    """Binder builds the notebooks, not the book."""
    book = pip_pins(pyproject["project"]["optional-dependencies"]["book"])
    assert not set(book) & set(pip_pins(env_pip_list(environment)))


def tracked_files():
    """The repository's files: git's list where there is one, else every file but the
    virtual environment, build output and caches."""
    if (ROOT / ".git").exists() and shutil.which("git"):
        listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                                capture_output=True, text=True, check=True).stdout
        return sorted(ROOT / name for name in listed.splitlines() if (ROOT / name).is_file())
    skip = {".git", ".venv", "build", "__pycache__", ".pytest_cache", ".hypothesis"}
    return sorted(path for path in ROOT.rglob("*")
                  if path.is_file() and not skip & set(path.relative_to(ROOT).parts))


TEXT_SUFFIXES = {".py", ".md", ".ipynb", ".toml", ".yml", ".yaml", ".json", ".txt", ".cfg"}
# A document that is not in the repository: an issue number, the project's design notes,
# and (in code, whose docstrings once did) a numbered rule of a list kept elsewhere; a
# notebook may number the rules of its own derivation. Say the rule or the fact instead.
OUTSIDE = re.compile(r"\bissue\s+#?\d+|\b(?:SCHEDULES|DESIGN|COMMON)\.md\b|\bdesign card\b",
                     re.IGNORECASE)
OUTSIDE_IN_CODE = re.compile(r"\brules?\s+\d+\b(?!\s+of\b)", re.IGNORECASE)


def test_no_file_cites_a_document_outside_the_repository():
    cited = {}
    for path in tracked_files():
        if path.suffix in TEXT_SUFFIXES or path.name in ("Makefile", "postBuild"):
            text = path.read_text(encoding="utf-8")
            found = {match.group(0) for match in OUTSIDE.finditer(text)}
            if path.suffix == ".py":
                found |= {match.group(0) for match in OUTSIDE_IN_CODE.finditer(text)}
            if found:
                cited[str(path.relative_to(ROOT))] = sorted(found)
    assert not cited, f"citations of documents outside the repository: {cited}"


def test_text_files_are_opened_with_an_explicit_encoding():
    """open(), read_text() and write_text() in text mode name their encoding: without one,
    Python uses the locale's (cp1252 on Windows), and the notebooks are not ASCII."""
    missing = []
    for path in tracked_files():
        if path.suffix != ".py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            keywords = {keyword.arg for keyword in node.keywords}
            if name in ("read_text", "write_text") or (
                    isinstance(node.func, ast.Name) and name == "open"):
                mode = [arg.value for arg in node.args[1:2] if isinstance(arg, ast.Constant)]
                if "encoding" not in keywords and not any("b" in str(m) for m in mode):
                    missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not missing, f"text opened without encoding=: {missing}"


def test_pre_commit_runs_the_pinned_ruff(pyproject):
    text = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    match = re.search(r"astral-sh/ruff-pre-commit\s*\n\s*rev:\s*v?([0-9.]+)", text)
    assert match, ".pre-commit-config.yaml does not run ruff-pre-commit at a version"
    assert match[1] == pip_pins(pyproject["project"]["optional-dependencies"]["test"])["ruff"]


# --------------------------------------------------------------------------- version floors

def makefile_variable(name):
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{name}\s*:?=\s*(.+)$", text, re.MULTILINE)
    assert match, f"Makefile does not set {name}"
    return match[1].strip()


def test_test_min_runs_the_floors_the_module_claims(pyproject):
    """`make test-min` installs exactly the oldest numpy that `dependencies` admits, and the
    `test` extra's pytest and hypothesis; requires-python's floor is the Python the
    workflows and ruff use."""
    floor = re.fullmatch(r"numpy\s*>=\s*([0-9.]+)", pyproject["project"]["dependencies"][0])[1]
    assert makefile_variable("MIN_NUMPY") == ".".join((floor.split(".") + ["0", "0"])[:3])
    pins = dict(pin.split("==") for pin in makefile_variable("MIN_PINS").split())
    test = pip_pins(pyproject["project"]["optional-dependencies"]["test"])
    assert pins == {"numpy": "$(MIN_NUMPY)", "pytest": test["pytest"],
                    "hypothesis": test["hypothesis"]}
    assert pyproject["project"]["requires-python"] == ">=3.11"
    assert pyproject["tool"]["ruff"]["target-version"] == "py311"
    assert "per-file-target-version" not in pyproject["tool"]["ruff"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test-min$", ci, re.MULTILINE), ".ci/run does not run make test-min"


# --------------------------------------------------------------------------- GitHub
# The workflows run only where the repository is hosted on GitHub; here actionlint checks
# them (make lint, make test), and these tests check what they run.

def load_yaml(relpath):
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load((ROOT / relpath).read_text(encoding="utf-8"))


def steps(job):
    return job.get("steps", [])


def runs(job):
    return [step["run"] for step in steps(job) if "run" in step]


def uses(job):
    return [step["uses"].split("@")[0] for step in steps(job) if "uses" in step]


def test_test_workflow_runs_make_test_and_test_min_on_python_3_11():
    jobs = load_yaml(".github/workflows/test.yml")["jobs"]
    test, minimum = jobs["test"], jobs["test-min"]
    assert "make test" in runs(test)
    # Debian's Python 3.11 and Debian's chromium (a package, not Ubuntu's snap)
    assert re.fullmatch(r"python:3\.11-\w+", test["container"]["image"])
    assert any("apt-get install" in run and "chromium" in run for run in runs(test))
    assert "make test-min" in runs(minimum)
    [setup] = [step for step in steps(minimum) if step.get("uses", "").startswith(
        "actions/setup-python@")]
    assert setup["with"]["python-version"] == "3.11"


def test_book_workflow_deploys_build_book_to_pages():
    workflow = load_yaml(".github/workflows/book.yml")
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert "make book" in runs(build)
    assert {"actions/checkout", "actions/configure-pages",
            "actions/upload-pages-artifact"} <= set(uses(build))
    [upload] = [step for step in steps(build)
                if step.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert upload["with"]["path"] == "build/book"
    assert uses(deploy) == ["actions/deploy-pages"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert workflow["permissions"] == {"contents": "read"}


def test_dependabot_updates_pip_and_actions():
    config = load_yaml(".github/dependabot.yml")
    assert config["version"] == 2
    assert sorted(update["package-ecosystem"] for update in config["updates"]) == [
        "github-actions", "pip"]


def test_readme_names_the_pages_address(pyproject):
    """The book's address on GitHub Pages follows from [project.urls]: OWNER.github.io/NAME."""
    url = pyproject["project"]["urls"]["Repository"]
    owner, name = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+)", url).groups()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    online = readme.split("## Read online", 1)[1].split("\n## ", 1)[0]
    assert f"https://{owner.lower()}.github.io/{name}/" in online
