"""Saved sessions for the report tests, in the `show SESSION --json` shape, with real audio.

Each answer is spoken word by word with espeak-ng and the words are joined with short gaps,
so every word's start and end in the transcript are where that word really is in the WAV:
seeking to a word in the report lands on it. (espeak-ng is one of mockint's system packages.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import soxr

RATE_HZ = 16_000
WORD_GAP_S = 0.08
SEGMENT_GAP_S = 0.45
LEAD_IN_S = 0.3
FILLERS = ("um", "uh", "like", "you know")
SILENCE_LEVEL = 0.01  # samples under this (of full scale) count as the silence espeak-ng pads with


def require_espeak() -> None:
    """Skip without espeak-ng, saying how to install it; in CI (MOCKINT_REQUIRE_DEVICES=1) fail instead."""
    if shutil.which("espeak-ng"):
        return
    reason = "espeak-ng makes the report tests' audio — run scripts/setup.sh (apt-get install espeak-ng)"
    if os.environ.get("MOCKINT_REQUIRE_DEVICES") == "1":
        pytest.fail(f"{reason} (tests may not skip with MOCKINT_REQUIRE_DEVICES=1)")
    pytest.skip(reason)


@cache
def _spoken(word: str) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "w.wav"
        subprocess.run(["espeak-ng", "-s", "165", "-w", str(out), word], check=True, timeout=30)
        data, rate = sf.read(str(out), dtype="float32")
    data = soxr.resample(data, rate, RATE_HZ)
    loud = np.flatnonzero(np.abs(data) > SILENCE_LEVEL)
    return data[loud[0] : loud[-1] + 1] if loud.size else data


def speak(segments: list[tuple[str, str]], wav: Path) -> tuple[list[dict], list[dict], float]:
    """Speak (label, text) segments into `wav`; return (words, segments, duration) with real times."""
    pieces = [np.zeros(int(LEAD_IN_S * RATE_HZ), dtype="float32")]
    t = LEAD_IN_S
    words, segs = [], []
    for label, text in segments:
        seg_start = t
        for token in text.split():
            audio = _spoken(token)
            start, end = t, t + len(audio) / RATE_HZ
            words.append(
                {"word": token.lower(), "start": round(start, 3), "end": round(end, 3), "confidence": 0.9}
            )
            pieces += [audio, np.zeros(int(WORD_GAP_S * RATE_HZ), dtype="float32")]
            t = end + WORD_GAP_S
        segs.append(
            {"text": text, "label": label, "start_s": round(seg_start, 3), "end_s": round(t - WORD_GAP_S, 3)}
        )
        pieces.append(np.zeros(int(SEGMENT_GAP_S * RATE_HZ), dtype="float32"))
        t += SEGMENT_GAP_S
    samples = np.concatenate(pieces)
    wav.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(wav), samples, RATE_HZ, subtype="PCM_16")
    return words, segs, len(samples) / RATE_HZ


def review_for(words: list[dict], segs: list[dict], duration: float, flags=(), tips=(), score=70) -> dict:
    """A review in the contract's shape whose figures follow from the words and segments."""
    tokens = [w["word"] for w in words]
    by_word: dict[str, int] = {}
    for f in FILLERS:
        n = len(f.split())
        count = sum(1 for i in range(len(tokens) - n + 1) if tokens[i : i + n] == f.split())
        if count:
            by_word[f] = count
    minutes = duration / 60
    components = {}
    for part in ("situation", "task", "action", "result"):
        mine = [s for s in segs if s["label"] == part]
        seconds = sum(s["end_s"] - s["start_s"] for s in mine)
        components[part] = {
            "present": bool(mine),
            "share": round(seconds / duration, 3),
            "seconds": round(seconds, 2),
            "evidence": [s["text"] for s in mine],
        }
    n_fill = sum(by_word.values())
    return {
        "components": components,
        "segments": segs,
        "delivery": {
            "duration_s": round(duration, 2),
            "words": len(words),
            "wpm": round(len(words) / minutes, 1),
            "thinking_s": 1.5,
            "fillers": {"count": n_fill, "per_minute": round(n_fill / minutes, 2), "by_word": by_word},
            "i_count": tokens.count("i"),
            "we_count": tokens.count("we"),
            "long_pauses": 0,
        },
        "flags": list(flags),
        "tips": list(tips),
        "score": score,
    }


def take(folder: Path, name: str, kind: str, prompt: str, segments: list[tuple[str, str]], **review) -> dict:
    words, segs, duration = speak(segments, folder / name)
    return {
        "kind": kind,
        "prompt": prompt,
        "audio": name,
        "duration_s": round(duration, 2),
        "thinking_s": 1.5,
        "transcript": {
            "text": " ".join(w["word"] for w in words),
            "engine": "sphinx",
            "duration_s": round(duration, 2),
            "elapsed_s": 0.4,
            "words": words,
        },
        "review": review_for(words, segs, duration, **review),
    }


STORY = [
    ("situation", "last spring our billing service kept failing at night"),
    ("task", "I had to um stop the outages before the holiday peak"),
    ("action", "I traced the failures to a retry storm and like added a queue"),
    ("result", "outages fell by ninety percent in one month"),
]
NO_RESULT = [
    ("situation", "a customer you know complained about slow reports"),
    ("action", "I rewrote the slowest query and we shipped it"),
]


def write_session(
    recordings: Path,
    session_id: str = "2026-11-20T10-00-00-amazon",
    *,
    started_at: str = "2026-11-20T10:00:00+00:00",
    question_text: str | None = None,
    question_id: str = "amazon-ownership-1",
    transcript_text: str | None = None,
    score: int = 70,
) -> dict:
    """A two-question Amazon session: a full STAR answer, and one without a result plus its follow-up.

    Writes recordings/<id>/session.json (the layout of DESIGN.md) and returns the document.
    """
    require_espeak()
    folder = recordings / session_id
    first = take(
        folder,
        "q1-answer-1.wav",
        "answer",
        question_text or "Tell me about a time you took ownership.",
        STORY,
        tips=["Your result has a number: good."],
        score=score,
    )
    if transcript_text is not None:  # text as a recognizer might return it, hostile or not
        first["transcript"]["words"][0]["word"] = transcript_text
        first["review"]["tips"].append(transcript_text)
    second = take(
        folder,
        "q2-answer-1.wav",
        "answer",
        "Tell me about a customer problem you solved.",
        NO_RESULT,
        flags=["missing_result", "missing_task"],
        tips=["Say what changed, with a number."],
        score=score - 20,
    )
    follow = take(
        folder,
        "q2-follow-1.wav",
        "follow_up",
        "What was the result?",
        [("result", "reports ran in two seconds instead of forty")],
        score=score - 10,
    )
    doc = {
        "schema_version": 1,
        "id": session_id,
        "company": "amazon",
        "started_at": started_at,
        "complete": True,
        "questions": [
            {
                "id": question_id,
                "text": question_text or "Tell me about a time you took ownership.",
                "principles": ["ownership"],
                "takes": [first],
            },
            {
                "id": "amazon-customer-obsession-1",
                "text": "Tell me about a customer problem you solved.",
                "principles": ["customer-obsession"],
                "takes": [second, follow],
            },
        ],
    }
    (folder / "session.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return doc
