"""What `mockint replay` plays: which takes, which stretch of each (a STAR part), and the words
to print in time with the sound. Pure planning; the CLI hands the clips to audio.play."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TextIO

from mockint.errors import UsageError
from mockint.store.summary import newest_answer

PART_PAD_S = 0.15  # a little air around a part, so its first and last words are not clipped


@dataclass(frozen=True)
class Clip:
    title: str
    audio: str  # relative to the session folder, as the manifest holds it
    start_s: float | None  # None: from the start
    end_s: float | None  # None: to the end
    words: tuple[tuple[float, str], ...]  # (start second, word) within the stretch


def plan_replay(
    doc: dict[str, Any], question: str | None = None, *, part: str | None = None, kind: str = "answer"
) -> list[Clip]:
    """The clips to play, in order; UsageError when the asked-for question or part is not there."""
    questions = _select(doc, question)
    clips: list[Clip] = []
    missing: list[str] = []
    for number, q in questions:
        for take in _takes(q, kind):
            label = f"Q{number} {q['id']}" + (
                f" · follow-up: {take.get('prompt')}" if kind == "follow_up" else ""
            )
            words = tuple(
                (float(w["start"]), str(w["word"])) for w in (take.get("transcript") or {}).get("words") or []
            )
            if part is None:
                clips.append(Clip(label, take["audio"], None, None, words))
                continue
            spans = part_spans(take.get("review") or {}, part)
            if not spans:
                missing.append(f"Q{number}")
            for start, end in spans:
                start, end = max(0.0, start - PART_PAD_S), end + PART_PAD_S
                clips.append(
                    Clip(
                        f"{label} · {part} {start:.1f}–{end:.1f} s",
                        take["audio"],
                        start,
                        end,
                        tuple(w for w in words if start <= w[0] < end),
                    )
                )
    if part and not clips:
        where = ", ".join(missing) or "the session"
        raise UsageError(
            f"no {part} found in {where}: the review heard none",
            f"replay the whole answer without --part, or see 'mockint show {doc['id']}'",
        )
    return clips


def part_spans(review: dict[str, Any], part: str) -> list[tuple[float, float]]:
    """(start, end) seconds of each run of consecutive segments labelled `part`."""
    spans: list[tuple[float, float]] = []
    previous = None
    for seg in review.get("segments") or []:
        timed = seg.get("start_s") is not None and seg.get("end_s") is not None
        if seg.get("label") == part and timed:
            if previous == part and spans:
                spans[-1] = (spans[-1][0], float(seg["end_s"]))
            else:
                spans.append((float(seg["start_s"]), float(seg["end_s"])))
        previous = seg.get("label")
    return spans


def _select(doc: dict[str, Any], question: str | None) -> list[tuple[int, dict[str, Any]]]:
    numbered = list(enumerate(doc["questions"], 1))
    if question is None:
        return numbered
    for number, q in numbered:
        if question == q["id"] or question == str(number):
            return [(number, q)]
    raise UsageError(
        f"session {doc['id']} has no question '{question}'",
        f"use a number from 1 to {len(numbered)} or an id from 'mockint show {doc['id']}'",
    )


def _takes(question: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    with_audio = [t for t in question.get("takes") or [] if t.get("audio")]
    if kind == "follow_up":
        return [t for t in with_audio if t.get("kind") == "follow_up"]
    best = newest_answer(question)
    if best is not None and best.get("audio"):
        return [best]
    answers = [t for t in with_audio if t.get("kind") == "answer"]
    return answers[-1:]  # an unreviewed (e.g. interrupted) answer still plays


class WordPrinter:
    """Prints the words as playback reaches them: `at(position_s)` is audio.play's progress callback."""

    def __init__(self, words: tuple[tuple[float, str], ...], out: TextIO) -> None:
        self.words = list(words)
        self.out = out
        self.next = 0

    def at(self, position_s: float) -> None:
        shown = []
        while self.next < len(self.words) and self.words[self.next][0] <= position_s:
            shown.append(self.words[self.next][1])
            self.next += 1
        if shown:
            self.out.write(" ".join(shown) + " ")
            self.out.flush()

    def flush(self) -> None:
        self.at(float("inf"))
        self.out.write("\n")
