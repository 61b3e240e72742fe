"""The sound server dies while the candidate is answering (a real `mockint practice` on a private
PulseAudio server of its own, so the shared `pulse` fixture's server is not touched): the
partial take is kept and plays, one line says what happened, the session is incomplete."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
import soundfile as sf
from helpers.practice_proc import SAMPLE_RATE_HZ, env_for, long_answer, manifest, one_line_error, take_growing
from helpers.sound import PulseServer

pytestmark = [pytest.mark.device, pytest.mark.slow]


def test_sound_server_dies_mid_answer(pulse, tmp_path, run_cli):
    # `pulse` only for its contract (skip without PulseAudio, fail in CI); this test kills its own server.
    server = PulseServer(Path(tempfile.mkdtemp(prefix="mockint-pulse-")))
    server.start()
    rec = tmp_path / "rec"
    feeder = None
    try:
        from helpers.practice_proc import start

        proc = start(
            ["--question", "amazon-dive-deep-1", "--no-voice", "--no-follow-ups"],
            {**env_for(rec, tmp_path / "cache"), **server.env_vars},
            tmp_path,
        )
        try:
            take_growing(rec, "q01-answer-1.wav", 0.0)
            feeder = server.feed_mic(long_answer(tmp_path, 30.0))
            take = take_growing(rec, "q01-answer-1.wav", 2.0)
            server.stop()
            out, err = proc.communicate(timeout=60)
        finally:
            proc.kill()
    finally:
        server.stop()
        if feeder is not None:
            feeder.kill()
    assert proc.returncode == 1, err
    line = one_line_error(err)
    assert "input device" in line and "partial answer is saved" in line
    rows = json.loads(run_cli("sessions", "--json", "--recordings", str(rec)).out)
    assert [(r["complete"], r.get("damaged"), r.get("damaged_audio")) for r in rows] == [(False, None, None)]
    saved = manifest(rec)["questions"][0]["takes"][0]
    assert saved["stopped_by"] == "error" and saved["duration_s"] >= 2.0
    info = sf.info(take)
    assert info.samplerate == SAMPLE_RATE_HZ and info.frames / SAMPLE_RATE_HZ == pytest.approx(
        saved["duration_s"], abs=0.01
    )
