"""The session report: one self-contained HTML page per saved session (offline, file://).

Per question: the question, an audio player per take and follow-up, the transcript with STAR
parts coloured and fillers marked (click a word to hear it), a timeline of seconds per STAR
part against the profile's target, delivery figures against their bands, flags and tips.

Every string that comes from a session, a question bank or story notes goes through `esc`.
The page holds no external reference: CSS, JS and audio are inline (or audio is linked by a
relative path when the caller asks for it), so it works from disk with no network.
"""

from __future__ import annotations

import base64
import io
import os
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from mockint.bank import Bank, Profile
from mockint.errors import MockintError
from mockint.htmlpage import COLOURS, LABELS, STAR_PARTS, esc, html_table, page  # noqa: F401  (esc: for callers)
from mockint.transcript import Transcript, Word

# Target share of the answer's seconds per part, from the review rubric (issue 5): setup
# (Situation + Task) under ~35% of the answer, Action ~50-60%, Result at least 10%.
TARGET_SHARE = {"situation": 0.20, "task": 0.10, "action": 0.55, "result": 0.15}
DEFAULT_TARGET_S = 120.0  # when the session's company is not in the bank
SHORT_ANSWER_S = 45.0  # the review flags answers shorter than this (too_short)

# Embedded audio: Ogg Vorbis at libsndfile compression level 0.9 is about 30 kbit/s for
# 16 kHz speech, a tenth of the WAV, and encodes at ~80x real time on one core.
EMBED_FORMAT = ("OGG", "VORBIS", "audio/ogg")
EMBED_COMPRESSION = 0.9
ENCODE_THREADS = 2  # libsndfile releases the GIL while encoding
ENCODE_BLOCK_S = 1.0  # seconds of audio handed to the encoder per call

AudioLocator = Callable[[str], Path]  # a take's relative audio path -> file on disk


@dataclass(frozen=True)
class Gauge:
    """A delivery figure drawn against its band: green inside [good_lo, good_hi]."""

    label: str
    unit: str
    scale_max: float  # right end of the drawn scale
    good_lo: float
    good_hi: float
    note: str  # the band in words, shown beside the figure


DELIVERY_GAUGES = {
    "wpm": Gauge("Pace", "words/min", 240, 130, 160, "130–160 comfortable; under 110 or over 180 is flagged"),
    "fillers": Gauge("Fillers", "per min", 8, 0, 1.2, "about 1.2/min reads fluent, 4.8/min hesitant"),
    "long_pauses": Gauge("Long pauses", "over 3 s", 6, 0, 1, "one at most; pause to think before you start"),
    "thinking_s": Gauge("Thinking time", "s", 20, 0, 5, "a few seconds is fine; say you are thinking"),
}


def legend() -> str:
    return '<p class="legend small">' + "".join(
        f'<span style="background:{COLOURS[p]}">{p.capitalize()}</span>' for p in LABELS
    ) + '<span class="filler">filler</span></p>'


# ----------------------------------------------------------------------------- audio


def embed_audio(path: Path) -> str:
    """The file as a data: URI of compressed audio (Ogg Vorbis)."""
    import soundfile as sf

    data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    mono = data.mean(axis=1)
    fmt, subtype, mime = EMBED_FORMAT
    buffer = io.BytesIO()
    # In blocks: libvorbis allocas the whole pending buffer on the stack, so one big write of a
    # 2-minute take overflows a thread's stack (libsndfile issue #1095, a segfault).
    block = int(rate * ENCODE_BLOCK_S)
    with sf.SoundFile(buffer, "w", samplerate=rate, channels=1, format=fmt, subtype=subtype,
                      compression_level=EMBED_COMPRESSION) as out:
        for start in range(0, len(mono), block):
            out.write(mono[start:start + block])
    return f"data:{mime};base64,{base64.b64encode(buffer.getvalue()).decode('ascii')}"


def link_audio(path: Path, page_dir: Path) -> str:
    """A URL to the file relative to the page's folder (the page must stay beside it)."""
    relative = os.path.relpath(Path(path).resolve(), Path(page_dir).resolve())
    return quote(Path(relative).as_posix())


def _audio_sources(doc: Mapping[str, Any], audio: AudioLocator, link_from: Path | None) -> dict[str, str | None]:
    """Each take's audio (relative path) -> the src for its player, or None when missing."""
    wanted = {t.get("audio") for q in doc.get("questions", []) for t in q.get("takes", []) if t.get("audio")}

    def one(relative: str) -> str | None:
        try:
            path = audio(relative)
        except MockintError:  # missing, or a path the store refuses: the page says so per take
            return None
        if not path.is_file():
            return None
        if link_from is not None:
            return link_audio(path, link_from)
        try:
            return embed_audio(path)
        except (RuntimeError, ValueError):  # soundfile's LibsndfileError is a RuntimeError: not audio
            return None

    ordered = sorted(wanted)
    with ThreadPoolExecutor(max_workers=ENCODE_THREADS) as pool:
        return dict(zip(ordered, pool.map(one, ordered), strict=True))


# ----------------------------------------------------------------------------- transcript

def word_labels(words: Sequence[Mapping[str, Any]], segments: Sequence[Mapping[str, Any]]) -> list[str]:
    """The STAR label of each timed word: the segment holding the word's midpoint ("other" if none)."""
    spans = [(float(s["start_s"]), float(s["end_s"]), s.get("label", "other")) for s in segments
             if s.get("start_s") is not None and s.get("end_s") is not None]
    labels = []
    for w in words:
        mid = (float(w["start"]) + float(w["end"])) / 2
        label = next((lab for a, b, lab in spans if a <= mid <= b), "other")
        labels.append(label if label in COLOURS else "other")
    return labels


def filler_positions(words: Sequence[Mapping[str, Any]], by_word: Mapping[str, Any]) -> set[int]:
    """Indexes of the words the review counted as fillers.

    The review counts in context ("like" as a verb or "so" as a conjunction is not a filler),
    so the same rules (mockint.delivery) find them here, limited to the kinds the review's
    `by_word` lists: marks and counts agree, and a word is never marked on spelling alone.
    """
    from mockint.delivery import filler_indexes
    from mockint.segment import tokens_of

    timed = [Word.from_dict(w) for w in words]
    tokens = tokens_of(Transcript(text=" ".join(w.word for w in timed), engine="", duration_s=None,
                                  words=tuple(timed)))
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


def transcript_html(take: Mapping[str, Any], audio_id: str | None) -> str:
    """Words coloured by STAR part with fillers marked; timed words carry their start for seeking."""
    transcript = take.get("transcript") or {}
    review = take.get("review") or {}
    segments = review.get("segments") or []
    fillers = ((review.get("delivery") or {}).get("fillers") or {}).get("by_word") or {}
    words = transcript.get("words") or []
    if words:
        labels = word_labels(words, segments)
        marked = filler_positions(words, fillers)
        spans = []
        for i, (w, label) in enumerate(zip(words, labels, strict=True)):
            shown = _ALTERNATE.sub("", str(w["word"]))
            if not shown or _NOISE.match(shown):
                continue
            start, end = float(w["start"]), float(w["end"])
            cls = f"w l-{label}" + (" filler" if i in marked else "")
            spans.append(
                f'<span class="{cls}" tabindex="0" data-label="{label}" data-start="{start:.3f}" '
                f'data-end="{end:.3f}" title="{label} · {start:.1f} s">{esc(shown)}</span>'
            )
        attr = f' data-audio="{esc(audio_id)}"' if audio_id else ""
        return f'<p class="transcript"{attr}>' + " ".join(spans) + "</p>"
    if segments:  # typed answers: no times, the review's segments carry the text
        return '<p class="transcript">' + " ".join(
            f'<span class="seg l-{_label(s)}" data-label="{_label(s)}">{esc(s.get("text", ""))}</span>'
            for s in segments
        ) + "</p>"
    text = transcript.get("text") or ""
    return f'<p class="transcript">{esc(text) or "<span class=muted>(nothing was heard)</span>"}</p>'


def _label(segment: Mapping[str, Any]) -> str:
    label = segment.get("label", "other")
    return label if label in COLOURS else "other"


# ----------------------------------------------------------------------------- figures


def part_seconds(take: Mapping[str, Any]) -> dict[str, float] | None:
    """Seconds per STAR part from the review, or None for typed text (no timing)."""
    components = (take.get("review") or {}).get("components") or {}
    seconds = {p: (components.get(p) or {}).get("seconds") for p in STAR_PARTS}
    if all(v is None for v in seconds.values()):
        return None
    return {p: float(v or 0.0) for p, v in seconds.items()}


def timeline_html(take: Mapping[str, Any], target_s: float) -> str:
    """Two bars on one seconds scale: this take's seconds per part, and the profile's target."""
    seconds = part_seconds(take)
    if seconds is None:
        return '<p class="small muted">Typed answer: no timing.</p>'
    duration = float(take.get("duration_s") or sum(seconds.values()))
    other = max(0.0, duration - sum(seconds.values()))
    target = {p: TARGET_SHARE[p] * target_s for p in STAR_PARTS}
    scale = max(duration, 1.0 if take.get("kind") == "follow_up" else target_s)

    def bar(parts: Mapping[str, float], what: str) -> str:
        cells = "".join(
            f'<div class="part-{p}" data-seconds="{s:.1f}" style="width:{100 * s / scale:.2f}%;'
            f'background:{COLOURS[p]}" title="{what}: {p} {s:.0f} s">{p[0].upper()} {s:.0f} s</div>'
            for p, s in parts.items() if s > 0
        )
        return f'<div class="bar">{cells}</div>'

    mine = dict(seconds, other=other) if other >= 0.5 else seconds
    if take.get("kind") == "follow_up":  # a probe for one gap: no whole-answer target
        return (f'<table class="bars small"><tbody><tr><td>This take</td><td>{bar(mine, "this take")}</td></tr>'
                f'</tbody></table><p class="small muted">Seconds per STAR part; this follow-up: {duration:.0f} s.</p>')
    return (
        '<table class="bars small"><tbody>'
        f"<tr><td>This take</td><td>{bar(mine, 'this take')}</td></tr>"
        f"<tr><td>Target</td><td>{bar(target, 'target')}</td></tr>"
        f'</tbody></table><p class="small muted">Seconds per STAR part; the target splits the '
        f"{target_s:.0f} s answer target as Situation 20%, Task 10%, Action 55%, Result 15%. "
        f"This take: {duration:.0f} s.</p>"
    )


def _gauge_row(gauge: Gauge, value: float | None, shown: str) -> str:
    if value is None:
        return f"<tr><td>{esc(gauge.label)}</td><td>–</td><td></td><td class='small muted'>{esc(gauge.note)}</td></tr>"
    ok = gauge.good_lo <= value <= gauge.good_hi
    pos = min(max(value / gauge.scale_max, 0.0), 1.0) * 100
    lo, hi = gauge.good_lo / gauge.scale_max * 100, min(gauge.good_hi / gauge.scale_max, 1.0) * 100
    drawn = (f'<div class="gauge" title="band {gauge.good_lo:g}–{gauge.good_hi:g} {esc(gauge.unit)}">'
             f'<div class="band" style="left:{lo:.1f}%;width:{hi - lo:.1f}%"></div>'
             f'<div class="mark" style="left:calc({pos:.1f}% - 1px)"></div></div>')
    verdict = "in band" if ok else ("high" if value > gauge.good_hi else "low")
    return (f"<tr><td>{esc(gauge.label)}</td><td class='{'ok' if ok else 'off'}'>{esc(shown)} "
            f"<span class='small'>({verdict})</span></td><td>{drawn}</td>"
            f"<td class='small muted'>{esc(gauge.note)}</td></tr>")


def answer_targets(take: Mapping[str, Any], profile: Profile | None) -> tuple[float, float]:
    """(target, limit) seconds of the take: as saved with it (a question may override the
    profile), else the profile's, else mockint's defaults."""
    target = _num(take.get("target_s")) or (profile.answer_target_s if profile else DEFAULT_TARGET_S)
    limit = _num(take.get("limit_s")) or (profile.answer_limit_s if profile else DEFAULT_TARGET_S * 1.5)
    return target, limit


def delivery_html(take: Mapping[str, Any], profile: Profile | None) -> str:
    d = (take.get("review") or {}).get("delivery") or {}
    fillers = d.get("fillers") or {}
    target, limit = answer_targets(take, profile)
    if take.get("kind") == "follow_up":  # short by design: anything under the limit is fine
        length = Gauge("Length", "s", limit * 1.2, 0, limit, f"a follow-up; recording stops at {limit:.0f} s")
    else:
        length = Gauge("Length", "s", limit * 1.2, SHORT_ANSWER_S, target,
                       f"{SHORT_ANSWER_S:.0f} s to the {target:.0f} s target; recording stops at {limit:.0f} s")
    rows = [
        _gauge_row(length, _num(d.get("duration_s")), f"{_num(d.get('duration_s')) or 0:.0f} s"),
        _gauge_row(DELIVERY_GAUGES["wpm"], _num(d.get("wpm")), f"{_num(d.get('wpm')) or 0:.0f} words/min"),
        _gauge_row(DELIVERY_GAUGES["fillers"], _num(fillers.get("per_minute")),
                   f"{_num(fillers.get('per_minute')) or 0:.1f}/min ({fillers.get('count', 0)})"),
        _gauge_row(DELIVERY_GAUGES["long_pauses"], _num(d.get("long_pauses")), f"{d.get('long_pauses', 0)}"),
        _gauge_row(DELIVERY_GAUGES["thinking_s"], _num(d.get("thinking_s")), f"{_num(d.get('thinking_s')) or 0:.1f} s"),
    ]
    by_word = ", ".join(f"{esc(w)} ×{esc(n)}" for w, n in sorted((fillers.get("by_word") or {}).items()))
    ownership = (f"<tr><td>“I” / “we”</td><td>{esc(d.get('i_count', 0))} / {esc(d.get('we_count', 0))}</td>"
                 "<td></td><td class='small muted'>say what you did: “I”, not “we”</td></tr>")
    extra = f"<p class='small muted'>Fillers: {by_word}</p>" if by_word else ""
    return ("<table class='delivery'><thead><tr><th>Delivery</th><th>This take</th><th>Band</th><th></th>"
            f"</tr></thead><tbody>{''.join(rows)}{ownership}</tbody></table>{extra}")


def _num(value: Any) -> float | None:
    return None if value is None or isinstance(value, bool) else float(value)


def feedback_html(take: Mapping[str, Any]) -> str:
    review = take.get("review") or {}
    flags = "".join(f'<span class="flag">{esc(f).replace("_", " ")}</span>' for f in review.get("flags") or [])
    tips = "".join(f"<li>{esc(t)}</li>" for t in review.get("tips") or [])
    score = review.get("score")
    parts = [f'<p>Score <span class="score">{esc(score)}</span>/100</p>' if score is not None else ""]
    parts.append(f"<p>{flags}</p>" if flags else "<p class='small muted'>No flags.</p>")
    if tips:
        parts.append(f"<ul class='tips'>{tips}</ul>")
    points = (review.get("relevance") or {}).get("talking_points") or []
    if points:  # optional review field: the question's talking points, covered or not
        parts.append("<p class='small'>Talking points: " + "; ".join(
            f"<span class='{'ok' if p.get('covered') else 'off'}'>{'✓' if p.get('covered') else '✗'} "
            f"{esc(p.get('text', ''))}</span>" for p in points) + "</p>")
    breakdown = review.get("score_breakdown") or []
    if breakdown:  # optional review field: the rubric's points per item
        parts.append("<details class='small'><summary>How the score adds up</summary>" + html_table(
            ("Item", "Points", "Of"), [(b.get("item", ""), b.get("points", ""), b.get("max", "")) for b in breakdown]
        ) + "</details>")
    return "".join(parts)


# ----------------------------------------------------------------------------- the page


def session_profile(doc: Mapping[str, Any], bank: Bank | None) -> Profile | None:
    """The session's company profile: from the bank, else as saved in the session, else None."""
    company = str(doc.get("company", ""))
    if bank is not None and company in bank.profiles:
        return bank.profiles[company]
    saved = doc.get("profile") or {}
    try:
        return Profile(id=company, name=str(saved.get("name") or company), description="",
                       prep_s=float(saved.get("prep_s") or 0), answer_target_s=float(saved["answer_target_s"]),
                       answer_limit_s=float(saved["answer_limit_s"]),
                       questions_per_session=int(saved.get("questions_per_session") or 1),
                       follow_ups=int(saved.get("follow_ups") or 0))
    except (KeyError, TypeError, ValueError):
        return None


def take_html(take: Mapping[str, Any], take_id: str, title: str, src: str | None,
              profile: Profile | None, audio_note: str) -> str:
    target, _ = answer_targets(take, profile)
    if src:
        player = f'<audio id="{take_id}" controls preload="metadata" src="{esc(src)}"></audio>'
    elif take.get("audio"):
        player = f'<p class="small off">Audio {esc(take.get("audio"))} is missing or unreadable{esc(audio_note)}.</p>'
    else:
        player = ""
    prompt = take.get("prompt")
    if take.get("review"):
        figures = timeline_html(take, target) + delivery_html(take, profile) + feedback_html(take)
    else:  # saved when the session was interrupted before the review (or the transcript) was done
        figures = "<p class='small muted'>Not reviewed: the session ended before this take's review.</p>"
    return (
        f'<div class="take" id="{take_id}-box"><h3>{esc(title)}</h3>'
        + (f'<p class="muted">“{esc(prompt)}”</p>' if prompt and take.get("kind") == "follow_up" else "")
        + player
        + transcript_html(take, take_id if src else None)
        + figures
        + "</div>"
    )


def _take_titles(takes: Sequence[Mapping[str, Any]]) -> list[str]:
    answers = sum(1 for t in takes if t.get("kind") != "follow_up")
    titles, n_answer, n_follow = [], 0, 0
    for t in takes:
        if t.get("kind") == "follow_up":
            n_follow += 1
            titles.append(f"Follow-up {n_follow}")
        else:
            n_answer += 1
            titles.append(f"Answer (take {n_answer} of {answers})" if answers > 1 else "Answer")
    return titles


def _when(value: Any) -> str:
    """An ISO 8601 time as "2026-11-26 19:30"; anything else as it is."""
    try:
        return datetime.fromisoformat(str(value)).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return "" if value is None else str(value)


def _principles(question: Mapping[str, Any], names: Mapping[str, str]) -> str:
    ids = question.get("principles") or []
    return (" · " + ", ".join(esc(names.get(p, p)) for p in ids)) if ids else ""


def build_session_report(doc: Mapping[str, Any], audio: AudioLocator, *, profile: Profile | None = None,
                         link_from: Path | None = None, principles: Mapping[str, str] | None = None) -> str:
    """The HTML page for one session (the `show --json` document).

    Audio is embedded as data: URIs, or with `link_from` (the folder the page is written to)
    linked by relative paths, which keeps the page small but ties it to the recordings.
    `principles` maps principle ids to the names shown beside each question.
    """
    principles = principles or {}
    sources = _audio_sources(doc, audio, link_from)
    audio_note = " (linked from the recordings folder)" if link_from is not None else ""
    company = profile.name if profile else doc.get("company", "")
    questions = doc.get("questions") or []
    scores = [t["review"]["score"] for q in questions for t in _newest_answers(q)
              if (t.get("review") or {}).get("score") is not None]
    average = f"{sum(scores) / len(scores):.0f}" if scores else "–"
    head = (
        f"<header><h1>Mock interview — {esc(company)}</h1>"
        f'<p class="muted">{esc(_when(doc.get("started_at")))} · session {esc(doc.get("id", ""))} · '
        f"{len(questions)} question{'s' if len(questions) != 1 else ''} · average score {average}"
        + ("" if doc.get("complete", True) else " · <strong>incomplete</strong>")
        + "</p>" + legend()
        + "<p class='small muted'>Click a word to hear the answer from there.</p></header>"
    )
    toc = "<nav><ol>" + "".join(
        f'<li><a href="#q{i}">{esc(q.get("text") or q.get("id", ""))}</a></li>'
        for i, q in enumerate(questions, 1)
    ) + "</ol></nav>"
    sections = []
    for i, q in enumerate(questions, 1):
        takes = q.get("takes") or []
        body = "".join(
            take_html(t, f"q{i}-t{j}", title, sources.get(t.get("audio")), profile, audio_note)
            for j, (t, title) in enumerate(zip(takes, _take_titles(takes), strict=True), 1)
        ) or f"<p class='muted'>{'Skipped.' if q.get('skipped') else 'Not answered.'}</p>"
        sections.append(
            f'<section class="question" id="q{i}"><h2>{i}. {esc(q.get("text", ""))}</h2>'
            f'<p class="small muted">{esc(q.get("id", ""))}{_principles(q, principles)}</p>{body}</section>'
        )
    title = f"mockint — {company} — {_when(doc.get('started_at')) or doc.get('id', '')}"
    return page(title, head + toc + "".join(sections))


def _newest_answers(question: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The answer that counts (the newest reviewed answer take), as a list of zero or one."""
    answers = [t for t in question.get("takes") or [] if t.get("kind") == "answer" and t.get("review")]
    return answers[-1:]
