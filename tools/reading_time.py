"""Estimate the time a student needs for each notebook, from its words, code and exercises.

    python tools/reading_time.py            # print the table of TEACHING.md
    python tools/reading_time.py --write    # rewrite that table in TEACHING.md

An estimate, not a measurement: reading speed and the time an exercise takes vary a lot
between students. The rule, per notebook, over its main line (the cells before a "Going
deeper" heading) without the cells the student edition drops (tagged `solution` or
`teacher`):

    minutes = Markdown words / WORDS_PER_MINUTE
              + MINUTES_PER_CODE_CELL * code cells
              + MINUTES_PER_EXERCISE * exercises

A word is a whitespace-separated token with a letter or a digit in it: table pipes and
the lone symbols of a formula take no reading time. (The word budgets of
tests/test_notebooks.py count every token, solutions included, so their numbers are larger.)
An exercise is what the student edition puts an answer cell after ("### Exercise 1" or
"**Exercise 1.**", book/build.py). "Going deeper" is optional and timed apart, by the same
rule. tests/test_teaching.py checks that the table in TEACHING.md is what this prints,
within one rounding step.

Only the standard library: it runs with any Python 3.11, no venv needed.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
TEACHING = ROOT / "TEACHING.md"

WORDS_PER_MINUTE = 150       # careful reading of a text with formulas
MINUTES_PER_CODE_CELL = 1    # read it, run it, look at what it prints or draws
MINUTES_PER_EXERCISE = 10    # try it, then compare with the solution
ROUND_TO = 5                 # minutes, in the table

DROPPED_TAGS = {"solution", "teacher"}
GOING_DEEPER = re.compile(r"^#+\s*(?:\d+\.?\s*)?going deeper", re.IGNORECASE)
# The table in TEACHING.md sits between these two lines.
BEGIN = "<!-- reading-time table: written by `python tools/reading_time.py --write` -->"
END = "<!-- end of the reading-time table -->"
HEADER = ["notebook", "words", "code cells", "exercises", "main line (min)",
          "going deeper (min)"]

_spec = importlib.util.spec_from_file_location("book_build", ROOT / "book" / "build.py")
_build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_build)


def _source(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def words(text):
    return sum(1 for token in text.split() if re.search(r"[A-Za-z0-9]", token))


def counts(notebook):
    """{"main": (words, code cells, exercises), "deeper": (...)} of a notebook (a dict, as
    json.load gives it)."""
    parts = {"main": [0, 0, 0], "deeper": [0, 0, 0]}
    part = parts["main"]
    for cell in notebook["cells"]:
        if set(cell.get("metadata", {}).get("tags", [])) & DROPPED_TAGS:
            continue
        source = _source(cell)
        if cell["cell_type"] == "markdown":
            if GOING_DEEPER.match(source.lstrip()):
                part = parts["deeper"]
            part[0] += words(source)
            part[2] += len(_build.exercise_starts(source))
        elif cell["cell_type"] == "code":
            part[1] += 1
    return {name: tuple(values) for name, values in parts.items()}


def minutes(words, code_cells, exercises):
    """The estimated minutes, unrounded."""
    return (words / WORDS_PER_MINUTE + MINUTES_PER_CODE_CELL * code_cells
            + MINUTES_PER_EXERCISE * exercises)


def rounded(value):
    """To the nearest ROUND_TO minutes; a part that takes any time at all shows at least
    ROUND_TO."""
    return max(int(ROUND_TO * round(value / ROUND_TO)), ROUND_TO if value > 0 else 0)


def estimates(paths=None):
    """One dict per notebook: name, words, code cells, exercises, and the unrounded minutes
    of its main line and of its Going deeper section."""
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")) if paths is None else paths
    rows = []
    for path in paths:
        parts = counts(json.loads(Path(path).read_text(encoding="utf-8")))
        main, deeper = parts["main"], parts["deeper"]
        rows.append({"notebook": Path(path).stem, "words": main[0], "code cells": main[1],
                     "exercises": main[2], "main": minutes(*main),
                     "deeper": minutes(*deeper) if any(deeper) else 0.0})
    return rows


def table(rows=None):
    """The Markdown table of TEACHING.md, with a total row."""
    rows = estimates() if rows is None else rows
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for row in rows:
        name = row["notebook"]
        lines.append(f"| [{name}](notebooks/{name}.ipynb) | {row['words']:,} | "
                     f"{row['code cells']} | {row['exercises']} | {rounded(row['main'])} | "
                     f"{rounded(row['deeper']) if row['deeper'] else '-'} |")
    total = sum(row["main"] for row in rows)
    deeper = sum(row["deeper"] for row in rows)
    lines.append(f"| all | {sum(r['words'] for r in rows):,} | "
                 f"{sum(r['code cells'] for r in rows)} | {sum(r['exercises'] for r in rows)} | "
                 f"{rounded(total)} (about {total / 60:.0f} h) | {rounded(deeper)} |")
    return "\n".join(lines)


def write(path=TEACHING):
    """Replace the table between BEGIN and END in `path`."""
    text = path.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    path.write_text(f"{text[:start]}\n{table()}\n{text[end:]}", encoding="utf-8")


def main(argv):
    if argv == ["--write"]:
        write()
        print(f"wrote the reading-time table of {TEACHING.name}")
        return 0
    if argv:
        print(__doc__, file=sys.stderr)
        return 2
    print(table())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
