"""Re-execute notebooks in place, byte-stable: `make notebooks` runs this.

    python tools/execute_notebooks.py notebooks/*.ipynb

Each notebook is executed by nbclient in its own folder, as
`jupyter nbconvert --to notebook --execute --inplace` does, with the widget state stored
(`store_widget_state`: nbviewer shows the slider panels' images from it) and no timing
metadata. ipywidgets names every model with a random uuid, so each run would rewrite every
widget id in every notebook; `renumber_widgets` then replaces the ids by ones that depend
only on the notebook's name and the order in which its outputs reach the models, in the
outputs (`model_id` of each widget view), in the stored state (its keys) and in the
references between models (`"IPY_MODEL_<id>"` inside the states), all together, so that
every view still finds its model. nbclient's `coalesce_streams` joins what a cell prints
into one output per stream (how printing is split into messages depends on timing, not on
the code), as nbval joins it when it compares: a cell's printed text is stored as one
block, where its first line was printed. Two runs give the same bytes.

Before executing, `pin_release` makes every address of the repository in the notebook's
cells name the release tag, `v` + `dynweights.__version__` (read from dynweights.py, the one
place that states the version; the repository's owner/name from pyproject.toml's
[project.urls]): the install cell's `git+https://github.com/OWNER/REPO@TAG`, the raw downloads
of files from the repository, and the title's Colab link. So, after `__version__` is bumped,
`make notebooks` points every notebook at the new release, and Colab installs the release the
notebooks were executed with.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import sys
import tomllib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
REFERENCE = "IPY_MODEL_"


def _references(value):
    """Model ids referenced ("IPY_MODEL_<id>") in a widget state, in a fixed order
    (the state's keys sorted, lists in their order)."""
    if isinstance(value, str):
        return [value[len(REFERENCE):]] if value.startswith(REFERENCE) else []
    if isinstance(value, dict):
        return [ref for key in sorted(value) for ref in _references(value[key])]
    if isinstance(value, list):
        return [ref for item in value for ref in _references(item)]
    return []


def _canonical(model):
    """A model's state with its references blanked: orders models no output reaches."""
    text = json.dumps(model, sort_keys=True)
    return re.sub(REFERENCE + r"[0-9A-Za-z_-]+", REFERENCE, text)


def new_id(name, number):
    """The id of the number-th model of notebook ``name``: 32 hex digits, like a uuid's."""
    return hashlib.sha256(f"dynweights:{name}:{number}".encode()).hexdigest()[:32]


def renumber_widgets(nb, name):
    """Give the widget models of ``nb`` deterministic ids (see the module docstring);
    returns {old id: new id}. Models are numbered depth-first from the widget views in
    output order, then the ones no output reaches, ordered by their content."""
    widgets = nb.metadata.get("widgets", {}).get(WIDGET_STATE)
    state = widgets.get("state", {}) if widgets else {}
    order = []

    def visit(model_id):
        if model_id in order or model_id not in state:
            return
        order.append(model_id)
        for ref in _references(state[model_id]):
            visit(ref)

    views = [output["data"][WIDGET_VIEW] for cell in nb.cells
             for output in cell.get("outputs", []) if WIDGET_VIEW in output.get("data", {})]
    for view in views:
        visit(view["model_id"])
    for model_id in sorted(set(state) - set(order), key=lambda m: _canonical(state[m])):
        visit(model_id)
    mapping = {old: new_id(name, number) for number, old in enumerate(order)}

    def rename(value):
        if isinstance(value, str):
            if value.startswith(REFERENCE) and value[len(REFERENCE):] in mapping:
                return REFERENCE + mapping[value[len(REFERENCE):]]
            return value
        if isinstance(value, dict):
            return {key: rename(item) for key, item in value.items()}
        if isinstance(value, list):
            return [rename(item) for item in value]
        return value

    for view in views:
        if view["model_id"] in mapping:
            view["model_id"] = mapping[view["model_id"]]
    if widgets:
        widgets["state"] = {mapping[old]: rename(state[old]) for old in order}
    return mapping


def release(root=ROOT):
    """(owner/name, tag): the repository of pyproject.toml's [project.urls] and the release
    tag `v` + `__version__`, read from dynweights.py's source (nothing is imported)."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    repo = project["urls"]["Repository"].removeprefix("https://github.com/")
    tree = ast.parse((root / "dynweights.py").read_text(encoding="utf-8"))
    [version] = [node.value.value for node in tree.body if isinstance(node, ast.Assign)
                 and [getattr(t, "id", None) for t in node.targets] == ["__version__"]]
    return repo, f"v{version}"


def pin_release(nb, repo, tag):
    """Make every address of the repository ``repo`` in the cells of ``nb`` name ``tag``:
    the install line (`git+https://github.com/OWNER/REPO`, with or without `@ref`), raw
    downloads (`https://raw.githubusercontent.com/OWNER/REPO/<ref>/...`) and Colab links
    (`https://colab.research.google.com/github/OWNER/REPO/blob/<ref>/...`). Returns the
    number of cells changed."""
    name = re.escape(repo)
    ref = r"[\w.-]+"
    patterns = [re.compile(rf"(git\+https://github\.com/{name})(?:@{ref})?(?![\w./@-])"),
                re.compile(rf"(https://raw\.githubusercontent\.com/{name}/){ref}(?=/)"),
                re.compile(rf"(https://colab\.research\.google\.com/github/{name}/blob/)"
                           rf"{ref}(?=/)")]
    changed = 0
    for cell in nb.cells:
        source = cell.source
        source = patterns[0].sub(lambda m: f"{m[1]}@{tag}", source)
        for pattern in patterns[1:]:
            source = pattern.sub(lambda m: f"{m[1]}{tag}", source)
        if source != cell.source:
            cell.source = source
            changed += 1
    return changed


def execute(path, timeout=600, kernel_name="python3"):
    """Execute the notebook at ``path`` in place (in its folder), its addresses of the
    repository pinned to the release tag first (`pin_release`); returns its new text."""
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    pin_release(nb, *release())
    NotebookClient(nb, timeout=timeout, kernel_name=kernel_name, store_widget_state=True,
                   record_timing=False, coalesce_streams=True,
                   resources={"metadata": {"path": str(path.parent.resolve())}}).execute()
    renumber_widgets(nb, path.stem)
    text = nbformat.writes(nb)
    if not text.endswith("\n"):  # as nbconvert writes it
        text += "\n"
    path.write_text(text, encoding="utf-8")
    return text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        print(f"executing {path}", flush=True)
        execute(path, timeout=args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
