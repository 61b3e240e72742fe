"""The recordings layout: ids, privacy, atomic manifests, damaged sessions, safe paths."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
from datetime import datetime, timezone

import pytest
from helpers.session_fakes import WallClock

from mockint.errors import DataError, UsageError
from mockint.store import QuestionRef, Store, check_id
from mockint.store.summary import summary_row

FIXED = datetime(2026, 11, 26, 19, 30, 5, tzinfo=timezone.utc)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _session(store, *, score=72, answer_s=90.0):
    writer = store.create("amazon", seed=3)
    writer.ask(QuestionRef("amazon-ownership-1", "Tell me…", ("ownership",)))
    path = writer.take_path("amazon-ownership-1", "answer")
    path.write_bytes(b"RIFF")
    writer.add_take(
        "amazon-ownership-1",
        {
            "kind": "answer",
            "prompt": "Tell me…",
            "audio": path,
            "duration_s": answer_s,
            "thinking_s": 2.0,
            "transcript": {"text": "i did it", "engine": "sphinx", "words": []},
            "review": {"score": score, "flags": [], "tips": [], "components": {}},
        },
    )
    return writer


def test_ids_are_dated_and_unique_within_one_second(tmp_path):
    store = Store(tmp_path / "rec", now=lambda: FIXED)
    ids = [store.create("amazon", seed=None).id for _ in range(3)]
    assert ids == [
        "2026-11-26T19-30-05-amazon",
        "2026-11-26T19-30-05-amazon-2",
        "2026-11-26T19-30-05-amazon-3",
    ]


def _create_in_process(root, queue):
    queue.put(Store(root, now=lambda: FIXED).create("meta", seed=None).id)


def test_two_processes_starting_in_the_same_second_get_different_ids(tmp_path):
    queue = multiprocessing.get_context("fork").Queue()
    procs = [
        multiprocessing.get_context("fork").Process(target=_create_in_process, args=(tmp_path / "rec", queue))
        for _ in range(4)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(10)
    ids = [queue.get(timeout=5) for _ in procs]
    assert len(set(ids)) == 4


def test_folders_and_files_are_private(tmp_path):
    store = Store(tmp_path / "rec", now=WallClock())
    writer = _session(store)
    assert _mode(store.root) == 0o700
    assert _mode(writer.folder) == 0o700
    for f in writer.folder.iterdir():
        assert _mode(f) == 0o600, f


def test_manifest_after_every_change_and_no_temporary_files(tmp_path):
    store = Store(tmp_path / "rec", now=WallClock())
    writer = store.create("amazon", seed=1)
    manifest = writer.folder / "session.json"
    assert json.loads(manifest.read_text())["questions"] == []
    writer.ask(QuestionRef("q-1", "Q?"))
    assert json.loads(manifest.read_text())["questions"][0]["takes"] == []
    path = writer.take_path("q-1", "answer")
    writer.add_take(
        "q-1", {"kind": "answer", "prompt": "Q?", "audio": path, "transcript": None, "review": None}
    )
    doc = json.loads(manifest.read_text())
    assert doc["questions"][0]["takes"][0]["audio"] == "q01-answer-1.wav"
    assert doc["complete"] is False
    writer.finish()
    assert json.loads(manifest.read_text())["complete"] is True
    assert sorted(p.name for p in writer.folder.iterdir()) == ["q01-answer-1.wav", "session.json"]


def test_list_rows_follow_the_sessions_contract(tmp_path):
    store = Store(tmp_path / "rec", now=WallClock())
    _session(store, score=60).finish()
    _session(store, score=81)  # left running: incomplete
    rows = store.list()
    assert [r["complete"] for r in rows] == [True, False]
    first = rows[0]
    assert set(first) == {
        "id",
        "company",
        "started_at",
        "complete",
        "questions",
        "answered",
        "average_score",
        "with_follow_up",
        "duration_s",
    }
    assert (first["company"], first["questions"], first["answered"], first["average_score"]) == (
        "amazon",
        1,
        1,
        60,
    )
    assert first["duration_s"] > 0


def test_a_damaged_session_is_named_not_fatal(tmp_path):
    store = Store(tmp_path / "rec", now=WallClock())
    good = _session(store).id
    bad = store.create("meta", seed=None).id
    (store.root / bad / "session.json").write_text('{"schema_version": 1, "questions": [')
    rows = {r["id"]: r for r in store.list()}
    assert "damaged" not in rows[good]
    assert "session.json" in rows[bad]["damaged"] and bad in rows[bad]["damaged"]
    with pytest.raises(DataError) as err:
        store.load(bad)
    assert str(store.root / bad / "session.json") in err.value.what
    assert [d["id"] for d in store.documents()] == [good]


def test_a_session_from_a_newer_mockint_is_refused_clearly(tmp_path):
    store = Store(tmp_path / "rec", now=WallClock())
    sid = store.create("amazon", seed=None).id
    (store.root / sid / "session.json").write_text(json.dumps({"schema_version": 99, "questions": []}))
    with pytest.raises(DataError, match="newer mockint"):
        store.load(sid)


@pytest.mark.parametrize("bad", ["../etc", "a/b", "..", ".hidden", "", "x" * 200, "a b"])
def test_ids_from_the_command_line_are_validated(bad):
    with pytest.raises(UsageError):
        check_id(bad)


def test_unknown_session_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="mockint sessions"):
        Store(tmp_path).load("2026-01-01T00-00-00-amazon")


@pytest.mark.parametrize("relative", ["../other/session.json", "/etc/passwd", "q01/../../x.wav", ""])
def test_take_audio_never_leaves_the_session_folder(tmp_path, relative):
    store = Store(tmp_path / "rec", now=WallClock())
    sid = _session(store).id
    with pytest.raises(DataError):
        store.take_audio(sid, relative)
    assert store.take_audio(sid, "q01-answer-1.wav") == (store.root / sid / "q01-answer-1.wav").resolve()


def test_add_transcript_keeps_the_earlier_ones(tmp_path):
    store = Store(tmp_path / "rec", now=WallClock())
    sid = _session(store).id
    newer = {"text": "i did it all", "engine": "vosk", "words": []}
    store.add_transcript(sid, "amazon-ownership-1", 0, newer)
    take = store.load(sid)["questions"][0]["takes"][0]
    assert take["transcript"] == newer
    assert [t["engine"] for t in take["transcripts"]] == ["sphinx", "vosk"]
    with pytest.raises(UsageError):
        store.add_transcript(sid, "amazon-ownership-1", 5, newer)


def test_summary_row_of_an_unanswered_session():
    doc = {
        "id": "x",
        "company": "meta",
        "started_at": "2026-11-26T19:30:05+00:00",
        "updated_at": "2026-11-26T19:31:05+00:00",
        "complete": False,
        "questions": [{"id": "q", "takes": [{"kind": "answer", "review": None}]}],
    }
    assert summary_row(doc) == {
        "id": "x",
        "company": "meta",
        "started_at": "2026-11-26T19:30:05+00:00",
        "complete": False,
        "questions": 1,
        "answered": 0,
        "average_score": None,
        "with_follow_up": 0,
        "duration_s": None,  # nothing was recorded: no time spent answering
    }


def test_an_unheard_take_is_kept_but_not_counted_as_an_answer():
    from mockint import stats
    from mockint.store.summary import newest_answer, summary_row

    heard = {"kind": "answer", "review": {"components": {}, "flags": ["too_short"], "score": 64}}
    silent = {"kind": "answer", "review": {"components": {}, "flags": ["no_speech"], "score": None}}
    unclear = {"kind": "answer", "review": {"components": {}, "flags": ["unclear_audio"], "score": None}}
    doc = {
        "id": "2026-11-26T19-30-05-amazon",
        "company": "amazon",
        "started_at": "2026-11-26T19:30:05+00:00",
        "complete": True,
        "questions": [
            {"id": "q1", "takes": [heard, silent]},  # a retake in which nothing was heard
            {"id": "q2", "takes": [unclear]},
        ],
    }
    assert newest_answer(doc["questions"][0]) is heard and newest_answer(doc["questions"][1]) is None
    row = summary_row(doc)
    assert row["answered"] == 1 and row["average_score"] == 64
    assert stats.compute([doc])["answers"] == 1
