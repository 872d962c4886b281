"""TEACHING.md, the teachers' page: its time table is what tools/reading_time.py computes from
the notebooks as they are, it is a page of the book, and its mini-projects add up.

The time table is an estimate (tools/reading_time.py says how it is made); this test only
keeps it in step with the notebooks: each count and each time within what one rounding step
of the table covers. Regenerate it with `python tools/reading_time.py --write`.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEACHING = ROOT / "TEACHING.md"
_spec = importlib.util.spec_from_file_location("reading_time", ROOT / "tools" / "reading_time.py")
rt = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rt)

FIX = "regenerate it: python tools/reading_time.py --write"


def table_rows(text):
    """{notebook: [words, code cells, exercises, main minutes, deeper minutes or 0]} of the
    table between the markers of TEACHING.md, and the total row under "all"."""
    assert rt.BEGIN in text and rt.END in text, f"TEACHING.md lost its table markers; {FIX}"
    block = text[text.index(rt.BEGIN) + len(rt.BEGIN):text.index(rt.END)]
    rows = {}
    for line in block.strip().splitlines()[2:]:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        name = re.sub(r"^\[([^\]]+)\]\([^)]*\)$", r"\1", cells[0])
        values = [int(re.match(r"[\d,]+", cell)[0].replace(",", "")) if cell != "-" else 0
                  for cell in cells[1:]]
        rows[name] = values
    return rows


def test_reading_time_table_matches_the_notebooks():
    rows = table_rows(TEACHING.read_text(encoding="utf-8"))
    computed = rt.estimates()
    assert list(rows)[:-1] == [row["notebook"] for row in computed], (
        f"the table does not list the notebooks of the series; {FIX}")
    # each count within what half a rounding step of time covers, each time within one step
    half = rt.ROUND_TO / 2
    for row in computed:
        words, cells, exercises, main, deeper = rows[row["notebook"]]
        where = f"{row['notebook']} in TEACHING.md's table"
        assert abs(words - row["words"]) / rt.WORDS_PER_MINUTE <= half, f"{where}: words; {FIX}"
        assert abs(cells - row["code cells"]) * rt.MINUTES_PER_CODE_CELL <= half, (
            f"{where}: code cells; {FIX}")
        assert exercises == row["exercises"], f"{where}: exercises; {FIX}"
        assert abs(main - row["main"]) <= rt.ROUND_TO, f"{where}: main line minutes; {FIX}"
        assert abs(deeper - row["deeper"]) <= rt.ROUND_TO, f"{where}: going deeper; {FIX}"
    total = rows["all"][3]
    assert abs(total - sum(row["main"] for row in computed)) <= rt.ROUND_TO, f"total; {FIX}"


def test_reading_time_on_a_synthetic_notebook():
    notebook = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "# Title\n\nOne two three $w$ -"},
        {"cell_type": "code", "metadata": {}, "source": "x = 1", "outputs": []},
        {"cell_type": "markdown", "metadata": {},
         "source": ["## Exercises\n\n", "**Exercise 1.** Do it.\n\n### Exercise 2\n\nAgain."]},
        {"cell_type": "code", "metadata": {"tags": ["solution"]}, "source": "x", "outputs": []},
        {"cell_type": "markdown", "metadata": {"tags": ["teacher"]}, "source": "The answer."},
        {"cell_type": "markdown", "metadata": {}, "source": "## Going deeper\n\nMore words."},
        {"cell_type": "code", "metadata": {}, "source": "y = 2", "outputs": []},
    ]}
    counts = rt.counts(notebook)
    # 5 words in the title cell, 8 in the exercises cell; the solution and teacher cells
    # are not counted
    assert counts == {"main": (13, 1, 2), "deeper": (4, 1, 0)}
    assert rt.minutes(*counts["main"]) == pytest.approx(13 / 150 + 1 + 20)
    assert (rt.rounded(0), rt.rounded(0.4), rt.rounded(7.4), rt.rounded(7.6)) == (0, 5, 5, 10)


def test_the_teachers_page_is_in_the_book():
    """book/TEACHING.md includes TEACHING.md, Sphinx reads it, and the landing page's
    toctree lists it (`make book` builds with warnings as errors, so a broken link fails)."""
    wrapper = (ROOT / "book" / "TEACHING.md").read_text(encoding="utf-8")
    assert "```{include} ../TEACHING.md" in wrapper
    conf = (ROOT / "book" / "conf.py").read_text(encoding="utf-8")
    assert '"book/TEACHING.md"' in conf
    index = (ROOT / "book" / "index.md").read_text(encoding="utf-8")
    assert re.search(r"```\{toctree\}[^`]*\nTEACHING\n```", index), "no toctree lists TEACHING"


def test_the_readme_links_the_teachers_page_before_the_developer_details():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    link = readme.find("](TEACHING.md)")
    assert link >= 0, "README.md does not link TEACHING.md"
    assert link < readme.index("## Notebooks"), "the teachers' link comes after the notebooks"
    assert link < readme.index("## Testing")


MINI_PROJECTS = ("Project A: a loss weight", "Project B: a curriculum", "Project C: annealing")


@pytest.mark.parametrize("title", MINI_PROJECTS)
def test_each_mini_project_has_a_question_a_hand_in_and_a_rubric_of_20_points(title):
    text = TEACHING.read_text(encoding="utf-8")
    start = text.index(f"### {title}")
    end = text.find("\n### ", start + 1)
    project = text[start:end if end > 0 else len(text)]
    assert "**Question.**" in project and "**Hand in.**" in project
    points = [int(m) for m in re.findall(r"^\|[^|\n]+\|\s*(\d+)\s*\|$", project, re.MULTILINE)]
    assert points and sum(points) == 20, f"{title}: rubric points {points}"


def test_the_plain_pip_route_is_the_one_tests_run():
    """TEACHING.md's route without make is the one tests/test_install.py runs."""
    text = TEACHING.read_text(encoding="utf-8")
    for command in ("python -m venv .venv", 'pip install -e ".[notebooks]"', "jupyter lab",
                    r".venv\Scripts\activate"):
        assert command in text, command
