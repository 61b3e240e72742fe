"""Wiring one browser session to the session engine, as `mockint practice` wires a terminal one.

`Practice` holds what every room shares (bank, store, the speech model loaded once) and starts
a room's engine thread with the page as Speaker, Recorder and View.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mockint.errors import MockintError, UsageError
from mockint.store import Store
from mockint.web.room import Room, VoiceFiles, VoiceOptions, WebRecorder, WebSpeaker, WebView

MAX_SEED = 2**31 - 1
MAX_COUNT = 10  # questions in one browser session
MIN_LIMIT_S, MAX_LIMIT_S = 5.0, 600.0


@dataclass(frozen=True)
class Start:
    """What the page asked for (validated)."""

    company: str
    count: int | None = None
    questions: tuple[str, ...] = ()  # asked first, in order (continuing an unfinished session)
    principle: str | None = None
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
        return cls(
            company=text("company") or "amazon",
            count=None if count is None else int(count),
            questions=questions,
            principle=text("principle"),
            answer_limit_s=number("answer_limit_s", MIN_LIMIT_S, MAX_LIMIT_S),
            follow_ups=raw.get("follow_ups", True) is not False,
            voice=raw.get("voice", True) is not False,
        )


class _RoomStore(Store):
    """The recordings folder, telling the room which session it is writing."""

    def __init__(self, root: Path, on_create) -> None:
        super().__init__(root)
        self._on_create = on_create

    def create(self, company: str, **kwargs):
        writer = super().create(company, **kwargs)
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

    def bank(self):
        from mockint.bank import load_bank

        return load_bank(self.bank_dir)

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

        bank = self.bank()
        profile = bank.profile(start.company)
        seed = random.SystemRandom().randint(0, MAX_SEED)
        request = PickRequest(
            profile=profile.id,
            count=start.count,
            question_ids=start.questions,
            principle=start.principle,
            seed=seed,
        )
        questions = pick(bank, request, stats.question_history(self.store().documents()))
        transcriber = self.borrow()
        try:
            self._start(room, start, bank, profile, seed, questions, transcriber)
        except BaseException:
            self.give_back(transcriber)
            raise

    def _start(self, room: Room, start: Start, bank, profile, seed: int, questions, transcriber) -> None:
        from mockint import session
        from mockint.review import reviewer_for
        from mockint.stories import session_stories
        from mockint.stories.match import StoryTracker

        stories, warning = session_stories(self.recordings, self.environ, self.cwd, bank)

        reviewer = reviewer_for(profile, bank)

        plan = session.Plan(
            profile=profile,
            questions=tuple(questions),
            seed=seed,
            follow_ups=profile.follow_ups if start.follow_ups else 0,
            answer_limit_s=start.answer_limit_s,
            options={"engine": transcriber.name, "answers_from": [], "demo": False, "via": "web"},
        )
        options = VoiceOptions(start.voice, self.voice, self.rate, self.cache_dir)
        speaker = WebSpeaker(room, options, self.voice_files)
        recorder = WebRecorder(room, speaker.cue)
        room.speaker, room.recorder = speaker, recorder
        live = _LiveTakes(room, profile)

        def on_create(writer) -> None:
            live.writer = writer
            room.session_id = writer.id
            room.send({"type": "session", "id": writer.id})

        ports = session.Ports(
            speaker=speaker,
            recorder=recorder,
            transcriber=transcriber,
            review=reviewer,
            store=_RoomStore(self.recordings, on_create),
            view=live.view,
            clock=time.monotonic,
            stories=StoryTracker(stories) if stories else None,
        )
        room.send(
            {
                "type": "plan",
                "company": profile.name,
                "questions": len(questions),
                "follow_ups": plan.follow_ups,
                "engine": transcriber.name,
                "warning": warning,
            }
        )

        def run() -> None:
            try:
                result = session.run(plan, ports)
            except MockintError as exc:
                room.send({"type": "error", "text": exc.message, "session": room.session_id})
            except Exception as exc:  # a bug: say so in the page, and keep the traceback in the log
                room.send({"type": "error", "text": f"internal error: {exc!r}", "session": room.session_id})
                raise
            else:
                room.send({"type": "done", "session": result.session_id, "ended_by": result.ended_by})
            finally:
                self.rooms.discard(room)
                self.give_back(transcriber)

        self.rooms.add(room)
        room.start(run)

    def shutdown(self, timeout_s: float) -> None:
        """Finalize every open take (like Ctrl-C) and wait for the sessions to save."""
        rooms = list(self.rooms)
        for room in rooms:
            room.close()
        end = time.monotonic() + timeout_s
        for room in rooms:
            room.join(max(0.1, end - time.monotonic()))


class _LiveTakes:
    """Renders each finished take as the session page does, for the practice page."""

    def __init__(self, room: Room, profile) -> None:
        self.room = room
        self.profile = profile
        self.writer = None
        self.number = 0
        self.view = _CountingView(self)

    def render(self, take: dict[str, Any]) -> dict[str, Any]:
        from mockint.render.session_page import take_html
        from mockint.store.view import read_session

        doc = self.writer.document() if self.writer is not None else {"questions": []}
        questions = doc["questions"]
        q_index = len(questions) - 1
        t_index = len(questions[q_index]["takes"]) - 1 if questions else 0
        audio = take.get("audio")
        shown = {**take, "audio": Path(audio).name if audio else None}
        view = read_session({"questions": [{"id": "", "text": "", "takes": [shown]}]}).questions[0].takes[0]
        src = f"/api/sessions/{doc.get('id')}/audio/{q_index}/{t_index}" if audio and questions else None
        title = "Follow-up" if take.get("kind") == "follow_up" else "Answer"
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


class _CountingView(WebView):
    def __init__(self, live: _LiveTakes) -> None:
        super().__init__(live.room, live.render)
        self._live = live

    def question(self, number: int, total: int, question) -> None:
        self._live.number = number
        super().question(number, total, question)
