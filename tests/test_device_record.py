"""Recording answers from the virtual microphone (device tier).

The candidate is tests/data/rec_forever_16k.wav ("feels like these days go on forever",
see tests/data/NOTICE) played into the `micfeed` sink, whose monitor is the default source.
"""

from __future__ import annotations

import io
import json
import os
import pty
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from helpers.sound import PulseServer, best_alignment, start_recorder

from mockint.audio.answer_files import FileRecorder
from mockint.audio.files import read_16k_mono
from mockint.audio.record import MicrophoneRecorder
from mockint.ports import (
    SAMPLE_RATE_HZ,
    STOP_ENTER,
    STOP_INTERRUPT,
    STOP_LIMIT,
    STOP_QUIT,
    STOP_RETAKE,
    STOP_SILENCE,
    STOP_SKIP,
)

pytestmark = pytest.mark.device
CLIP = Path(__file__).resolve().parent / "data" / "rec_forever_16k.wav"


@pytest.fixture(scope="module")
def long_answer(tmp_path_factory) -> Path:
    """About 10 s of continuous speech: the clip three times over."""
    speech = read_16k_mono(CLIP)
    path = tmp_path_factory.mktemp("answers") / "long.wav"
    sf.write(path, np.concatenate([speech, speech, speech]), SAMPLE_RATE_HZ)
    return path


def sphinx_text(path: Path) -> str:
    import speech_recognition as sr

    with sr.AudioFile(str(path)) as source:
        audio = sr.Recognizer().record(source)
    try:
        return sr.Recognizer().recognize_sphinx(audio)
    except sr.UnknownValueError:
        return ""


def record_clip(pulse, path: Path, **kw):
    """Record while the clip is played into the microphone, starting once the take has begun."""
    recorder = MicrophoneRecorder(interactive=False, keys=io.StringIO(), out=io.StringIO(), **kw)
    feeders: list[subprocess.Popen] = []

    def speak_when_recording() -> None:
        wait_for_audio(path, 0.0)
        feeders.append(pulse.feed_mic(CLIP))

    with recorder:
        speaker = threading.Thread(target=speak_when_recording)
        speaker.start()
        try:
            return recorder.record(path, limit_s=15, target_s=10)
        finally:
            speaker.join()
            for feeder in feeders:
                feeder.wait(15)


@pytest.mark.slow  # two recognizer runs
def test_spoken_answer_is_recorded_faithfully(pulse, tmp_path):
    rec = record_clip(pulse, tmp_path / "take.wav", stop_on_silence_s=1.0)
    assert rec.stopped_by == STOP_SILENCE and rec.overflows == 0
    take = read_16k_mono(rec.path)
    assert sf.info(rec.path).samplerate == SAMPLE_RATE_HZ and sf.info(rec.path).channels == 1
    lag, correlation = best_alignment(take, read_16k_mono(CLIP))
    assert correlation > 0.95 and lag >= 0
    assert rec.duration_s == pytest.approx(take.size / SAMPLE_RATE_HZ)
    # heard by the recognizer as the original is
    assert sphinx_text(rec.path) == sphinx_text(CLIP) != ""


def test_answers_from_gives_the_same_take_as_the_microphone(pulse, tmp_path):
    mic = record_clip(pulse, tmp_path / "mic.wav", stop_on_silence_s=1.0)
    # the same answer as a file: the clip, then the silence a microphone goes on hearing
    answer = tmp_path / "answer.wav"
    sf.write(
        answer, np.concatenate([read_16k_mono(CLIP), np.zeros(3 * SAMPLE_RATE_HZ, np.int16)]), SAMPLE_RATE_HZ
    )
    from_file = FileRecorder([answer], stop_on_silence_s=1.0).record(
        tmp_path / "file.wav", limit_s=15, target_s=10
    )
    mic_audio, file_audio = read_16k_mono(mic.path), read_16k_mono(from_file.path)
    lag, correlation = best_alignment(mic_audio, file_audio)
    assert correlation > 0.95
    lag_s = lag / SAMPLE_RATE_HZ  # the microphone take starts before the candidate speaks
    assert mic.thinking_s == pytest.approx(from_file.thinking_s + lag_s, abs=0.03)
    assert mic.duration_s - lag_s == pytest.approx(from_file.duration_s, abs=0.15)
    assert (mic.stopped_by, mic.overflows) == (from_file.stopped_by, from_file.overflows) == (STOP_SILENCE, 0)


def test_limit_ends_the_take_and_sounds_the_cue(pulse, tmp_path, long_answer):
    cues: list[str] = []
    recorder = MicrophoneRecorder(interactive=False, keys=io.StringIO(), out=io.StringIO(), cue=cues.append)
    with recorder:
        feeder = pulse.feed_mic(long_answer)
        rec = recorder.record(tmp_path / "take.wav", limit_s=2.0, target_s=1.0)
        feeder.kill()
    assert rec.stopped_by == STOP_LIMIT and rec.duration_s == 2.0
    assert sf.info(rec.path).frames == 2 * SAMPLE_RATE_HZ
    assert cues == ["wrap_up", "times_up"]


def test_a_stream_that_stops_mid_answer_is_reopened(pulse, tmp_path, long_answer):
    recorder = MicrophoneRecorder(interactive=False, keys=io.StringIO(), out=io.StringIO())
    with recorder:
        feeder = pulse.feed_mic(long_answer)
        threading.Timer(1.0, lambda: recorder._stream.abort()).start()  # as PortAudio does on an error
        rec = recorder.record(tmp_path / "take.wav", limit_s=4.0, target_s=4.0)
        feeder.kill()
    assert (rec.stopped_by, rec.duration_s) == (STOP_LIMIT, 4.0)
    assert recorder.restarts == 1 and rec.overflows == 1  # the gap between the streams is counted


def wait_for_audio(path: Path, seconds: float, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not path.exists() or path.stat().st_size < 44 or sf.info(path).frames < seconds * SAMPLE_RATE_HZ:
        assert time.monotonic() < deadline, f"{path} did not grow to {seconds} s"
        time.sleep(0.05)


@pytest.mark.slow
def test_kill_9_leaves_a_playable_file_with_what_was_said(pulse, tmp_path, long_answer):
    path = tmp_path / "take.wav"
    child = start_recorder(pulse, path, limit_s=60)
    feeder = pulse.feed_mic(long_answer)
    fed_from = time.monotonic()
    wait_for_audio(path, 1.0)
    time.sleep(4.0)
    os.kill(child.pid, signal.SIGKILL)
    fed_s = time.monotonic() - fed_from
    child.wait(10)
    feeder.kill()
    take = read_16k_mono(path)  # opens without repair: the header was kept valid
    _, correlation = best_alignment(take, read_16k_mono(long_answer)[: take.size])
    assert correlation > 0.9
    assert take.size / SAMPLE_RATE_HZ >= 0.9 * fed_s


def test_ctrl_c_saves_the_take_and_exits_130(pulse, tmp_path, long_answer):
    path = tmp_path / "take.wav"
    child = start_recorder(pulse, path, limit_s=60)
    feeder = pulse.feed_mic(long_answer)
    wait_for_audio(path, 2.0)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=15)
    feeder.kill()
    assert child.returncode == 130, err
    result = json.loads(out)
    assert result["stopped_by"] == STOP_INTERRUPT
    assert sf.info(path).frames == round(result["duration_s"] * SAMPLE_RATE_HZ) >= 2 * SAMPLE_RATE_HZ
    assert result["thinking_s"] is not None  # the speech before Ctrl-C was heard


@pytest.mark.parametrize(
    "key, stop",
    [
        ("\n", STOP_ENTER),
        ("\r", STOP_ENTER),
        ("r", STOP_RETAKE),
        ("s", STOP_SKIP),
        ("q", STOP_QUIT),
    ],
)
def test_keys_end_the_take_in_a_terminal(pulse, tmp_path, key, stop):
    controller, terminal = pty.openpty()  # the child reads keys from a terminal; its view goes to stderr
    try:
        child = start_recorder(pulse, tmp_path / "take.wav", limit_s=30, stdin=terminal)
        time.sleep(0.5)
        os.write(controller, key.encode())
        out, err = child.communicate(timeout=15)
    finally:
        os.close(controller)
        os.close(terminal)
    assert child.returncode == 0, err
    result = json.loads(out)
    assert result["stopped_by"] == stop and result["duration_s"] < 5
    assert sf.info(tmp_path / "take.wav").frames == round(result["duration_s"] * SAMPLE_RATE_HZ)
    assert "Enter: done · r: retake · s: skip · q: quit" in err  # the live view, on a terminal


def test_keys_are_ignored_without_a_terminal(pulse, tmp_path):
    child = start_recorder(pulse, tmp_path / "take.wav", limit_s=1.5, stdin=subprocess.PIPE)
    child.stdin.write("\nrsq\n")
    child.stdin.flush()
    out, err = child.communicate(timeout=15)
    assert json.loads(out)["stopped_by"] == STOP_LIMIT, err


@pytest.mark.slow
def test_microphone_vanishing_mid_answer_keeps_the_take(tmp_path, long_answer):
    """The sound server dies while recording: one clear error, and the partial take plays."""
    server = PulseServer(Path(tempfile.mkdtemp(prefix="mockint-pulse-")))
    server.start()
    try:
        path = tmp_path / "take.wav"
        child = start_recorder(server, path, limit_s=60)
        feeder = server.feed_mic(long_answer)
        wait_for_audio(path, 2.0)
        server.stop()
        out, err = child.communicate(timeout=30)
        feeder.wait(10)
    finally:
        server.stop()
    assert child.returncode == 1, err
    result = json.loads(out)
    assert result["error"].startswith("the input device stopped delivering audio after ")
    assert result["error"].endswith("— reconnect the microphone, then run 'mockint devices'")
    assert sf.info(path).frames == round(result["duration_s"] * SAMPLE_RATE_HZ) >= 2 * SAMPLE_RATE_HZ
