"""Ids from the command line and paths from a manifest never lead outside the recordings folder,
and what mockint saves is private to the user (folders 0700, files 0600, whatever the umask)."""

from __future__ import annotations

import json
import os
import stat

import pytest
from helpers.practice_proc import CLIP, env_for, run
from helpers.session_fakes import (
    FakeRecorder,
    FakeReviewer,
    FakeSpeaker,
    FakeTranscriber,
    FakeView,
    Say,
    StepClock,
    profile,
    question,
)

from mockint import session
from mockint.store import Store

OUTSIDE = [
    "../../etc",
    "../x",
    "..",
    "../../etc/passwd",
    "/etc/passwd",
    "a/../../b",
    "./x",
    "~root",
    "x\x00y",
    ".hidden",
    "-rf",
    "q 1",
    "x" * 300,
]


@pytest.fixture
def recordings(tmp_path):
    root = tmp_path / "recordings"
    script = [Say("i fixed the build"), Say("it took a day")]
    plan = session.Plan(profile=profile(), questions=(question("amazon-ownership-1"),), follow_ups=1)
    session.run(
        plan,
        session.Ports(
            FakeSpeaker(),
            FakeRecorder(script),
            FakeTranscriber(),
            FakeReviewer(script),
            Store(root),
            FakeView(),
            StepClock(),
        ),
    )
    (tmp_path / "secret.txt").write_text("not for mockint")  # what an escaping path would reach
    return root


@pytest.mark.parametrize("bad", OUTSIDE)
@pytest.mark.parametrize(
    "command", [("show",), ("show", "--json"), ("replay",), ("report",), ("transcribe", "--session")]
)
def test_session_ids_from_the_command_line_are_refused(run_cli, recordings, command, bad):
    args = [command[0], *command[1:], bad] if command[0] != "transcribe" else ["transcribe", "--session", bad]
    r = run_cli(*args, "--recordings", str(recordings))
    assert r.code == 2, (args, r.code, r.err)
    assert r.err.startswith("mockint: error: ") and len(r.err.strip().splitlines()) == 1
    assert "Traceback" not in r.err and r.out == ""


@pytest.mark.parametrize("bad", ["../../etc/passwd", "../x", "/etc/passwd"])
def test_question_ids_from_the_command_line_are_refused(run_cli, recordings, bad):
    r = run_cli("replay", "last", bad, "--recordings", str(recordings))
    assert r.code == 2 and bad in r.err and len(r.err.strip().splitlines()) == 1
    r = run_cli("practice", "--question", bad, "--no-voice", "--answers-from", str(CLIP))
    assert r.code == 2 and len(r.err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "audio",
    [
        "../../secret.txt",
        "../../../../etc/passwd",
        "/etc/passwd",
        "q01-answer-1.wav/../../../secret.txt",
        "..",
        ".",
    ],
)
def test_a_manifest_whose_audio_leaves_the_session_is_damaged(run_cli, recordings, audio):
    folder = next(p for p in recordings.iterdir() if p.is_dir())
    manifest = folder / "session.json"
    doc = json.loads(manifest.read_text())
    doc["questions"][0]["takes"][0]["audio"] = audio
    manifest.write_text(json.dumps(doc))
    rows = json.loads(run_cli("sessions", "--json", "--recordings", str(recordings)).out)
    assert "audio" in rows[0]["damaged"] and "not a file name in the session folder" in rows[0]["damaged"]
    for args in (
        ("replay", "last"),
        ("report", "last", "-o", str(recordings.parent / "r.html")),
        ("show", "last"),
    ):
        r = run_cli(*args, "--recordings", str(recordings))
        assert r.code == 1 and "damaged" in r.err and len(r.err.strip().splitlines()) == 1, (args, r.err)
    assert not (recordings.parent / "r.html").exists()


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.slow
def test_a_real_session_is_private_even_with_umask_0(tmp_path):
    rec = tmp_path / "deep" / "rec"
    r = run(
        [
            "--question",
            "amazon-dive-deep-1",
            "--no-voice",
            "--answers-from",
            str(CLIP),
            "--answers-from",
            str(CLIP),
        ],
        env_for(rec, tmp_path / "cache"),
        tmp_path,
        preexec_fn=lambda: os.umask(0),
    )
    assert r.returncode == 0, r.stderr
    assert _mode(rec) == 0o700
    folders = [p for p in rec.iterdir() if p.is_dir()]
    assert [p.name for p in rec.iterdir() if not p.is_dir()] == [".index.json"]  # the session index
    assert _mode(rec / ".index.json") == 0o600
    files = [p for folder in folders for p in folder.iterdir()]
    assert [_mode(f) for f in folders] == [0o700]
    assert {p.suffix for p in files} == {".json", ".wav"} and len(files) >= 3  # manifest, answer, follow-up
    assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}
