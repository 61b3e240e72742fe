"""The interviewer's voice: synthesis in a child process, the cache, errors, printed questions."""

from __future__ import annotations

import io

import numpy as np
import pytest

from mockint.audio import voice
from mockint.audio.files import read_16k_mono
from mockint.audio.level import SpeechMeter
from mockint.audio.voice import cache_path, cue_samples, make_speaker, synthesize
from mockint.errors import SetupError, UsageError
from mockint.ports import SAMPLE_RATE_HZ

QUESTION = "Tell me about a time you disagreed with your manager."


def speech_span_s(path) -> float:
    meter = SpeechMeter()
    meter.feed(read_16k_mono(path))
    assert meter.first_speech_s is not None, f"{path} holds no speech"
    return meter.last_speech_s - meter.first_speech_s


def test_synthesized_question_is_speech_and_is_cached(tmp_path):
    path = synthesize(QUESTION, voice=None, rate=None, cache_dir=tmp_path)
    assert path.parent == tmp_path / "voice"
    # Nine words at 170 words a minute: about three seconds of speech.
    assert 2.0 < speech_span_s(path) < 5.0
    before = path.stat().st_mtime_ns
    assert synthesize(QUESTION, voice=None, rate=None, cache_dir=tmp_path) == path
    assert path.stat().st_mtime_ns == before  # served from the cache, not made again
    assert [p.name for p in (tmp_path / "voice").iterdir()] == [path.name]  # no temporary files left


def test_rate_changes_the_audio_and_the_key(tmp_path):
    slow = synthesize(QUESTION, voice=None, rate=120, cache_dir=tmp_path)
    fast = synthesize(QUESTION, voice=None, rate=260, cache_dir=tmp_path)
    assert slow != fast
    assert speech_span_s(slow) > 1.5 * speech_span_s(fast)


def test_cache_key_is_text_voice_and_rate(tmp_path):
    keys = {
        cache_path(t, voice=v, rate=r, cache_dir=tmp_path)
        for t, v, r in [("a", None, None), ("b", None, None), ("a", "en-us", None), ("a", None, 150)]
    }
    assert len(keys) == 4
    assert cache_path("a", voice=None, rate=None, cache_dir=tmp_path) == cache_path(
        "a", voice=None, rate=voice.DEFAULT_RATE_WPM, cache_dir=tmp_path
    )


def test_voice_by_name(tmp_path):
    assert speech_span_s(synthesize("Hello there.", voice="en-us", rate=None, cache_dir=tmp_path)) > 0.3
    with pytest.raises(UsageError) as err:
        synthesize("Hello there.", voice="no-such-voice", rate=None, cache_dir=tmp_path)
    assert err.value.message == "unknown voice 'no-such-voice' — list the voices with 'mockint voices'"


def test_a_hanging_synthesizer_is_cut_off(tmp_path, monkeypatch):
    monkeypatch.setattr(voice, "_CHILD", "import time; time.sleep(60)")
    monkeypatch.setattr(voice, "SYNTH_TIMEOUT_S", 1.0)
    with pytest.raises(SetupError) as err:
        synthesize(QUESTION, voice=None, rate=None, cache_dir=tmp_path)
    assert err.value.message == (
        "speech synthesis did not finish within 1 s — install espeak-ng "
        "(apt-get install espeak-ng), or practise with --no-voice"
    )
    assert list((tmp_path / "voice").iterdir()) == []


def test_a_failing_synthesizer_names_the_fix(tmp_path, monkeypatch):
    # What pyttsx3 raises when the espeak library cannot be loaded.
    monkeypatch.setattr(voice, "_CHILD", "raise OSError('libespeak.so.1: cannot open shared object file')")
    with pytest.raises(SetupError) as err:
        synthesize(QUESTION, voice=None, rate=None, cache_dir=tmp_path)
    assert "libespeak.so.1" in err.value.what and "apt-get install espeak-ng" in err.value.fix


def test_no_voice_prints_the_question_and_cues(tmp_path):
    out = io.StringIO()
    speaker = make_speaker(enabled=False, cache_dir=tmp_path, out=out, beeps=False)
    speaker.say(QUESTION)
    speaker.cue("wrap_up")
    speaker.cue("times_up")
    assert out.getvalue() == f"\nInterviewer: {QUESTION}\n(time to wrap up)\n(time's up)\n"
    assert not (tmp_path / "voice").exists()  # nothing synthesized


@pytest.mark.parametrize("kind, beeps", [("wrap_up", 1), ("times_up", 3)])
def test_cues_are_short_beeps(kind, beeps):
    samples = cue_samples(kind)
    assert samples.size / SAMPLE_RATE_HZ < 1.0
    window = SAMPLE_RATE_HZ // 200  # 5 ms
    active = np.abs(samples[: samples.size // window * window].reshape(-1, window)).max(axis=1) > 1000
    assert int((active[1:] & ~active[:-1]).sum()) + int(active[0]) == beeps


def test_unknown_cue():
    with pytest.raises(ValueError, match="unknown cue"):
        cue_samples("applause")
