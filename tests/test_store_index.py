"""The session index (mockint.store.index): `sessions`, `stats` and the progress page read it,
yet the manifests always win — a newer manifest, a new or deleted session, a session still
recording or cut by a crash, a deleted audio file, a torn index."""

from __future__ import annotations

import json

import pytest
from helpers.session_fakes import Say
from test_session_cli import make_session

from mockint.store import Store
from mockint.store.index import INDEX, SessionIndex, slim


@pytest.fixture
def recordings(tmp_path):
    root = tmp_path / "recordings"
    make_session(root, [Say("first", score=50, flags=("missing_result",)), Say("dive", score=70)], day=20)
    make_session(root, [Say("second", score=74), Say("again", score=66)], day=26)
    return root


def rows(run_cli, root):
    r = run_cli("sessions", "--json", "--recordings", str(root))
    assert r.code == 0, r.err
    return json.loads(r.out)


def test_the_index_answers_like_the_manifests_and_is_written_beside_them(run_cli, recordings):
    expected = Store(recordings).list(check_audio=True)
    assert rows(run_cli, recordings) == expected  # first run: built from the manifests
    assert (recordings / INDEX).is_file()
    assert rows(run_cli, recordings) == expected  # second run: from the index
    docs = SessionIndex(Store(recordings)).documents()
    assert docs == [slim(d) for d in Store(recordings).documents()]
    assert all("transcript" not in t for d in docs for q in d["questions"] for t in q["takes"])


def test_a_manifest_newer_than_its_entry_is_read_again(run_cli, recordings):
    rows(run_cli, recordings)
    manifest = next(recordings.glob("2026-11-26*/session.json"))
    doc = json.loads(manifest.read_text())
    doc["questions"][0]["takes"][0]["review"]["score"] = 10
    manifest.write_text(json.dumps(doc))
    assert [r["average_score"] for r in rows(run_cli, recordings)] == [60, 38]
    stats = json.loads(run_cli("stats", "--json", "--recordings", str(recordings)).out)
    progress = {p["question"]: p for p in stats["progress"]}
    assert progress["amazon-ownership-1"]["attempts"][-1]["score"] == 10


def test_even_an_index_that_lies_is_not_trusted_over_a_changed_manifest(run_cli, recordings):
    rows(run_cli, recordings)
    index = json.loads((recordings / INDEX).read_text())
    for entry in index["sessions"].values():
        entry["row"]["average_score"] = 99  # stale or forged
        entry["key"][1] -= 1  # ...and older than the manifest
    (recordings / INDEX).write_text(json.dumps(index))
    assert [r["average_score"] for r in rows(run_cli, recordings)] == [60, 70]


def test_new_deleted_damaged_and_in_progress_sessions(run_cli, recordings, tmp_path):
    import shutil

    rows(run_cli, recordings)
    first = sorted(p for p in recordings.iterdir() if p.is_dir())[0]
    shutil.rmtree(first)
    make_session(recordings, [Say("third", score=90), Say("more", score=90)], day=28)
    (recordings / "2026-11-29T10-00-00-meta").mkdir()
    (recordings / "2026-11-29T10-00-00-meta" / "session.json").write_text("not json")
    got = rows(run_cli, recordings)
    assert [r["id"][:10] for r in got] == ["2026-11-26", "2026-11-28", "2026-11-29"]
    assert got[1]["average_score"] == 90 and "damaged" in got[2]

    # a session still being recorded is read from its manifest every time
    store = Store(recordings)
    writer = store.create("amazon", seed=1)
    rows(run_cli, recordings)
    entry = json.loads((recordings / INDEX).read_text())["sessions"][writer.id]
    assert entry["final"] is False


def test_take_audio_changes_are_noticed_though_the_manifest_did_not_change(run_cli, recordings):
    import wave

    audio = next(recordings.glob("2026-11-20*/q01-answer-1.wav"))
    assert "is not a WAV file" in rows(run_cli, recordings)[0]["damaged_audio"]  # the fakes write text
    for take in recordings.glob("*/*.wav"):  # repaired...
        with wave.open(str(take), "wb") as w:
            w.setnchannels(1), w.setsampwidth(2), w.setframerate(16_000)
            w.writeframes(b"\0\0" * 1600)
    assert not any("damaged_audio" in r for r in rows(run_cli, recordings))
    audio.unlink()  # ...then deleted
    assert "q01-answer-1.wav" in rows(run_cli, recordings)[0]["damaged_audio"]


def test_a_torn_or_unwritable_index_costs_time_only(run_cli, recordings):
    expected = Store(recordings).list(check_audio=True)
    (recordings / INDEX).write_text('{"version": 1, "sessions": {"2026-')
    assert rows(run_cli, recordings) == expected
    (recordings / INDEX).unlink()
    (recordings / INDEX).mkdir()  # cannot be written (not even by root)
    assert rows(run_cli, recordings) == expected
    assert not list(recordings.glob(f"{INDEX}.*.tmp"))  # nothing left behind
