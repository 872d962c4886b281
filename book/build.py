"""Build the book and the student edition (`make book`, `make student`).

    python book/build.py book      # build/book/: static HTML of notebooks 00-11 (Sphinx)
    python book/build.py student   # build/student/: notebooks without solution cells

The book is rendered from the stored outputs (nothing is executed), with warnings as
errors, into an emptied build/book/ each time (an incremental build would not repeat the
warnings of pages it does not re-read, and could keep pages that no longer exist).

The student edition (`student_notebook`) drops every cell tagged `solution` or `teacher`,
clears the outputs of the code cells in each notebook's Exercises section, puts an empty
answer cell (Markdown, tagged `answer`) after each exercise, and replaces the title cell's
"Open in Colab" link, which opens the full notebook, with a line that says how to upload
the student's own copy to Colab.
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
# Everything the book is made from: the notebooks, the landing page's README, the teachers'
# page, the config.
BOOK_SOURCES = ["notebooks/[0-9][0-9]_*.ipynb", "README.md", "TEACHING.md", "pyproject.toml",
                "book/**/*"]
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
# Cells the student edition drops besides the solutions: anything a student must not see
# (a sentence of the Summary that gives an exercise's answer away, a note for teachers).
TEACHER_TAG = "teacher"
REMOVED_TAGS = {SOLUTION_TAG, TEACHER_TAG}
# The empty cell put after each exercise, for the student's answer.
ANSWER_TAG = "answer"
ANSWER_TEXT = "*Your answer:*"
# The title cell's link to the full notebook on Colab, and what replaces it.
COLAB_LINK = re.compile(r"\s*·?\s*\[Open in Colab\]\(https://colab\.research\.google\.com/[^)]*\)")
UPLOAD_LINE = ("*To run this notebook on Colab, open <https://colab.research.google.com>, "
               "choose File > Upload notebook and pick this file.*")
_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# An exercise starts with a heading "### Exercise 1" (level 2 to 6, maybe followed by more:
# "### Exercise 2 (predict first)") or a paragraph "**Exercise 1.**" or
# "**Exercise 3 (choose and defend).**".
_EXERCISE = re.compile(r"^(?:(#{2,6})\s+|\*\*)Exercise\s+\d+\b", re.IGNORECASE)


def _lines(markdown):
    """The lines of `markdown`, those of fenced code blocks (and the fences) blanked."""
    fenced = False
    for line in markdown.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            yield ""
        else:
            yield "" if fenced else line


def _headings(markdown):
    """(level, title) of each Markdown heading, skipping fenced code blocks."""
    for line in _lines(markdown):
        if match := _HEADING.match(line):
            yield len(match[1]), match[2]


def exercise_starts(markdown):
    """The exercises that start in a Markdown text, as (line number, level) pairs: the
    level of an "### Exercise N" heading, or 7 for a "**Exercise N.**" paragraph."""
    return [(number, len(match[1]) if match[1] else 7)
            for number, line in enumerate(_lines(markdown))
            if (match := _EXERCISE.match(line))]


def heading_level(cell):
    """The level of the heading a Markdown cell starts with (7 when it starts with none)."""
    if cell.cell_type != "markdown":
        return 7
    first = next((line for line in cell.source.splitlines() if line.strip()), "")
    match = _HEADING.match(first)
    return len(match[1]) if match else 7


def exercise_ends(cells):
    """Index of the last cell of each cell's exercises in `cells`, in order: an exercise
    runs from the cell it starts in to the cell before the first that is a solution, starts
    another exercise, or starts with a heading of the exercise's level or higher (any heading
    ends a "**Exercise N.**" paragraph). A cell that starts two exercises counts once."""
    ends = []
    for index, cell in enumerate(cells):
        if cell.cell_type != "markdown" or not (starts := exercise_starts(cell.source)):
            continue
        level = min(starts[-1][1], 6)
        end = index
        for later in cells[index + 1:]:
            if (set(later.get("metadata", {}).get("tags", [])) & REMOVED_TAGS
                    or (later.cell_type == "markdown" and exercise_starts(later.source))
                    or heading_level(later) <= level):
                break
            end += 1
        ends.append(end)
    return ends


def answer_cell(number):
    import nbformat

    cell = nbformat.v4.new_markdown_cell(ANSWER_TEXT)
    cell.id = f"answer-{number}"  # fixed, so that two builds give the same bytes
    cell.metadata["tags"] = [ANSWER_TAG]
    return cell


def without_colab_link(title):
    """The title cell's Markdown with its "Open in Colab" link taken out and the upload line
    added, as its own paragraph, after the line that held the link."""
    match = COLAB_LINK.search(title)
    if match is None:
        return title
    line_end = title.find("\n", match.end())
    line_end = len(title) if line_end < 0 else line_end
    return (title[:match.start()] + title[match.end():line_end] + "\n\n" + UPLOAD_LINE
            + title[line_end:])


def student_notebook(nb):
    """A copy of the notebook `nb` (nbformat node) for students:

    - every cell tagged `solution` or `teacher` removed (nbconvert's TagRemovePreprocessor);
    - an answer cell (Markdown "*Your answer:*", tagged `answer`) after each exercise, so
      that the notebooks themselves need none;
    - the outputs and execution counts of the code cells in the Exercises section (from a
      heading "Exercises" of level 1 or 2 to the next heading of level 1 or 2) cleared: no
      nbconvert preprocessor clears the outputs of one section;
    - the title cell's "Open in Colab" link, which opens the full notebook with its
      solutions, replaced by a line that says how to upload this file to Colab.

    A cell that starts two exercises gets one answer cell, after both."""
    import copy

    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = copy.deepcopy(nb)
    ends = exercise_ends(nb.cells)
    for number, end in reversed(list(enumerate(ends, start=1))):
        nb.cells.insert(end + 1, answer_cell(number))
    nb, _ = TagRemovePreprocessor(remove_cell_tags=REMOVED_TAGS).preprocess(nb, {})
    if nb.cells and nb.cells[0].cell_type == "markdown":
        nb.cells[0].source = without_colab_link(nb.cells[0].source)
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
