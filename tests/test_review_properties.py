"""Properties of the review on arbitrary input: it never fails, and its figures stay consistent."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mockint.review import PARTS, Review, review
from mockint.review.rubric import FLAGS
from mockint.review.segment import tokens_of
from mockint.transcript import Transcript, Word

VOCAB = [
    "i",
    "we",
    "had",
    "to",
    "fixed",
    "the",
    "bug",
    "as",
    "a",
    "result",
    "um",
    "so",
    "like",
    "you",
    "know",
    "last",
    "year",
    "my",
    "task",
    "was",
    "40%",
    "three",
    "always",
    "would",
    "also",
    "<sil>",
    "[noise]",
    "then",
    "created",
    "team",
    "improved",
    "by",
]


@st.composite
def timed_transcripts(draw):
    words, t = [], draw(st.floats(0, 5))
    for w in draw(st.lists(st.sampled_from(VOCAB), max_size=80)):
        length = draw(st.floats(0.05, 0.8))
        words.append(Word(w, t, t + length))
        t += length + draw(st.sampled_from([0.0, 0.05, 0.2, 0.5, 1.0, 3.5]))
    return Transcript(" ".join(w.word for w in words), "sphinx", t + 0.5, None, tuple(words))


def _consistent(r: Review, answer: Transcript) -> None:
    assert set(r.flags) <= set(FLAGS) and len(set(r.flags)) == len(r.flags)
    # a review is never more certain than its transcript: unheard audio gets no score and no STAR flags
    unheard = {"no_speech", "unclear_audio"} & set(r.flags)
    assert (r.score is None) == bool(unheard) and (not unheard or len(r.flags) == 1)
    assert r.score is None or 0 <= r.score <= 100
    assert all(s.label in PARTS + ("other",) for s in r.segments)
    assert sum(s.words for s in r.segments) == len(tokens_of(answer))
    assert sum(r.components[p].word_share for p in PARTS) <= 1.0 + 1e-9
    for p in PARTS:
        assert r.components[p].present == any(s.label == p for s in r.segments)
        assert unheard or (f"missing_{p}" in r.flags) == (not r.components[p].present)
    assert Review.from_dict(r.to_dict()).to_dict() == r.to_dict()


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_any_typed_text(text):
    answer = Transcript.from_text(text)
    r = review(answer)
    _consistent(r, answer)
    assert all(s.start_s is None for s in r.segments)


@settings(max_examples=60, deadline=None)
@given(timed_transcripts())
def test_any_timed_transcript(answer):
    r = review(answer)
    _consistent(r, answer)
    starts = [s.start_s for s in r.segments]
    assert starts == sorted(starts)
    assert all(s.start_s <= s.end_s for s in r.segments)
    if r.segments:
        assert sum(r.components[p].share for p in PARTS) <= 1.0 + 1e-9
