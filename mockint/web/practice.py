"""Wiring one browser session to the session engine, as `mockint practice` wires a terminal one.

`Practice` holds what every room shares (bank, store, the speech model loaded once) and starts
a room's engine thread with the page as Speaker, Recorder and View.
"""

from __future__ import annotations

import random
import stat
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from mockint.errors import MockintError, UsageError
from mockint.store import Store
from mockint.store.summary import newest_answer
from mockint.web.resume import CUT_OFF, cut_takes, done_count, finish_cut_takes, remaining, reopen
from mockint.web.room import Room, VoiceFiles, VoiceOptions, WebRecorder, WebSpeaker, WebView

MAX_SEED = 2**31 - 1
MAX_COUNT = 10  # questions in one browser session
MIN_LIMIT_S, MAX_LIMIT_S = 5.0, 600.0


def _local_now() -> datetime:
    return datetime.now().astimezone()


@dataclass(frozen=True)
class Start:
    """What the page asked for (validated)."""

    company: str
    count: int | None = None
    questions: tuple[str, ...] = ()  # asked first, in order
    principle: str | None = None
    drill: str | None = None  # a story id: its questions, as `practice --drill STORY`
    resume: str | None = None  # a session id: take it up again (mockint.web.resume)
    answer_limit_s: float | None = None
    follow_ups: bool = True
    voice: bool = True

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> Start:
        def text(key: str) -> str | None:
            value = raw.get(key)
            return str(value).strip() or None if value not in (None, "") else None

        def number(key: str, lo: float, hi: float) -> float | None:
            value = raw.get(key)
            if value in (None, ""):
                return None
            try:
                got = float(value)
            except (TypeError, ValueError):
                raise UsageError(f"{key} must be a number", f"use {lo:g} to {hi:g}") from None
            if not lo <= got <= hi:
                raise UsageError(f"{key} {got:g} is out of range", f"use {lo:g} to {hi:g}")
            return got

        count = number("count", 1, MAX_COUNT)
        raw_questions = raw.get("questions") or []
        if isinstance(raw_questions, str):
            raw_questions = raw_questions.split(",")
        if not isinstance(raw_questions, list) or len(raw_questions) > MAX_COUNT:
            raise UsageError("questions must be a list of question ids", f"give at most {MAX_COUNT}")
        questions = tuple(str(q).strip() for q in raw_questions if str(q).strip())
        if questions and count is None:
            count = len(questions)
        if text("principle") and text("drill"):
            raise UsageError("choose a principle or a story to drill, not both", "leave one of them at 'any'")
        return cls(
            company=text("company") or "amazon",
            count=None if count is None else int(count),
            questions=questions,
            principle=text("principle"),
            drill=text("drill"),
            resume=text("resume"),
            answer_limit_s=number("answer_limit_s", MIN_LIMIT_S, MAX_LIMIT_S),
            follow_ups=raw.get("follow_ups", True) is not False,
            voice=raw.get("voice", True) is not False,
        )


class _RoomStore(Store):
    """The recordings folder, telling the room which session it is writing; a resumed session's
    writer is handed over instead of a new one."""

    def __init__(self, root: Path, on_create, resumed=None) -> None:
        super().__init__(root)
        self._on_create = on_create
        self._resumed = resumed

    def create(self, company: str, **kwargs):
        writer = self._resumed or super().create(company, **kwargs)
        self._on_create(writer)
        return writer


class Practice:
    """Starts browser sessions; shared by every room of one server."""

    def __init__(
        self,
        *,
        recordings: Path,
        bank_dir: Path,
        cache_dir: Path,
        environ: Mapping[str, str],
        cwd: Path,
        engine: str,
        model: str | None,
        voice: str | None = None,
        rate: int | None = None,
    ) -> None:
        self.recordings = Path(recordings)
        self.bank_dir = Path(bank_dir)
        self.cache_dir = Path(cache_dir)
        self.environ = environ
        self.cwd = cwd
        self.engine = engine
        self.model = model
        self.voice = voice
        self.rate = rate
        self.voice_files = VoiceFiles()
        self._idle: list = []  # loaded speech models not in use by a session
        self._lock = threading.Lock()
        self.rooms: set[Room] = set()
        self._bank: tuple[tuple, Any] | None = None  # (the folder's files and times, the bank)

    def bank(self):
        """The question bank, loaded again only when a file in its folder changed: a load
        validates every file (~0.5 s; more on a busy machine), a look at the folder ~1 ms.
        Every page and session of the server reads it through here."""
        from mockint.bank import load_bank

        try:
            key = tuple(
                sorted(
                    (str(p), st.st_mtime_ns, st.st_size)
                    for p in self.bank_dir.rglob("*")
                    if stat.S_ISREG((st := p.stat()).st_mode)
                )
            )
        except OSError:
            key = None  # unreadable: load (and report) as usual
        held = self._bank
        if key is not None and held is not None and held[0] == key:
            return held[1]
        bank = load_bank(self.bank_dir)
        if key is not None:
            self._bank = (key, bank)  # replaced whole: threads read one pair or the other
        return bank

    def store(self) -> Store:
        return Store(self.recordings)

    def borrow(self):
        """A loaded speech model for one session. A model decodes one take at a time, so two tabs
        answering at once each get their own; a model is loaded once and reused after."""
        with self._lock:
            if self._idle:
                return self._idle.pop()
        from mockint.speech import load_transcriber

        return load_transcriber(self.engine, self.model)

    def give_back(self, transcriber) -> None:
        with self._lock:
            self._idle.append(transcriber)

    def preload(self) -> None:
        """Load the first model before the first page asks for it."""
        self.give_back(self.borrow())

    def start(self, room: Room, start: Start) -> None:
        """Plan the session now (errors go back to the page at once), then run it on the room's thread."""
        from mockint import stats
        from mockint.picker import PickRequest, pick
        from mockint.plan import next_plan
        from mockint.store.index import SessionIndex
        from mockint.stories import drill_questions, find, session_stories

        if start.resume:
            return self._resume(room, start)
        bank = self.bank()
        profile = bank.profile(start.company)
        seed = random.SystemRandom().randint(0, MAX_SEED)
        stories, warning = session_stories(self.recordings, self.environ, self.cwd, bank)
        if start.drill:
            story = find(stories, start.drill)
            count = start.count or profile.questions_per_session
            questions = drill_questions(story, bank, profile.id, count, seed)
        else:
            docs = SessionIndex(self.store()).documents()
            # no filters: the plan for next time's principles first, as a plain `mockint practice`
            plain = not (start.questions or start.principle)
            request = PickRequest(
                profile=profile.id,
                count=start.count,
                question_ids=start.questions,
                principle=start.principle,
                seed=seed,
                focus=next_plan(docs, bank, profile.id, stories).principles if plain else (),
            )
            questions = pick(bank, request, stats.question_history(docs))
        setup = _Setup(start, bank, profile, seed, tuple(questions), stories, warning)
        self._launch(room, setup)

    def _resume(self, room: Room, start: Start) -> None:
        from mockint.stories import session_stories

        writer = reopen(self.store(), start.resume or "", via="web", now=_local_now)
        try:
            doc = writer.document()
            bank = self.bank()
            profile = bank.profile(str((doc.get("profile") or {}).get("id") or doc.get("company")))
            questions = tuple(bank.question(qid) for qid in remaining(doc))
            stories, warning = session_stories(self.recordings, self.environ, self.cwd, bank)
            options = doc.get("options") or {}
            limit = start.answer_limit_s or options.get("answer_limit_s")
            start = replace(start, answer_limit_s=limit, drill=options.get("drill"))
            setup = _Setup(start, bank, profile, doc.get("seed"), questions, stories, warning, writer)
            self._launch(room, setup)
        except BaseException:
            writer.release()
            raise

    def _launch(self, room: Room, setup: _Setup) -> None:
        transcriber = self.borrow()
        try:
            self._start(room, setup, transcriber)
        except BaseException:
            self.give_back(transcriber)
            raise

    def _start(self, room: Room, setup: _Setup, transcriber) -> None:
        from mockint import session
        from mockint.review import reviewer_for
        from mockint.stories.match import StoryTracker

        start, profile, resumed = setup.start, setup.profile, setup.writer
        reviewer = reviewer_for(profile, setup.bank)
        options: dict[str, Any] = {
            "engine": transcriber.name,
            "answers_from": [],
            "demo": False,
            "via": "web",
        }
        options["planned"] = [q.id for q in setup.questions]
        if start.drill:
            options["drill"] = start.drill
        plan = session.Plan(
            profile=profile,
            questions=setup.questions,
            seed=setup.seed,
            follow_ups=profile.follow_ups if start.follow_ups else 0,
            answer_limit_s=start.answer_limit_s,
            options=options,
        )
        voice = VoiceOptions(start.voice, self.voice, self.rate, self.cache_dir)
        speaker = WebSpeaker(room, voice, self.voice_files)
        recorder = WebRecorder(room, speaker.cue)
        room.speaker, room.recorder = speaker, recorder
        done = done_count(resumed.document()) if resumed is not None else 0
        live = _LiveTakes(room, profile, recorder, done)
        tracker = StoryTracker(setup.stories, drilled=start.drill) if setup.stories else None

        def on_create(writer) -> None:
            live.writer = writer
            room.session_id = writer.id
            room.send({"type": "session", "id": writer.id, "resumed": resumed is not None})

        ports = session.Ports(
            speaker=speaker,
            recorder=recorder,
            transcriber=transcriber,
            review=reviewer,
            store=_RoomStore(self.recordings, on_create, resumed),
            view=live.view,
            clock=time.monotonic,
            stories=tracker,
        )
        room.send(
            {
                "type": "plan",
                "company": profile.name,
                "questions": done + len(setup.questions),
                "follow_ups": plan.follow_ups,
                "engine": transcriber.name,
                "warning": setup.warning,
            }
        )

        def run() -> None:
            running = False  # session.run saves and lets go of the session however it ends
            try:
                if resumed is not None:
                    self._finish_earlier(room, resumed, setup, transcriber, reviewer, live, tracker)
                running = True
                result = session.run(plan, ports)
            except MockintError as exc:
                room.send({"type": "error", "text": exc.message, "session": room.session_id})
            except Exception as exc:  # a bug: say so in the page, and keep the traceback in the log
                room.send({"type": "error", "text": f"internal error: {exc!r}", "session": room.session_id})
                raise
            else:
                room.send({"type": "done", "session": result.session_id, "ended_by": result.ended_by})
            finally:
                if resumed is not None and not running:
                    resumed.release()
                self.rooms.discard(room)
                self.give_back(transcriber)

        self.rooms.add(room)
        room.start(run)

    def _finish_earlier(
        self, room: Room, writer, setup: _Setup, transcriber, reviewer, live, tracker
    ) -> None:
        """Before a resumed session asks again: review what was cut off, and let the story
        tracker know the stories already told."""
        live.writer = writer
        if cut_takes(writer.document()):
            room.send({"type": "notice", "text": "Reviewing the answer that was cut off…"})
        finish_cut_takes(writer, setup.bank, transcriber, reviewer, live.show_earlier)
        if tracker is not None:
            for q in writer.document()["questions"]:
                take = newest_answer(q)
                if take is not None and take.get("transcript"):
                    tracker.observe(q["id"], take["transcript"].get("text", ""))

    def shutdown(self, timeout_s: float) -> None:
        """Finalize every open take (like Ctrl-C) and wait for the sessions to save."""
        rooms = list(self.rooms)
        for room in rooms:
            room.close()
        end = time.monotonic() + timeout_s
        for room in rooms:
            room.join(max(0.1, end - time.monotonic()))


@dataclass(frozen=True)
class _Setup:
    """A session planned for a room, before its thread starts."""

    start: Start
    bank: Any
    profile: Any
    seed: int | None
    questions: tuple[Any, ...]
    stories: list[Any]
    warning: str | None
    writer: Any = None  # a resumed session's ResumedWriter; None for a new session


class _LiveTakes:
    """Renders each finished take as the session page does, for the practice page."""

    def __init__(self, room: Room, profile, recorder: WebRecorder, done: int = 0) -> None:
        self.room = room
        self.profile = profile
        self.writer = None
        self.question_id: str | None = None
        self.view = _CountingView(self, recorder, done)

    def render(self, take: dict[str, Any], where: tuple[int, int] | None = None) -> dict[str, Any]:
        """The review message of a take: of the question being asked, or at `where`
        (question index, take index) in the manifest."""
        from mockint.render.session_page import take_html
        from mockint.store.view import read_session

        doc = self.writer.document() if self.writer is not None else {"questions": []}
        questions = doc["questions"]
        if where is None:
            ids = [q.get("id") for q in questions]
            q_index = ids.index(self.question_id) if self.question_id in ids else len(questions) - 1
            where = (q_index, len(questions[q_index]["takes"]) - 1 if questions else 0)
        q_index, t_index = where
        audio = take.get("audio")
        shown = {**take, "audio": Path(audio).name if audio else None}
        view = read_session({"questions": [{"id": "", "text": "", "takes": [shown]}]}).questions[0].takes[0]
        src = f"/api/sessions/{doc.get('id')}/audio/{q_index}/{t_index}" if audio and questions else None
        title = "Follow-up" if take.get("kind") == "follow_up" else "Answer"
        if take.get("stopped_by") in CUT_OFF:
            title += " (cut off)"
        review = take.get("review") or {}
        transcript = take.get("transcript") or {}
        return {
            "kind": take.get("kind"),
            "stopped_by": take.get("stopped_by"),
            "score": review.get("score"),
            "flags": review.get("flags", []),
            "text": transcript.get("text", ""),
            "audio": src,
            "html": take_html(view, f"live-q{q_index}-t{t_index}", title, src, self.profile, ""),
        }

    def show_earlier(self, q_index: int, t_index: int, take: dict[str, Any]) -> None:
        self.room.send({"type": "review", "earlier": True, **self.render(take, (q_index, t_index))})


class _CountingView(WebView):
    def __init__(self, live: _LiveTakes, recorder: WebRecorder, done: int) -> None:
        super().__init__(live.room, live.render, recorder)
        self._live = live
        self._done = done  # questions a resumed session had finished before

    def question(self, number: int, total: int, question) -> None:
        self._live.question_id = question.id
        super().question(number + self._done, total + self._done, question)
