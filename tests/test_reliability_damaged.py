"""Damaged data on disk: each kind is listed by `mockint sessions` with its reason, every other
session and command still works, and replaying a damaged take names the file."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone

import pytest
from helpers.session_fakes import (
    FakeRecorder,
    FakeReviewer,
    FakeSpeaker,
    FakeTranscriber,
    FakeView,
    Say,
    StepClock,
    WallClock,
    profile,
    question,
)

from mockint import session
from mockint.store import Store

CLIP = "tests/data/rec_forever_16k.wav"
GOOD = "2026-11-20T19-30-06-amazon"
HURT = "2026-11-26T19-30-06-amazon"


def _make(root, day):
    store = Store(root, now=WallClock(datetime(2026, 11, day, 19, 30, 5, tzinfo=timezone.utc)))
    script = [Say("i fixed the build"), Say("it took a day")]
    plan = session.Plan(profile=profile(), questions=(question("amazon-ownership-1"),), follow_ups=1)
    result = session.run(
        plan,
        session.Ports(
            FakeSpeaker(),
            FakeRecorder(script),
            FakeTranscriber(),
            FakeReviewer(script),
            store,
            FakeView(),
            StepClock(),
        ),
    )
    from helpers.paths import ROOT

    for take in (root / result.session_id).glob(
        "*.wav"
    ):  # the fake recorder writes text: make them real audio
        shutil.copyfile(ROOT / CLIP, take)
    return result.session_id


@pytest.fixture
def recordings(tmp_path):
    root = tmp_path / "recordings"
    assert (_make(root, 20), _make(root, 26)) == (GOOD, HURT)
    return root


def _manifest(root):
    return root / HURT / "session.json"


def _rewrite(root, change):
    doc = json.loads(_manifest(root).read_text())
    change(doc)
    _manifest(root).write_text(json.dumps(doc))


# Damage to the session itself: listed as damaged, `show` refuses in one line naming the file.
SESSION_DAMAGE = {
    "corrupt json": (
        lambda root: _manifest(root).write_text('{"schema_version": 1, "questions": [{'),
        "cannot be read",
    ),
    "truncated json": (
        lambda root: _manifest(root).write_bytes(_manifest(root).read_bytes()[:300]),
        "cannot be read",
    ),
    "empty file": (lambda root: _manifest(root).write_bytes(b""), "cannot be read"),
    "binary garbage": (lambda root: _manifest(root).write_bytes(bytes(range(256))), "cannot be read"),
    "future schema": (
        lambda root: _rewrite(root, lambda d: d.update(schema_version=99)),
        "newer mockint (schema 99)",
    ),
    "no schema": (lambda root: _rewrite(root, lambda d: d.pop("schema_version")), "schema_version missing"),
    "wrong field type": (
        lambda root: _rewrite(root, lambda d: d["questions"][0]["takes"][0].update(duration_s="long")),
        "questions[0].takes[0].duration_s is not a number",
    ),
    "manifest missing": (lambda root: _manifest(root).unlink(), "is missing"),
}


@pytest.mark.parametrize("damage", SESSION_DAMAGE, ids=list(SESSION_DAMAGE))
def test_a_damaged_session_is_listed_with_its_reason_and_the_rest_works(run_cli, recordings, damage):
    hurt, reason = SESSION_DAMAGE[damage]
    hurt(recordings)
    rec = ("--recordings", str(recordings))
    rows = {r["id"]: r for r in json.loads(run_cli("sessions", "--json", *rec).out)}
    assert reason in rows[HURT]["damaged"] and str(_manifest(recordings)) in rows[HURT]["damaged"]
    assert "damaged" not in rows[GOOD] and rows[GOOD]["answered"] == 1
    human = run_cli("sessions", *rec)
    assert human.code == 0 and "damaged" in human.out and "complete" in human.out
    for args in (("show", HURT), ("replay", HURT), ("report", HURT, "-o", str(recordings.parent / "x.html"))):
        r = run_cli(*args, *rec)
        assert r.code == 1 and "session.json" in r.err and len(r.err.strip().splitlines()) == 1, (args, r.err)
    assert run_cli("show", GOOD, *rec).code == 0
    stats = json.loads(run_cli("stats", "--json", *rec).out)
    assert stats["sessions"] == 1 and stats["answers"] == 1  # the readable session still counts
    assert run_cli("report", GOOD, "-o", str(recordings.parent / "good.html"), *rec).code == 0


def _take(root, name="q01-answer-1.wav"):
    return root / HURT / name


# Damage to a take's audio: the session still reads; `sessions` names the file; replay names it.
AUDIO_DAMAGE = {
    "cut inside the header": (lambda p: p.write_bytes(p.read_bytes()[:20]), "is cut short (20 bytes)"),
    "not audio": (lambda p: p.write_text("these are my notes, not a recording"), "is not a WAV file"),
    "empty": (lambda p: p.write_bytes(b""), "is not a WAV file"),
    "deleted": (lambda p: p.unlink(), "No such file or directory"),
}


@pytest.mark.parametrize("damage", AUDIO_DAMAGE, ids=list(AUDIO_DAMAGE))
def test_a_damaged_take_is_named_and_replay_names_the_file(run_cli, recordings, damage):
    hurt, reason = AUDIO_DAMAGE[damage]
    hurt(_take(recordings))
    rec = ("--recordings", str(recordings))
    rows = {r["id"]: r for r in json.loads(run_cli("sessions", "--json", *rec).out)}
    assert (
        rows[HURT]["damaged_audio"] == f"{_take(recordings)}: {reason}"
        if damage == "deleted"
        else rows[HURT]["damaged_audio"] == f"{_take(recordings)} {reason}"
    )
    assert rows[HURT]["answered"] == 1 and "damaged_audio" not in rows[GOOD]
    human = run_cli("sessions", *rec)
    assert human.code == 0 and "damaged" in human.out  # (the table may wrap the words)
    assert run_cli("show", HURT, *rec).code == 0  # the transcript and review are still there
    r = run_cli("replay", HURT, "1", *rec)
    assert r.code in (1, 2) and "q01-answer-1.wav" in r.err and len(r.err.strip().splitlines()) == 1, r.err
    assert "Traceback" not in r.err
    r = run_cli("report", HURT, "-o", str(recordings.parent / "page.html"), *rec)
    assert r.code == 0, r.err  # the page says which audio is missing instead of failing


def test_unknown_files_are_left_alone_and_do_not_damage_anything(run_cli, recordings):
    extras = {
        recordings / HURT / "notes.txt": "my notes",
        recordings / HURT / ".DS_Store": "x",
        recordings / "README.txt": "what this folder is",
        recordings / ".trash" / "old.wav": "x",
    }
    (recordings / HURT / "backup").mkdir()
    for path, text in extras.items():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    rec = ("--recordings", str(recordings))
    rows = json.loads(run_cli("sessions", "--json", *rec).out)
    assert [r["id"] for r in rows] == [GOOD, HURT] and not any(
        "damaged" in r or "damaged_audio" in r for r in rows
    )
    assert run_cli("show", HURT, *rec).code == 0 and run_cli("stats", *rec).code == 0
    assert {path: path.read_text() for path in extras} == extras  # untouched


def test_a_folder_that_is_not_a_session_is_listed_as_such(run_cli, recordings):
    (recordings / "2026-11-27T10-00-00-meta").mkdir()
    rows = {
        r["id"]: r for r in json.loads(run_cli("sessions", "--json", "--recordings", str(recordings)).out)
    }
    assert "session.json is missing" in rows["2026-11-27T10-00-00-meta"]["damaged"]
    assert "damaged" not in rows[GOOD] and "damaged" not in rows[HURT]
