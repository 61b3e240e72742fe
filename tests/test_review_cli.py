"""`mockint review` in-process: typed answers, the JSON contract, questions, and usage errors."""

from __future__ import annotations

import json

import pytest

STORY = (
    "Last spring at a logistics startup, our nightly billing job started failing twice a week. "
    "I had to make it reliable before the quarter closed. "
    "I traced every failure in the logs and found a race between two workers. "
    "Then I rewrote the locking, added a retry with backoff, and wrote an alert for late runs. "
    "As a result, the job has not failed in four months, and billing tickets fell by 70%."
)


def test_review_text_json_contract(run_cli):
    r = run_cli("review", "--text", STORY, "--json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert [doc["components"][p]["present"] for p in ("situation", "task", "action", "result")] == [True] * 4
    assert doc["segments"][0]["label"] == "situation" and doc["segments"][-1]["label"] == "result"
    assert doc["segments"][0]["start_s"] is None
    assert "too_short" in doc["flags"] and 0 <= doc["score"] <= 100


def test_review_text_file_with_bank_question_and_company(run_cli, tmp_path):
    (tmp_path / "answer.txt").write_text(STORY, encoding="utf-8")
    r = run_cli("review", "--text-file", "answer.txt", "--question", "amazon-ownership-1", "--json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["relevance"]["talking_points"], "the bank question's talking points are checked"
    r = run_cli("review", "--text-file", str(tmp_path / "answer.txt"), "--company", "jpmc")
    assert r.code == 0, r.err


def test_review_human_output_marks_parts_and_tips(run_cli):
    r = run_cli(
        "review",
        "--text",
        STORY.replace(
            "has not failed in four months, and billing tickets fell by 70%",
            "became reliable and billing tickets went down",
        ),
        "--question-text",
        "Tell me about a time you fixed something unreliable.",
    )
    assert r.code == 0, r.err
    assert "Score " in r.out and "/100" in r.out
    assert "S Last spring" in r.out and "R As a result" in r.out
    assert "result_not_quantified" in r.out and "no number" in r.out


@pytest.mark.parametrize(
    "args, code, message",
    [
        ((), 2, "give exactly one answer"),
        (("--text", "a", "--text-file", "b.txt"), 2, "give exactly one answer"),
        (("--text-file", "missing.txt"), 2, "missing.txt not found"),
        (("--text", "   "), 2, "the answer is empty"),
        (("--text", STORY, "--question", "no-such-question"), 2, "unknown question 'no-such-question'"),
        (("--text", STORY, "--company", "nowhere"), 2, "unknown company 'nowhere'"),
        (("missing.wav",), 2, "missing.wav not found"),
    ],
)
def test_review_usage_errors_are_one_line(run_cli, args, code, message):
    r = run_cli("review", *args)
    assert r.code == code
    assert r.err.startswith("mockint: error: ") and message in r.err
    assert len(r.err.strip().splitlines()) == 1 and "Traceback" not in r.err


def test_human_output_of_a_spoken_answer_shows_times_and_pace():
    import io

    from mockint.commands.review import _print_human
    from mockint.config import Environment
    from mockint.review import review
    from mockint.transcript import Transcript, Word

    words, t = [], 0.8
    for k, sentence in enumerate(STORY.lower().replace(",", "").replace("%", " percent").split(". ")):
        for w in sentence.rstrip(".").split():
            words.append(Word(w, t, t + 0.35))
            t += 0.4
        t += 4.35 if k == 0 else 0.6  # one long pause (4.4 s of silence), after the first sentence
    answer = Transcript(" ".join(w.word for w in words), "sphinx", t, None, tuple(words))
    out = io.StringIO()
    _print_human(review(answer), None, Environment(stdout=out))
    text = out.getvalue()
    assert "S 0:00 last spring" in text
    assert "wpm (aim 130–160)" in text and "thinking 0.8 s" in text and "long pauses 1" in text
    assert 'You paused 4.4 s at 0:06 after "failing twice a week"' in text


@pytest.mark.slow  # real transcription of a 21 s clip with the default engine (whisper)
def test_review_audio_file_gives_timed_segments(run_cli):
    from helpers.paths import ROOT

    clip = ROOT / "mockint" / "samples" / "02-dive-deep-follow-up.ogg"  # steps only, Festival voice
    r = run_cli("review", str(clip), "--json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    segments = doc["segments"]
    assert len(segments) >= 3
    assert all(s["start_s"] is not None and s["start_s"] <= s["end_s"] for s in segments)
    assert [s["start_s"] for s in segments] == sorted(s["start_s"] for s in segments)
    assert doc["components"]["action"]["present"] and doc["components"]["action"]["seconds"] > 10
    assert not doc["components"]["result"]["present"]
    d = doc["delivery"]
    assert 15 < d["duration_s"] < 30 and 100 < d["wpm"] < 220 and d["i_count"] >= 3


def test_a_typed_draft_table_shows_word_shares_only(run_cli):
    r = run_cli("review", "--text", STORY)
    assert r.code == 0, r.err
    header = next(line for line in r.out.splitlines() if line.startswith("part"))
    assert header.split() == ["part", "present", "share", "of", "words"]
    rows = [line for line in r.out.splitlines() if line.split()[:1] in (["situation"], ["result"])]
    assert rows and all("—" not in row and row.rstrip().endswith("%") for row in rows)


def test_transcribe_help_names_every_format_it_reads(run_cli):
    assert "WAV, FLAC, Ogg or AIFF" in " ".join(run_cli("transcribe", "--help").out.split())


def _write_wav(path, frames: bytes, params) -> None:
    import wave

    with wave.open(str(path), "wb") as out:
        out.setparams(params)
        out.writeframes(frames)


# What each engine makes of them: sphinx guesses words for speech played backwards (so the review
# sees mostly-guessed words), Whisper's gates give none (nothing heard); neither gets a score.
UNSCORED = {
    "sphinx": {"backwards.wav": ["unclear_audio"], "noise.wav": ["no_speech"]},
    "whisper": {"backwards.wav": ["no_speech"], "noise.wav": ["no_speech"]},
}


@pytest.mark.slow  # real transcription with both engines
@pytest.mark.parametrize("engine", sorted(UNSCORED))
def test_backwards_speech_and_noise_get_no_score(run_cli, tmp_path, engine):
    import random
    import struct
    import wave

    from helpers.paths import ROOT

    with wave.open(str(ROOT / "tests" / "data" / "speech_festival_manager.wav")) as w:
        params, frames = w.getparams(), w.readframes(w.getnframes())
    step = params.sampwidth * params.nchannels
    backwards = b"".join(frames[i : i + step] for i in range(len(frames) - step, -1, -step))
    _write_wav(tmp_path / "backwards.wav", backwards, params)
    rng = random.Random(0)
    hiss = b"".join(struct.pack("<h", int(rng.gauss(0, 3000))) for _ in range(16_000 * 4))
    _write_wav(tmp_path / "noise.wav", hiss, params._replace(nchannels=1, sampwidth=2, framerate=16_000))
    for name, flags in UNSCORED[engine].items():
        r = run_cli("review", str(tmp_path / name), "--engine", engine, "--json")
        assert r.code == 0, r.err
        doc = json.loads(r.out)
        assert doc["score"] is None and doc["flags"] == flags, (name, doc["flags"], doc["reliability"])
        assert "mockint doctor" in doc["tips"][0]
