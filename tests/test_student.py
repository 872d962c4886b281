"""The student edition (`make student`: book/build.py writes build/student/).

What a student gets, checked on the built edition (rebuilt when older than a notebook or
than book/build.py):

- every notebook, valid nbformat, and nothing else changed but what the edition changes:
  no cell tagged `solution` or `teacher`, the Exercises' code outputs cleared, an answer
  cell after each exercise, the title's Colab link replaced by how to upload the file;
- an answer cell (Markdown, tagged `answer`) right after every exercise, an exercise being
  what book/build.py recognises: a heading "### Exercise 1" or a paragraph "**Exercise 1.**";
- no link to the full edition (Colab, Binder, nbviewer or GitHub pages of the notebooks);
- no prose about solutions that are not there ("each exercise is followed by its solution");
- no number printed by a solution in the student's Markdown (see `leaked_numbers`: mechanical
  and imperfect).

The last two check the notebooks' text, not the build. The leak check cannot see an answer
given in words ("an abrupt switch works as well"): put such a sentence in a Markdown cell of
its own tagged `teacher`, or reword it (CONTRIBUTING.md, "Exercises").
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("book_build", ROOT / "book" / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

NOTEBOOKS = build.notebooks()
TEXT_TYPES = ("text/plain", "text/markdown", "text/html", "text/latex")


def tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


def is_answer(cell):
    return build.ANSWER_TAG in tags(cell)


@pytest.fixture(scope="module")
def student_dir():
    """build/student/ as `make student` writes it; rewritten when older than a notebook or
    than book/build.py."""
    target = build.STUDENT
    sources = NOTEBOOKS + [ROOT / "book" / "build.py"]
    copies = [target / nb.name for nb in NOTEBOOKS]
    newest = max(path.stat().st_mtime for path in sources)
    if not all(copy.exists() and copy.stat().st_mtime >= newest for copy in copies):
        build.build_student()
    return target


def each_notebook(marks=None):
    """Parametrize over the series, with `marks` ({notebook stem: reason}) as strict xfails."""
    marks = marks or {}
    return pytest.mark.parametrize("path", [
        pytest.param(nb, id=nb.stem, marks=[pytest.mark.xfail(strict=True, reason=marks[nb.stem])]
                     if nb.stem in marks else []) for nb in NOTEBOOKS])


def read_pair(student_dir, path):
    return (nbformat.read(path, as_version=4),
            nbformat.read(student_dir / path.name, as_version=4))


# --------------------------------------------------------------------------- the build itself

def test_every_notebook_is_in_the_student_edition(student_dir):
    assert sorted(p.name for p in student_dir.glob("*.ipynb")) == [nb.name for nb in NOTEBOOKS]


@each_notebook()
def test_only_the_editions_changes(student_dir, path):
    """Valid nbformat; the cells are the original's without `solution`/`teacher` cells, in
    order and unchanged, but for the answer cells put in, the title's Colab link and the
    Exercises' outputs (cleared, nothing else)."""
    original, student = read_pair(student_dir, path)
    nbformat.validate(student)
    kept = [c for c in original.cells if not tags(c) & build.REMOVED_TAGS]
    rest = [c for c in student.cells if not is_answer(c)]
    assert len(rest) == len(kept), path.name
    assert rest[0].source == build.without_colab_link(kept[0].source)
    assert [c.source for c in rest[1:]] == [c.source for c in kept[1:]], path.name
    for before, after in zip(kept, rest, strict=True):
        if after.cell_type == "code" and after.outputs != before.outputs:
            assert after.outputs == [] and after.execution_count is None


@each_notebook()
def test_no_solution_or_teacher_cell(student_dir, path):
    _, student = read_pair(student_dir, path)
    assert not [c.source[:80] for c in student.cells if tags(c) & build.REMOVED_TAGS]


def answer_problems(nb):
    """What breaks "an answer cell right after every exercise" in a student notebook."""
    problems, exercises = [], 0
    cells = nb.cells
    for index, cell in enumerate(cells):
        if is_answer(cell):
            if cell.cell_type != "markdown" or cell.source != build.ANSWER_TEXT:
                problems.append(f"cell {index}: an answer cell that is not {build.ANSWER_TEXT!r}")
            continue
        if cell.cell_type != "markdown" or not (starts := build.exercise_starts(cell.source)):
            continue
        exercises += 1
        first_line, level = starts[0]
        after = "\n".join(cell.source.splitlines()[first_line + 1:])
        if any(lvl <= min(level, 6) for lvl, _ in build._headings(after)):
            problems.append(f"cell {index}: a heading follows the exercise in its own cell")
        following = next((j for j in range(index + 1, len(cells)) if is_answer(cells[j])
                          or (cells[j].cell_type == "markdown"
                              and build.exercise_starts(cells[j].source))
                          or build.heading_level(cells[j]) <= min(level, 6)), None)
        if following is None or not is_answer(cells[following]):
            problems.append(f"cell {index}: no answer cell after the exercise "
                            f"{cell.source.splitlines()[first_line][:40]!r}")
    answers = sum(is_answer(c) for c in cells)
    if answers != exercises:
        problems.append(f"{answers} answer cells for {exercises} exercise cells")
    return problems


@each_notebook()
def test_an_answer_cell_after_every_exercise(student_dir, path):
    original, student = read_pair(student_dir, path)
    assert not answer_problems(student)
    # every solution of the original follows an exercise that the edition recognises
    solutions = [i for i, c in enumerate(original.cells) if build.SOLUTION_TAG in tags(c)]
    if solutions:
        first_exercise = next((i for i, c in enumerate(original.cells)
                               if c.cell_type == "markdown" and build.exercise_starts(c.source)),
                              None)
        assert first_exercise is not None and first_exercise < solutions[0], (
            f"{path.name}: solutions, but no exercise before them "
            "('### Exercise 1' or '**Exercise 1.**')")


def test_the_student_edition_is_byte_stable(tmp_path):
    first = build.build_student(NOTEBOOKS[:3], tmp_path / "a")
    second = build.build_student(NOTEBOOKS[:3], tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


# ------------------------------------------------------------ no link to the full edition

def repository():
    import tomllib

    url = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"]["urls"]["Repository"]
    return url.removeprefix("https://github.com/")


def full_edition_links(text, repo):
    """The URLs in `text` that open the full notebooks: Colab or nbviewer on GitHub, Binder,
    GitHub's pages of the repository's files, and any other URL of an .ipynb file. The
    repository itself (the install cell's `git+https://github.com/OWNER/REPO`) is not one."""
    owner_repo = re.escape(repo)
    full = re.compile(
        r"colab\.research\.google\.com/github/|mybinder\.org/v2/|nbviewer\.(?:org|jupyter\.org)/"
        rf"|github\.com/{owner_repo}/(?:blob|tree|raw)/|\.ipynb\b")
    return sorted({url for url in re.findall(r"https?://[^\s)\"'<>\]]+", text)
                   if full.search(url)})


@pytest.mark.parametrize("text, found", [
    ("[Open in Colab](https://colab.research.google.com/github/o/r/blob/main/notebooks/a.ipynb)",
     1),
    ("[Binder](https://mybinder.org/v2/gh/o/r/v1.0.0?labpath=notebooks%2Fa.ipynb)", 1),
    ("see https://github.com/o/r/blob/main/notebooks/00_overview.ipynb", 1),
    ("https://nbviewer.org/github/o/r/blob/main/notebooks/a.ipynb", 1),
    ('%pip install -q "dynweights @ git+https://github.com/o/r"', 0),
    ("[01 Linear](01_linear.ipynb), https://raw.githubusercontent.com/o/r/main/examples/f.py", 0),
    ("open <https://colab.research.google.com>, choose File > Upload notebook", 0),
])
def test_full_edition_link_check(text, found):
    assert len(full_edition_links(text, "o/r")) == found


def all_text(nb):
    """Every source and every text output of a notebook."""
    parts = []
    for cell in nb.cells:
        parts.append(cell.source)
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts += [str(output.get("data", {}).get(kind, "")) for kind in TEXT_TYPES]
    return "\n".join(parts)


@each_notebook()
def test_no_link_to_the_full_edition(student_dir, path):
    _, student = read_pair(student_dir, path)
    assert not full_edition_links(all_text(student), repository())
    if "Open in Colab" in nbformat.read(path, as_version=4).cells[0].source:
        assert build.UPLOAD_LINE in student.cells[0].source


# ------------------------------------------------------- no prose about removed solutions

_SENTENCE = re.compile(r"(?<=[.!?:;])\s+|\n\s*\n")
_MENTIONS = [
    # "each exercise is followed by its solution", "the solution below", "solutions are in
    # the collapsed cells", "a solution's code cell checks", "click ... to open them"
    re.compile(r"\bsolution(?:s|'s)?\b.*\b(?:follow(?:s|ed)?|below|above|collapsed|hidden"
               r"|click|cells?|checks?)\b", re.IGNORECASE | re.DOTALL),
    re.compile(r"\b(?:follow(?:s|ed)?\s+by|below|collapsed|hidden)\b.*\bsolutions?\b",
               re.IGNORECASE | re.DOTALL),
    re.compile(r"\(solutions?\b[^)]*\)|\bcode solution\b|\bsee (?:the|its) solution\b",
               re.IGNORECASE),
]


def solution_mentions(markdown):
    """The sentences of `markdown` that speak of exercises' solutions as if they were there."""
    return [" ".join(sentence.split()) for sentence in _SENTENCE.split(markdown)
            if any(pattern.search(sentence) for pattern in _MENTIONS)]


@pytest.mark.parametrize("text, found", [
    ("Each exercise is followed by its solution in collapsed cells.", 1),
    ("Solutions are in the collapsed cells below each exercise (click the bar on their left).",
     1),
    ("Each solution follows its exercise in collapsed cells; a code solution checks its answer.",
     2),
    ("Try it first; the solution below checks it.", 1),
    ("**Exercise 2** (solution hidden). Compute $w$.", 1),
    ("A solution's code cell checks the answer with an `assert`.", 1),
    ("With $w_t = w - u_t$ the solution is\n\n$$u_t = e^{-kt}$$", 0),
    ("GNC starts each stage from the previous solution: Geman-McClure with a smaller scale.", 0),
    ("*Your answer:*", 0),
])
def test_solution_mention_check(text, found):
    assert len(solution_mentions(text)) == found


def markdown_of(nb):
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown" and not is_answer(c))


@each_notebook()
def test_no_prose_about_removed_solutions(student_dir, path):
    _, student = read_pair(student_dir, path)
    assert not solution_mentions(markdown_of(student))


# ------------------------------------------------------------ numbers the solutions print

_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w])")


def canonical(integer, fraction):
    """A number as written, without thousands separators, leading zeros or trailing zeros
    after the point ("3,334" -> "3334", "0.20000" -> "0.2", "1.000" -> "1")."""
    integer = integer.replace(",", "").lstrip("0") or "0"
    fraction = (fraction or "").lstrip(".").rstrip("0")
    return f"{integer}.{fraction}" if fraction else integer


def significant_digits(number):
    digits = number.replace(".", "").lstrip("0")
    return len(digits if "." in number else digits.rstrip("0"))


def numbers(text, at_least=3):
    """{canonical number: first match} of the numbers in `text` with `at_least` significant
    digits (0.075 has two, 3334 four, 20000 one)."""
    found = {}
    for match in _NUMBER.finditer(text):
        number = canonical(match[1], match[2])
        if significant_digits(number) >= at_least:
            found.setdefault(number, match)
    return found


@pytest.mark.parametrize("text, expected", [
    ("weight 0.075000 at step 3334 (0.20004; 0.19998)", {"3334", "0.20004", "0.19998"}),
    ("| Linear | 0.9000 | 5,555 | 0.900090 |", {"5555", "0.90009"}),
    ("1.00000, 20000, 0.5, 0.2500, x1234, 1.5e-05", set()),
    ("$0.98168\\,w$ and 12.5 %", {"0.98168", "12.5"}),
])
def test_numbers(text, expected):
    assert set(numbers(text)) == expected


def output_text(cell):
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", "") if isinstance(output.get("text", ""), str)
                     else "".join(output["text"]))
        parts += [str(output.get("data", {}).get(kind, "")) for kind in TEXT_TYPES]
    return "\n".join(parts)


def exercises_and_solutions(nb):
    """[(exercise text, text its solution cells print)] of a full notebook: the exercise's
    text runs from its start line to the end of its last cell (book/build.py's
    exercise_ends); a solution cell belongs to the exercise before it."""
    ends = iter(build.exercise_ends(nb.cells))
    pairs = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and (starts := build.exercise_starts(cell.source)):
            end = next(ends)
            text = "\n".join(cell.source.splitlines()[starts[0][0]:])
            text += "".join("\n" + c.source for c in nb.cells[index + 1:end + 1])
            pairs.append([text, ""])
        elif build.SOLUTION_TAG in tags(cell) and pairs:
            pairs[-1][1] += "\n" + output_text(cell)
    return [tuple(pair) for pair in pairs]


def lesson_numbers(student):
    """The numbers that the code cells before the Exercises section print: the lesson
    computes them in the open, so a solution that prints one again gives nothing away."""
    printed = []
    for cell in student.cells:
        if cell.cell_type == "markdown" and any(
                level <= 2 and re.match(r"(?:\d+\.?\s*)?exercises\b", title, re.IGNORECASE)
                for level, title in build._headings(cell.source)):
            break
        if cell.cell_type == "code":
            printed.append(output_text(cell))
    return numbers("\n".join(printed))


def leaked_numbers(original, student):
    """Numbers with 3 or more significant digits that a solution prints and that the
    student edition's Markdown shows, unless the exercise's own text holds them or a code
    cell before the Exercises section prints them (the lesson computed them in the open,
    as 04 and 05 print the exponential's 0.98168 w).

    Mechanical and imperfect: numbers are compared as written (after dropping thousands
    separators and trailing zeros), so a rounded leak ("about 0.93" for a printed 0.9275),
    a spelled-out one or an answer in words ("an abrupt switch works as well") is not found,
    and a hit may be a coincidence. A hit is a prompt to read the sentence, not proof."""
    markdown = markdown_of(student)
    shown, computed = numbers(markdown), lesson_numbers(student)
    leaks = []
    for number_of_exercise, (exercise, printed) in enumerate(
            exercises_and_solutions(original), start=1):
        allowed = numbers(exercise, at_least=1)
        for number in numbers(printed):
            if number in shown and number not in allowed and number not in computed:
                match = shown[number]
                context = " ".join(markdown[max(0, match.start() - 60):match.end() + 30].split())
                leaks.append(f"{number} (printed by exercise {number_of_exercise}'s solution) "
                             f"in '...{context}...'")
    return leaks


@each_notebook()
def test_no_solution_number_in_the_student_markdown(student_dir, path):
    """See `leaked_numbers`: mechanical and imperfect, a prompt to read the sentence."""
    original, student = read_pair(student_dir, path)
    assert not leaked_numbers(original, student)


# --------------------------------------------------------------------------- a synthetic notebook

def _synthetic():
    v4 = nbformat.v4

    def code(source, tags=(), text="1"):
        cell = v4.new_code_cell(source, execution_count=1, outputs=[
            v4.new_output("stream", name="stdout", text=text)])
        if tags:
            cell.metadata["tags"] = list(tags)
            cell.metadata["jupyter"] = {"source_hidden": True}
        return cell

    def markdown(source, tags=()):
        cell = v4.new_markdown_cell(source)
        if tags:
            cell.metadata["tags"] = list(tags)
        return cell

    colab = "https://colab.research.google.com/github/o/r/blob/main/notebooks/99_synthetic.ipynb"
    return v4.new_notebook(cells=[
        markdown("# Title\n\n*Notebook 99 of the series · back: [98 X](98_x.ipynb)* · "
                 f"[Open in Colab]({colab})\n\nWhat you will do."),          # 0
        code("x = 2"),                                                           # 1
        markdown("## Summary\n\nThe answer to Exercise 1 is 4.", tags=["teacher"]),  # 2
        markdown("## Exercises\n\n### Exercise 1\n\nCompute x squared."),        # 3
        code("# your code here", text="None"),                                   # 4
        code("assert x ** 2 == 4\nprint(x ** 2)", tags=["solution"], text="4"),  # 5
        markdown("The answer is 4.", tags=["solution"]),                         # 6
        markdown("**Exercise 2 (predict first).** What is y?\n\n```\n## not a heading\n```"),
        code("y = x + 1\nprint(y)", text="3"),                                    # 8
        markdown("**Exercise 3.** And z?"),                                       # 9
        markdown("## Further reading\n\n- a book"),                               # 10
    ])


def test_student_notebook_on_a_synthetic_notebook(tmp_path):
    source = tmp_path / "src" / "99_synthetic.ipynb"
    source.parent.mkdir()
    nb = _synthetic()
    nbformat.validate(nb)
    nbformat.write(nb, source)
    [path] = build.build_student([source], tmp_path / "student")
    student = nbformat.read(path, as_version=4)
    nbformat.validate(student)
    kinds = [("answer" if is_answer(c) else c.cell_type) for c in student.cells]
    assert kinds == ["markdown", "code", "markdown", "code", "answer", "markdown", "code",
                     "answer", "markdown", "answer", "markdown"]
    assert not answer_problems(student)
    sources = [c.source for c in student.cells]
    assert not [s for s in sources if "is 4" in s or "assert" in s]
    title = student.cells[0].source
    assert "colab.research.google.com/github" not in title and build.UPLOAD_LINE in title
    assert title.startswith("# Title\n\n*Notebook 99 of the series · back: [98 X](98_x.ipynb)*\n\n")
    assert title.endswith("\n\nWhat you will do.")
    assert student.cells[1].outputs, "outputs outside the exercises are kept"
    for index in (3, 6):
        assert student.cells[index].outputs == [] and student.cells[index].execution_count is None
    assert [c.id for c in student.cells if is_answer(c)] == ["answer-1", "answer-2", "answer-3"]
    # the committed notebook is untouched
    assert nbformat.read(source, as_version=4) == nb


def test_leak_check_on_a_synthetic_notebook():
    nb = _synthetic()
    nb.cells[5].outputs[0].text = "0.41421, 3.14159 and 2.71828"
    nb.cells[3].source += " It is near 3.14159."  # in the exercise's own text: allowed
    nb.cells[1].outputs[0].text = "2.71828"       # printed by the lesson: allowed
    nb.cells[10].source += "\n\nAbout 2.71828 and 3.14159."
    student = build.student_notebook(nb)
    assert leaked_numbers(nb, student) == []
    student.cells[0].source += "\n\nWe saw 0.41421 above."
    [leak] = leaked_numbers(nb, student)
    assert leak.startswith("0.41421 (printed by exercise 1's solution)")
