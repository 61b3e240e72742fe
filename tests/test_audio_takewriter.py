"""The take writer: a WAV file that is valid while it is being written, and repairable after a kill."""

from __future__ import annotations

import io
import os
import signal
import struct
import subprocess
import sys
import time

import numpy as np
import pytest
import soundfile as sf

from mockint.audio.record import MicrophoneRecorder
from mockint.audio.takewriter import FLUSH_INTERVAL_S, TakeWriter, repair_wav, wav_header
from mockint.errors import DataError
from mockint.ports import SAMPLE_RATE_HZ


def noise(seconds: float, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(-20000, 20000, int(seconds * SAMPLE_RATE_HZ), dtype=np.int16)


def test_written_take_is_exactly_the_samples(tmp_path):
    audio = noise(1.23)
    writer = TakeWriter(tmp_path / "take.wav")
    for i in range(0, audio.size, 1600):
        writer.put(audio[i : i + 1600])
    writer.close()
    data, rate = sf.read(tmp_path / "take.wav", dtype="int16")
    assert rate == SAMPLE_RATE_HZ and sf.info(tmp_path / "take.wav").channels == 1
    np.testing.assert_array_equal(data, audio)


def test_file_is_valid_while_recording_without_close(tmp_path):
    """Within the flush interval, what was put is readable by any WAV reader, header and all."""
    writer = TakeWriter(tmp_path / "take.wav")
    audio = noise(0.7)
    writer.put(audio)
    time.sleep(FLUSH_INTERVAL_S * 3)
    data, _ = sf.read(tmp_path / "take.wav", dtype="int16")
    np.testing.assert_array_equal(data, audio)
    writer.put(audio)
    time.sleep(FLUSH_INTERVAL_S * 3)
    assert sf.info(tmp_path / "take.wav").frames == 2 * audio.size
    writer.close()


def test_limit_truncates_and_marks_full(tmp_path):
    seen = []
    writer = TakeWriter(tmp_path / "take.wav", max_frames=2500, on_written=seen.append)
    for _ in range(3):
        writer.put(noise(0.1))
    writer.sync()
    assert writer.full.is_set()
    writer.close()
    assert sf.info(tmp_path / "take.wav").frames == 2500
    assert [len(c) for c in seen] == [1600, 900]


def test_convert_runs_on_the_writer(tmp_path):
    writer = TakeWriter(tmp_path / "take.wav", convert=lambda raw: raw[::2])
    writer.put(noise(0.2))
    writer.close()
    assert sf.info(tmp_path / "take.wav").frames == 1600


def _cut_file(path, data_bytes_in_header: int, audio: np.ndarray, extra: bytes = b"") -> None:
    path.write_bytes(wav_header(data_bytes_in_header) + audio.tobytes() + extra)


@pytest.mark.parametrize(
    "header_bytes, extra",
    [
        (0, b""),  # killed before the first header update
        (1000, b""),  # killed between a write and the next header update
        (0, b"\x01"),  # killed in the middle of a sample
        (2**31, b""),  # garbage size
    ],
)
def test_repair_wav_fixes_cut_files(tmp_path, header_bytes, extra):
    audio = noise(0.5)
    path = tmp_path / "cut.wav"
    _cut_file(path, header_bytes, audio, extra)
    assert repair_wav(path) is True
    data, _ = sf.read(path, dtype="int16")
    np.testing.assert_array_equal(data, audio)
    assert repair_wav(path) is False  # a whole file is left alone


def test_repair_wav_refuses_other_files(tmp_path):
    path = tmp_path / "notes.wav"
    path.write_bytes(b"not a wav file at all")
    with pytest.raises(DataError, match="is not a WAV file"):
        repair_wav(path)
    path.write_bytes(b"RIFF" + struct.pack("<I", 4) + b"WAVE")
    with pytest.raises(DataError, match="no audio data chunk"):
        repair_wav(path)


KILLED_WRITER = r"""
import sys, time, numpy as np
from pathlib import Path
from mockint.audio.takewriter import TakeWriter
writer = TakeWriter(Path(sys.argv[1]))
chunk = np.full(1600, 1000, dtype=np.int16)
start = time.monotonic()
n = 0
while True:  # 0.1 s of audio every 0.1 s, like a microphone
    writer.put(chunk); n += 1
    print(n, flush=True)
    time.sleep(max(0.0, start + n * 0.1 - time.monotonic()))
"""


def test_kill_9_loses_at_most_half_a_second(tmp_path):
    path = tmp_path / "take.wav"
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    lines = [child.stdout.readline() for _ in range(20)]  # 2 s of audio handed to the writer
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    put_s = int(lines[-1]) * 0.1
    info = sf.info(path)  # plays without repair
    assert put_s - 0.5 <= info.frames / SAMPLE_RATE_HZ <= put_s + 0.2


def test_recording_at_another_rate_is_resampled_to_16k():
    """A device that refuses 16 kHz is recorded at its rate; the writer converts with soxr."""
    recorder = MicrophoneRecorder(interactive=False, keys=io.StringIO(), out=io.StringIO())
    recorder._rate = 48_000
    convert = recorder._converter()
    tone = (np.sin(2 * np.pi * 440 * np.arange(48_000) / 48_000) * 10_000).astype(np.int16)
    out = np.concatenate([convert(tone[i : i + 4800]) for i in range(0, tone.size, 4800)])
    assert out.dtype == np.int16 and abs(out.size - 16_000) < 400  # the resampler holds back a little
    spectrum = np.abs(np.fft.rfft(out[2000:12000]))
    assert np.argmax(spectrum) * 16_000 / 10_000 == pytest.approx(440, abs=2)
