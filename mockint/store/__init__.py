"""Saved sessions: the only module that knows the recordings layout.

    <recordings>/<session-id>/session.json     the manifest (schema_version, profile, questions…)
    <recordings>/<session-id>/q01-answer-1.wav  one audio file per take, streamed while recorded

The manifest is replaced atomically (temporary file, fsync, os.replace, fsync of the folder)
after every change, so a crash leaves the previous complete manifest and every finished answer.
Folders are created 0700 and files 0600: the recordings are the candidate's voice.
"""

from __future__ import annotations

import contextlib
import copy
import errno
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from mockint import safeio
from mockint.errors import DataError, MockintError, UsageError
from mockint.store import recovery
from mockint.store.manifest import SCHEMA_VERSION
from mockint.store.manifest import audio_problem as _audio_problem
from mockint.store.manifest import find_take as _find_take
from mockint.store.manifest import read_manifest as _read_manifest
from mockint.store.summary import summary_row

MANIFEST = "session.json"
DIR_MODE = 0o700
FILE_MODE = 0o600
AUDIO_SUFFIX = ".wav"
TAKE_KINDS = ("answer", "follow_up")
MAX_SAME_SECOND = 1000  # sessions one company may start in the same second

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")

Now = Callable[[], datetime]


def _local_now() -> datetime:
    return datetime.now().astimezone()


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def check_id(value: str, what: str = "session") -> str:
    """An id from the command line or a manifest: letters, digits, '-', '_', '.'; never a path."""
    if not isinstance(value, str) or not _ID.match(value) or ".." in value:
        raise UsageError(
            f"'{value}' is not a {what} id",
            "use an id as 'mockint sessions' lists it (letters, digits, '-', '_', '.')",
        )
    return value


@dataclass(frozen=True)
class QuestionRef:
    """What the store records about a question when it is asked."""

    id: str
    text: str
    principles: tuple[str, ...] = ()


class Store:
    """A recordings folder: create sessions, list and load them, and amend saved takes."""

    def __init__(self, root: Path, *, now: Now = _local_now) -> None:
        self.root = Path(root)
        self._now = now

    # ------------------------------------------------------------------ reading

    def folder(self, session_id: str) -> Path:
        return self.root / check_id(session_id)

    def ids(self) -> list[str]:
        """Session ids, oldest first (ids start with the date)."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and _ID.match(p.name))

    def load(self, session_id: str) -> dict[str, Any]:
        """The `show --json` document of a session; DataError naming the file if it is damaged."""
        folder = self.folder(session_id)
        manifest = folder / MANIFEST
        if not manifest.is_file():
            if folder.is_dir():
                raise DataError(f"{manifest} is missing", "the session was never saved; delete the folder")
            raise UsageError(
                f"no session '{session_id}' in {self.root}", "run 'mockint sessions' to list them"
            )
        doc = _read_manifest(manifest)
        if recovery.needs_recovery(doc):  # cut off by a crash? (None: still being recorded)
            doc = (
                recovery.recover(
                    folder, lambda: _read_manifest(manifest), lambda repaired: _write_json(manifest, repaired)
                )
                or doc
            )
        doc["id"] = session_id  # the folder name is authoritative
        return doc

    def list(self, *, check_audio: bool = False) -> list[dict[str, Any]]:
        """One `sessions --json` row per session, oldest first; damaged ones say why instead.

        check_audio: also look at the first bytes of every take's audio, and name the first take
        that is missing or not a WAV file in `damaged_audio` (the session itself still reads).
        """
        rows = []
        for session_id in self.ids():
            try:
                doc = self.load(session_id)
            except DataError as exc:
                rows.append({"id": session_id, "damaged": exc.what})
                continue
            row = summary_row(doc)
            problem = _audio_problem(self.root / session_id, doc) if check_audio else None
            if problem:
                row["damaged_audio"] = problem
            rows.append(row)
        return rows

    def documents(self) -> Iterator[dict[str, Any]]:
        """Every readable session document, oldest first (damaged ones are skipped; `list` names them)."""
        for session_id in self.ids():
            try:
                yield self.load(session_id)
            except DataError:
                continue

    def take_audio(self, session_id: str, relative: str) -> Path:
        """The absolute path of a take's audio, refusing anything outside the session folder."""
        folder = self.folder(session_id).resolve()
        if not relative or Path(relative).is_absolute():
            raise DataError(
                f"session {session_id}: audio path '{relative}' is not relative", "the manifest is damaged"
            )
        path = (folder / relative).resolve()
        if folder not in path.parents:
            raise DataError(
                f"session {session_id}: audio path '{relative}' leaves the session folder",
                "the manifest is damaged; fix or delete it",
            )
        if not path.is_file():
            raise DataError(
                f"{path} is missing", "the take's audio was deleted; its transcript is still shown"
            )
        return path

    def check_writable(self) -> None:
        """Make the recordings folder (0700) and prove a session can be saved in it, before a
        practice loads its model: a read-only or not-a-folder path fails here, in one line."""
        try:
            safeio.make_private_dirs(self.root)
            fd, probe = tempfile.mkstemp(prefix=".mockint-probe.", dir=self.root)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise UsageError(
                f"cannot save sessions in {self.root} ({exc.strerror or exc})",
                "choose a writable folder with --recordings DIR (or MOCKINT_RECORDINGS)",
            ) from None

    # ------------------------------------------------------------------ amending

    def add_transcript(
        self,
        session_id: str,
        question_id: str,
        take_index: int,
        transcript: dict[str, Any],
        *,
        review: dict[str, Any] | None = None,
    ) -> None:
        """Add a newer transcript to a saved take, keeping the earlier ones in `transcripts`."""
        doc = self.load(session_id)
        take = _find_take(doc, question_id, take_index, session_id)
        earlier = take.get("transcripts") or ([take["transcript"]] if take.get("transcript") else [])
        take["transcripts"] = [*earlier, transcript]
        take["transcript"] = transcript
        if review is not None:
            take["review"] = review
        doc["updated_at"] = iso(self._now())
        _write_json(self.folder(session_id) / MANIFEST, doc)

    # ------------------------------------------------------------------ writing

    def create(
        self,
        company: str,
        *,
        seed: int | None,
        profile: dict[str, Any] | None = None,
        options: dict[str, Any] | None = None,
    ) -> SessionWriter:
        """Start a session folder with a unique id like `2026-11-26T19-30-05-amazon`."""
        check_id(company, "company")
        safeio.make_private_dirs(self.root)
        started = self._now()
        base = f"{started.strftime('%Y-%m-%dT%H-%M-%S')}-{company}"
        for n in range(1, MAX_SAME_SECOND + 1):
            session_id = base if n == 1 else f"{base}-{n}"
            try:
                os.mkdir(self.root / session_id, DIR_MODE)  # atomic: two processes never share an id
            except FileExistsError:
                continue
            os.chmod(self.root / session_id, DIR_MODE)
            break
        else:
            raise DataError(f"{self.root}: too many sessions named {base}-*", "delete old sessions")
        doc = {
            "schema_version": SCHEMA_VERSION,
            "id": session_id,
            "company": company,
            "profile": profile or {"id": company},
            "seed": seed,
            "options": options or {},
            "started_at": iso(started),
            "updated_at": iso(started),
            "ended_at": None,
            "complete": False,
            "ended_by": None,
            "questions": [],
        }
        writer = SessionWriter(self.root / session_id, doc, self._now)
        writer.save()
        return writer


class SessionWriter:
    """One running session: questions asked, takes written, the manifest kept current."""

    def __init__(self, folder: Path, doc: dict[str, Any], now: Now) -> None:
        self.folder = folder
        self._doc = doc
        self._now = now
        self._lock = recovery.hold(folder)  # while held, readers leave our "recording" takes alone

    @property
    def id(self) -> str:
        return self._doc["id"]

    def document(self) -> dict[str, Any]:
        return copy.deepcopy(self._doc)

    def now(self) -> str:
        """The current time as the manifest writes it."""
        return iso(self._now())

    def ask(self, question: QuestionRef) -> None:
        """Record that a question was asked (now)."""
        check_id(question.id, "question")
        if self._question(question.id, missing_ok=True) is not None:
            raise DataError(
                f"question {question.id} asked twice in session {self.id}", "this is a bug in mockint"
            )
        self._doc["questions"].append(
            {
                "id": question.id,
                "text": question.text,
                "principles": list(question.principles),
                "asked_at": iso(self._now()),
                "skipped": False,
                "takes": [],
            }
        )
        self.save()

    def take_path(self, question_id: str, kind: str) -> Path:
        """A fresh, private file for the recorder to stream the next take into."""
        if kind not in TAKE_KINDS:
            raise ValueError(f"unknown take kind {kind!r}")
        question = self._question(question_id)
        number = self._doc["questions"].index(question) + 1
        for n in range(1, 1000):
            path = self.folder / f"q{number:02d}-{kind.replace('_', '-')}-{n}{AUDIO_SUFFIX}"
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            except FileExistsError:
                continue
            os.close(fd)
            return path
        raise DataError(f"{self.folder}: too many takes for {question_id}", "start a new session")

    def add_take(self, question_id: str, take: dict[str, Any], *, index: int | None = None) -> int:
        """Append a take (its `audio` an absolute path from take_path), or replace take `index`
        (a take listed while it was recorded); returns its index."""
        question = self._question(question_id)
        take = dict(take)
        if take.get("kind") not in TAKE_KINDS:
            raise ValueError(f"unknown take kind {take.get('kind')!r}")
        audio = take.get("audio")
        if audio is not None:
            path = Path(audio)
            if path.exists():
                os.chmod(path, FILE_MODE)
            take["audio"] = path.name if path.parent == self.folder else os.path.relpath(path, self.folder)
        transcript = take.get("transcript")
        take.setdefault("transcripts", [transcript] if transcript else [])
        if index is None:
            question["takes"].append(take)
            index = len(question["takes"]) - 1
        else:
            question["takes"][index] = take
        self.save()
        return index

    def drop_take(self, question_id: str, index: int) -> None:
        """Forget a listed take whose recording never started (its file is gone)."""
        del self._question(question_id)["takes"][index]
        self.save()

    def mark_skipped(self, question_id: str) -> None:
        self._question(question_id)["skipped"] = True
        self.save()

    def finish(self, *, ended_by: str = "done") -> None:
        """The session ended normally (all questions, or the candidate chose to stop)."""
        self._doc["complete"] = True
        self._doc["ended_by"] = ended_by
        self._doc["ended_at"] = iso(self._now())
        self.save()
        self._unlock()

    def interrupted(self, *, ended_by: str = "interrupt") -> None:
        """Ctrl-C (or SIGTERM, SIGHUP…, named by `ended_by`): keep everything, stay listed as incomplete."""
        self._doc["ended_by"] = ended_by
        try:
            self.save()
        finally:
            self._unlock()

    def _unlock(self) -> None:
        lock, self._lock = self._lock, None
        recovery.release(lock)

    def save(self) -> None:
        self._doc["updated_at"] = iso(self._now())
        _write_json(self.folder / MANIFEST, self._doc)

    def _question(self, question_id: str, *, missing_ok: bool = False) -> dict[str, Any] | None:
        for question in self._doc["questions"]:
            if question["id"] == question_id:
                return question
        if missing_ok:
            return None
        raise DataError(
            f"question {question_id} was not asked in session {self.id}", "this is a bug in mockint"
        )


def _write_json(path: Path, doc: dict[str, Any]) -> None:
    """Replace `path` atomically: a reader sees the old or the new manifest, never a torn one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    data = json.dumps(doc, indent=1, ensure_ascii=False).encode("utf-8")
    try:
        tmp.unlink(missing_ok=True)  # a link planted under this name must not be written through
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:  # a full disk or a read-only folder: the earlier manifest stays as it was
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
        raise MockintError(
            f"could not save {path} ({exc.strerror or exc}); the previous version is kept",
            "free some disk space, then run 'mockint sessions'"
            if full
            else f"make {path.parent} writable (or copy the session somewhere writable), then try again",
        ) from None
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
