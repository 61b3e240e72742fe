"""The disk fills up while an answer is recorded: a clear one-line error, the partial take and
the manifest intact, earlier sessions untouched.

Two ways to run out of room: a file-size limit on the process (RLIMIT_FSIZE: the take cannot
grow, small manifest writes still succeed), and a real full filesystem (a 1 MB tmpfs: nothing
more can be written at all; needs permission to mount).
"""

from __future__ import annotations

import hashlib
import json
import resource
import subprocess
import uuid

import pytest
import soundfile as sf
from helpers.practice_proc import CLIP, SAMPLE_RATE_HZ, env_for, long_answer, one_line_error, run

pytestmark = pytest.mark.slow
QUESTION = ("--question", "amazon-dive-deep-1", "--no-voice", "--no-follow-ups")
TAKE_LIMIT_BYTES = 300_000  # about 9 s of 16 kHz 16-bit audio


def _fingerprint(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _earlier_session(rec, tmp_path) -> tuple:
    done = run([*QUESTION, "--answers-from", str(CLIP)], env_for(rec, tmp_path / "cache"), tmp_path)
    assert done.returncode == 0, done.stderr
    folder = next(p for p in rec.iterdir() if p.is_dir())  # (beside it: the session index)
    return folder, _fingerprint(folder)


def _limit_file_size() -> None:  # in the child, before exec
    resource.setrlimit(resource.RLIMIT_FSIZE, (TAKE_LIMIT_BYTES, TAKE_LIMIT_BYTES))


def test_file_size_limit_while_recording(tmp_path, run_cli):
    rec = tmp_path / "rec"
    earlier, before = _earlier_session(rec, tmp_path)
    r = run(
        [*QUESTION, "--answers-from", str(long_answer(tmp_path, 20.0))],
        env_for(rec, tmp_path / "cache"),
        tmp_path,
        preexec_fn=_limit_file_size,
    )
    assert r.returncode == 1, r.stderr
    line = one_line_error(r.stderr)
    assert "q01-answer-1.wav" in line and "File too large" in line and "disk" in line
    assert _fingerprint(earlier) == before
    rows = json.loads(run_cli("sessions", "--json", "--recordings", str(rec)).out)
    assert [(row["complete"], row.get("damaged")) for row in rows] == [(True, None), (False, None)]
    doc = json.loads(run_cli("show", rows[1]["id"], "--json", "--recordings", str(rec)).out)
    take = doc["questions"][0]["takes"][0]
    assert take["stopped_by"] == "error" and "File too large" in take["error"]
    info = sf.info(rec / rows[1]["id"] / take["audio"])  # the partial take plays: all that fitted
    assert info.samplerate == SAMPLE_RATE_HZ
    assert info.frames >= (TAKE_LIMIT_BYTES - 44) // 2 - SAMPLE_RATE_HZ // 2


@pytest.fixture
def small_disk(tmp_path):
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        [
            "mount",
            "-t",
            "tmpfs",
            "-o",
            "size=1m,mode=0755",
            f"mockint-{uuid.uuid4().hex[:8]}",
            str(mount_point),
        ],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(
            f"cannot mount a small tmpfs here ({mounted.stderr.strip()}); "
            "test_file_size_limit_while_recording covers running out of room"
        )
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_full_disk_while_recording(tmp_path, run_cli, small_disk):
    rec = small_disk / "rec"
    earlier, before = _earlier_session(rec, tmp_path)
    r = run(
        [*QUESTION, "--answers-from", str(long_answer(tmp_path, 40.0))],
        env_for(rec, tmp_path / "cache"),
        tmp_path,
    )
    assert r.returncode == 1, r.stderr
    line = one_line_error(r.stderr)
    assert "No space left on device" in line and "free some disk space" in line
    assert _fingerprint(earlier) == before
    rows = json.loads(run_cli("sessions", "--json", "--recordings", str(rec)).out)
    assert [(row["complete"], row.get("damaged")) for row in rows] == [(True, None), (False, None)]
    folder = rec / rows[1]["id"]
    json.loads((folder / "session.json").read_text())  # whole, parseable: never half-written
    assert not list(folder.glob(".*.tmp"))
    doc = json.loads(run_cli("show", rows[1]["id"], "--json", "--recordings", str(rec)).out)
    take = doc["questions"][0]["takes"][0]
    assert take["audio"] == "q01-answer-1.wav"
    info = sf.info(folder / take["audio"])  # the partial take plays: what fitted on the disk
    assert info.frames > 10 * SAMPLE_RATE_HZ and info.frames * 2 < 1_000_000
    assert take["duration_s"] == pytest.approx(info.frames / SAMPLE_RATE_HZ, abs=0.01)
