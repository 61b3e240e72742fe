"""Resuming a session in the browser: the same folder and manifest, the questions it did not
finish, and the take a closed tab (or a stopped server, or a crash) cut off finished first.

A cut-off take is finished as `mockint transcribe --session` finishes one: transcribed from its
file and reviewed, its transcript and review added to the take in place. The question it
belongs to is asked again (the cut answer stays as an earlier take; the newest counts, as with a
retake). A session started in the page saves its planned question ids (`options.planned`), so
the questions it never reached are asked too; a terminal session resumes its asked questions.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mockint import stopsignals
from mockint.errors import UsageError
from mockint.store import QuestionRef, SessionWriter, Store
from mockint.store.recovery import CRASHED, RECORDING

# How a take ends when the candidate did not end it: the tab or server went away, a crash.
CUT_OFF = frozenset({*stopsignals.ENDINGS, CRASHED, RECORDING, "error"})
LOCK_WAIT_S = 5.0  # a tab just closed: its session thread is still saving the cut take
SKIP = "skip"


def _finished(question: dict[str, Any]) -> bool:
    """Skipped, or answered by a reviewed answer the candidate ended (not one cut off)."""
    if question.get("skipped"):
        return True
    return any(
        isinstance(t, dict)
        and t.get("kind") == "answer"
        and t.get("review")
        and t.get("stopped_by") not in CUT_OFF
        for t in question.get("takes") or []
    )


def remaining(doc: dict[str, Any]) -> list[str]:
    """The question ids a resumed session asks, in the planned order: asked but not finished
    (skipped questions stay skipped), then planned but never asked."""
    asked = {q.get("id"): q for q in doc.get("questions") or [] if isinstance(q, dict)}
    planned = (doc.get("options") or {}).get("planned")
    order = [q for q in planned if isinstance(q, str)] if isinstance(planned, list) else []
    order += [qid for qid in asked if isinstance(qid, str) and qid not in order]
    return [qid for qid in order if qid not in asked or not _finished(asked[qid])]


def done_count(doc: dict[str, Any]) -> int:
    return sum(1 for q in doc.get("questions") or [] if isinstance(q, dict) and _finished(q))


def cut_takes(doc: dict[str, Any]) -> list[tuple[int, int, dict[str, Any]]]:
    """(question index, take index, take) of every take with audio and no review yet."""
    found = []
    for qi, q in enumerate(doc.get("questions") or []):
        for ti, take in enumerate(q.get("takes") or []):
            if take.get("audio") and not take.get("review") and take.get("stopped_by") != SKIP:
                found.append((qi, ti, take))
    return found


class ResumedWriter(SessionWriter):
    """The SessionWriter of a saved session, taken up again: questions already in the manifest
    are not added twice, and the session reads as running until it ends again."""

    def __init__(self, folder: Path, doc: dict[str, Any], now, *, via: str) -> None:
        super().__init__(folder, doc, now)
        if self._lock is None:
            raise UsageError(
                f"session {doc.get('id')} is being recorded right now (another tab or mockint)",
                "finish it there, or close that tab, then continue it here",
            )
        self._ended_by = doc.get("ended_by")
        doc["ended_by"] = None
        doc["complete"] = False
        doc.setdefault("resumed", []).append({"at": self.now(), "via": via})
        self.save()

    def ask(self, question: QuestionRef) -> None:
        if self._question(question.id, missing_ok=True) is not None:
            return  # asked before the session was cut off: its takes go on from there
        super().ask(question)

    def release(self) -> None:
        """Let go of the session as it was (resuming it failed before it ran)."""
        self.interrupted(ended_by=self._ended_by or stopsignals.CTRL_C)


def reopen(store: Store, session_id: str, *, via: str, now) -> ResumedWriter:
    """Take up a saved, unfinished session; a one-line error if it is complete or in use."""
    doc = store.load(session_id)  # repairs a take a crash cut off first
    if doc.get("complete"):
        raise UsageError(f"session {session_id} is complete", "start a new session instead")
    end = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            return ResumedWriter(store.folder(session_id), store.load(session_id), now, via=via)
        except UsageError:
            if time.monotonic() > end:
                raise
            time.sleep(0.1)


def finish_cut_takes(
    writer: ResumedWriter,
    bank,
    transcriber,
    review,
    shown: Callable[[int, int, dict[str, Any]], None],
) -> int:
    """Transcribe and review every unreviewed take, as `transcribe --session` does; `shown`
    gets each finished take. Returns how many were finished."""
    from mockint.errors import UsageError as BankError

    finished = 0
    for qi, ti, take in cut_takes(writer.document()):
        qid = writer.document()["questions"][qi]["id"]
        path = writer.folder / take["audio"]
        if not path.is_file():
            continue  # deleted: nothing to transcribe (the session page says it is missing)
        try:
            question = bank.question(qid)
        except BankError:
            question = None
        transcript = transcriber.transcribe(path)
        got = {**take, "audio": path, "transcript": transcript.to_dict()}
        got["transcripts"] = [*(take.get("transcripts") or []), transcript.to_dict()]
        if question is not None:
            got["review"] = review(
                transcript, question, take.get("thinking_s"), stopped_by=take.get("stopped_by")
            ).to_dict()
        writer.add_take(qid, got, index=ti)
        shown(qi, ti, {**got, "audio": take["audio"]})
        finished += 1
    return finished
