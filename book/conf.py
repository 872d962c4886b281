"""Sphinx configuration of the book: the notebooks 00-11 as a static HTML site.

Built by `make book` (book/build.py runs `sphinx-build -W --keep-going -c book . build/book`
on an emptied build/book/), so the source directory is the repository root (the notebooks
stay where they are, nothing is copied) and `include_patterns` picks the landing page, the
teachers' page and the notebooks. MyST-NB renders the stored outputs; nothing is executed.
Nothing is downloaded at build time, and a page needs nothing from the network: MathJax is
served from the book itself (`_copy_mathjax`) and each slider panel is shown as its stored
image (`panels_as_images`).
"""

import html
import json
import shutil
import sys
import tomllib
from importlib.util import find_spec
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
sys.path.insert(0, str(ROOT))
import dynweights  # noqa: E402  (the version is written once, in the module)

project = "dynweights"
author = "the dynweights authors"
copyright = "the dynweights authors, MIT licence"
release = version = dynweights.__version__

extensions = ["myst_nb", "sphinx_design"]
root_doc = "book/index"
include_patterns = ["book/index.md", "book/TEACHING.md", "notebooks/[0-9][0-9]_*.ipynb"]
exclude_patterns = ["**/.ipynb_checkpoints"]
templates_path = ["_templates"]

# The stored outputs are the book: never re-execute (nbval and the browser test do that).
nb_execution_mode = "off"
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
# A text/markdown output (every computed table: dw.markdown_table) is read as MyST, like the
# Markdown cells: MyST-NB's default, plain CommonMark, has no tables and would show their
# rows as a paragraph of pipes. JupyterLab and GitHub read such an output as GFM, with tables.
nb_render_markdown_format = "myst"

# ---- HTML
html_theme = "sphinx_book_theme"
html_title = "dynweights: dynamic loss weights"
html_last_updated_fmt = None
# The download button offers each page's notebook (copied to _sources/).
html_show_sourcelink = False
# Launch buttons: each notebook page links to that notebook on Binder (JupyterLab) and on
# Colab, in the repository of [project.urls], at the release tag v + __version__ (what the
# notebooks' Colab links, install cells and the README's Binder badge name). The source
# directory is the repository's root, so a page's docname is its path there
# (notebooks/03_power) and `path_to_docs` is empty.
html_theme_options = {
    "repository_url": _project["urls"]["Repository"],
    "repository_branch": f"v{version}",
    "path_to_docs": "",
    "use_repository_button": True,
    "launch_buttons": {
        "binderhub_url": "https://mybinder.org",
        "colab_url": "https://colab.research.google.com",
        "notebook_interface": "jupyterlab",
    },
    "show_navbar_depth": 1,
    "home_page_in_toc": True,
}
# Light or dark as the reader's system prefers (left empty, the theme logs an error).
html_context = {"default_mode": "auto"}
# build/book/index.html: a redirect to the landing page (book/index.html), so that the
# book opens from the top of the output folder.
html_additional_pages = {"index": "redirect.html"}

# ---- MathJax, served locally: the MathJax 3 bundle from the django-static-mathjax wheel
# (a plain copy of MathJax's own release files), tex-chtml-full (every TeX extension
# inside, so nothing is autoloaded) and its fonts, copied into _static/mathjax.
_MATHJAX = Path(find_spec("mathjax").submodule_search_locations[0]) / "static" / "mathjax" / "es5"
mathjax_path = "mathjax/tex-chtml-full.js"


def _copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "mathjax"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(_MATHJAX / "tex-chtml-full.js", target)
    shutil.copytree(_MATHJAX / "output" / "chtml" / "fonts" / "woff-v2",
                    target / "output" / "chtml" / "fonts" / "woff-v2", dirs_exist_ok=True)


# ---- Solutions: folded in the book as they are in JupyterLab (the student edition drops
# them). The notebooks mark them with the tag `solution` and JupyterLab's
# `source_hidden`/`outputs_hidden`, which MyST-NB does not read, so each notebook is
# rewritten as Sphinx reads it (the file is untouched): a code solution gets MyST-NB's
# tags `hide-input` (and `hide-output` when its output is hidden), a Markdown solution is
# wrapped in a closed sphinx-design dropdown with the class `solution`.
SOLUTION_TAG = "solution"


def fold_solutions(notebook):
    """The notebook (a dict, as json.loads gives it) with its solution cells folded."""
    for cell in notebook["cells"]:
        metadata = cell.setdefault("metadata", {})
        tags = metadata.get("tags", [])
        if SOLUTION_TAG not in tags:
            continue
        if cell["cell_type"] == "code":
            hide = ["hide-input"]
            if metadata.get("jupyter", {}).get("outputs_hidden") and cell.get("outputs"):
                hide.append("hide-output")
            metadata["tags"] = tags + [tag for tag in hide if tag not in tags]
        elif cell["cell_type"] == "markdown":
            source = "".join(cell["source"])
            fence = ":" * max(4, 1 + max((len(run) for run in source.split() if
                                          run and set(run) == {":"}), default=0))
            cell["source"] = (f"{fence}{{dropdown}} Solution\n:class-container: solution\n\n"
                              f"{source}\n{fence}\n")
    return notebook


# ---- Slider panels: a panel is an ipywidgets VBox of sliders and an Image holding the
# PNG of its figure; the notebook stores all of it in its widget state. MyST-NB would
# embed that state and load a widget manager from a CDN to draw the panel, whose sliders
# would then move without redrawing anything (there is no kernel). Instead the book shows
# the panel's stored image with the sliders' stored values, and needs no network.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _panel_models(state, model_id):
    """The widget model `model_id` and its descendants, breadth first."""
    queue = [model_id]
    while queue:
        model = state.get(queue.pop(0))
        if model is not None:
            yield model
            queue += [ref.removeprefix("IPY_MODEL_") for ref in model["state"].get("children", [])]


def _panel_html(models):
    """<figure> with the panel's PNG and its sliders' values, or None if it has no PNG."""
    images = [m for m in models if m["model_name"] == "ImageModel"
              and m["state"].get("format") == "png"]
    pngs = [b["data"] for m in images for b in m.get("buffers", [])
            if b.get("path") == ["value"] and b.get("encoding") == "base64"]
    if len(images) != 1 or len(pngs) != 1:
        return None
    values = ", ".join(f"{m['state']['description']} = {m['state']['value']:g}"
                       for m in models if m["model_name"].endswith("SliderModel"))
    caption = (f"The slider panel as stored: {values}. Its sliders redraw the figure "
               f"in JupyterLab, on Binder or on Colab.")
    return (f'<figure class="slider-panel"><img src="data:image/png;base64,{pngs[0]}" '
            f'alt="slider panel" style="max-width: 100%"><figcaption>'
            f'{html.escape(caption)}</figcaption></figure>')


def panels_as_images(notebook):
    """The notebook (a dict) with each slider panel output replaced by its stored image;
    the widget state goes when no panel is left (so no widget manager is loaded)."""
    metadata = notebook.setdefault("metadata", {})
    state = metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    left = 0
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                continue
            figure = _panel_html(list(_panel_models(state, view["model_id"])))
            if figure is None:
                left += 1
            else:
                output["data"] = {"text/html": figure}
    if not left:
        metadata.pop("widgets", None)
    return notebook


def _prepare_notebook(app, docname, source):
    if docname.startswith("notebooks/"):
        source[0] = json.dumps(panels_as_images(fold_solutions(json.loads(source[0]))))


def setup(app):
    app.connect("source-read", _prepare_notebook)
    # MathJax on every page: the notebook titles carry math ($w$, $T$, $a$), and they
    # appear in the navigation of pages that have no math of their own (the landing page).
    app.set_html_assets_policy("always")
    app.connect("build-finished", _copy_mathjax)
