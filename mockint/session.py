"""The practice session engine: ask, listen, transcribe, review, follow up, save — one question
after another, like the real round.

The engine sees only what it is handed (`Ports`): a Speaker, a Recorder, a Transcriber, a
reviewing function, a Store, a View and a clock. The same engine runs on a microphone, on
audio files (`--answers-from`, the demo) and on fakes in tests.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mockint import followup, stopsignals
from mockint.bank import Profile, Question
from mockint.errors import MockintError
from mockint.ports import (
    STOP_INTERRUPT,
    STOP_QUIT,
    STOP_RETAKE,
    STOP_SKIP,
    Clock,
    DeviceLost,
    Recorder,
    Reviewer,
    ReviewLike,
    Speaker,
    Transcriber,
    View,
)
from mockint.review.confidence import UNHEARD_FLAGS
from mockint.store import QuestionRef, SessionWriter, Store
from mockint.stories.match import StoryTracker
from mockint.transcript import Transcript, joined

FOLLOW_UP_SHARE = 0.5  # a follow-up answer gets half the question's target and limit
MAX_TAKES = 20  # retakes of one prompt, so a stuck key cannot loop forever

RECORDING = "recording"  # stopped_by of a take still being recorded (or cut by a crash)

ENDED_DONE = "done"
ENDED_QUIT = "quit"
ENDED_NO_ANSWERS = "answers_used"  # --answers-from ran out: ends like q, nothing more is asked
ENDED_INTERRUPT = "interrupt"
# Ended early like Ctrl-C, and said how: SIGTERM, SIGHUP, stdout closed (mockint.stopsignals).
ENDED_EARLY = stopsignals.ENDINGS


NOT_HEARD = (
    "I didn't hear an answer there — nothing is counted. Check the microphone (`mockint doctor`), "
    "then answer again now; keys: Enter ends, r retakes, s skips."
)
UNHEARD_RETAKES = 1  # after a take in which nothing was heard, the prompt is asked once more
NOT_HEARD_SCRIPTED = (
    "Nothing was heard in that answer — it is kept, not counted. Check the audio (`mockint doctor`)."
)


@dataclass(frozen=True)
class Plan:
    """What this session will do; decided by the CLI from the profile and flags."""

    profile: Profile
    questions: tuple[Question, ...]
    seed: int | None = None
    follow_ups: int = 0  # per question; 0 with --no-follow-ups or a profile without them
    answer_limit_s: float | None = None  # --answer-limit, overriding the bank's limits
    streaming: bool = True  # decode while recording (False: transcribe the file afterwards)
    options: dict[str, Any] = field(default_factory=dict)  # saved with the session, for the record
    # Takes of one prompt asked again after nothing was heard; 0 for scripted answers
    # (--answers-from, no terminal), where the next file is the next answer, not a retake.
    unheard_retakes: int = UNHEARD_RETAKES


@dataclass
class Ports:
    speaker: Speaker
    recorder: Recorder
    transcriber: Transcriber
    review: Reviewer
    store: Store
    view: View
    clock: Clock
    stories: StoryTracker | None = None  # recognizes prepared stories; None: the user has none


@dataclass(frozen=True)
class Result:
    session_id: str
    ended_by: str  # ENDED_*
    document: dict[str, Any]  # the saved session (`show --json` contract)


@dataclass(frozen=True)
class _Outcome:
    stopped_by: str
    review: ReviewLike | None
    transcript: Transcript | None = None
    thinking_s: float | None = None


class _Interrupted(Exception):
    """Ctrl-C (or SIGTERM, SIGHUP, a broken pipe) reached the engine; what was recorded is saved."""

    def __init__(self, stopped_by: str) -> None:
        super().__init__(stopped_by)
        self.stopped_by = stopped_by


def run(plan: Plan, ports: Ports) -> Result:
    """Run a whole session; Ctrl-C saves what was recorded and ends with `ended_by="interrupt"`
    (SIGTERM, SIGHUP and a broken stdout likewise, as "terminated", "hangup", "broken_pipe")."""
    writer = ports.store.create(
        plan.profile.id,
        seed=plan.seed,
        profile=_profile_dict(plan.profile),
        options={
            **plan.options,
            "follow_ups": plan.follow_ups,
            "answer_limit_s": plan.answer_limit_s,
            "streaming": plan.streaming,
        },
    )
    engine = _Engine(plan, ports, writer)
    try:
        ended_by = engine.questions()
    except _Interrupted as exc:
        writer.interrupted(ended_by=exc.stopped_by)
        ended_by = exc.stopped_by
    except (KeyboardInterrupt, BrokenPipeError) as exc:
        ended_by = stopsignals.cause(exc)
        writer.interrupted(ended_by=ended_by)
    except BaseException:
        writer.interrupted()  # saved as incomplete; the error itself goes to the CLI boundary
        raise
    else:
        writer.finish(ended_by=ended_by)
    return Result(writer.id, ended_by, writer.document())


class _Engine:
    def __init__(self, plan: Plan, ports: Ports, writer: SessionWriter) -> None:
        self.plan = plan
        self.ports = ports
        self.writer = writer

    def questions(self) -> str:
        total = len(self.plan.questions)
        for number, question in enumerate(self.plan.questions, 1):
            if self._out_of_answers():
                return ENDED_NO_ANSWERS
            self.writer.ask(QuestionRef(question.id, question.text, question.principles))
            self.ports.view.question(number, total, question)
            self.ports.speaker.say(question.text)
            if number < total:
                self._prepare(self.plan.questions[number].text)
            stopped = self.ports.view.prep(self.plan.profile.prep_s) if self.plan.profile.prep_s > 0 else None
            if stopped == STOP_SKIP:  # s during the preparation: the question is skipped unanswered
                self.writer.mark_skipped(question.id)
                continue
            if stopped != STOP_QUIT:
                stopped = self._question(question)
            if stopped == STOP_QUIT:
                return ENDED_QUIT
            if stopped == ENDED_NO_ANSWERS:
                return ENDED_NO_ANSWERS
        return ENDED_DONE

    def _out_of_answers(self) -> bool:
        """A recorder with a known number of answers left (FileRecorder) has none: stop asking."""
        return self.ports.recorder.remaining == 0

    def _prepare(self, text: str) -> None:
        """Let the speaker make the next question's audio while this one is answered, so it starts
        at once. A failure there is not reported: say() meets the same problem and reports it."""

        def run() -> None:
            with contextlib.suppress(MockintError):
                self.ports.speaker.prepare(text)

        threading.Thread(target=run, name="mockint-prepare", daemon=True).start()

    def _question(self, question: Question) -> str:
        """Answer, then follow-ups; returns the stop code that ends the question."""
        outcome = self._prompt(question, "answer", question.text)
        if outcome.stopped_by == STOP_SKIP:
            self.writer.mark_skipped(question.id)
        if outcome.stopped_by in (STOP_SKIP, STOP_QUIT) or outcome.review is None:
            return outcome.stopped_by
        asked: list[str] = []
        flags = list(outcome.review.flags)
        for _ in range(self.plan.follow_ups):
            probe = followup.choose(flags, question.follow_ups, asked)
            if probe is None:
                break
            if self._out_of_answers():
                return ENDED_NO_ANSWERS
            asked.append(probe.prompt)
            self.ports.view.follow_up(probe.prompt, probe.reason)
            self.ports.speaker.say(probe.prompt)
            follow = self._prompt(question, "follow_up", probe.prompt, reason=probe.reason, base=outcome)
            if follow.stopped_by in (STOP_SKIP, STOP_QUIT):
                return follow.stopped_by
        return outcome.stopped_by

    def _prompt(
        self,
        question: Question,
        kind: str,
        prompt: str,
        *,
        reason: str | None = None,
        base: _Outcome | None = None,
    ) -> _Outcome:
        """Record takes of one prompt until one is not a retake. A take in which nothing was heard
        is kept but not counted: the interviewer says so and offers the retake (once)."""
        unheard = 0
        for _ in range(MAX_TAKES):
            outcome = self._take(question, kind, prompt, reason, base)
            # An unheard take is asked again only when the take simply ended; a key the candidate
            # pressed (r, s, q) means what it says.
            asked_again = outcome.stopped_by not in (STOP_RETAKE, STOP_SKIP, STOP_QUIT)
            if outcome.review is not None and _unheard(outcome.review) and asked_again:
                if unheard >= self.plan.unheard_retakes:
                    if not self.plan.unheard_retakes:
                        self.ports.view.notice(NOT_HEARD_SCRIPTED)
                    return _Outcome(outcome.stopped_by, None)  # no follow-up on what was not heard
                unheard += 1
                self.ports.view.notice(NOT_HEARD)
                self.ports.speaker.say("I didn't hear an answer. Please answer again.")
                continue
            if outcome.stopped_by != STOP_RETAKE:
                return outcome
            self.ports.view.notice("Retake — the earlier take is kept. Answer again when ready.")
        self.ports.view.notice(f"{MAX_TAKES} takes of one question: moving on.")
        return outcome

    def _take(
        self, question: Question, kind: str, prompt: str, reason: str | None, base: _Outcome | None = None
    ) -> _Outcome:
        limit_s, target_s = self._timing(question, kind)
        path = self.writer.take_path(question.id, kind)
        stream = self.ports.transcriber.stream() if self.plan.streaming else None
        take: dict[str, Any] = {
            "kind": kind,
            "prompt": prompt,
            "asked_at": self.writer.now(),
            "limit_s": limit_s,
            "target_s": target_s,
        }
        if reason:
            take["follow_up_reason"] = reason
        # Listed before recording starts: after a crash (kill -9, power) the manifest still
        # names the take's audio, which the recorder has streamed to disk.
        index = self.writer.add_take(
            question.id, {**take, "audio": path, "stopped_by": RECORDING, "transcript": None, "review": None}
        )
        try:
            recording = self.ports.recorder.record(
                path,
                limit_s=limit_s,
                target_s=target_s,
                listener=stream,
            )
        except (KeyboardInterrupt, BrokenPipeError) as exc:
            stopped_by = stopsignals.cause(exc)
            self._keep_partial(question, index, {**take, "stopped_by": stopped_by}, path)
            raise _Interrupted(stopped_by) from None
        except DeviceLost as exc:  # the device vanished mid-answer: what it heard is kept
            partial = exc.recording
            take.update(
                audio=partial.path,
                duration_s=round(partial.duration_s, 3),
                thinking_s=_round(partial.thinking_s),
                overflows=partial.overflows,
                stopped_by="error",
                error=exc.what,
            )
            self._keep_partial(question, index, take, partial.path)
            raise
        except BaseException as exc:
            self._drop_unrecorded(question, index, take, path, exc)
            raise
        answer_end = self.ports.clock()
        take.update(
            audio=recording.path,
            duration_s=round(recording.duration_s, 3),
            thinking_s=_round(recording.thinking_s),
            overflows=recording.overflows,
            stopped_by=recording.stopped_by,
        )
        if recording.stopped_by == STOP_INTERRUPT:  # the recorder caught Ctrl-C (or SIGTERM, SIGHUP)
            take["stopped_by"] = stopsignals.cause()
            self._keep_partial(question, index, take, recording.path)
            raise _Interrupted(take["stopped_by"])
        if recording.stopped_by == STOP_SKIP:
            self.writer.add_take(question.id, {**take, "transcript": None, "review": None}, index=index)
            self.ports.view.take_done({**take, "transcript": None, "review": None})
            return _Outcome(STOP_SKIP, None)
        try:
            transcript = stream.finish() if stream else self.ports.transcriber.transcribe(recording.path)
        except KeyboardInterrupt as exc:  # while waiting for the transcript: the answer itself is
            # whole, so its stopped_by stays how the answer ended ('transcribe --session' finishes it)
            self._keep_partial(question, index, take, recording.path)
            raise _Interrupted(stopsignals.cause(exc)) from None
        review = self.ports.review(
            transcript, question, recording.thinking_s, stopped_by=recording.stopped_by
        )
        take.update(transcript=transcript.to_dict(), review=review.to_dict())
        if (
            base is not None
            and base.transcript is not None
            and base.review is not None
            and not _unheard(review)
        ):
            take["combined"] = self._combined(question, base, transcript, reason)
        if kind == "answer" and self.ports.stories is not None:
            take["story"] = self.ports.stories.observe(question.id, transcript.text).to_dict()
        try:
            self.ports.view.take_done(take)
        finally:  # saved even when showing it failed (stdout closed, SIGTERM): the review is done
            take["review_ready_s"] = round(self.ports.clock() - answer_end, 3)
            self.writer.add_take(question.id, take, index=index)
        return _Outcome(recording.stopped_by, review, transcript, recording.thinking_s)

    def _combined(
        self, question: Question, base: _Outcome, follow: Transcript, reason: str | None
    ) -> dict[str, Any]:
        """The answer and this follow-up reviewed as one story: the question's status and score
        once the gap is (or is not) filled, kept beside the first answer's own score."""
        assert base.transcript is not None and base.review is not None
        combined = self.ports.review(
            joined(base.transcript, follow), question, base.thinking_s, stopped_by=None
        )
        filled, status = followup.gap_status(reason, base.review.flags, combined.flags)
        return {
            "score": combined.score,
            "answer_score": base.review.score,
            "flags": list(combined.flags),
            "status": status,
            "filled": filled,
        }

    def _drop_unrecorded(
        self, question: Question, index: int, take: dict[str, Any], path: Path, exc: BaseException
    ) -> None:
        """The recorder failed: a take file that never received audio goes; one that did is kept."""
        if path.is_file() and path.stat().st_size == 0:
            path.unlink()
            self.writer.drop_take(question.id, index)
        else:
            take.update(stopped_by="error", error=str(exc))
            self._keep_partial(question, index, take, path)

    def _keep_partial(self, question: Question, index: int, take: dict[str, Any], path: Path) -> None:
        """Ctrl-C mid-answer: the take stays, untranscribed (`mockint transcribe --session` can do it)."""
        take.setdefault("audio", path)
        take.setdefault("duration_s", None)
        take.setdefault("stopped_by", STOP_INTERRUPT)
        self.writer.add_take(question.id, {**take, "transcript": None, "review": None}, index=index)

    def _timing(self, question: Question, kind: str) -> tuple[float, float]:
        limit = self.plan.answer_limit_s or question.answer_limit_s(self.plan.profile)
        target = min(question.answer_target_s(self.plan.profile), limit)
        if kind == "follow_up":
            return limit * FOLLOW_UP_SHARE, target * FOLLOW_UP_SHARE
        return limit, target


def _profile_dict(profile: Profile) -> dict[str, Any]:
    return {
        "id": profile.id,
        "name": profile.name,
        "prep_s": profile.prep_s,
        "answer_target_s": profile.answer_target_s,
        "answer_limit_s": profile.answer_limit_s,
        "questions_per_session": profile.questions_per_session,
        "follow_ups": profile.follow_ups,
    }


def _unheard(review: ReviewLike) -> bool:
    return bool(set(review.flags) & set(UNHEARD_FLAGS))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
