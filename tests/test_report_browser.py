"""The session report in headless Chromium, opened from file:// like a user would."""

from __future__ import annotations

import copy
import statistics
from pathlib import Path

import pytest
from helpers.report_sessions import write_session

from mockint.bank import load_bank
from mockint.config import bundled_bank_dir
from mockint.render.progress_page import build_progress_report
from mockint.render.session_page import COLOURS, build_session_report

pytestmark = pytest.mark.browser

HOSTILE_QUESTION = "<script>window.__pwned = 1</script>Tell me about a time you took ownership."
HOSTILE_WORD = '"><img src=x onerror="window.__pwned = 2">'
SEEK_TOLERANCE_S = 0.25  # playback may start after the click; the position only moves forward


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def _write_report(recordings: Path, doc: dict, out: Path, **kwargs) -> Path:
    bank = load_bank(bundled_bank_dir())
    out.write_text(
        build_session_report(
            doc,
            lambda rel: recordings / doc["id"] / rel,
            profile=bank.profiles["amazon"],
            principles={p.id: p.name for p in bank.principles.values()},
            **kwargs,
        ),
        encoding="utf-8",
    )
    return out


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    recordings = tmp_path_factory.mktemp("recordings")
    doc = write_session(recordings)
    page = _write_report(recordings, doc, tmp_path_factory.mktemp("out") / "report.html")
    return doc, page


def _takes(doc: dict) -> list[dict]:
    return [t for q in doc["questions"] for t in q["takes"]]


def test_loads_from_file_with_no_console_errors_and_no_network(browser_page, session):
    doc, page = session
    browser_page.open(page)
    p = browser_page.page
    p.wait_for_function(
        "[...document.querySelectorAll('audio')].every(a => a.readyState >= 1)", timeout=10_000
    )
    durations = p.eval_on_selector_all("audio", "els => els.map(a => a.duration)")
    assert len(durations) == len(_takes(doc))
    for shown, take in zip(
        durations, _takes(doc), strict=True
    ):  # the embedded audio decodes to the take's length
        assert shown == pytest.approx(take["duration_s"], abs=0.1)
    assert browser_page.errors == []
    assert browser_page.requests == []


def test_clicking_a_word_seeks_its_take_to_that_word(browser_page, session):
    doc, page = session
    browser_page.open(page)
    p = browser_page.page
    p.wait_for_function(
        "[...document.querySelectorAll('audio')].every(a => a.readyState >= 1)", timeout=10_000
    )
    for t_index, take in enumerate(_takes(doc)):
        box = p.locator(".transcript[data-audio]").nth(t_index)
        audio_id = box.get_attribute("data-audio")
        words = box.locator(".w")
        assert words.count() == len(take["transcript"]["words"])
        for w_index in sorted(
            {0, len(take["transcript"]["words"]) // 2, len(take["transcript"]["words"]) - 1}
        ):
            expected = take["transcript"]["words"][w_index]["start"]
            if w_index % 2:
                words.nth(w_index).click()
            else:  # the keyboard works too
                words.nth(w_index).focus()
                p.keyboard.press("Enter")
            now = p.evaluate(
                f"(() => {{ const a = document.getElementById('{audio_id}'); a.pause(); return a.currentTime; }})()"
            )
            assert expected - 0.01 <= now <= expected + SEEK_TOLERANCE_S, (t_index, w_index, now, expected)
    # the other takes' players were not moved by clicks elsewhere: only the last take's is past 0
    positions = p.eval_on_selector_all("audio", "els => els.map(a => a.currentTime)")
    assert positions[0] == pytest.approx(
        _takes(doc)[0]["transcript"]["words"][-1]["start"], abs=SEEK_TOLERANCE_S
    )
    assert browser_page.errors == []


def test_star_colours_and_fillers_match_the_review(browser_page, session):
    doc, page = session
    browser_page.open(page)
    p = browser_page.page
    for t_index, take in enumerate(_takes(doc)):
        shown = (
            p.locator(".transcript[data-audio]")
            .nth(t_index)
            .locator(".w")
            .evaluate_all(
                "els => els.map(e => [e.textContent, getComputedStyle(e).backgroundColor, e.classList.contains('filler')])"
            )
        )
        segments = take["review"]["segments"]
        fillers = {w for f in take["review"]["delivery"]["fillers"]["by_word"] for w in f.split()}
        for word, (text, colour, marked) in zip(take["transcript"]["words"], shown, strict=True):
            label = next(
                s["label"] for s in segments if s["start_s"] <= word["start"] and word["end"] <= s["end_s"]
            )
            assert (text, colour) == (word["word"], _rgb(COLOURS[label]))
            assert marked == (word["word"] in fillers)
    assert p.locator(".filler.w").count() == 4  # "um", "like", "you know"
    assert browser_page.errors == []


def test_a_real_review_colours_and_marks_as_it_labelled(browser_page, tmp_path):
    """The review module's own output (not a hand-made one): every word's colour and filler mark
    agree; the follow-up's combined score and a take nothing was heard in say what they are."""
    from mockint.followup import gap_status
    from mockint.review import review
    from mockint.transcript import Transcript, joined

    bank = load_bank(bundled_bank_dir())
    recordings = tmp_path / "recordings"
    doc = write_session(recordings)

    def reviewed(transcript: Transcript, qid: str, thinking_s=None):
        return review(transcript, bank.questions[qid], bank.profiles["amazon"], bank, thinking_s=thinking_s)

    for q in doc["questions"]:
        for take in q["takes"]:
            take["review"] = reviewed(
                Transcript.from_dict(take["transcript"]), q["id"], take["thinking_s"]
            ).to_dict()
    # the follow-up as the session saves it: answer and follow-up reviewed together, beside the answer
    answer, follow = doc["questions"][1]["takes"]
    together = reviewed(
        joined(Transcript.from_dict(answer["transcript"]), Transcript.from_dict(follow["transcript"])),
        doc["questions"][1]["id"],
    )
    filled, status = gap_status("missing_result", answer["review"]["flags"], together.flags)
    follow["follow_up_reason"] = "missing_result"
    follow["combined"] = {
        "score": together.score,
        "answer_score": answer["review"]["score"],
        "flags": list(together.flags),
        "status": status,
        "filled": filled,
    }
    silent = reviewed(Transcript("", "whisper", 4.6, None, ()), doc["questions"][0]["id"])
    doc["questions"][0]["takes"].append(
        {"kind": "answer", "prompt": "", "duration_s": 4.6, "review": silent.to_dict()}
    )
    browser_page.open(_write_report(recordings, doc, tmp_path / "report.html"))
    p = browser_page.page
    combined = p.locator(".combined")
    assert combined.is_visible() and combined.text_content() == (
        f"With the follow-up: score {together.score}/100 (answer alone {answer['review']['score']}) · {status}"
    )
    assert p.locator(".question-score").text_content() == (
        f"Question score {together.score}/100 (with follow-up; answer alone {answer['review']['score']})"
    )
    # (the first question's answer alone, the second's with its follow-up)
    average = round((doc["questions"][0]["takes"][0]["review"]["score"] + together.score) / 2)
    assert f"average score {average} (1 with follow-up)" in p.locator("header").text_content()
    why = p.locator(".reliability")
    assert (
        why.is_visible()
        and why.text_content() == f"No score. Nothing was heard: {silent.reliability.reason}."
    )
    assert "mockint doctor" in p.locator(".take").nth(1).locator(".tips").text_content()
    for t_index, take in enumerate(t for t in _takes(doc) if t.get("audio")):
        shown = (
            p.locator(".transcript[data-audio]")
            .nth(t_index)
            .locator(".w")
            .evaluate_all(
                "els => els.map(e => [getComputedStyle(e).backgroundColor, e.classList.contains('filler')])"
            )
        )
        segments = take["review"]["segments"]
        assert len(shown) == len(take["transcript"]["words"])
        for word, (colour, _) in zip(take["transcript"]["words"], shown, strict=True):
            label = next(
                s["label"]
                for s in segments  # the review rounds its times to 0.01 s
                if s["start_s"] - 0.01 <= word["start"] and word["end"] <= s["end_s"] + 0.01
            )
            assert colour == _rgb(COLOURS[label])
        by_word = take["review"]["delivery"]["fillers"]["by_word"]
        assert sum(marked for _, marked in shown) == sum(n * len(f.split()) for f, n in by_word.items())
    assert browser_page.errors == []


def test_hostile_text_shows_as_text_and_runs_nothing(browser_page, tmp_path):
    recordings = tmp_path / "recordings"
    doc = write_session(recordings, question_text=HOSTILE_QUESTION, transcript_text=HOSTILE_WORD)
    browser_page.open(_write_report(recordings, doc, tmp_path / "report.html"))
    p = browser_page.page
    assert p.evaluate("typeof window.__pwned") == "undefined"
    assert p.locator("script").count() == 1  # the page's own
    assert p.locator("h2").first.text_content() == f"1. {HOSTILE_QUESTION}"
    assert p.locator(".transcript .w").first.text_content() == HOSTILE_WORD
    assert p.locator("img").count() == 0
    assert HOSTILE_WORD in p.locator(".tips").first.text_content()
    assert browser_page.errors == []


def test_linked_audio_plays_from_beside_the_recordings(browser_page, tmp_path):
    recordings = tmp_path / "recordings"
    doc = write_session(recordings)
    out = tmp_path / "reports" / "linked.html"
    out.parent.mkdir()
    browser_page.open(_write_report(recordings, doc, out, link_from=out.parent))
    p = browser_page.page
    p.wait_for_function(
        "[...document.querySelectorAll('audio')].every(a => a.readyState >= 1)", timeout=10_000
    )
    assert p.eval_on_selector_all("audio", "els => els.map(a => a.currentSrc.slice(0, 5))") == ["file:"] * 3
    first = p.locator(".w").nth(4)
    first.click()
    now = p.evaluate(
        "(() => { const a = document.querySelector('audio'); a.pause(); return a.currentTime; })()"
    )
    assert (
        float(first.get_attribute("data-start")) - 0.01
        <= now
        <= float(first.get_attribute("data-start")) + SEEK_TOLERANCE_S
    )
    assert browser_page.errors == []


def test_progress_page_loads_with_charts_and_hostile_bank_text_stays_text(browser_page, tmp_path):
    bank_dir = tmp_path / "bank"
    bank_dir.mkdir()
    hostile_name = "<script>window.__pwned = 3</script>Ownership"
    text = (bundled_bank_dir() / "amazon.yaml").read_text(encoding="utf-8")
    (bank_dir / "amazon.yaml").write_text(
        text.replace("name: Ownership\n", f'name: "{hostile_name}"\n', 1), encoding="utf-8"
    )
    recordings = tmp_path / "recordings"
    docs = [
        write_session(
            recordings,
            f"{day}T10-00-00-amazon",
            started_at=f"{day}T10:00:00+00:00",
            question_text=HOSTILE_QUESTION,
            score=score,
        )
        for day, score in (("2026-11-01", 50), ("2026-11-08", 65))
    ]
    other = copy.deepcopy(docs[0])  # a company this bank does not know: named by its id
    other.update(id="2026-11-04T10-00-00-jpmc", company="jpmc", started_at="2026-11-04T10:00:00+00:00")
    docs.append(other)
    out = tmp_path / "progress.html"
    out.write_text(build_progress_report(docs, load_bank(bank_dir)), encoding="utf-8")
    browser_page.open(out)
    p = browser_page.page
    assert p.evaluate("typeof window.__pwned") == "undefined"
    assert p.locator("script").count() == 1
    assert p.locator('tr[data-principle="ownership"] td').first.text_content() == hostile_name
    assert p.locator("table.repeated td").first.text_content() == HOSTILE_QUESTION
    charts = p.locator("figure.chart svg")
    assert charts.count() == 5
    for i in range(5):  # drawn at a readable size, with the axis labels as text
        chart = charts.nth(i)
        box = chart.bounding_box()
        assert box["width"] > 800 and box["height"] > 200  # the page's column, not a thumbnail
        assert "session date" in chart.text_content()
        legend = chart.locator("g.legend").all_text_contents()
        assert legend[:2] == ["Amazon", "jpmc"] and any(t.startswith("good: ") for t in legend)
        band = chart.locator("rect.band").bounding_box()  # the good band, inside the plot
        assert band["height"] >= 5 and box["y"] < band["y"] < box["y"] + box["height"]
        dots = chart.locator("circle.dot").evaluate_all("els => els.map(e => getComputedStyle(e).fill)")
        assert len(set(dots)) == 2  # a colour per company
        for label in chart.locator("text.value").all():  # values on the points, at a readable size
            seen = label.bounding_box()
            assert (
                seen["height"] >= 11
                and box["y"] <= seen["y"]
                and seen["y"] + seen["height"] <= box["y"] + box["height"]
            )
    score = charts.nth(0)
    means = [  # each session's mean of its answers' scores (the newest answer take of each question)
        statistics.mean(
            [t for t in q["takes"] if t["kind"] == "answer"][-1]["review"]["score"] for q in d["questions"]
        )
        for d in docs
    ]
    assert sorted(score.locator("text.value").all_text_contents()) == sorted(f"{m:.0f}" for m in means)
    hovers = score.locator("circle.dot title").all_text_contents()  # company · date · question · value
    assert {h.split(" · ")[1][:10] for h in hovers} == {"2026-11-01", "2026-11-04", "2026-11-08"}
    assert any(HOSTILE_QUESTION in h for h in hovers)  # as text: nothing ran (checked above)
    assert browser_page.errors == [] and browser_page.requests == []
