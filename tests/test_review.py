"""The review, table-driven: phrase → label, answer → labels, answer → flags, fillers, timing.

All stories here were written for these tests (the shared benchmark answers are not copied).
"""

from __future__ import annotations

import re
import time
from dataclasses import replace

import pytest

from mockint.bank import Principle, Profile, Question, load_bank
from mockint.config import bundled_bank_dir
from mockint.review import PARTS, Review, review
from mockint.review.rubric import TOO_SHORT_S
from mockint.review.star import score_phrase
from mockint.transcript import Transcript, Utterance, Word

# ----------------------------------------------------------------------------- helpers


def spoken(
    text: str,
    wpm: float = 145.0,
    sentence_pause_s: float = 0.6,
    start_s: float = 1.0,
    pauses: dict[int, float] | None = None,
) -> Transcript:
    """A recognizer-style transcript: lowercase, no punctuation, words timed at `wpm`, a pause
    at each sentence end; `pauses` adds extra silence after word number k."""
    word_s = 60.0 / wpm
    t, words = start_s, []
    for k, raw in enumerate(text.split()):
        w = re.sub(r"[^\w'%$]", "", raw.lower())
        if not w:
            continue
        words.append(Word(w, t, t + word_s * 0.85))
        t += word_s
        if raw[-1] in ".!?":
            t += sentence_pause_s
        t += (pauses or {}).get(k, 0.0)
    return Transcript(" ".join(w.word for w in words), "sphinx", t + 0.5, 0.3, tuple(words))


def labels_by_sentence(r: Review) -> list[str]:
    return [s.label for s in r.segments]


STORY = (
    "Last spring at a logistics startup, our nightly billing job started failing twice a week. "
    "I had to make it reliable before the quarter closed. "
    "I traced every failure in the logs and found a race between two workers. "
    "Then I rewrote the locking, added a retry with backoff, and wrote an alert for late runs. "
    "I also walked the support team through the new runbook. "
    "As a result, the job has not failed in four months, and support tickets about billing fell by 70%."
)
STORY_LABELS = ["situation", "task", "action", "action", "action", "result"]

# ----------------------------------------------------------------------------- phrases

PHRASES = [  # (phrase, position in the answer 0..1, expected label)
    ("our payment service was timing out every friday evening", 0.1, "situation"),
    ("during my second year at the bank i was on the data platform team", 0.05, "situation"),
    ("the client was unhappy with our weekly reports", 0.1, "situation"),
    ("i had to get the reports out before the audit on monday", 0.3, "task"),
    ("my job was to migrate forty services without downtime", 0.3, "task"),
    ("i was asked to lead the vendor evaluation", 0.3, "task"),
    ("i wrote a script that compared both databases row by row", 0.5, "action"),
    ("then i sat down with the two team leads and agreed on an order", 0.55, "action"),
    ("checked the logs and found a retry loop", 0.5, "action"),
    ("as a result the migration finished two weeks early", 0.9, "result"),
    ("i learned to ask for the data before arguing", 0.95, "result"),
    ("we shipped it on time and the client renewed for three years", 0.85, "result"),
    ("i usually like to plan my work in stages", 0.5, "other"),
    ("i then banned weekend work for the rest of the project", 0.7, "action"),  # adverb before the verb
    # recognizer output with a wrong word: "my task" heard as "nine task"
    ("nine task was to find the root cause before the sale", 0.25, "task"),
]


@pytest.mark.parametrize("phrase, position, expected", PHRASES)
def test_phrase_scorer(phrase, position, expected):
    s = score_phrase(tuple(phrase.split()), position)
    assert max(s.scores, key=s.scores.get) == expected, (s.scores, s.cues)


# ----------------------------------------------------------------------------- answers

ANSWERS = [  # (answer, expected label per segment)
    (STORY, STORY_LABELS),
    # No explicit task: the sequence goes Situation → Action → Result.
    (
        "When I was at a small agency, a client's site went down every Monday morning. "
        "I moved their cron jobs off the web server and set up uptime checks. "
        "The site stayed up for the rest of the contract, and the client signed a second project.",
        ["situation", "action", "result"],
    ),
    # A result said first as a headline, then the story.
    (
        "I cut our cloud bill by 40% in one quarter. "
        "At my last job, we were paying for hundreds of idle test machines. "
        "My goal was to bring the bill down without slowing the teams. "
        "I tagged every machine by owner and wrote a job that stopped idle ones at night. "
        "Finance confirmed the savings in the next quarterly review.",
        ["result", "situation", "task", "action", "result"],
    ),
    # Natural answer without cue words for the result: it is the outcome after the actions.
    (
        "Two years ago our mobile team and the backend team kept shipping incompatible versions. "
        "I needed to get both teams releasing together. "
        "I set up a shared contract test suite and I ran a weekly release sync. "
        "Both apps went out on the same day for the next six releases.",
        ["situation", "task", "action", "result"],
    ),
    # A closing opinion is not part of the story; a present-tense "now" states the result.
    (
        "Last year our deploys took three hours. I had to speed them up. I cached the dependencies and "
        "split the tests into four shards. Deploys now take twenty minutes. I think I tend to thrive "
        "when there is a clear goal.",
        ["situation", "task", "action", "result", "other"],
    ),
    # A sentence that turns: the task clause and the decision after ", so I…" are labelled apart;
    # the quantified outcome after the actions is the Result, not another Action.
    (
        "At my last job our biggest client was about to leave. The renewal was not formally mine, "
        "but nobody else was going to do it, so I decided to own it. I called the client every week "
        "and fixed their three worst bugs. They renewed their contract for three more years worth "
        "about $120,000.",
        ["situation", "task", "action", "action", "result"],
    ),
]


@pytest.mark.parametrize("text, expected", ANSWERS)
def test_typed_answers_are_labelled_as_a_sequence(text, expected):
    assert labels_by_sentence(review(Transcript.from_text(text))) == expected


def test_recognizer_style_input_without_punctuation_is_split_by_pauses_and_labelled():
    t = spoken(STORY)
    assert "." not in t.text and t.text == t.text.lower()
    r = review(t)
    labels = labels_by_sentence(r)
    # every part found, in STAR order
    assert [p for p in PARTS if r.components[p].present] == list(PARTS)
    order = [PARTS.index(label) for label in labels if label in PARTS]
    assert order == sorted(order)
    # word-level: the last sentence's words are result, the first sentence's situation
    assert r.segments[0].label == "situation" and r.segments[-1].label == "result"


def test_speech_with_the_recognizers_full_stops_is_split_at_them():
    # Whisper punctuates: sentence ends split phrases even where the speaker did not pause.
    t = spoken(STORY, sentence_pause_s=0.0)
    shown = [s.rstrip() for s in re.split(r"(?<=[.!?])\s+", STORY)]
    ends = set()
    k = 0
    for sentence in shown:
        k += len([w for w in sentence.split() if re.sub(r"[^\w'%$]", "", w)])
        ends.add(k - 1)
    words = tuple(replace(w, display=w.word + ("." if i in ends else "")) for i, w in enumerate(t.words))
    r = review(replace(t, words=words))
    assert labels_by_sentence(r)[:2] == ["situation", "task"]
    assert len(r.segments) >= len(shown)


def test_short_sentence_pauses_still_split_speech():
    # Some recognizers fold most of a silence into the word before it: sentence gaps of 0.25 s.
    r = review(spoken(STORY, sentence_pause_s=0.25))
    assert len(r.segments) >= 5
    assert [p for p in PARTS if r.components[p].present] == list(PARTS)


def test_run_on_speech_without_pauses_is_cut_at_cue_words():
    text = (
        "last year our team was behind on a release i had to get it back on schedule so i split the "
        "backlog and paired juniors with seniors as a result we shipped two days early"
    )
    words = tuple(Word(w, 0.3 * k, 0.3 * k + 0.25) for k, w in enumerate(text.split()))
    r = review(Transcript(text, "sphinx", 0.3 * len(words) + 0.5, None, words))
    assert len(r.segments) >= 4
    assert [p for p in PARTS if r.components[p].present] == list(PARTS)


def test_segment_times_come_from_word_times_and_result_span_is_replayable():
    t = spoken(STORY)
    r = review(t)
    result = [s for s in r.segments if s.label == "result"]
    assert result and result[0].start_s == pytest.approx(
        next(w.start for w in t.words if w.word == "as" and w.start > 20), abs=0.01
    )
    assert result[-1].end_s == pytest.approx(t.words[-1].end)
    start, end = r.part_span("result")
    assert start < end <= t.duration_s
    seconds = sum(s.end_s - s.start_s for s in result)
    assert r.components["result"].seconds == pytest.approx(seconds, abs=0.01)
    assert 0 < r.components["result"].share < 1
    assert sum(r.components[p].share for p in PARTS) <= 1.0 + 1e-9


def test_typed_text_has_no_times():
    r = review(Transcript.from_text(STORY))
    assert all(s.start_s is None and s.end_s is None for s in r.segments)
    d = r.to_dict()
    assert d["delivery"]["duration_s"] is None and d["delivery"]["wpm"] is None
    assert d["delivery"]["fillers"]["per_minute"] is None and d["delivery"]["thinking_s"] is None
    assert all(d["components"][p]["seconds"] is None and d["components"][p]["share"] is None for p in PARTS)
    assert d["components"]["action"]["word_share"] > 0.3


# ----------------------------------------------------------------------------- flags

NO_RESULT = (
    "At my last job our deploys took three hours. I had to speed them up. "
    "I profiled the pipeline, cached the dependencies and split the test suite into four shards."
)
HYPOTHETICAL = (
    "I would always start by listening to both sides. I usually set up a meeting and I try to "
    "find common ground. I believe communication is the key to any conflict."
)
WE_STORY = (
    "Last year our checkout was slow during sales. My task was to fix it before the holiday sale. "
    "We profiled the service and we found a slow query. Then we added an index and we set up alerts. "
    "As a result, checkout got 3 times faster."
)
NO_NUMBER = STORY.replace(
    "the job has not failed in four months, and support tickets about billing fell by 70%",
    "the job became reliable and support was much happier",
)
LONG_SETUP = (
    "Last year at a logistics startup I worked on the billing team with six engineers and a product "
    "manager who had joined from a bank. Our billing job ran every night and it was failing about "
    "twice a week because of a bug that nobody understood, and the finance team was getting upset "
    "because invoices were going out late to our biggest customers in three countries. "
    "The company was also preparing for an audit at the end of the quarter. "
    "I had to make the job reliable before the audit and keep invoices on time. "
    "I traced the failures and fixed the locking. "
    "As a result, the job has not failed in four months."
)


RAMBLE = (
    "The billing system was really old, like really old. Everyone kind of knew it was a problem and "
    "there were meetings about it. The team was busy and things were hard. Things kind of worked out "
    "in the end, I think, and people were happier, more or less, over time."
)


def _confident(t: Transcript, confidence: float) -> Transcript:
    return replace(t, words=tuple(replace(w, confidence=confidence) for w in t.words))


def _with_utterances(t: Transcript, **figures: float) -> Transcript:
    """One utterance spanning the words, with Whisper's figures."""
    return replace(t, utterances=(Utterance(t.words[0].start, t.words[-1].end, t.text, **figures),))


FILLED = ". ".join(f"um {s}" if i % 2 else f"{s} uh" for i, s in enumerate(((STORY + " ") * 2).split(". ")))


BANK = load_bank(bundled_bank_dir())


def _question(text="Tell me about a time you fixed a reliability problem.", points=(), principles=()):
    return Question("q", text, ("test",), principles=principles, talking_points=points)


FLAG_ROWS = [  # (id, transcript, question, expect present, expect absent)
    (
        "complete story",
        Transcript.from_text(STORY),
        None,
        set(),
        {
            "missing_situation",
            "missing_task",
            "missing_action",
            "missing_result",
            "not_a_story",
            "result_not_quantified",
            "low_ownership",
        },
    ),
    (
        "no result",
        Transcript.from_text(NO_RESULT),
        None,
        {"missing_result"},
        {"missing_action", "not_a_story"},
    ),
    (
        "no situation",
        Transcript.from_text(STORY.split(". ", 1)[1]),
        None,
        {"missing_situation"},
        {"missing_result"},
    ),
    (
        "no task",
        Transcript.from_text(STORY.replace("I had to make it reliable before the quarter closed. ", "")),
        None,
        {"missing_task"},
        {"missing_action", "missing_result"},
    ),
    (
        "no action",
        Transcript.from_text(
            "Last spring our nightly billing job started failing twice a week. I had to make it reliable. "
            "In the end the job has not failed in four months."
        ),
        None,
        {"missing_action"},
        set(),
    ),
    ("hypothetical", Transcript.from_text(HYPOTHETICAL), None, {"not_a_story"}, set()),
    (
        "we carries the actions",
        Transcript.from_text(WE_STORY),
        None,
        {"low_ownership"},
        {"result_not_quantified"},
    ),
    (
        "result without number",
        Transcript.from_text(NO_NUMBER),
        None,
        {"result_not_quantified"},
        {"missing_result"},
    ),
    ("long setup", Transcript.from_text(LONG_SETUP), None, {"long_setup"}, {"missing_action"}),
    ("too short typed", Transcript.from_text(STORY), None, {"too_short"}, {"too_long"}),
    ("too long spoken", spoken(" ".join([STORY] * 5), wpm=150), None, {"too_long"}, {"too_short"}),
    ("too fast", spoken(" ".join([STORY] * 2), wpm=210), None, {"too_fast"}, {"too_slow"}),
    ("too slow", spoken(" ".join([STORY] * 2), wpm=90), None, {"too_slow"}, {"too_fast"}),
    (
        "comfortable pace",
        spoken(" ".join([STORY] * 2), wpm=145),
        None,
        set(),
        {"too_fast", "too_slow", "too_short"},
    ),
    ("many fillers", spoken(FILLED), None, {"many_fillers"}, set()),
    ("long pause", spoken(STORY, pauses={20: 4.0}), None, {"long_pauses"}, set()),
    (
        "off topic",
        Transcript.from_text(STORY),
        BANK.questions["amazon-think-big-2"],  # a long-term vision others bought into: a billing job?
        {"off_topic"},
        set(),
    ),
    ("on topic", Transcript.from_text(STORY), _question(), set(), {"off_topic"}),
    # Heard first: silence, noise read as words, and unintelligible audio get no score.
    (
        "silence (Enter pressed)",
        Transcript("", "whisper", 4.6, None, ()),
        None,
        {"no_speech"},
        {"not_a_story"},
    ),
    ("two words in the noise", spoken("thank you"), None, {"no_speech"}, {"too_short", "missing_result"}),
    (
        "every utterance is non-speech",
        _with_utterances(
            spoken("thanks for watching everyone out there"), no_speech_prob=0.92, avg_logprob=-1.4
        ),
        None,
        {"no_speech"},
        set(),
    ),
    (
        "unintelligible (confidence 0.37)",
        _confident(spoken(STORY), 0.37),
        None,
        {"unclear_audio"},
        {"missing_task"},
    ),
    (
        "decoder repeating itself",
        _with_utterances(spoken(STORY), compression_ratio=3.1),
        None,
        {"unclear_audio"},
        set(),
    ),
    (
        "clearly heard",
        _confident(spoken(" ".join([STORY] * 2)), 0.91),
        None,
        set(),
        {"unclear_audio", "no_speech"},
    ),
    (
        "cut by the limit",
        spoken(NO_RESULT),
        None,
        {"cut_at_limit", "missing_result"},
        {"too_long", "too_short"},
    ),
    (
        "cut by the limit mid-sentence",
        spoken(NO_RESULT + " In the end the team decided that we should also"),
        None,
        {"cut_at_limit", "missing_result"},
        set(),
    ),
    ("ramble, nobody does anything", Transcript.from_text(RAMBLE), None, {"not_a_story"}, set()),
]
# Review arguments besides the transcript and question, by row id.
ROW_KWARGS = {
    "cut by the limit": {"stopped_by": "limit"},
    "cut by the limit mid-sentence": {"stopped_by": "limit"},
    "off topic": {"bank": BANK},
}


@pytest.mark.parametrize(
    "name, transcript, question, present, absent", FLAG_ROWS, ids=[r[0] for r in FLAG_ROWS]
)
def test_flags(name, transcript, question, present, absent):
    r = review(transcript, question, **ROW_KWARGS.get(name, {}))
    assert present <= set(r.flags), (r.flags, [(s.label, s.text) for s in r.segments])
    assert not (absent & set(r.flags)), r.flags


@pytest.mark.xfail(
    strict=True,
    reason="the billing story's support tickets fit the customer principle's words, and the behaviour "
    "probe reads it as about a customer too, so it is not confidently off-topic for 'above and beyond "
    "for a customer' (issue 14)",
)
def test_billing_fix_is_off_topic_for_going_above_and_beyond_for_a_customer():
    r = review(Transcript.from_text(STORY), BANK.questions["amazon-customer-obsession-1"], bank=BANK)
    assert "off_topic" in r.flags


def test_every_flag_code_is_covered_by_a_row():
    from mockint.review.rubric import FLAGS

    covered = set().union(*(row[3] for row in FLAG_ROWS))
    assert covered == set(FLAGS)


def test_profile_limit_decides_too_long():
    t = spoken(" ".join([STORY] * 3), wpm=150)  # about 100 s
    short_limit = Profile("p", "P", "", 0, 60, 90, 1, 0)
    long_limit = Profile("p", "P", "", 0, 120, 180, 1, 0)
    assert "too_long" in review(t, profile=short_limit).flags
    assert "too_long" not in review(t, profile=long_limit).flags


# ----------------------------------------------------------------------------- tips


def test_tips_cite_the_answer():
    r = review(Transcript.from_text(NO_NUMBER))
    tip = next(t for t in r.tips if "no number" in t)
    assert "the job became reliable" in tip
    r = review(spoken(LONG_SETUP))
    tip = next(t for t in r.tips if t.startswith("Your Situation and Task ran"))
    seconds = r.components["situation"].seconds + r.components["task"].seconds
    assert f"{seconds:.0f} s" in tip
    r = review(spoken(STORY, pauses={20: 4.0}))
    assert any("paused 4." in t and "0:" in t for t in r.tips)


def test_talking_points_and_keywords():
    q = _question(
        points=("How you found the root cause in the logs", "How you mentored a junior engineer"),
        principles=("dive-deep",),
    )
    from pathlib import Path

    from mockint.bank import Bank

    bank = Bank(
        Path("."),
        principles={
            "dive-deep": Principle("dive-deep", "Dive Deep", "", "test", ("logs", "root", "metrics"))
        },
    )
    r = review(Transcript.from_text(STORY), q, bank=bank)
    assert dict(r.relevance.talking_points) == {q.talking_points[0]: True, q.talking_points[1]: False}
    assert "logs" in r.relevance.keywords_found
    assert any("mentored a junior" in t for t in r.tips)


# ----------------------------------------------------------------------------- fillers

FILLER_ROWS = [  # (text, expected by_word)
    ("um I think we uh shipped it", {"um": 1, "uh": 1}),
    ("I also fixed the tests and also the docs", {}),  # "also" is never "so"
    ("So, um, I was on the payments team", {"so": 1, "um": 1}),
    ("She said yes, so I created the account", {}),  # a conjunction
    ("I would like to add that I like Python", {}),
    ("It looks like the cache was stale", {}),
    ("it was, like, really hard and like we had no time", {"like": 2}),
    ("you know, the service kept failing", {"you know": 1}),
    ("do you know what the root cause was", {}),
    ("I know you know the system", {}),
    ("we were, you know, short on people", {"you know": 1}),
    ("Basically, I rewrote the parser", {"basically": 1}),
    ("The team actually reported higher satisfaction", {}),
    ("and actually we had to start over", {"actually": 1}),
    ("hmm er ah", {"hmm": 1, "er": 1, "ah": 1}),
    ("Umbrella soap hummus", {}),  # whole words only
]


@pytest.mark.parametrize("text, expected", FILLER_ROWS)
def test_fillers(text, expected):
    assert review(Transcript.from_text(text)).delivery.fillers.by_word == expected


def test_filler_in_speech_is_set_off_by_pauses():
    words = (Word("so", 0.0, 0.2), Word("we", 1.0, 1.1), Word("shipped", 1.1, 1.5), Word("it", 1.5, 1.6))
    r = review(Transcript("so we shipped it", "sphinx", 2.0, None, words))
    assert r.delivery.fillers.by_word == {"so": 1}
    words = (Word("it", 0.0, 0.2), Word("was", 0.2, 0.4), Word("so", 0.4, 0.6), Word("slow", 0.6, 0.9))
    assert review(Transcript("it was so slow", "sphinx", 1.0, None, words)).delivery.fillers.count == 0


def test_delivery_figures_from_word_times():
    t = spoken(STORY, wpm=150, start_s=2.5, pauses={30: 3.5})
    d = review(t).delivery
    assert d.thinking_s == pytest.approx(2.5)
    assert d.words == len(t.words)
    assert 120 < d.wpm < 150  # the pauses count as speaking time
    assert len(d.long_pauses) == 1 and d.long_pauses[0].seconds > 3.0
    assert d.i_count == 4 and d.we_count == 0
    assert review(t, thinking_s=7.0).delivery.thinking_s == 7.0


# ----------------------------------------------------------------------------- contract


def test_json_contract_and_round_trip():
    r = review(spoken(WE_STORY + " Um, that was it."), _question())
    d = r.to_dict()
    assert set(d) >= {"components", "segments", "delivery", "flags", "tips", "score"}
    for part in PARTS:
        assert set(d["components"][part]) >= {"present", "share", "seconds", "evidence"}
    assert set(d["segments"][0]) >= {"text", "label", "start_s", "end_s"}
    assert set(d["delivery"]) >= {
        "duration_s",
        "words",
        "wpm",
        "thinking_s",
        "fillers",
        "i_count",
        "we_count",
        "long_pauses",
    }
    assert set(d["delivery"]["fillers"]) == {"count", "per_minute", "by_word"}
    assert isinstance(d["delivery"]["long_pauses"], int) and isinstance(d["score"], int)
    back = Review.from_dict(d)
    assert back.to_dict() == d
    assert back.flags == r.flags and back.score == r.score and back.components["action"].present


def test_from_dict_reads_the_minimal_contract():
    doc = {
        "components": {
            p: {"present": p != "result", "share": 0.3, "seconds": 9.0, "evidence": ["x"]} for p in PARTS
        },
        "segments": [{"text": "we shipped it", "label": "action", "start_s": 0.0, "end_s": 7.9}],
        "delivery": {
            "duration_s": 86.0,
            "words": 212,
            "wpm": 148.0,
            "thinking_s": 2.4,
            "fillers": {"count": 4, "per_minute": 2.8, "by_word": {"um": 3, "like": 1}},
            "i_count": 14,
            "we_count": 3,
            "long_pauses": 1,
        },
        "flags": ["missing_result"],
        "tips": ["…"],
        "score": 72,
    }
    r = Review.from_dict(doc)
    assert r.score == 72 and r.flags == ("missing_result",) and not r.components["result"].present
    assert r.segments[0].end_s == 7.9 and r.delivery.fillers.by_word == {"um": 3, "like": 1}
    assert len(r.delivery.long_pauses) == 1 and r.part_span("action") == (0.0, 7.9)


def test_score_follows_the_rubric():
    good = review(Transcript.from_text(" ".join([STORY] * 3)))
    bad = review(Transcript.from_text(HYPOTHETICAL))
    assert good.score > 70 > bad.score
    assert bad.score <= 30  # capped: not a story
    earned = sum(p.points for p in good.breakdown)
    available = sum(p.max for p in good.breakdown)
    assert good.score == round(100 * earned / available)
    assert 0 <= review(Transcript.from_text("")).score <= 100


def test_empty_answer():
    r = review(Transcript.from_text(""))
    assert r.segments == () and r.delivery.words == 0
    assert {"missing_situation", "missing_task", "missing_action", "missing_result", "not_a_story"} <= set(
        r.flags
    )
    r = review(Transcript("", "sphinx", 5.0, None, ()))
    assert r.delivery.wpm is None


def test_huge_answer_reviews_in_under_a_second():
    text = " ".join([STORY] * 236)  # about 20,000 words
    assert len(text.split()) >= 20_000
    # CPU time, not wall time: the test machine is shared, and waiting for a core is not our cost.
    t0 = time.process_time()
    r = review(Transcript.from_text(text), _question())
    assert time.process_time() - t0 < 1.0
    assert r.delivery.words >= 20_000


# ----------------------------------------------------------------------------- honest score

WE_ONLY = (
    "Last year our checkout was slow during big sales. We had to fix it before the holiday sale. "
    "We profiled the service and we found a slow query. Then we added an index, we set up alerts and "
    "we load-tested the whole flow. As a result, checkout got 3 times faster and sales rose by 12%."
)


@pytest.mark.parametrize(
    "name, transcript",
    [
        ("silence", Transcript("", "whisper", 4.6, None, ())),
        ("unintelligible", _confident(spoken(" ".join([STORY] * 2)), 0.37)),
    ],
)
def test_unheard_audio_gets_no_score_and_a_fix(name, transcript):
    r = review(transcript, _question())
    assert r.score is None and not r.heard and len(r.flags) == 1
    d = r.to_dict()
    assert d["score"] is None and d["reliability"]["level"] in ("none", "low")
    assert "mockint doctor" in r.tips[0]
    assert Review.from_dict(d).score is None


def test_typed_text_is_always_reliable():
    r = review(Transcript.from_text(STORY))
    assert r.heard and r.reliability.level == "ok" and r.to_dict()["reliability"]["mean_confidence"] is None


def test_we_only_actions_cost_ownership_heavily():
    good = review(Transcript.from_text(" ".join([STORY] * 3)))
    we = review(Transcript.from_text(" ".join([WE_ONLY] * 3)))
    assert "low_ownership" in we.flags and we.score <= 50 and good.score - we.score >= 25


def test_cut_at_limit_is_said_and_capped():
    full = spoken(" ".join([STORY] * 3), wpm=145)
    cut = review(spoken(NO_RESULT + " " + NO_RESULT), stopped_by="limit")
    assert "cut_at_limit" in cut.flags and "missing_result" in cut.flags
    assert any("limit stopped the answer" in t for t in cut.tips)
    assert review(full).score - cut.score >= 25


def test_too_short_tip_and_rule_agree_on_speaking_time():
    r = review(spoken(STORY, start_s=10.0))  # 10 s of thinking before the first word
    assert "too_short" in r.flags
    tip = next(t for t in r.tips if "short" in t)
    shown = int(re.search(r"At (\d+) s", tip).group(1))
    assert shown == round(r.delivery.speaking_s) and shown < TOO_SHORT_S
    assert f"at least {TOO_SHORT_S:.0f} s" in tip


def test_thresholds_compare_on_the_printed_value():
    # A setup share that prints as 35% is not "over 35%".
    from mockint.review.rubric import LONG_SETUP_SHARE, _pct

    assert _pct(0.3504) == _pct(LONG_SETUP_SHARE)
    for text in (LONG_SETUP, STORY):
        r = review(Transcript.from_text(text))
        for tip in r.tips:
            m = re.search(r"(\d+)% of the answer.*aim for (?:under|at most) (\d+)%", tip)
            assert not m or int(m.group(1)) > int(m.group(2)), tip


# ----------------------------------------------------------------------------- relevance

PAYMENT_STORY = (
    "Last year our payment service started failing about one card payment in fifty, but only at night. "
    "I was on call, and I had to find out why before the holiday sales. I pulled a week of logs and traced "
    "the failed requests, and I found they all hit the same database replica during its backup window. "
    "I wrote a test that reproduced the timeout, moved the backup to a replica that takes no traffic, and "
    "added an alert on replica lag. After that the failures dropped from two percent to zero, and we have "
    "not had a night-time payment failure since."
)


@pytest.fixture(scope="module")
def real_bank():
    return BANK


@pytest.mark.parametrize(
    "question_id, off_topic",
    [
        ("amazon-dive-deep-1", False),  # root cause: the story's own question
        ("amazon-insist-on-the-highest-standards-3", False),  # a recurring problem fixed for good
        ("amazon-strive-to-be-earths-best-employer-3", True),  # inclusion: nothing in the story
    ],
)
def test_relevance_is_measured_against_the_bank(real_bank, question_id, off_topic):
    q = real_bank.questions[question_id]
    r = review(Transcript.from_text(PAYMENT_STORY), q, real_bank.profiles["amazon"], real_bank)
    assert ("off_topic" in r.flags) == off_topic, r.relevance.basis
    assert 0.0 <= r.relevance.score <= 1.0 and r.to_dict()["relevance"]["basis"]
    if off_topic:
        assert r.score <= 40


@pytest.mark.xfail(
    strict=True,
    reason="issue 14: 10 of 108 bank questions fit the payment story better than prioritising does, the "
    "behaviour probe gives prioritising or a deadline a chance of 0.12 (its bar is 0.101), and dive-deep-2 asks for "
    "the root cause the story shows, so neither is confidently off-topic",
)
@pytest.mark.parametrize("question_id", ["amazon-deliver-results-4", "amazon-dive-deep-2"])
def test_the_issues_payment_story_is_off_topic_for_other_questions(real_bank, question_id):
    q = real_bank.questions[question_id]
    r = review(Transcript.from_text(PAYMENT_STORY), q, real_bank.profiles["amazon"], real_bank)
    assert "off_topic" in r.flags


def test_own_question_fits_better_than_an_unrelated_one(real_bank):
    own = review(
        Transcript.from_text(PAYMENT_STORY), real_bank.questions["amazon-dive-deep-1"], bank=real_bank
    )
    other = review(
        Transcript.from_text(PAYMENT_STORY),
        real_bank.questions["amazon-hire-and-develop-the-best-1"],
        bank=real_bank,
    )
    assert own.relevance.score > other.relevance.score


def test_a_question_of_ones_own_is_judged_conservatively():
    # --question-text without a bank: nothing to compare against, so never off_topic.
    for text in ("Tell me about a time you fixed a hard bug.", "Describe a time you worked under pressure."):
        r = review(Transcript.from_text(PAYMENT_STORY), Question("custom", text, ()))
        assert "off_topic" not in r.flags, r.relevance.basis
