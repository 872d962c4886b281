"""Pinned releases: a class uses one release, the tag `v` + `dynweights.__version__`.

The version is written once, in dynweights.py (pyproject.toml reads it, and
tests/test_dynweights.py checks that and CHANGELOG.md's newest entry). The README's Binder
badge opens its tag, every release tag that README.md and TEACHING.md name is that one, and
each notebook's install cell (what Colab runs) installs it (tools/execute_notebooks.py writes
the tag into the notebooks: CONTRIBUTING.md, "Cutting a release"; tests/test_notebooks.py
checks their raw downloads and Colab links).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import repository

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TEMPLATE = ROOT / "templates" / "NN_topic.ipynb"
BADGE_URL = re.compile(r"https://mybinder\.org/v2/gh/[^\s)\"'<>]+")
RELEASE_TAG = re.compile(r"(?<![\w.])v\d+\.\d+\.\d+\b")


def version():
    """dynweights.__version__, read from the source as pyproject.toml reads it."""
    tree = ast.parse((ROOT / "dynweights.py").read_text(encoding="utf-8"))
    [value] = [node.value.value for node in tree.body if isinstance(node, ast.Assign)
               and [getattr(t, "id", None) for t in node.targets] == ["__version__"]]
    return value


TAG = f"v{version()}"


def test_the_binder_badge_opens_the_release_tag():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    urls = BADGE_URL.findall(readme)
    assert urls, "README.md has no Binder badge"
    for url in urls:
        owner, repo, ref = urlsplit(url).path.split("/")[3:6]
        assert f"{owner}/{repo}" == repository(), url
        assert ref == TAG, f"the Binder badge opens {ref!r}, not the release tag {TAG!r}: {url}"


@pytest.mark.parametrize("name", ["README.md", "TEACHING.md"])
def test_every_release_tag_named_is_the_current_one(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    others = sorted(set(RELEASE_TAG.findall(text)) - {TAG})
    assert not others, f"{name} names {others}; the current release is {TAG}"


def install_line(path):
    """The `%pip install` line of a notebook's first code cell ('' if it has none)."""
    import json

    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = next(("".join(c["source"]) for c in cells if c["cell_type"] == "code"), "")
    return next((line.strip() for line in code.splitlines() if "%pip install" in line), "")


@pytest.mark.parametrize("path", NOTEBOOKS + [TEMPLATE], ids=lambda p: p.stem)
def test_the_install_cell_installs_the_release_tag(path):
    line = install_line(path)
    assert f"git+https://github.com/{repository()}@{TAG}" in line, (
        f"{path.name}: the install cell installs {line!r}, not {TAG}")
