"""The README says what the code does: its score table is the rubric's own (review/score.py)."""

from __future__ import annotations

import re

from helpers.paths import ROOT

from mockint.review import score


def _section(text: str, name: str) -> str:
    found = re.search(rf"<!-- section: {name}[^>]*-->\n(.*?)<!-- end section: {name} -->", text, re.S)
    assert found, f"README has no '{name}' section"
    return found.group(1)


def test_the_readme_score_table_is_the_rubrics():
    readme = (ROOT / "README.md").read_text()
    assert _section(readme, "score") == score.score_table_markdown()


def test_the_score_table_adds_up_to_the_documented_totals():
    """95 points for a typed draft, 110 for a spoken answer (the README says so)."""
    assert sum(i.points for i in score.ITEMS if not i.spoken_only) == 95
    assert sum(i.points for i in score.ITEMS) == 110
