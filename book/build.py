"""Build the book and the student edition (`make book`, `make student`).

    python book/build.py book      # build/book/: static HTML of notebooks 00-11 (Sphinx)
    python book/build.py student   # build/student/: notebooks without solution cells

The book is rendered from the stored outputs (nothing is executed), with warnings as
errors, into an emptied build/book/ each time (an incremental build would not repeat the
warnings of pages it does not re-read, and could keep pages that no longer exist). The
student edition drops every cell tagged `solution` and clears the outputs of the code cells
in each notebook's Exercises section.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
BOOK = ROOT / "build" / "book"
STUDENT = ROOT / "build" / "student"
# Everything the book is made from: the notebooks, the landing page's README, the config.
BOOK_SOURCES = ["notebooks/[0-9][0-9]_*.ipynb", "README.md", "pyproject.toml", "book/**/*"]
# Written after a successful build; the tests rebuild when a source is newer than it.
STAMP = BOOK / ".built"

SPHINX_ARGS = ["-W", "--keep-going", "-q", "-c", str(ROOT / "book"),
               str(ROOT), str(BOOK)]


def notebooks():
    """The series in order: 00_overview.ipynb ... 11_vae_lab.ipynb."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def book_is_stale():
    if not STAMP.exists():
        return True
    built = STAMP.stat().st_mtime
    return any(path.is_file() and path.stat().st_mtime > built
               for pattern in BOOK_SOURCES for path in ROOT.glob(pattern))


def build_book():
    """Run Sphinx; return its exit code (0: built with no warning)."""
    from sphinx.cmd.build import build_main

    # no page or asset left over from an earlier build (MyST-NB keeps the outputs it
    # extracts in build/jupyter_execute/)
    for folder in (BOOK, ROOT / "build" / "jupyter_execute"):
        if folder.exists():
            shutil.rmtree(folder)
    code = build_main(SPHINX_ARGS)
    if code == 0:
        STAMP.touch()
    return code


# --------------------------------------------------------------------------- student

SOLUTION_TAG = "solution"
_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def _headings(markdown):
    """(level, title) of each Markdown heading, skipping fenced code blocks."""
    fenced = False
    for line in markdown.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and (match := _HEADING.match(line)):
            yield len(match[1]), match[2]


def student_notebook(nb):
    """A copy of the notebook `nb` (nbformat node) for students: every cell tagged
    `solution` removed (nbconvert's TagRemovePreprocessor), and the outputs and execution
    counts of the code cells in the Exercises section (from a heading "Exercises" of level
    1 or 2 to the next heading of level 1 or 2) cleared: no nbconvert preprocessor clears
    the outputs of one section."""
    import copy

    from nbconvert.preprocessors import TagRemovePreprocessor

    nb, _ = TagRemovePreprocessor(remove_cell_tags={SOLUTION_TAG}).preprocess(
        copy.deepcopy(nb), {})
    in_exercises = False
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for level, title in _headings(cell.source):
                if level <= 2:
                    in_exercises = title.lower().startswith("exercises")
        elif cell.cell_type == "code" and in_exercises:
            cell.outputs = []
            cell.execution_count = None
    return nb


def build_student(sources=None, target=STUDENT):
    """Write the student edition of each notebook in `sources` (default: the series)
    to `target`, replacing what was there; return the paths written."""
    import nbformat

    sources = notebooks() if sources is None else list(sources)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    written = []
    for source in sources:
        nb = student_notebook(nbformat.read(source, as_version=4))
        nbformat.validate(nb)
        path = target / Path(source).name
        nbformat.write(nb, path)
        written.append(path)
    return written


def main(argv):
    if argv == ["book"]:
        code = build_book()
        if code == 0:
            print(f"book: {BOOK / 'index.html'}")
        return code
    if argv == ["student"]:
        written = build_student()
        print(f"student edition: {len(written)} notebooks in {STUDENT}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
