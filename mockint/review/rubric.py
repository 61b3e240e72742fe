"""From measured facts to flags, tips and the 0–100 score (the rubric documented in README).

Every flag is one of the fixed codes in DESIGN.md; every tip cites the answer's own words,
seconds or counts. Thresholds are named constants so README and code say the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mockint.bank import Principle, Profile, Question
from mockint.parts import STAR_PARTS
from mockint.ports import STOP_LIMIT
from mockint.review.behaviour import SAID
from mockint.review.delivery import PACE_BAND_WPM, TOO_FAST_WPM, TOO_SLOW_WPM, Delivery, has_number, ownership
from mockint.review.relevance import MIN_WORDS_TO_JUDGE, Relevance, off_topic
from mockint.review.segment import Phrase, Token, is_past_tense
from mockint.review.star import ADVERBS
from mockint.transcript import Transcript

FLAGS = (
    "missing_situation",
    "missing_task",
    "missing_action",
    "missing_result",
    "not_a_story",
    "long_setup",
    "result_not_quantified",
    "low_ownership",
    "too_short",
    "too_long",
    "too_fast",
    "too_slow",
    "many_fillers",
    "long_pauses",
    "off_topic",
    "no_speech",
    "unclear_audio",
    "cut_at_limit",
)

TOO_SHORT_S = 45.0
DEFAULT_TARGET_S = 120.0  # without a profile
DEFAULT_LIMIT_S = 180.0
LONG_SETUP_SHARE = 0.35  # Situation + Task above this share of the answer
SETUP_AIM_S = 20.0
ACTION_SHARE_LOW = 0.40  # a tip below this
RESULT_SHARE_MIN = 0.10
MANY_FILLERS_PER_MIN = 3.0  # ~1.2/min reads fluent, ~4.8/min hesitant
MIN_FILLERS_TO_FLAG = 3
MIN_WORDS_FOR_PACE = 20
MIN_WORDS_FOR_TOPIC = 20
MANY_HEDGES = 3
# A story happened: below this share of past-tense words (deeds, "was", "had"…) nothing in the
# answer did. Written stories run 0.06 and up; habits and musings 0.00-0.05 (bench_review_fresh).
MIN_PAST_SHARE = 0.03
MIN_WORDS_FOR_TENSE = 30
_PAST_AUX = frozenset("was were had did got".split())

_GENERIC = re.compile(
    r"\b(i would|i'd|i always|i usually|i typically|i generally|i normally|i tend to|i try to|"
    r"my approach is|what i do is|i make sure|you should|you need to|in general|whenever i|"
    r"i like to|i'm (someone|a person|the kind))\b"
)
_NARRATIVE = re.compile(
    r"\b(i|we|they|he|she) (\w+ed|made|took|set|wrote|built|met|spoke|led|ran|sent|gave|got|had|was|"
    r"were|did|went|found|told|said|saw|chose|began|kept|left|brought|won|lost)\b|"
    r"\b(last (year|month|week|semester|quarter|summer)|once|when i was|during|ago)\b"
)
_STOP = frozenset(
    "a an the and or but of to in on at for with by from as is are was were be been it its this that "
    "these those you your i me my we our they their he she his her them what which who whom how why "
    "when where tell time describe give example about did do does had have has share walk through "
    "situation handled handle would could should can will one some any more most such not no so "
    "just also than then there here into over under after before during while other "
    # too common in any story to show the topic
    "new work worked team project people made make get got good way thing things day week year "
    "first last really very many much lot help helped".split()
)


@dataclass(frozen=True)
class Facts:
    """Everything the rubric reads, measured once by review()."""

    components: Mapping[str, Any]  # part → Component
    segments: tuple[Any, ...]
    phrases: list[Phrase]
    labels: list[str]
    delivery: Delivery
    relevance: Relevance
    question: Question | None
    principles: list[Principle]
    target_s: float
    limit_s: float
    timed: bool
    norms: list[str]
    stopped_by: str | None = None  # the take's stop code (ports.STOP_*); None when not recorded
    # each token as the recognizer showed it ("Americans,", "40%"), by token index; empty: as written
    shown: tuple[str, ...] = ()

    def share(self, *parts: str) -> float:
        """Share of the answer (seconds when spoken, words when typed) in these parts."""
        if self.timed:
            return sum(self.components[p].share or 0.0 for p in parts)
        return sum(self.components[p].word_share for p in parts)

    def seconds(self, *parts: str) -> float:
        """Seconds in these parts: measured, or estimated from words for typed text."""
        if self.timed:
            return sum(self.components[p].seconds or 0.0 for p in parts)
        return self.share(*parts) * self.delivery.estimated_s

    def phrases_of(self, part: str) -> list[Phrase]:
        return [p for p, label in zip(self.phrases, self.labels, strict=True) if label == part]

    def said(self, phrase: Phrase) -> str:
        """The phrase as the candidate sees it: Whisper's casing and punctuation, or the typed text."""
        return said(phrase, self.shown)


def shown_forms(answer: Transcript, tokens: list[Token]) -> tuple[str, ...]:
    """Each token's shown form (Word.shown) by token index; () when the answer has no words."""
    if not answer.words:
        return ()
    by_time = {(w.start, w.end, w.word.split("(")[0]): w.shown for w in answer.words}
    return tuple(by_time.get((t.start, t.end, t.text), t.text) for t in tokens)


def said(phrase: Phrase, shown: tuple[str, ...]) -> str:
    """A phrase's text as shown; typed phrases keep their own text."""
    if not shown or not phrase.tokens or phrase.tokens[-1].index >= len(shown):
        return phrase.text
    return " ".join(shown[t.index] for t in phrase.tokens)


def _quote_words(f: Facts, first: int, n: int) -> str:
    """n words from token `first`, as shown (as typed for a typed answer)."""
    tokens = [t for p in f.phrases for t in p.tokens][first : first + n]
    if not tokens:
        return ""
    return said(Phrase(tuple(tokens), " ".join(t.text for t in tokens)), f.shown).rstrip(",;:")


def timing_targets(question: Question | None, profile: Profile | None) -> tuple[float, float]:
    if profile is None:
        return (
            question.target_s or DEFAULT_TARGET_S if question else DEFAULT_TARGET_S,
            question.limit_s or DEFAULT_LIMIT_S if question else DEFAULT_LIMIT_S,
        )
    if question is None:
        return profile.answer_target_s, profile.answer_limit_s
    return question.answer_target_s(profile), question.answer_limit_s(profile)


def _stem(word: str) -> str:
    return word[:5]  # crude, language-agnostic: "deadline"/"deadlines", "owned"/"owner"


def _topic_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOP and len(w) > 2}


def _content_stems(text: str) -> set[str]:
    return {_stem(w) for w in _topic_words(text)}


def _spoken_s(f: Facts) -> float:
    """Speaking time (first word to last), as printed: whole seconds."""
    if f.timed and f.delivery.speaking_s is not None:
        return float(round(f.delivery.speaking_s))
    return float(round(f.delivery.estimated_s))


def _pct(share: float) -> int:
    """A share as the whole percent the tips print; thresholds compare on this."""
    return round(100 * share)


def we_only(f: Facts) -> bool:
    """Actions told only in "we" (I ×0): nothing the candidate did is said."""
    i_n, we_n = ownership(f.phrases_of("action") or f.phrases)
    return (i_n == 0 and we_n >= 1) or (f.delivery.i_count <= 1 and f.delivery.we_count >= 3)


def not_a_story(f: Facts) -> bool:
    text = " ".join(f.norms)
    generic = len(_GENERIC.findall(text))
    narrative = len(_NARRATIVE.findall(text))
    if f.delivery.words < 8:
        return True
    deeds = _deeds(f)
    if deeds == 0 and sum(f.delivery.hedges.values()) >= 2:
        return True  # a ramble: no one in it did anything ("things kind of worked out, I think")
    if deeds == 0 and not {"action", "result"} & set(f.labels):
        return True  # no deed and nothing done or achieved: views of oneself ("I'm proud of…")
    if f.delivery.words >= MIN_WORDS_FOR_TENSE and _past_share(f.norms) < MIN_PAST_SHARE:
        return True  # told all in the present: how things are, not what happened
    return (generic >= 1 and narrative == 0) or (generic >= 3 and generic > narrative)


def _past_share(norms: list[str]) -> float:
    words = [w for w in norms if w.isalpha() or "'" in w]
    return sum(is_past_tense(w) or w in _PAST_AUX for w in words) / max(1, len(words))


def _deeds(f: Facts) -> int:
    """Deeds: "I"/"we" (an adverb or two between) and a past-tense verb, or a phrase that opens
    with one ("Implemented circuit breakers…")."""
    norms = f.norms
    n = sum(bool(p.words) and is_past_tense(p.words[0]) for p in f.phrases)
    for k, w in enumerate(norms):
        if w in ("i", "we"):
            rest = [x for x in norms[k + 1 : k + 4] if x not in ADVERBS]
            n += bool(rest) and is_past_tense(rest[0])
    return n


def flags(f: Facts) -> tuple[str, ...]:
    out = [f"missing_{p}" for p in STAR_PARTS if not f.components[p].present]
    if not_a_story(f):
        out.append("not_a_story")
    if f.components["situation"].present or f.components["task"].present:
        if _pct(f.share("situation", "task")) > _pct(LONG_SETUP_SHARE):
            out.append("long_setup")
    if f.components["result"].present and not any(has_number(p.words) for p in f.phrases_of("result")):
        out.append("result_not_quantified")
    i_n, we_n = ownership(f.phrases_of("action") or f.phrases)
    if (we_n >= 2 and we_n > i_n) or we_only(f):
        out.append("low_ownership")
    cut = f.stopped_by == STOP_LIMIT
    spoken = _spoken_s(f)
    if spoken < TOO_SHORT_S and not cut:
        out.append("too_short")
    if spoken > f.limit_s and not cut:
        out.append("too_long")
    if cut:
        out.append("cut_at_limit")
    d = f.delivery
    if d.wpm is not None and d.words >= MIN_WORDS_FOR_PACE:
        if round(d.wpm) > TOO_FAST_WPM:
            out.append("too_fast")
        elif round(d.wpm) < TOO_SLOW_WPM:
            out.append("too_slow")
    # the rate as printed ("3.0 a minute", one decimal) where the review measured one
    rate = (
        d.fillers.per_minute
        if d.fillers.per_minute is not None
        else d.fillers.count / (max(spoken, 1.0) / 60)
    )
    if d.fillers.count >= MIN_FILLERS_TO_FLAG and rate >= MANY_FILLERS_PER_MIN:
        out.append("many_fillers")
    if d.long_pauses:
        out.append("long_pauses")
    if off_topic(f.relevance, f.delivery.words, story="not_a_story" not in out):
        out.append("off_topic")
    return tuple(out)


def _quote(text: str, words: int = 12) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _clock(seconds: float) -> str:
    return f"{int(seconds) // 60}:{int(seconds) % 60:02d}"


def never_mentions(f: Facts) -> bool:
    """The question asks for a behaviour (a disagreement, a deadline…) and the story, long enough
    to judge, uses none of its cues (review/behaviour.py): it costs points and gets a tip."""
    fit = f.relevance.behaviour
    return bool(f.question) and fit is not None and fit.mismatch and f.delivery.words >= MIN_WORDS_TO_JUDGE


def tips(f: Facts, flagged: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    unit = "" if f.timed else " (estimated at a speaking pace of 145 words a minute)"
    first = {p: f.said(f.phrases_of(p)[0]) for p in STAR_PARTS if f.phrases_of(p)}
    last_said = f.said(f.phrases[-1]) if f.phrases else ""
    story_tip = "not_a_story" in flagged  # then the one tip says it all: no per-part tips
    if story_tip:
        m = _GENERIC.search(" ".join(f.norms))
        at = " ".join(f.norms)[: m.start()].count(" ") if m else 0
        quoted = f' — you said "{_quote_words(f, at, len(m.group().split()))}…"' if m else ""
        out.append(
            f"This describes what you do in general{quoted}. Tell one specific time: when it was, "
            "what you did, and what came of it."
        )
    fit = f.relevance.behaviour
    if "off_topic" in flagged and f.question and not f.relevance.rival and fit is not None and fit.unlike:
        # raised by the behaviour probe, not by a better-fitting bank question
        reads = f"one about {SAID[fit.reads_as]}" if fit.reads_as in SAID else "one about something else"
        out.append(
            f"The story reads as {reads}, not {fit.asked_said()}: make the link to "
            f'"{_quote(f.question.text)}" explicit, or pick a story that shows it.'
        )
    elif "off_topic" in flagged and f.question:
        rival = f' — it fits "{_quote(f.relevance.rival)}" better' if f.relevance.rival else ""
        score = f.relevance.score or 0.0
        why = f"; {fit.said()}" if fit is not None and fit.mismatch else ""
        out.append(
            f"The story hardly touches the question (relevance {score:.2f}){rival}{why}: make the link to "
            f'"{_quote(f.question.text)}" explicit, or pick a story that shows it.'
        )
    elif never_mentions(f) and not story_tip:
        out.append(
            f"The question asks about {fit.asked_said()}, and {fit.said()}: say it in so many words, "
            "or pick a story that shows it."
        )
    if "missing_situation" in flagged and not story_tip:
        out.append("Start with one or two sentences of context: where you were, when, and what was at stake.")
    if "missing_task" in flagged and not story_tip:
        out.append('Say what you had to do before the actions: "My job was to…", "I had to…".')
    if "missing_action" in flagged and not story_tip:
        out.append("Tell what you did, step by step — the actions are what the interviewer scores.")
    cut = "cut_at_limit" in flagged
    if cut:
        last = f' during "{_quote(last_said, 8)}"' if last_said else ""
        cut_part = "the result" if "missing_result" in flagged else "the end of the story"
        out.append(
            f"The {f.limit_s:.0f} s limit stopped the answer{last}, before {cut_part}: "
            "shorten the context and get to the outcome sooner."
        )
    if "missing_result" in flagged and not cut and not story_tip:
        last = f' after "{_quote(last_said, 8)}"' if last_said else ""
        out.append(f"The answer stops{last} with no outcome: end with what changed, for whom, by how much.")
    if "result_not_quantified" in flagged:
        out.append(f'Your result has no number ("{_quote(first["result"])}"): how much, how fast, how many?')
    if "long_setup" in flagged:
        setup_s = f.seconds("situation", "task")
        aim = (
            f"under {SETUP_AIM_S:.0f} s"
            if round(setup_s) > SETUP_AIM_S
            else f"at most {LONG_SETUP_SHARE:.0%}"
        )
        out.append(
            f"Your Situation and Task ran {setup_s:.0f} s, {f.share('situation', 'task'):.0%} of the "
            f"answer{unit} — aim for {aim} and get to what you did."
        )
    if "low_ownership" in flagged:
        i_n, we_n = ownership(f.phrases_of("action") or f.phrases)
        we_phrase = next((f.said(p) for p in f.phrases_of("action") or f.phrases if "we" in p.words), "")
        out.append(
            f'Your actions say "we" {we_n} times and "I" {i_n} times ("{_quote(we_phrase)}"): '
            'say what you did yourself — "I wrote…", "I convinced…".'
        )
    spoken = _spoken_s(f)
    if "too_short" in flagged and f.delivery.words:
        out.append(
            f"At {spoken:.0f} s{unit} this answer is short — give it at least {TOO_SHORT_S:.0f} s "
            f"(about {f.target_s:.0f} s is the target): more on the steps you took and the result."
        )
    if "too_long" in flagged:
        out.append(
            f"The answer ran {spoken:.0f} s{unit}, past the {f.limit_s:.0f} s limit — "
            "cut the context to two sentences and keep one or two key actions."
        )
    d = f.delivery
    if "too_fast" in flagged or "too_slow" in flagged:
        lo, hi = PACE_BAND_WPM
        out.append(f"You spoke at {d.wpm:.0f} words a minute — aim for {lo:.0f}–{hi:.0f}.")
    if "many_fillers" in flagged:
        words = ", ".join(f'"{w}" ×{n}' for w, n in sorted(d.fillers.by_word.items(), key=lambda x: -x[1]))
        rate = f" ({d.fillers.per_minute:.1f} a minute)" if d.fillers.per_minute is not None else ""
        out.append(f"{d.fillers.count} fillers{rate}: {words} — a silent pause sounds more confident.")
    if "long_pauses" in flagged:
        p = max(d.long_pauses, key=lambda p: p.seconds)
        before = [
            t.index for q in f.phrases for t in q.tokens if t.end is not None and t.end <= p.start_s + 1e-6
        ]
        after = _quote_words(f, max(before[-1] - 3, 0), min(4, before[-1] + 1)) if before else p.after
        out.append(
            f'You paused {p.seconds:.1f} s at {_clock(p.start_s)} after "{after}" — '
            'if you need time, say "let me think about that" once, up front.'
        )
    if f.components["action"].present and "missing_action" not in flagged:
        share = f.share("action")
        if _pct(share) < _pct(ACTION_SHARE_LOW):
            out.append(
                f"Your Action is {share:.0%} of the answer — aim for about half: the steps you took, in order."
            )
    if f.components["result"].present and _pct(f.share("result")) < _pct(RESULT_SHARE_MIN):
        out.append(
            f"Your Result is {f.share('result'):.0%} of the answer — give it at least "
            f"{RESULT_SHARE_MIN:.0%}: what changed, and what you learned."
        )
    missed = [t for t, c in f.relevance.talking_points if not c]
    if f.relevance.talking_points and missed and "off_topic" not in flagged:
        out.append(f'Not yet covered: "{missed[0]}"')
    hedges = sum(d.hedges.values())
    if hedges >= MANY_HEDGES:
        which = ", ".join(f'"{h}" ×{n}' for h, n in d.hedges.items())
        out.append(f"You hedged {hedges} times ({which}) — say what you did plainly.")
    return tuple(out)
