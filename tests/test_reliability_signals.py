"""SIGTERM, SIGHUP and a broken pipe end a practice like Ctrl-C (issue 15, case 7): the take is
kept and says how it ended, the program says so and exits 128+signal; a take left without a
transcript is finished later by `mockint transcribe --session`, and then counts."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import pytest
from helpers.practice_proc import env_for, long_answer, manifest, start, take_growing
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

from mockint import session, stopsignals
from mockint.store import Store

ONE = ("--question", "amazon-dive-deep-1", "--no-voice", "--no-follow-ups")


SCRIPT = (Say("i led it"),)


def _run_engine(tmp_path, recorder, transcriber, view=None, script=SCRIPT):
    store = Store(tmp_path / "rec", now=WallClock())
    plan = session.Plan(profile=profile(), questions=(question("q-one"),), streaming=False)
    ports = session.Ports(
        FakeSpeaker(),
        recorder,
        transcriber,
        FakeReviewer(list(script)),
        store,
        view or FakeView(),
        StepClock(),
    )
    result = session.run(plan, ports)
    return result, result.document["questions"][0]["takes"]


class _StoppedWhileTranscribing(FakeTranscriber):
    def transcribe(self, path):
        raise stopsignals.Stopped(signal.SIGTERM)


def test_sigterm_while_transcribing_keeps_the_whole_answer_unlabelled(tmp_path):
    result, (take,) = _run_engine(tmp_path, FakeRecorder([Say("i led it")]), _StoppedWhileTranscribing())
    assert result.ended_by == "terminated" == result.document["ended_by"]
    assert take["stopped_by"] == "end_of_audio" and take["transcript"] is None  # whole, not "cut off"


class _RecorderStopped(FakeRecorder):
    def record(self, path, **kwargs):
        path.write_bytes(b"RIFF")
        raise stopsignals.Stopped(signal.SIGHUP)


def test_sighup_while_recording_marks_the_take_hangup(tmp_path):
    result, (take,) = _run_engine(tmp_path, _RecorderStopped([Say("x")]), FakeTranscriber())
    assert result.ended_by == "hangup" and take["stopped_by"] == "hangup"


class _ClosedStdout(FakeView):
    def take_done(self, take):
        raise BrokenPipeError(32, "Broken pipe")


def test_a_broken_pipe_after_the_review_saves_the_reviewed_take(tmp_path):
    result, (take,) = _run_engine(
        tmp_path, FakeRecorder([Say("i led it")]), FakeTranscriber(), _ClosedStdout()
    )
    assert result.ended_by == "broken_pipe"
    assert take["stopped_by"] == "end_of_audio" and take["review"] is not None


@pytest.mark.slow
@pytest.mark.parametrize(
    ("signum", "code", "name"), [(signal.SIGTERM, 143, "terminated"), (signal.SIGHUP, 129, "hangup")]
)
def test_a_stop_signal_mid_answer_keeps_the_take_and_it_can_be_finished(
    tmp_path, run_cli, signum, code, name
):
    rec = tmp_path / "rec"
    answer = long_answer(tmp_path, 30.0)
    proc = start(
        [*ONE, "--realtime", "--answers-from", str(answer)], env_for(rec, tmp_path / "cache"), tmp_path
    )
    try:
        take_growing(rec, "q01-answer-1.wav", 3.0)
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == code, err
    assert "Traceback" not in err and f"Stopped ({name} by a signal): what was recorded is saved" in out
    doc = manifest(rec)
    (take,) = doc["questions"][0]["takes"]
    assert doc["ended_by"] == name and take["stopped_by"] == name and take["duration_s"] >= 3.0
    rows = json.loads(run_cli("sessions", "--json", "--recordings", str(rec)).out)
    assert rows[0]["answered"] == 0
    finished = run_cli("transcribe", "--session", doc["id"], "--recordings", str(rec))
    assert finished.code == 0, finished.err
    assert manifest(rec)["questions"][0]["takes"][0]["review"]["score"] is not None
    rows = json.loads(run_cli("sessions", "--json", "--recordings", str(rec)).out)
    assert rows[0]["answered"] == 1 and rows[0]["average_score"] is not None


@pytest.mark.slow
def test_practice_into_head_keeps_the_take(tmp_path):
    rec = tmp_path / "rec"
    shell = f"{sys.executable} -m mockint practice --demo --no-voice | head -2 > /dev/null; exit ${{PIPESTATUS[0]}}"
    proc = subprocess.run(
        ["bash", "-c", shell],
        env=env_for(rec, tmp_path / "cache"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 141 and "Traceback" not in proc.stderr, proc.stderr
    assert "output closed (broken pipe): what was recorded is saved in" in proc.stderr
    doc = manifest(rec)
    assert doc["ended_by"] == "broken_pipe"
    assert all(t["stopped_by"] != "recording" for q in doc["questions"] for t in q["takes"])
