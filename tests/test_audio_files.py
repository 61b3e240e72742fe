"""Answers from audio files (--answers-from) and the speech meter behind thinking time.

Real speech: tests/data/rec_forever_16k.wav ("feels like these days go on forever", NOTICE).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mockint.audio.answer_files import FileRecorder
from mockint.audio.files import read_16k_mono
from mockint.audio.level import FRAME_S, SpeechMeter
from mockint.audio.record import CHUNK_FRAMES
from mockint.errors import UsageError
from mockint.ports import SAMPLE_RATE_HZ, STOP_END, STOP_LIMIT, STOP_SILENCE
from mockint.transcript import LiveWords


class Kept:
    """A listener that keeps the chunks it is fed and is never behind."""

    def __init__(self) -> None:
        self.chunks: list[np.ndarray] = []
        self.fed = 0

    def feed(self, chunk: np.ndarray) -> None:
        self.chunks.append(chunk)
        self.fed += len(chunk)

    def partial(self) -> LiveWords:
        return LiveWords("")

    def backlog_s(self) -> float:
        return 0.0


CLIP = Path(__file__).resolve().parent / "data" / "rec_forever_16k.wav"


@pytest.fixture(scope="module")
def speech() -> np.ndarray:
    return read_16k_mono(CLIP)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE_HZ), dtype=np.int16)


def hiss(seconds: float, dbfs: float, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(int(seconds * SAMPLE_RATE_HZ)) * 32768 * 10 ** (dbfs / 20)).astype(np.int16)


def meter_of(samples: np.ndarray, chunk: int = CHUNK_FRAMES) -> SpeechMeter:
    meter = SpeechMeter()
    for i in range(0, samples.size, chunk):
        meter.feed(samples[i : i + chunk])
    return meter


@pytest.mark.parametrize("pad_s", [0.5, 1.5, 4.0])
@pytest.mark.parametrize("room", ["digital silence", "quiet room hiss"])
def test_thinking_time_moves_with_the_pause_before_speech(speech, pad_s, room):
    base = meter_of(speech).first_speech_s
    assert base is not None and base < 1.0
    if room == "digital silence":
        padded = np.concatenate([silence(pad_s), speech])
    else:  # -55 dBFS of hiss under everything, as a real microphone has
        padded = np.concatenate([silence(pad_s), speech])
        padded = np.clip(
            padded.astype(np.int32) + hiss(padded.size / SAMPLE_RATE_HZ, -55), -32768, 32767
        ).astype(np.int16)
    assert meter_of(padded).first_speech_s == pytest.approx(pad_s + base, abs=2 * FRAME_S)


def test_meter_does_not_depend_on_chunk_size(speech):
    a, b = meter_of(speech, 1600), meter_of(speech, 123)
    assert (a.first_speech_s, a.last_speech_s) == (b.first_speech_s, b.last_speech_s)


def test_silence_is_counted_from_the_last_speech(speech):
    meter = meter_of(np.concatenate([silence(1.0), speech, silence(2.0)]))
    assert meter.silence_s() == pytest.approx(meter.duration_s - meter.last_speech_s)
    assert 2.0 <= meter.silence_s() < 2.6
    assert meter_of(hiss(3.0, -70)).first_speech_s is None  # hiss alone is not speech


def write(path: Path, samples: np.ndarray, rate: int = SAMPLE_RATE_HZ) -> Path:
    sf.write(path, samples, rate)
    return path


def test_folder_is_read_in_name_order_and_runs_out(tmp_path, speech):
    folder = tmp_path / "answers"
    folder.mkdir()
    write(folder / "2.wav", speech[:8000])
    write(folder / "1.wav", speech[:16000])
    (folder / "notes.txt").write_text("not audio")
    rec = FileRecorder([folder])
    assert rec.remaining == 2
    first = rec.record(tmp_path / "a.wav", limit_s=60, target_s=30)
    second = rec.record(tmp_path / "b.wav", limit_s=60, target_s=30)
    assert (first.duration_s, second.duration_s) == (1.0, 0.5)
    assert rec.remaining == 0
    with pytest.raises(UsageError) as err:
        rec.record(tmp_path / "c.wav", limit_s=60, target_s=30)
    assert err.value.message == (
        "--answers-from has no answer left for this question — "
        "give another file or folder with --answers-from"
    )


def test_take_is_the_file_through_the_pipeline(tmp_path, speech):
    """FLAC at 44.1 kHz stereo in; 16 kHz mono 16-bit WAV out, chunks of ~0.1 s on the way."""
    stereo = np.stack([speech, speech], axis=1)
    import soxr

    src = write(
        tmp_path / "answer.flac", soxr.resample(stereo.astype(np.float32) / 32768, 16000, 44100), 44100
    )
    kept = Kept()
    rec = FileRecorder([src]).record(tmp_path / "take.wav", limit_s=60, target_s=30, listener=kept)
    chunks = kept.chunks
    data, rate = sf.read(rec.path, dtype="int16")
    assert rate == SAMPLE_RATE_HZ and data.ndim == 1
    np.testing.assert_array_equal(data, read_16k_mono(src))
    np.testing.assert_array_equal(np.concatenate(chunks), data)
    assert {len(c) for c in chunks[:-1]} == {CHUNK_FRAMES}
    assert rec.stopped_by == STOP_END and rec.overflows == 0
    assert rec.duration_s == pytest.approx(speech.size / SAMPLE_RATE_HZ, abs=0.01)
    assert rec.thinking_s == pytest.approx(meter_of(speech).first_speech_s, abs=FRAME_S)


def test_limit_cuts_the_answer(tmp_path, speech):
    rec = FileRecorder([write(tmp_path / "a.wav", speech)]).record(
        tmp_path / "t.wav", limit_s=1.25, target_s=1
    )
    assert rec.stopped_by == STOP_LIMIT
    assert rec.duration_s == 1.25 and sf.info(rec.path).frames == 20000


def test_stop_on_silence_after_speech(tmp_path, speech):
    answer = np.concatenate([silence(2.0), speech, silence(5.0)])
    rec = FileRecorder([write(tmp_path / "a.wav", answer)], stop_on_silence_s=1.5).record(
        tmp_path / "t.wav", limit_s=60, target_s=30
    )
    assert rec.stopped_by == STOP_SILENCE
    # speech ends, then 1.5 s of silence (to the next chunk), then the take stops
    speech_end = meter_of(answer).last_speech_s
    assert speech_end + 1.5 <= rec.duration_s <= speech_end + 1.5 + 0.1 + 1e-9
    assert rec.thinking_s == pytest.approx(2.0 + meter_of(speech).first_speech_s, abs=FRAME_S)


def test_realtime_paces_the_audio(tmp_path, speech):
    src = write(tmp_path / "a.wav", speech[:12000])  # 0.75 s
    start = time.monotonic()
    FileRecorder([src], realtime=True).record(tmp_path / "t.wav", limit_s=60, target_s=30)
    assert time.monotonic() - start >= 0.7


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda d: d / "missing.wav", "--answers-from {d}/missing.wav not found"),
        (lambda d: d, "--answers-from {d} holds no WAV or FLAC files"),
    ],
)
def test_bad_answers_from(tmp_path, make, message):
    with pytest.raises(UsageError) as err:
        FileRecorder([make(tmp_path)])
    assert err.value.what == message.format(d=tmp_path)


def test_ctrl_c_keeps_the_partial_answer(tmp_path, speech):
    """Ctrl-C while an answer plays in from a file: the take so far is saved and returned."""
    import _thread
    import threading

    from mockint.ports import STOP_INTERRUPT

    src = write(tmp_path / "a.wav", speech)
    threading.Timer(0.6, _thread.interrupt_main).start()
    rec = FileRecorder([src], realtime=True).record(tmp_path / "t.wav", limit_s=60, target_s=30)
    assert rec.stopped_by == STOP_INTERRUPT
    assert 0.4 <= rec.duration_s <= 1.5
    np.testing.assert_array_equal(
        sf.read(rec.path, dtype="int16")[0], read_16k_mono(src)[: sf.info(rec.path).frames]
    )


def test_a_shown_answer_waits_for_its_decoder_but_not_for_a_stuck_one(tmp_path, speech, monkeypatch):
    """The live view "speaks" a file at the decoder's pace; a decoder that never catches up
    (it failed) holds the feeding back only DECODER_STALL_S, never forever."""
    import io

    from mockint.audio import answer_files as record

    monkeypatch.setattr(record, "DECODER_STALL_S", 0.3)

    class StuckStream(Kept):
        def backlog_s(self):
            return self.fed / 16_000  # nothing is ever decoded

    stream = StuckStream()
    answer = write(tmp_path / "a.wav", np.tile(speech[:16000], 5))  # 5 s: 40 chunks past the backlog
    rec = FileRecorder([answer], out=io.StringIO())
    started = time.monotonic()
    got = rec.record(tmp_path / "take.wav", limit_s=60, target_s=30, listener=stream)
    assert got.duration_s == 5.0 and stream.fed == 5 * 16_000
    assert time.monotonic() - started < 2.0  # one stall waited out, not one per chunk


def test_a_16_bit_file_reads_back_sample_for_sample(tmp_path):
    """A take written as 16-bit PCM is what the streaming decoder heard; read again for
    `transcribe`, it must be the same samples (a rescale by 32767 changed all but one value)."""
    import soundfile as sf

    from mockint.audio.files import iter_16k_mono

    every = np.arange(-32768, 32768, dtype=np.int16)
    path = tmp_path / "take.wav"
    sf.write(str(path), every, 16_000, subtype="PCM_16")
    back = np.concatenate(list(iter_16k_mono(path)))
    assert back.dtype == np.int16 and np.array_equal(back, every)
