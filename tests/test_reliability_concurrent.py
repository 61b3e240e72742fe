"""Two mockint processes practising at once in the same recordings folder: two sessions, each
with its own audio, nothing clobbered (the same company and second gives the second one '-2')."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf
from helpers.practice_proc import CLIP, SAMPLE_RATE_HZ, env_for, start

from mockint.audio.files import read_16k_mono

pytestmark = pytest.mark.slow
RUNS = 1  # pairs started together (more only repeats the same race)


def test_two_practice_processes_share_a_recordings_folder(tmp_path, run_cli):
    rec = tmp_path / "rec"
    answers = {}
    # two different real answers (speech played backwards would now be "nothing heard", no answer)
    for name, samples in (
        ("forever", read_16k_mono(CLIP)),
        ("fillers", read_16k_mono(CLIP.with_name("speech_piper_fillers.wav"))),
    ):
        answers[name] = tmp_path / f"{name}.wav"
        sf.write(answers[name], samples, SAMPLE_RATE_HZ, subtype="PCM_16")
    for _ in range(RUNS):
        procs = [
            start(
                [
                    "--question",
                    "amazon-dive-deep-1",
                    "--no-voice",
                    "--no-follow-ups",
                    "--answers-from",
                    str(path),
                ],
                env_for(rec, tmp_path / "cache"),
                tmp_path,
            )
            for path in answers.values()
        ]
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
    rows = json.loads(run_cli("sessions", "--json", "--recordings", str(rec)).out)
    assert len(rows) == 2 * RUNS and len({r["id"] for r in rows}) == 2 * RUNS
    assert all(r["complete"] and r["answered"] == 1 and "damaged_audio" not in r for r in rows)
    heard = []
    for row in rows:
        doc = json.loads(run_cli("show", row["id"], "--json", "--recordings", str(rec)).out)
        take = doc["questions"][0]["takes"][0]
        audio, _ = sf.read(rec / row["id"] / take["audio"], dtype="int16")
        which = [name for name, path in answers.items() if np.array_equal(audio, read_16k_mono(path))]
        assert len(which) == 1, row["id"]  # exactly one whole answer, not a mix of both
        heard.append(which[0])
        assert not [
            p.name for p in (rec / row["id"]).iterdir() if p.name.startswith(".")
        ]  # no stray temporaries
    assert sorted(heard) == sorted(list(answers) * RUNS)
