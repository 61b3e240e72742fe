"""Session and progress reports without a browser: escaping, labels, fillers, audio, the command."""

from __future__ import annotations

import copy
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers.report_sessions import write_session
from hypothesis import given, settings
from hypothesis import strategies as st

from mockint.bank import load_bank
from mockint.config import bundled_bank_dir
from mockint.render.progress_page import ProgressSection, attempts, build_progress_report
from mockint.render.session_page import build_session_report, filler_positions, session_profile, word_labels
from mockint.store.view import read_session

HOSTILE = "</p><script>alert(1)</script><img src=x onerror=alert(2)>\"'&"
PAGE_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "script",
    "header",
    "h1",
    "h2",
    "h3",
    "p",
    "span",
    "nav",
    "ol",
    "li",
    "a",
    "section",
    "div",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "ul",
    "audio",
    "strong",
    "code",
    "figure",
    "svg",
    "details",
    "summary",
}


SVG_TAGS = {"g", "rect", "line", "polyline", "circle", "text", "tspan", "title"}  # what the charts draw


class _Tags(HTMLParser):
    """Every start tag and attribute, and the page's text; tags inside charts apart, with the
    texts of their hover titles."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list]] = []
        self.svg_tags: list[tuple[str, list]] = []
        self.text: list[str] = []
        self.titles: list[str] = []
        self._in_svg = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self._in_svg += 1
        (self.svg_tags if self._in_svg and tag != "svg" else self.tags).append((tag, attrs))
        self._in_title = bool(self._in_svg) and tag == "title"

    def handle_endtag(self, tag):
        if tag == "svg":
            self._in_svg -= 1
        self._in_title = False

    def handle_data(self, data):
        (self.titles if self._in_title else self.text).append(data)


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    return parser


def _words(text: str, start: float = 0.5, step: float = 0.4) -> list[dict]:
    return [
        {
            "word": w,
            "start": round(start + i * step, 2),
            "end": round(start + i * step + 0.3, 2),
            "confidence": 0.9,
        }
        for i, w in enumerate(text.split())
    ]


def _doc(words: list[dict] | None = None, segments: list[dict] | None = None, **review) -> dict:
    """A small session with no audio files on disk: enough for everything but the player."""
    words = words if words is not None else _words("we had a problem um i fixed it")
    segments = (
        segments
        if segments is not None
        else [
            {"text": "we had a problem", "label": "situation", "start_s": 0.5, "end_s": 2.0},
            {"text": "um i fixed it", "label": "action", "start_s": 2.1, "end_s": 3.6},
        ]
    )
    take = {
        "kind": "answer",
        "prompt": "Q?",
        "audio": "q1.wav",
        "duration_s": 4.0,
        "thinking_s": 1.0,
        "transcript": {
            "text": " ".join(w["word"] for w in words),
            "engine": "sphinx",
            "duration_s": 4.0,
            "elapsed_s": 0.1,
            "words": words,
        },
        "review": {
            "components": {
                p: {
                    "present": p in ("situation", "action"),
                    "share": 0.3,
                    "seconds": 1.5 if p in ("situation", "action") else 0.0,
                    "evidence": [],
                }
                for p in ("situation", "task", "action", "result")
            },
            "segments": segments,
            "delivery": {
                "duration_s": 4.0,
                "words": len(words),
                "wpm": 120.0,
                "thinking_s": 1.0,
                "fillers": {"count": 1, "per_minute": 15.0, "by_word": {"um": 1}},
                "i_count": 1,
                "we_count": 1,
                "long_pauses": 0,
            },
            "flags": ["missing_result"],
            "tips": ["Say what changed."],
            "score": 40,
            **review,
        },
    }
    return {
        "schema_version": 1,
        "id": "2026-11-20T10-00-00-amazon",
        "company": "amazon",
        "started_at": "2026-11-20T10:00:00+00:00",
        "complete": True,
        "questions": [{"id": "amazon-ownership-1", "text": "Tell me about ownership.", "takes": [take]}],
    }


def _nowhere(relative: str) -> Path:
    return Path("/nonexistent") / relative


# ------------------------------------------------------------------------------ escaping


def _set_question_text(d, v):
    d["questions"][0]["text"] = v


def _set_question_id(d, v):
    d["questions"][0]["id"] = v


def _set_word(d, v):
    d["questions"][0]["takes"][0]["transcript"]["words"][2]["word"] = v


def _set_tip(d, v):
    d["questions"][0]["takes"][0]["review"]["tips"].append(v)


def _set_flag(d, v):
    d["questions"][0]["takes"][0]["review"]["flags"].append(v)


def _set_filler(d, v):
    d["questions"][0]["takes"][0]["review"]["delivery"]["fillers"]["by_word"][v] = 1


def _set_started(d, v):
    d["started_at"] = v


def _set_session_id(d, v):
    d["id"] = v


def _set_company(d, v):
    d["company"] = v


def _set_audio(d, v):
    d["questions"][0]["takes"][0]["audio"] = v


def _set_principle(d, v):
    d["questions"][0]["principles"] = [v]


def _set_talking_point(d, v):
    d["questions"][0]["takes"][0]["review"]["relevance"] = {"talking_points": [{"text": v, "covered": False}]}


def _set_breakdown(d, v):
    d["questions"][0]["takes"][0]["review"]["score_breakdown"] = [{"item": v, "points": 1, "max": 2}]


def _set_follow_up_prompt(d, v):
    follow = copy.deepcopy(d["questions"][0]["takes"][0])
    follow.update(kind="follow_up", prompt=v)
    d["questions"][0]["takes"].append(follow)


def _set_typed_segment(d, v):
    take = d["questions"][0]["takes"][0]
    take["transcript"]["words"] = []
    take["review"]["segments"] = [{"text": v, "label": "result", "start_s": None, "end_s": None}]


def _set_untimed_text(d, v):
    take = d["questions"][0]["takes"][0]
    take["transcript"].update(words=[], text=v)
    take["review"]["segments"] = []


@pytest.mark.parametrize(
    "inject",
    [
        _set_question_text,
        _set_question_id,
        _set_word,
        _set_tip,
        _set_flag,
        _set_filler,
        _set_started,
        _set_session_id,
        _set_company,
        _set_audio,
        _set_follow_up_prompt,
        _set_typed_segment,
        _set_untimed_text,
        _set_principle,
        _set_talking_point,
        _set_breakdown,
    ],
)
def test_every_text_from_a_session_is_escaped(inject):
    doc = _doc()
    inject(doc, HOSTILE)
    page = _parse(build_session_report(doc, _nowhere))
    tags = [t for t, _ in page.tags]
    assert set(tags) <= PAGE_TAGS and "img" not in tags
    assert tags.count("script") == 1  # the page's own
    assert not [a for _, attrs in page.tags for a, _ in attrs if a.startswith("on")]
    assert HOSTILE in "".join(page.text)


def test_progress_page_escapes_bank_and_session_text(tmp_path):
    bank_dir = tmp_path / "bank"
    bank_dir.mkdir()
    text = (bundled_bank_dir() / "amazon.yaml").read_text(encoding="utf-8")
    text = text.replace("name: Ownership\n", f"name: {json.dumps(HOSTILE)}\n", 1)
    (bank_dir / "amazon.yaml").write_text(text, encoding="utf-8")
    bank = load_bank(bank_dir)
    docs = []
    for day in ("2026-11-01", "2026-11-08"):
        doc = _doc()
        doc.update(id=f"{day}-amazon", started_at=f"{day}T10:00:00+00:00")
        doc["questions"][0]["text"] = HOSTILE
        docs.append(doc)
    page = _parse(build_progress_report(docs, bank, extra_sections=[ProgressSection(HOSTILE, "<p>ok</p>")]))
    tags = [t for t, _ in page.tags]
    assert set(tags) <= PAGE_TAGS and tags.count("script") == 1 and "img" not in tags
    assert {t for t, _ in page.svg_tags} <= SVG_TAGS
    assert not [a for _, attrs in page.tags + page.svg_tags for a, _ in attrs if a.startswith("on")]
    shown = "".join(page.text)
    assert shown.count(HOSTILE) == 3  # the principle's row, the repeated question, the section title
    # and as text in the hover title of each chart's two answer dots
    assert sum(HOSTILE in t for t in page.titles) == 5 * 2


# ------------------------------------------------------------------------------ transcript marks


@pytest.mark.parametrize(
    "words, segments, expected",
    [
        ([(0.0, 0.4)], [(0.0, 1.0, "situation")], ["situation"]),
        (
            [(0.9, 1.3)],
            [(0.0, 1.0, "situation"), (1.0, 2.0, "task")],
            ["task"],
        ),  # midpoint 1.1 is in the task
        ([(5.0, 5.2)], [(0.0, 1.0, "action")], ["other"]),  # outside every segment
        ([(0.1, 0.2)], [(0.0, 1.0, "banana")], ["other"]),  # an unknown label is not coloured as a part
        ([(0.1, 0.2), (1.5, 1.6)], [(0.0, 1.0, "result"), (1.0, 2.0, "action")], ["result", "action"]),
    ],
)
def test_word_labels_follow_the_review_segments(words, segments, expected):
    doc = _doc(
        words=[{"word": "x", "start": a, "end": b} for a, b in words],
        segments=[{"text": "", "label": lab, "start_s": a, "end_s": b} for a, b, lab in segments],
    )
    take = read_session(doc).questions[0].takes[0]
    assert word_labels(take.words, take.review.segments) == expected


@pytest.mark.parametrize(
    "text, by_word, marked",
    [
        ("um i fixed it", {"um": 1}, {0}),
        ("so i also fixed it", {"so": 1}, {0}),  # "also" is not "so"
        ("then you know i fixed it", {"you know": 1}, {1, 2}),
        ("i know you did it", {}, set()),  # the words, but not the phrase
        (
            "the team um you know <sil> um shipped",
            {"um": 2, "you know": 1},
            {2, 3, 4, 6},
        ),  # recognizer noise skipped
        ("um i fixed it", {}, set()),  # what the review did not count is not marked
    ],
)
def test_fillers_marked_are_those_the_review_counts(text, by_word, marked):
    assert (
        filler_positions(read_session(_doc(words=_words(text))).questions[0].takes[0].words, by_word)
        == marked
    )


def test_typed_answer_colours_segments_without_seeking():
    doc = _doc()
    _set_typed_segment(doc, "We cut costs by 20%.")
    body = build_session_report(doc, _nowhere).split("<script>")[0]
    assert '<span class="seg l-result" data-label="result">We cut costs by 20%.</span>' in body
    assert "data-start=" not in body


def test_missing_audio_is_named_and_words_do_not_seek():
    body = build_session_report(_doc(), _nowhere).split("<script>")[0]
    assert "<audio" not in body
    assert "Audio q1.wav is missing or unreadable" in body
    assert "data-audio=" not in body  # no player to seek


# ------------------------------------------------------------------------------ progress


def test_attempts_take_the_newest_reviewed_answer_and_bank_principles():
    doc = _doc()
    retake = copy.deepcopy(doc["questions"][0]["takes"][0])
    retake["review"]["score"] = 90
    unreviewed = dict(retake, review=None)
    follow = dict(retake, kind="follow_up")
    follow["review"] = dict(retake["review"], score=10)
    doc["questions"][0]["takes"] += [retake, unreviewed, follow]
    found = attempts([doc], load_bank(bundled_bank_dir()))
    assert [(a.question_id, a.score, a.principles, a.star_parts) for a in found] == [
        ("amazon-ownership-1", 90.0, ("ownership",), 2)
    ]


def test_progress_page_has_labelled_charts_grid_and_repeats():
    bank = load_bank(bundled_bank_dir())
    docs = []
    for day, score in (("2026-11-01", 40), ("2026-11-08", 55), ("2026-11-15", 65)):
        doc = _doc(score=score)
        doc.update(id=f"{day}-amazon", started_at=f"{day}T10:00:00+00:00")
        docs.append(doc)
    html = build_progress_report(docs, bank)
    for metric, axis in (
        ("Score", "score (0–100)"),
        ("Answer length", "seconds"),
        ("Pace", "words per minute"),
        ("Fillers", "fillers per minute"),
        ("STAR coverage", "STAR parts present (of 4)"),
    ):
        figure = re.search(rf'<figure class="chart" data-metric="{metric}">(.*?)</figure>', html, re.S)
        assert figure, metric
        assert axis in figure.group(1) and "session date" in figure.group(1)
    row = re.search(r'<tr data-principle="ownership">(.*?)</tr>', html).group(1)
    assert re.findall(r'<td class="cell"[^>]*>(\d+)</td>', row) == ["40", "55", "65"]
    assert (
        "<tr data-principle=\"frugality\"><td>Frugality</td><td><span class='off'>not practised</span>"
        in html
    )
    assert "<td>40 → 55 → 65</td><td>+25</td>" in html


def test_progress_page_with_no_sessions_says_what_to_do():
    assert "mockint practice" in build_progress_report([], None)


# ------------------------------------------------------------------------------ the command


def test_report_command_writes_an_offline_page(run_cli, tmp_path):
    write_session(tmp_path / "recordings", "2026-11-01T10-00-00-amazon")
    doc = write_session(tmp_path / "recordings")  # the newest: `last`
    r = run_cli("report", "last")
    out = tmp_path / f"mockint-{doc['id']}.html"
    assert r.code == 0, r.err
    assert r.out.startswith(f"wrote {out} (")
    html = out.read_text(encoding="utf-8")
    assert html.count('<audio id="q') == 3 and html.count('src="data:audio/ogg;base64,') == 3
    assert "amazon-ownership-1 · Ownership</p>" in html  # the principle's name from the bank
    assert not re.findall(r'(?:src|href)="(?!data:|#)', html)  # nothing outside the page
    assert out.stat().st_mode & 0o777 == 0o600  # transcripts and voice stay private


def test_report_command_links_audio_relative_to_the_page(run_cli, tmp_path):
    doc = write_session(tmp_path / "recordings")
    r = run_cli("report", doc["id"], "-o", "out/page.html", "--link-audio")
    assert r.code == 0, r.err
    html = (tmp_path / "out" / "page.html").read_text(encoding="utf-8")
    srcs = re.findall(r'<audio id="[^"]+" controls preload="metadata" src="([^"]+)"', html)
    assert srcs == [
        f"../recordings/{doc['id']}/{name}"
        for name in ("q1-answer-1.wav", "q2-answer-1.wav", "q2-follow-1.wav")
    ]


def test_report_progress_command(run_cli, tmp_path):
    for day, company in (("2026-11-01", "amazon"), ("2026-11-08", "amazon"), ("2026-11-09", "meta")):
        doc = _doc()
        doc.update(id=f"{day}T10-00-00-{company}", started_at=f"{day}T10:00:00+00:00", company=company)
        folder = tmp_path / "recordings" / doc["id"]
        folder.mkdir(parents=True)
        (folder / "session.json").write_text(json.dumps(doc), encoding="utf-8")
    r = run_cli("report", "--progress", "-o", "progress.html")
    assert r.code == 0, r.err
    html = (tmp_path / "progress.html").read_text(encoding="utf-8")
    assert "3 answers in 3 sessions" in html and html.count('<figure class="chart"') == 5
    broken = tmp_path / "recordings" / "2026-11-10T10-00-00-amazon"
    broken.mkdir()
    (broken / "session.json").write_text("{not json", encoding="utf-8")
    r = run_cli("report", "--progress", "--company", "amazon", "-o", "amazon.html")
    assert r.err == (
        "mockint: warning: left out 1 damaged session(s): 2026-11-10T10-00-00-amazon "
        "— see 'mockint sessions'\n"
    )
    assert r.code == 0, r.err
    assert "2 answers in 2 sessions" in (tmp_path / "amazon.html").read_text(encoding="utf-8")
    r = run_cli("report", "--progress", "--company", "meta", "-o", "meta.html")
    meta = (tmp_path / "meta.html").read_text(encoding="utf-8")
    assert "1 answer in 1 session, 2026-11-09." in meta and "Leadership Principles" not in meta


def test_progress_command_escapes_story_notes(run_cli, tmp_path):
    r = run_cli(
        "stories",
        "add",
        "--id",
        "billing",
        "--title",
        HOSTILE,
        "--situation",
        HOSTILE,
        "--result",
        HOSTILE,
        "--tag",
        HOSTILE,
        "--principle",
        "ownership",
    )
    assert r.code == 0, r.err
    r = run_cli("report", "--progress", "-o", "progress.html")
    assert r.code == 0, r.err
    page = _parse((tmp_path / "progress.html").read_text(encoding="utf-8"))
    tags = [t for t, _ in page.tags]
    assert tags.count("script") == 1 and "img" not in tags
    assert HOSTILE in "".join(page.text)  # the story's title, shown as text


@pytest.mark.parametrize(
    "args, message",
    [
        ((), "give a SESSION or --progress"),
        (("some-id", "--progress"), "give a SESSION or --progress"),
        (("--progress", "--link-audio"), "--link-audio is for a session report"),
        (("no-such-session",), "no session 'no-such-session'"),
        (("last",), "no sessions in"),
        (("last", "--company", "amazon"), "--company is for the progress page"),
        (("--progress", "--company", "amazn"), "unknown company 'amazn'"),
    ],
)
def test_report_usage_errors(run_cli, args, message):
    r = run_cli("report", *args)
    assert r.code == 2
    assert r.err.startswith(f"mockint: error: {message}") and len(r.err.strip().splitlines()) == 1


def test_report_open_hands_the_page_to_the_browser(run_cli, tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    r = run_cli("report", "--progress", "--open")
    assert r.code == 0, r.err
    assert opened == [(tmp_path / "mockint-progress.html").as_uri()]


def test_a_long_take_embeds_whole_in_a_worker_thread(tmp_path):
    """A 3-minute take (the Amazon limit) once crashed libvorbis on a thread's stack; it must round-trip."""
    import base64
    import io

    import numpy as np
    import soundfile as sf

    rate, seconds = 16_000, 180
    t = np.arange(rate * seconds) / rate
    sf.write(
        str(tmp_path / "q1.wav"),
        (0.3 * np.sin(2 * np.pi * 220 * t)).astype("float32"),
        rate,
        subtype="PCM_16",
    )
    doc = _doc()
    doc["questions"][0]["takes"][0]["audio"] = "q1.wav"
    html = build_session_report(doc, lambda rel: tmp_path / rel)
    data = re.search(r'src="data:audio/ogg;base64,([^"]+)"', html).group(1)
    decoded, decoded_rate = sf.read(io.BytesIO(base64.b64decode(data)))
    assert decoded_rate == rate and len(decoded) / rate == pytest.approx(seconds, abs=0.1)
    assert len(data) * 3 / 4 < (tmp_path / "q1.wav").stat().st_size / 5  # compressed well below the WAV


def test_an_interrupted_session_still_reports_what_was_saved():
    doc = _doc()
    doc["complete"] = False
    doc["questions"][0]["takes"].append(
        {
            "kind": "answer",
            "prompt": "Q?",
            "audio": "q1-2.wav",
            "duration_s": None,
            "thinking_s": None,
            "transcript": None,
            "review": None,
        }
    )
    doc["questions"].append({"id": "amazon-frugality-1", "text": "Frugal?", "skipped": True, "takes": []})
    body = build_session_report(doc, _nowhere).split("<script>")[0]
    assert "<strong>incomplete</strong>" in body
    assert "Answer (take 2 of 2)</h3>" in body and "Not reviewed: the session ended" in body
    assert "Frugal?</h2><p class=\"small muted\">amazon-frugality-1</p><p class='muted'>Skipped.</p>" in body
    assert "average score 40" in body  # the reviewed take counts; the unreviewed retake does not


def test_recognizer_noise_is_not_shown_and_variants_show_as_words():
    doc = _doc(words=_words("<sil> we read(2) it [noise] ++breath++ <script>x</script>"), segments=[])
    body = build_session_report(doc, _nowhere).split("<script>")[0]
    shown = re.findall(r'<span class="w [^"]*"[^>]*>([^<]*)</span>', body)
    assert shown == ["we", "read", "it", "&lt;script&gt;x&lt;/script&gt;"]


def test_a_damaged_audio_file_does_not_stop_the_report(tmp_path):
    (tmp_path / "q1.wav").write_bytes(b"RIFF\x00\x00not audio at all")
    body = build_session_report(_doc(), lambda rel: tmp_path / rel).split("<script>")[0]
    assert "<audio" not in body and "Audio q1.wav is missing or unreadable" in body


@pytest.mark.parametrize(
    "saved, expected",
    [
        ({}, "the 120 s answer target"),  # the Amazon profile's
        (
            {"target_s": 90, "limit_s": 120},
            "the 90 s answer target",
        ),  # a question's own timing, saved with the take
    ],
)
def test_timeline_target_comes_from_the_take_else_the_profile(saved, expected):
    doc = _doc()
    doc["questions"][0]["takes"][0].update(saved)
    profile = load_bank(bundled_bank_dir()).profiles["amazon"]
    html = build_session_report(doc, _nowhere, profile=profile)
    assert expected in html
    target = saved.get("target_s", 120)
    assert f'data-seconds="{0.55 * target:.1f}"' in html  # the target bar's Action part


# ------------------------------------------------------------------------------ damaged sessions

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(), st.text(max_size=12)
)
_trees = st.recursive(
    _scalars,
    lambda kids: st.one_of(
        st.lists(kids, max_size=3), st.dictionaries(st.text(max_size=8), kids, max_size=3)
    ),
    max_leaves=12,
)


def _node_paths(node, prefix=()):
    if prefix:
        yield prefix
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in children:
        yield from _node_paths(value, (*prefix, key))


def _damaged(data) -> dict:
    """A good session with one node (anywhere) replaced by arbitrary JSON-like data."""
    doc = _doc()
    doc["questions"][0]["takes"][0]["review"].update(
        relevance={"talking_points": [{"text": "a point", "covered": True}]},
        score_breakdown=[{"item": "structure", "points": 30, "max": 40}],
    )
    path = data.draw(st.sampled_from(list(_node_paths(doc))), label="path")
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = data.draw(_trees, label="value")
    return doc


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_damaged_session_still_makes_a_page(data):
    doc = _damaged(data)
    page = _parse(build_session_report(doc, _nowhere, profile=session_profile(doc, None)))
    assert [t for t, _ in page.tags].count("script") == 1


@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_a_damaged_session_still_makes_a_progress_page(data):
    good = _doc()
    good.update(id="2026-11-01-amazon", started_at="2026-11-01T10:00:00+00:00")
    assert "<svg" in build_progress_report([good, _damaged(data)], load_bank(bundled_bank_dir()))


@pytest.mark.parametrize(
    "present, expected",
    [(True, "Asked for the result: given ✓"), (False, "Asked for the result: still missing ✗")],
)
def test_a_follow_up_is_judged_on_what_it_was_asked_for(present, expected):
    doc = _doc(flags=["missing_situation", "missing_task", "too_short", "too_fast"], score=35)
    take = doc["questions"][0]["takes"][0]
    take.update(kind="follow_up", prompt="What was the outcome?", follow_up_reason="missing_result")
    take["review"]["components"]["result"]["present"] = present
    body = build_session_report(doc, _nowhere).split("<script>")[0]
    assert expected in body
    assert "too fast" in body  # delivery still counts
    assert "missing situation" not in body and "too short" not in body  # not a whole story
    assert "/100" not in body  # no whole-answer score for a probe
