"""The session report: one self-contained HTML page per saved session (offline, file://).

Per question: the question, an audio player per take and follow-up, the transcript with STAR
parts coloured and fillers marked (click a word to hear it), a timeline of seconds per STAR
part against the profile's target, delivery figures against their bands, flags and tips.

Every string that comes from a session, a question bank or story notes goes through `esc`.
The page holds no external reference: CSS, JS and audio are inline (or audio is linked by a
relative path when the caller asks for it), so it works from disk with no network.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from mockint.bank import Bank, Profile
from mockint.render.figures import answer_targets, delivery_html, fmt, timeline_html
from mockint.render.html import COLOURS, esc, html_table, page  # noqa: F401  (esc: for callers)
from mockint.render.page_audio import AudioLocator, audio_sources
from mockint.store.view import (
    LABELS,
    QuestionView,
    ReviewView,
    SegmentView,
    TakeView,
    TimedWord,
    number,
    read_session,
)
from mockint.transcript import Transcript, Word


def legend() -> str:
    return (
        '<p class="legend small">'
        + "".join(f'<span style="background:{COLOURS[p]}">{p.capitalize()}</span>' for p in LABELS)
        + '<span class="filler">filler</span></p>'
    )


# ----------------------------------------------------------------------------- transcript


def word_labels(words: Sequence[TimedWord], segments: Sequence[SegmentView]) -> list[str]:
    """The STAR label of each timed word: the segment holding the word's midpoint ("other" if none)."""
    spans = [(s.start_s, s.end_s, s.label) for s in segments if s.start_s is not None and s.end_s is not None]
    labels = []
    for w in words:
        mid = (w.start + w.end) / 2
        labels.append(next((label for a, b, label in spans if a <= mid <= b), "other"))
    return labels


def filler_positions(words: Sequence[TimedWord], by_word: Mapping[str, int]) -> set[int]:
    """Indexes of the words the review counted as fillers.

    The review counts in context ("like" as a verb or "so" as a conjunction is not a filler),
    so the same rules (mockint.review.delivery) find them here, limited to the kinds the review's
    `by_word` lists: marks and counts agree, and a word is never marked on spelling alone.
    """
    from mockint.review.delivery import filler_indexes
    from mockint.review.segment import tokens_of

    timed = tuple(Word(w.word, w.start, w.end) for w in words)
    tokens = tokens_of(
        Transcript(text=" ".join(w.word for w in timed), engine="", duration_s=None, words=timed)
    )
    # tokens_of drops recognizer noise ("<sil>", "[noise]"): map tokens back by their times
    unused: dict[tuple[float | None, float | None], list[int]] = {}
    for i, w in enumerate(timed):
        unused.setdefault((w.start, w.end), []).append(i)
    word_of = [unused[(t.start, t.end)].pop(0) for t in tokens]
    marked: set[int] = set()
    for i, filler in filler_indexes(tokens):
        if filler in by_word:
            marked.update(word_of[j] for j in range(i, min(i + len(filler.split()), len(tokens))))
    return marked


# Recognizer output that is not a word ("<sil>", "[noise]", "++breath++") is not shown, and
# pocketsphinx's pronunciation variants ("read(2)") show as the word.
_NOISE = re.compile(r"^(?:<[^<>]*>|\[[^\[\]]*\]|\+\+.*\+\+)$")
_ALTERNATE = re.compile(r"\(\d+\)$")


def transcript_html(take: TakeView, audio_id: str | None) -> str:
    """Words coloured by STAR part with fillers marked; timed words carry their start for seeking."""
    segments = take.review.segments if take.review else ()
    if take.words:
        labels = word_labels(take.words, segments)
        marked = filler_positions(take.words, take.review.fillers_by_word if take.review else {})
        spans = []
        for i, (w, label) in enumerate(zip(take.words, labels, strict=True)):
            shown = _ALTERNATE.sub("", w.word)
            if not shown or _NOISE.match(shown):
                continue
            if w.display:  # with the recognizer's casing and punctuation, where it gives them
                shown = w.display
            cls = f"w l-{label}" + (" filler" if i in marked else "")
            spans.append(
                f'<span class="{cls}" tabindex="0" data-label="{label}" data-start="{w.start:.3f}" '
                f'data-end="{w.end:.3f}" title="{label} · {w.start:.1f} s">{esc(shown)}</span>'
            )
        attr = f' data-audio="{esc(audio_id)}"' if audio_id else ""
        return f'<p class="transcript"{attr}>' + " ".join(spans) + "</p>"
    if segments:  # typed answers: no times, the review's segments carry the text
        return (
            '<p class="transcript">'
            + " ".join(
                f'<span class="seg l-{s.label}" data-label="{s.label}">{esc(s.text)}</span>' for s in segments
            )
            + "</p>"
        )
    return f'<p class="transcript">{esc(take.text) or "<span class=muted>(nothing was heard)</span>"}</p>'


def feedback_html(review: ReviewView) -> str:
    flags = "".join(f'<span class="flag">{esc(f.replace("_", " "))}</span>' for f in review.flags)
    tips = "".join(f"<li>{esc(t)}</li>" for t in review.tips)
    parts = [
        f'<p>Score <span class="score">{fmt(review.score)}</span>/100</p>' if review.score is not None else ""
    ]
    if not review.heard:  # no_speech / unclear_audio: why there is no score (the tip says the fix)
        what = (
            "Nothing was heard"
            if review.reliability == "none" or "no_speech" in review.flags
            else ("The recording is too unclear to judge")
        )
        why = f": {review.reliability_reason}" if review.reliability_reason else ""
        parts.append(f"<p class='reliability off'>No score. {what}{esc(why)}.</p>")
    parts.append(f"<p>{flags}</p>" if flags else "<p class='small muted'>No flags.</p>")
    if tips:
        parts.append(f"<ul class='tips'>{tips}</ul>")
    if review.talking_points:  # optional review field: the question's talking points, covered or not
        parts.append(
            "<p class='small'>Talking points: "
            + "; ".join(
                f"<span class='{'ok' if covered else 'off'}'>{'✓' if covered else '✗'} {esc(text)}</span>"
                for text, covered in review.talking_points
            )
            + "</p>"
        )
    if review.breakdown:  # optional review field: the rubric's points per item
        parts.append(
            "<details class='small'><summary>How the score adds up</summary>"
            + html_table(
                ("Item", "Points", "Of"),
                [(item, fmt(points), fmt(most)) for item, points, most in review.breakdown],
            )
            + "</details>"
        )
    return "".join(parts)


def follow_up_feedback_html(take: TakeView, review: ReviewView) -> str:
    """A follow-up answer is not a whole story: judged on what it was asked for, and on delivery
    (as in the terminal), not with the whole-answer flags and score."""
    from mockint.followup import FOLLOW_UP_FLAGS, PROBED_PART

    parts = []
    part = PROBED_PART.get(take.follow_up_reason)
    if part:
        given = bool(review.present.get(part))
        parts.append(
            f"<p class='{'ok' if given else 'off'}'>Asked for the {esc(part)}: "
            f"{'given ✓' if given else 'still missing ✗'}</p>"
        )
    elif take.follow_up_reason == "low_ownership":
        owned = "low_ownership" not in review.flags
        parts.append(
            f"<p class='{'ok' if owned else 'off'}'>Asked what you personally did: "
            f"{'told with “I” ✓' if owned else 'still “we” ✗'}</p>"
        )
    if take.combined is not None:  # the answer and this follow-up reviewed together
        c = take.combined
        status = f" · {esc(c.status)}" if c.status else ""
        parts.append(
            f"<p class='combined {'ok' if c.filled else 'off'}'>With the follow-up: score "
            f"<span class='score'>{fmt(c.score)}</span>/100 (answer alone {fmt(c.answer_score)}){status}</p>"
        )
    flags = [f for f in review.flags if f in FOLLOW_UP_FLAGS]
    parts.append(
        "".join(f'<span class="flag">{esc(f.replace("_", " "))}</span>' for f in flags)
        if flags
        else "<p class='small muted'>No delivery flags.</p>"
    )
    return "".join(parts)


# ----------------------------------------------------------------------------- the page


def session_profile(doc: Mapping[str, Any], bank: Bank | None) -> Profile | None:
    """The session's company profile: from the bank, else as saved in the session, else None."""
    session = read_session(doc)
    if bank is not None and session.company in bank.profiles:
        return bank.profiles[session.company]
    saved = session.saved_profile
    target, limit = number(saved.get("answer_target_s")), number(saved.get("answer_limit_s"))
    if not target or not limit or target <= 0 or limit <= 0:
        return None
    name = saved.get("name") if isinstance(saved.get("name"), str) else session.company
    return Profile(
        id=session.company,
        name=name,
        description="",
        prep_s=number(saved.get("prep_s")) or 0.0,
        answer_target_s=target,
        answer_limit_s=limit,
        questions_per_session=1,
        follow_ups=0,
    )


def take_html(
    take: TakeView, take_id: str, title: str, src: str | None, profile: Profile | None, audio_note: str
) -> str:
    target, _ = answer_targets(take, profile)
    if src:
        player = f'<audio id="{take_id}" controls preload="metadata" src="{esc(src)}"></audio>'
    elif take.audio:
        player = (
            f'<p class="small off">Audio {esc(take.audio)} is missing or unreadable{esc(audio_note)}.</p>'
        )
    else:
        player = ""
    if take.review is not None:
        feedback = (
            follow_up_feedback_html(take, take.review) if take.is_follow_up else feedback_html(take.review)
        )
        figures = (
            timeline_html(take, take.review, target) + delivery_html(take, take.review, profile) + feedback
        )
    else:  # saved when the session was interrupted before the review (or the transcript) was done
        figures = "<p class='small muted'>Not reviewed: the session ended before this take's review.</p>"
    return (
        f'<div class="take" id="{take_id}-box"><h3>{esc(title)}</h3>'
        + (f'<p class="muted">“{esc(take.prompt)}”</p>' if take.prompt and take.is_follow_up else "")
        + player
        + transcript_html(take, take_id if src else None)
        + figures
        + "</div>"
    )


def _take_titles(takes: Sequence[TakeView]) -> list[str]:
    answers = sum(1 for t in takes if not t.is_follow_up)
    titles, n_answer, n_follow = [], 0, 0
    for t in takes:
        if t.is_follow_up:
            n_follow += 1
            titles.append(f"Follow-up {n_follow}")
        else:
            n_answer += 1
            titles.append(f"Answer (take {n_answer} of {answers})" if answers > 1 else "Answer")
    return titles


def _when(value: str) -> str:
    """An ISO 8601 time as "2026-11-26 19:30"; anything else as it is."""
    try:
        return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return value


def _principles(question: QuestionView, names: Mapping[str, str]) -> str:
    ids = question.principles
    return (" · " + ", ".join(esc(names.get(p, p)) for p in ids)) if ids else ""


def build_session_report(
    doc: Mapping[str, Any],
    audio: AudioLocator,
    *,
    profile: Profile | None = None,
    link_from: Path | None = None,
    principles: Mapping[str, str] | None = None,
) -> str:
    """The HTML page for one session (the `show --json` document; damaged parts read as missing).

    Audio is embedded as data: URIs, or with `link_from` (the folder the page is written to)
    linked by relative paths, which keeps the page small but ties it to the recordings.
    `principles` maps principle ids to the names shown beside each question.
    """
    session = read_session(doc)
    principles = principles or {}
    sources = audio_sources(session, audio, link_from)
    audio_note = " (linked from the recordings folder)" if link_from is not None else ""
    company = profile.name if profile else session.company
    questions = session.questions
    results = [q.result() for q in questions]
    scores = [s for s, _ in results if s is not None]
    average = f"{sum(scores) / len(scores):.0f}" if scores else "–"
    with_follow_up = sum(1 for s, c in results if s is not None and c is not None)
    if with_follow_up:
        average += f" ({with_follow_up} with follow-up)"
    head = (
        f"<header><h1>Mock interview — {esc(company)}</h1>"
        f'<p class="muted">{esc(_when(session.started_at))} · session {esc(session.id)} · '
        f"{len(questions)} question{'s' if len(questions) != 1 else ''} · average score {average}"
        + ("" if session.complete else " · <strong>incomplete</strong>")
        + "</p>"
        + legend()
        + "<p class='small muted'>Click a word to hear the answer from there.</p></header>"
    )
    toc = (
        "<nav><ol>"
        + "".join(f'<li><a href="#q{i}">{esc(q.text or q.id)}</a></li>' for i, q in enumerate(questions, 1))
        + "</ol></nav>"
    )
    sections = []
    for i, q in enumerate(questions, 1):
        body = (
            "".join(
                take_html(
                    t, f"q{i}-t{j}", title, sources.get(t.audio) if t.audio else None, profile, audio_note
                )
                for j, (t, title) in enumerate(zip(q.takes, _take_titles(q.takes), strict=True), 1)
            )
            or f"<p class='muted'>{'Skipped.' if q.skipped else 'Not answered.'}</p>"
        )
        score, combined = q.result()
        scored = (
            f"<p class='question-score'>Question score <span class='score'>{fmt(score)}</span>/100"
            f" (with follow-up; answer alone {fmt(combined.answer_score)})</p>"
            if combined is not None
            else ""
        )
        sections.append(
            f'<section class="question" id="q{i}"><h2>{i}. {esc(q.text)}</h2>'
            f'<p class="small muted">{esc(q.id)}{_principles(q, principles)}</p>{body}{scored}</section>'
        )
    title = f"mockint — {company} — {_when(session.started_at) or session.id}"
    return page(title, head + toc + "".join(sections))
