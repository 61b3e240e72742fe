"""A follow-up that supplies the missing part: the question's combined score (answer and
follow-up reviewed together) is the one every figure uses — the summary, `sessions`, `stats`,
`show`, the session page and the progress page — and each says so, with the answer's own score
kept beside it."""

from __future__ import annotations

import io
import json

from helpers.session_fakes import Say
from test_session_cli import make_session

from mockint.render.console import Console
from mockint.render.progress_page import build_progress_report
from mockint.render.session_page import build_session_report
from mockint.render.terminal import render_show, render_summary
from mockint.stats import compute, question_history
from mockint.store import Store
from mockint.store.index import INDEX, SessionIndex
from mockint.store.summary import question_result, summary_row


def _follow_up(score: int | None, answer_score: int, filled: bool = True) -> dict:
    review = json.loads(json.dumps(FOLLOW_REVIEW))
    return {
        "kind": "follow_up",
        "prompt": "What was the result?",
        "follow_up_reason": "missing_result",
        "duration_s": 12.0,
        "review": review,
        "combined": {
            "score": score,
            "answer_score": answer_score,
            "flags": [] if filled else ["missing_result"],
            "status": "result given in the follow-up"
            if filled
            else "still missing after the follow-up: result",
            "filled": filled,
        },
    }


FOLLOW_REVIEW = {
    "components": {
        p: {"present": p == "result", "seconds": None} for p in ("situation", "task", "action", "result")
    },
    "flags": ["missing_situation", "missing_task", "missing_action"],
    "tips": [],
    "score": 40,
}


def _with_follow_up(root):
    """Two sessions as the engine saves them; the first answer of the first gets a follow-up."""
    first = make_session(
        root, [Say("no result", score=82, flags=("missing_result",)), Say("dive", score=60)], day=20
    )
    make_session(root, [Say("again", score=90), Say("dive again", score=70)], day=26)
    manifest = root / first.document["id"] / "session.json"
    doc = json.loads(manifest.read_text())
    doc["questions"][0]["takes"].append(_follow_up(100, 82))
    manifest.write_text(json.dumps(doc))
    return doc


def _text(render, *args) -> str:
    out = io.StringIO()
    render(Console(file=out, width=160, color_system=None), *args)
    return out.getvalue()


def test_the_combined_score_counts_everywhere_and_says_so(tmp_path, run_cli):
    root = tmp_path / "recordings"
    doc = _with_follow_up(root)
    assert question_result(doc["questions"][0]) == (100, True)
    row = summary_row(doc)
    assert row["average_score"] == 80 and row["with_follow_up"] == 1  # (100 + 60) / 2, not (82 + 60) / 2

    summary = _text(render_summary, doc)
    assert "82 → 100 (with follow-up)" in summary and "result given in the follow-up" in summary
    assert "average score 80 (1 with follow-up)" in summary
    assert "Question score: 100 (with follow-up; answer alone 82)" in _text(render_show, doc)

    listed = run_cli("sessions", "--recordings", str(root))
    assert "80 (1 with follow-up)" in listed.out
    got = json.loads(run_cli("sessions", "--json", "--recordings", str(root)).out)
    assert [(r["average_score"], r["with_follow_up"]) for r in got] == [(80, 1), (80, 0)]
    # ...and from the index on the next run, which was written with its version's fields
    assert json.loads((root / INDEX).read_text())["version"] == 2
    assert [r["average_score"] for r in SessionIndex(Store(root)).rows()] == [80, 80]

    stats = compute(Store(root).documents())
    assert stats["scores_with_follow_up"] == 1
    tries = {p["question"]: p for p in stats["progress"]}[doc["questions"][0]["id"]]["attempts"]
    assert [(a["score"], a["with_follow_up"]) for a in tries] == [(100, True), (90, False)]
    assert "100 (with follow-up) → 90" in run_cli("stats", "--recordings", str(root)).out
    assert question_history(Store(root).documents())[doc["questions"][0]["id"]].last_score == 90

    page = build_session_report(doc, lambda rel: root / doc["id"] / rel)
    assert "average score 80 (1 with follow-up)" in page
    assert "With the follow-up: score <span class='score'>100</span>/100 (answer alone 82)" in page
    assert "Question score <span class='score'>100</span>/100 (with follow-up; answer alone 82)" in page
    progress = build_progress_report(Store(root).documents())
    assert "100 (with follow-up) → 90" in progress and "1 score is the answer with its follow-up" in progress


def test_a_follow_up_to_an_earlier_take_or_without_a_score_does_not_count():
    answer = {"kind": "answer", "review": {"score": 82, "flags": ["missing_result"]}}
    retake = {"kind": "answer", "review": {"score": 75, "flags": []}}
    q = {"takes": [answer, _follow_up(100, 82), retake]}
    assert question_result(q) == (75, False)  # the retake counts, and it had no follow-up
    unheard = {"kind": "answer", "review": {"score": None, "flags": ["no_speech"]}}
    q = {"takes": [answer, _follow_up(100, 82), unheard]}
    assert question_result(q) == (100, True)  # a take nothing was heard in changes nothing
    q = {"takes": [answer, _follow_up(None, 82)]}
    assert question_result(q) == (82, False)
