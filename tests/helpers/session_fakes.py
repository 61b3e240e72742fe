"""Fakes for the session engine that record what happened (no call-count mocks).

The fake recorder "speaks" a scripted answer: it writes the text into the take file and
streams it to the transcriber as int16 character codes, so the fake transcriber hears exactly
what was fed to it, by streaming or from the file afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from mockint.bank import Profile, Question
from mockint.ports import STOP_END, Recording
from mockint.transcript import LiveWords, Transcript, Word


@dataclass(frozen=True)
class Say:
    """One scripted take: what the candidate says, how it ends, and what its review will find."""

    text: str
    stopped_by: str = STOP_END
    flags: tuple[str, ...] = ()
    score: int | None = 70
    duration_s: float = 60.0
    thinking_s: float | None = 1.5
    tips: tuple[str, ...] = ()
    raise_instead: BaseException | None = None  # record() raises this (e.g. KeyboardInterrupt)


class FakeSpeaker:
    def __init__(self, interrupt_on: str | None = None) -> None:
        self.said: list[str] = []
        self.cues: list[str] = []
        self.interrupt_on = interrupt_on

    def say(self, text: str) -> None:
        if self.interrupt_on and self.interrupt_on in text:
            raise KeyboardInterrupt
        self.said.append(text)

    def cue(self, kind: str) -> None:
        self.cues.append(kind)

    def prepare(self, text: str) -> None:
        """Synthesizes nothing ahead (PreparingSpeaker in the engine tests records the calls)."""


class FakeRecorder:
    remaining = None  # like a microphone: never known to run out (an empty script raises instead)

    def __init__(self, script: list[Say]) -> None:
        self.script = list(script)
        self.calls: list[dict] = []  # path, limit_s, target_s, streamed
        self.closed = False

    def close(self) -> None:
        self.closed = True

    def record(self, path: Path, *, limit_s, target_s, listener=None) -> Recording:
        if not self.script:
            from mockint.errors import UsageError

            raise UsageError("no more answers in --answers-from", "give one file per answer")
        say = self.script.pop(0)
        self.calls.append(
            {"path": path, "limit_s": limit_s, "target_s": target_s, "streamed": listener is not None}
        )
        path.write_text(say.text)
        if listener is not None:
            codes = np.frombuffer(say.text.encode(), dtype=np.uint8).astype(np.int16)
            for start in range(0, len(codes), 7):
                listener.feed(codes[start : start + 7])
        if say.raise_instead is not None:
            raise say.raise_instead
        return Recording(path, say.duration_s, say.thinking_s, 0, say.stopped_by)


def _transcript(text: str, duration_s: float, engine: str) -> Transcript:
    words = tuple(Word(w, i * 0.5, i * 0.5 + 0.4) for i, w in enumerate(text.split()))
    return Transcript(text=text, engine=engine, duration_s=duration_s, elapsed_s=0.0, words=words)


class FakeStream:
    def __init__(self, owner: FakeTranscriber) -> None:
        self.owner = owner
        self.codes: list[int] = []

    def feed(self, chunk) -> None:
        self.codes.extend(int(c) for c in chunk)

    def partial(self) -> LiveWords:
        return LiveWords(bytes(self.codes).decode())

    def finish(self) -> Transcript:
        text = self.partial()
        self.owner.heard.append(("stream", text))
        return _transcript(text, 60.0, self.owner.name)


class FakeTranscriber:
    name = "fake"

    def __init__(self) -> None:
        self.heard: list[tuple[str, str]] = []  # ("stream" | "file", text)

    def stream(self) -> FakeStream:
        return FakeStream(self)

    def transcribe(self, path: Path) -> Transcript:
        text = Path(path).read_text()
        self.heard.append(("file", text))
        return _transcript(text, 60.0, self.name)


@dataclass(frozen=True)
class FakeReview:
    score: int | None
    flags: tuple[str, ...]
    tips: tuple[str, ...]
    text: str

    def to_dict(self) -> dict:
        parts = {
            p: {"present": f"missing_{p}" not in self.flags, "share": 0.25, "seconds": 15.0, "evidence": []}
            for p in ("situation", "task", "action", "result")
        }
        return {
            "components": parts,
            "segments": [{"text": self.text, "label": "action", "start_s": 0.0, "end_s": 1.0}],
            "delivery": {
                "duration_s": 60.0,
                "wpm": 140.0,
                "thinking_s": None,
                "fillers": {"count": 0, "per_minute": 0.0, "by_word": {}},
            },
            "flags": list(self.flags),
            "tips": list(self.tips),
            "score": self.score,
        }


class FakeReviewer:
    """Reviews by looking the heard text up in the script: the review the test asked for."""

    def __init__(self, script: list[Say]) -> None:
        self.by_text = {s.text: s for s in script}
        self.reviewed: list[tuple[str, str, float | None]] = []  # (question id, text, thinking_s)
        self.stopped_by: list[str | None] = []  # each take's stop code, as the reviewer got it
        self.combined: list[tuple[str, str]] = []  # (question id, answer + follow-up text)

    def __call__(
        self,
        transcript: Transcript,
        question: Question,
        thinking_s: float | None,
        *,
        stopped_by: str | None = None,
    ) -> FakeReview:
        if transcript.text not in self.by_text:  # the answer and a follow-up reviewed as one
            self.combined.append((question.id, transcript.text))
            return FakeReview(80, (), (), transcript.text)
        self.reviewed.append((question.id, transcript.text, thinking_s))
        self.stopped_by.append(stopped_by)
        say = self.by_text[transcript.text]
        return FakeReview(say.score, say.flags, say.tips, transcript.text)


@dataclass
class FakeView:
    events: list[tuple] = field(default_factory=list)

    def question(self, number, total, question) -> None:
        self.events.append(("question", number, total, question.id))

    def prep(self, seconds) -> None:
        self.events.append(("prep", seconds))

    def follow_up(self, prompt, reason) -> None:
        self.events.append(("follow_up", prompt, reason))

    def take_done(self, take) -> None:
        self.events.append(("take_done", take["kind"], take.get("stopped_by")))

    def notice(self, text) -> None:
        self.events.append(("notice", text))


class StepClock:
    """Monotonic seconds that advance by `step` on every reading."""

    def __init__(self, step: float = 0.25) -> None:
        self.t = 0.0
        self.step = step

    def __call__(self) -> float:
        self.t += self.step
        return self.t


class WallClock:
    """Wall time for the store, one second further on every reading."""

    def __init__(self, start: datetime | None = None) -> None:
        self.t = start or datetime(2026, 11, 26, 19, 30, 5, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        self.t += timedelta(seconds=1)
        return self.t


def profile(pid: str = "amazon", *, prep_s: float = 0, follow_ups: int = 1, per_session: int = 2) -> Profile:
    return Profile(
        id=pid,
        name=pid.title(),
        description="test profile",
        prep_s=prep_s,
        answer_target_s=120,
        answer_limit_s=180,
        questions_per_session=per_session,
        follow_ups=follow_ups,
    )


def question(
    qid: str, probes: tuple[str, ...] = ("What would you change?",), pid: str = "amazon"
) -> Question:
    return Question(
        id=qid, text=f"Tell me about {qid}.", profiles=(pid,), principles=("ownership",), follow_ups=probes
    )
