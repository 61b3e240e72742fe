"""A small index of session summaries beside the sessions, so looking back over a thousand
sessions does not re-read a thousand manifests:

    recordings/
      .index.json        {"version": 2, "sessions": {id: entry}}   (this module; rebuildable)
      <session-id>/session.json                                     (the truth)

An entry holds the `sessions --json` row, a slim copy of the document (no transcripts, no
segments, no tips: what stats, plans and the progress page read) and the manifest's size and
modification time. It is used only while the manifest is unchanged *and* the session has
ended; otherwise (a newer manifest, a session still recording or cut off by a crash, a new
folder) the manifest is read through Store.load — with its crash recovery — and the entry is
rebuilt. The manifests always win; deleting the index only costs time.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
from pathlib import Path
from typing import Any

from mockint.errors import DataError
from mockint.store import MANIFEST, Store
from mockint.store.manifest import audio_problem as _audio_problem
from mockint.store.summary import summary_row

INDEX = ".index.json"
INDEX_VERSION = 2  # 2: rows count a follow-up's combined score (average_score, with_follow_up)


def slim(doc: dict[str, Any]) -> dict[str, Any]:
    """The document without what only `show`, `replay` and the session page need."""
    out = copy.copy(doc)
    out["questions"] = []
    for question in doc.get("questions", []):
        q = dict(question)
        q["takes"] = []
        for take in question.get("takes", []):
            t = {k: v for k, v in take.items() if k not in ("transcript", "transcripts")}
            review = take.get("review")
            if isinstance(review, dict):
                r = {k: v for k, v in review.items() if k not in ("segments", "tips")}
                comps = review.get("components")
                if isinstance(comps, dict):
                    r["components"] = {
                        p: ({k: v for k, v in c.items() if k != "evidence"} if isinstance(c, dict) else c)
                        for p, c in comps.items()
                    }
                t["review"] = r
            q["takes"].append(t)
        out["questions"].append(q)
    return out


class SessionIndex:
    """The recordings folder's sessions, read through the index; `rows()` and `documents()`
    answer like Store.list() and Store.documents() (documents slimmed, see `slim`)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.path = store.root / INDEX
        self._entries: dict[str, dict[str, Any]] | None = None

    def rows(self, *, check_audio: bool = False) -> list[dict[str, Any]]:
        rows = []
        for session_id, entry in self._fresh().items():
            if "damaged" in entry:
                rows.append({"id": session_id, "damaged": entry["damaged"]})
                continue
            row = dict(entry["row"])
            problem = self._audio_problem(session_id, entry) if check_audio else None
            if problem:
                row["damaged_audio"] = problem
            rows.append(row)
        self._save_if_changed()
        return rows

    def documents(self) -> list[dict[str, Any]]:
        """Every readable session's slim document, oldest first (damaged ones are left out)."""
        docs = [e["doc"] for e in self._fresh().values() if "doc" in e]
        self._save_if_changed()
        return docs

    # ------------------------------------------------------------------ internals

    def _fresh(self) -> dict[str, dict[str, Any]]:
        if self._entries is not None:
            return self._entries
        cached = self._read()
        self._changed = False
        entries: dict[str, dict[str, Any]] = {}
        for session_id in self.store.ids():
            key = _stat_key(self.store.root / session_id / MANIFEST)
            entry = cached.get(session_id)
            if key is not None and entry is not None and entry.get("key") == key and entry.get("final"):
                entries[session_id] = entry
                continue
            entries[session_id] = self._build(session_id)
            self._changed = True
        self._changed = self._changed or set(cached) != set(entries)
        self._entries = entries
        return entries

    def _build(self, session_id: str) -> dict[str, Any]:
        manifest = self.store.root / session_id / MANIFEST
        try:
            doc = self.store.load(session_id)  # recovers a crashed session first
        except DataError as exc:
            key = _stat_key(manifest)
            return {"key": key, "final": key is not None, "damaged": exc.what}
        return {
            "key": _stat_key(manifest),  # after load: recovery may have rewritten it
            "final": doc.get("ended_by") is not None,  # still recording: read again next time
            "row": summary_row(doc),
            "doc": slim(doc),
        }

    def _audio_problem(self, session_id: str, entry: dict[str, Any]) -> str | None:
        """Looked up again only when a take's audio file changed (size or time) since the entry."""
        folder = self.store.root / session_id
        audio = [
            [t["audio"], *(_stat_key(folder / t["audio"]) or [None, None])]
            for q in entry["doc"]["questions"]
            for t in q["takes"]
            if isinstance(t.get("audio"), str)
        ]
        if entry.get("audio") == audio and "audio_problem" in entry:
            return entry["audio_problem"]
        entry["audio"], entry["audio_problem"] = audio, _audio_problem(folder, entry["doc"])
        self._changed = True
        return entry["audio_problem"]

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return {}  # missing or torn: rebuilt from the manifests
        if not isinstance(raw, dict) or raw.get("version") != INDEX_VERSION:
            return {}
        sessions = raw.get("sessions")
        return sessions if isinstance(sessions, dict) else {}

    def _save_if_changed(self) -> None:
        if not getattr(self, "_changed", False) or self._entries is None or not self.store.root.is_dir():
            return
        data = json.dumps({"version": INDEX_VERSION, "sessions": self._entries}, separators=(",", ":"))
        tmp = self.path.with_name(f"{INDEX}.{os.getpid()}.tmp")
        # The index only saves time: a read-only or full recordings folder keeps working without it.
        with contextlib.suppress(OSError):
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(data)
            os.replace(tmp, self.path)
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        self._changed = False


def _stat_key(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]
