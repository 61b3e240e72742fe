"""Reading one manifest (session.json) safely, and checking its takes' audio without opening
anything but regular files: the store's checks before any reader sees a session."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mockint import safeio
from mockint.audio.takewriter import WAV_HEADER_BYTES
from mockint.errors import DataError, UsageError
from mockint.ports import MAX_RATE_HZ, MIN_RATE_HZ
from mockint.store import recovery, schema

SCHEMA_VERSION = 1


def read_manifest(manifest: Path) -> dict[str, Any]:
    def bad(problem: str) -> DataError:
        return DataError(f"{manifest} {problem}", "restore it from a backup or delete the folder")

    try:
        doc = safeio.parse_json(safeio.read_document(manifest))
    except safeio.FileProblem as exc:
        raise bad(f"cannot be read ({exc})") from None
    at = safeio.bad_text(doc)
    if at is not None:
        raise bad(f"holds text that is not Unicode at {at} (a lone surrogate)")
    check_document(doc, manifest)
    return doc


def audio_problem(folder: Path, doc: dict[str, Any]) -> str | None:
    """The first take whose audio is missing, not a WAV file or of a sample rate no reader accepts
    (mockint.audio.files.check_rate), read from its first 44 bytes."""
    for question in doc["questions"]:
        for take in question["takes"]:
            name = take.get("audio")
            if not name or take.get("stopped_by") == recovery.RECORDING:
                continue
            path = folder / name
            try:  # never blocks on a FIFO, never reads a device or through a link
                with os.fdopen(safeio.open_regular(path, follow=False), "rb") as f:
                    head = f.read(WAV_HEADER_BYTES)
                    size = os.fstat(f.fileno()).st_size
            except safeio.FileProblem as exc:
                return f"{path} {exc}"
            except OSError as exc:
                return f"{path}: {exc.strerror or exc}"
            if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
                return f"{path} is not a WAV file"
            if size < WAV_HEADER_BYTES:
                return f"{path} is cut short ({size} bytes)"
            rate = int.from_bytes(head[24:28], "little")
            if head[12:16] == b"fmt " and not MIN_RATE_HZ <= rate <= MAX_RATE_HZ:
                return f"{path} declares a sample rate of {rate} Hz"
    return None


def check_document(doc: Any, manifest: Path) -> None:
    def bad(problem: str) -> DataError:
        return DataError(f"{manifest}: {problem}", "the session is damaged; restore or delete it")

    if not isinstance(doc, dict):
        raise bad("expected a JSON object")
    version = doc.get("schema_version")
    if not isinstance(version, int):
        raise bad("schema_version missing")
    if version > SCHEMA_VERSION:
        raise DataError(f"{manifest}: written by a newer mockint (schema {version})", "upgrade mockint")
    if not isinstance(doc.get("questions"), list):
        raise bad("questions missing")
    for i, question in enumerate(doc["questions"]):
        if not isinstance(question, dict) or not isinstance(question.get("id"), str):
            raise bad(f"questions[{i}] has no id")
        if not isinstance(question.get("takes"), list) or any(
            not isinstance(t, dict) for t in question["takes"]
        ):
            raise bad(f"questions[{i}].takes is not a list of takes")
    try:  # every field the readers use has the type they expect (mockint.store.schema)
        schema.check_session(doc)
    except schema.Bad as exc:
        raise bad(f"cannot be read ({exc})") from None


def find_take(doc: dict[str, Any], question_id: str, take_index: int, session_id: str) -> dict[str, Any]:
    for question in doc["questions"]:
        if question["id"] == question_id:
            takes = question["takes"]
            if not 0 <= take_index < len(takes):
                raise UsageError(
                    f"session {session_id}, question {question_id} has no take {take_index}",
                    f"takes are numbered 0 to {len(takes) - 1}",
                )
            return takes[take_index]
    raise UsageError(
        f"session {session_id} has no question '{question_id}'", f"run 'mockint show {session_id}'"
    )
