"""Issue 14's "numbers disagree" rows: one duration (speaking time, first word to last) behind
every number a review prints — the header, the tips, the HTML gauge — and every threshold
compared on the value as printed."""

from __future__ import annotations

import io
import re

from test_review import LONG_SETUP, STORY, spoken

from mockint.render.console import Console
from mockint.render.figures import delivery_html
from mockint.render.lists import seconds_text
from mockint.render.terminal import render_take
from mockint.review import review
from mockint.review.rubric import TOO_SHORT_S
from mockint.store.view import read_session
from mockint.transcript import Transcript, Word


def _take(r, duration_s: float) -> dict:
    return {"kind": "answer", "duration_s": duration_s, "thinking_s": 10.0, "review": r.to_dict()}


def test_header_tip_and_page_print_the_same_speaking_time():
    t = spoken(STORY, start_s=10.0)  # 10 s of thinking before the first word, then ~33 s of speech
    r = review(t)
    assert "too_short" in r.flags
    said = int(re.search(r"At (\d+) s this answer is short", " ".join(r.tips)).group(1))
    assert said < TOO_SHORT_S and f"at least {TOO_SHORT_S:.0f} s" in " ".join(r.tips)
    out = io.StringIO()
    render_take(Console(file=out, width=200, color_system=None), _take(r, t.duration_s))
    header = out.getvalue().splitlines()[0]
    assert f" · {said} s · thinking" in header, header  # not the take's length (~44 s)
    doc = {"id": "s", "questions": [{"id": "q", "takes": [_take(r, t.duration_s)]}]}
    take = read_session(doc).questions[0].takes[0]
    page = delivery_html(take, take.review, None)
    assert f">{said} s <span class='small'>(low)</span>" in page
    assert f">{t.duration_s:.0f} s <span" not in page


def test_spoken_shares_compare_on_the_printed_percent():
    for text in (LONG_SETUP, STORY):
        r = review(spoken(text))
        for tip in r.tips:
            m = re.search(r"(\d+)% of the answer.*aim for (?:under|at most) (\d+)%", tip)
            assert not m or int(m.group(1)) > int(m.group(2)), tip
            m = re.search(r"is (\d+)% of the answer — (?:aim for about half|give it at least (\d+)%)", tip)
            assert not m or not m.group(2) or int(m.group(1)) < int(m.group(2)), tip


def test_many_fillers_follows_the_printed_rate():
    # 3 fillers in 60.6 s of speech print as "3.0 a minute": that is the threshold, so it is flagged
    # (the rate on the whole-second figure, 3 in 61 s = 2.95, would have let it pass unflagged).
    text = (STORY + " " + STORY).split()
    text[10:10], text[40:40], text[80:80] = ["um"], ["um"], ["um"]
    step = 60.6 / len(text)
    words = tuple(
        Word(
            re.sub(r"[^\w'%$]", "", w.lower()),
            k * step,
            k * step + step * 0.8 if k < len(text) - 1 else 60.6,
            0.9,
        )
        for k, w in enumerate(text)
    )
    r = review(Transcript(" ".join(w.word for w in words), "sphinx", 61.0, None, words))
    assert r.delivery.fillers.count == 3 and f"{r.delivery.fillers.per_minute:.1f}" == "3.0"
    assert "many_fillers" in r.flags
    assert any("3 fillers (3.0 a minute)" in tip for tip in r.tips)


def test_minutes_and_seconds_round_together():
    assert seconds_text(119.6) == "2 min 00 s" and seconds_text(59.6) == "1 min 00 s"
    assert seconds_text(75.2) == "1 min 15 s" and seconds_text(44.6) == "45 s"
