"""The review quotes the candidate as the recognizer showed the words (Whisper's casing and
punctuation, `Word.shown`), not the lowercase forms it judges on."""

from __future__ import annotations

import re
from dataclasses import replace

from mockint.review import review
from mockint.transcript import Transcript, Utterance, Word


def whisper_style(text: str, wpm: float = 145.0, pauses: dict[int, float] | None = None) -> Transcript:
    """Like faster-whisper's words: `word` lowercase without punctuation, `display` as written."""
    word_s, t, words = 60.0 / wpm, 1.0, []
    for k, raw in enumerate(text.split()):
        norm = re.sub(r"^[^\w$]+|[^\w%]+$", "", raw.lower())
        words.append(Word(norm, t, t + word_s * 0.85, 0.9, raw))
        t += word_s + (0.5 if raw[-1] in ".!?" else 0.0) + (pauses or {}).get(k, 0.0)
    u = Utterance(1.0, t, text, no_speech_prob=0.02, avg_logprob=-0.2, compression_ratio=1.4)
    return Transcript(text, "whisper", t + 0.5, 0.3, tuple(words), "tiny.en", (u,))


NO_NUMBER = (
    "Last spring at Acme Logistics, our nightly billing job started failing twice a week. "
    "I had to make it reliable before the quarter closed. "
    "I traced every failure in the logs and found a race between two workers. "
    "Then I rewrote the locking, added a retry with backoff, and wrote an alert for late runs. "
    "We walked the support team through it, and we updated the runbook together with Priya. "
    "In the end, the job became reliable, and Support was much happier."
)


def test_tips_and_segments_quote_the_shown_words():
    r = review(whisper_style(NO_NUMBER, pauses={4: 4.0}))
    said = " ".join(r.tips)
    assert '("In the end, the job became reliable, and Support was much happier."' in said
    # the pause tip quotes the words before the pause as shown
    pause = next(t for t in r.tips if t.startswith("You paused"))
    assert 'after "spring at Acme Logistics"' in pause, pause
    assert "Acme Logistics," in r.segments[0].text and r.segments[0].text[0] == "L"
    # the judging still reads the normalised words
    assert r.components["result"].present and "result_not_quantified" in r.flags


def test_we_and_habit_quotes_keep_the_casing():
    we = review(
        whisper_style(NO_NUMBER.replace("Then I rewrote", "Then we rewrote").replace("I traced", "We traced"))
    )
    tip = next(t for t in we.tips if t.startswith("Your actions say"))
    assert '"We ' in tip or "Priya" in tip, tip
    habit = review(
        whisper_style(
            "Honestly, I Usually start by listening to both sides, and I try to find common ground."
        )
    )
    tip = next(t for t in habit.tips if "in general" in t)
    assert 'you said "I Usually…"' in tip, tip


def test_typed_quotes_are_unchanged():
    r = review(Transcript.from_text(NO_NUMBER))
    assert any('("In the end, the job became reliable, and Support was much happier."' in t for t in r.tips)


def _figures(t: Transcript, confidence: float, logprob: float, engine: str = "whisper") -> Transcript:
    words = tuple(replace(w, confidence=confidence) for w in t.words)
    utterances = tuple(replace(u, avg_logprob=logprob) for u in t.utterances)
    return replace(t, words=words, utterances=utterances, engine=engine)


def test_whisper_thresholds_are_its_calibrated_ones():
    # bench_review_spoken.py: clean, clipped and +10 dB speech through tiny.en sat at or above
    # confidence 0.65 / log-probability -0.59; speech played backwards at or below 0.40 / -0.89.
    answer = whisper_style(" ".join([NO_NUMBER] * 2))
    assert review(_figures(answer, 0.65, -0.59)).score is not None
    for confidence, logprob in ((0.50, -0.3), (0.8, -0.8), (0.40, -0.89)):
        r = review(_figures(answer, confidence, logprob))
        assert r.score is None and r.flags == ("unclear_audio",), (confidence, logprob)
    # other engines keep their own scale: sphinx's posteriors of clean speech start near 0.64
    assert review(_figures(answer, 0.51, -0.8, engine="sphinx")).score is not None
