"""The optional engines up to the library boundary: no real vosk model can be fetched where the
tests run, so these check the errors a user meets and our mapping of what the libraries return
(with stand-ins shaped like the libraries' own result objects). The default engine, whisper, runs
its real bundled model in tests/test_whisper.py."""

from __future__ import annotations

import importlib.util
import json
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from mockint.errors import SetupError, UsageError
from mockint.speech import load_transcriber

DATA = Path(__file__).resolve().parent / "data"
HAVE_VOSK = importlib.util.find_spec("vosk") is not None


def test_unknown_engine_lists_the_engines():
    with pytest.raises(UsageError, match="whisper, sphinx, vosk"):
        load_transcriber("kaldi")


def test_missing_extra_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "vosk", None)  # import fails as if not installed
    with pytest.raises(SetupError) as err:
        load_transcriber("vosk", "/some/model")
    assert "pip install 'mockint[vosk]'" in err.value.message


def test_missing_faster_whisper_names_the_reinstall(monkeypatch):
    monkeypatch.setitem(sys.modules, "faster_whisper", None)
    with pytest.raises(SetupError) as err:
        load_transcriber("whisper")
    assert "pip install --force-reinstall mockint" in err.value.message


@pytest.mark.skipif(not HAVE_VOSK, reason="vosk extra not installed (pip install 'mockint[vosk]')")
@pytest.mark.parametrize("model,expect", [(None, "needs a model folder"), ("/no/such/folder", "not found")])
def test_vosk_without_a_model_folder(model, expect):
    with pytest.raises(SetupError, match=expect):
        load_transcriber("vosk", model)


@pytest.mark.skipif(not HAVE_VOSK, reason="vosk extra not installed (pip install 'mockint[vosk]')")
def test_vosk_with_a_folder_that_is_no_model(tmp_path):
    (tmp_path / "README").write_text("not a model")
    with pytest.raises(SetupError, match="not a vosk model folder"):
        load_transcriber("vosk", str(tmp_path))


@pytest.mark.skipif(not HAVE_VOSK, reason="vosk extra not installed (pip install 'mockint[vosk]')")
def test_vosk_rejects_a_damaged_model_folder(tmp_path):
    (tmp_path / "am").mkdir()
    (tmp_path / "conf").mkdir()
    (tmp_path / "am" / "final.mdl").write_bytes(b"\0" * 64)  # looks like one; the real library says no
    with pytest.raises(SetupError, match="not a usable vosk model"):
        load_transcriber("vosk", str(tmp_path))


def _fake_vosk(results: list[dict], partials: list[str]) -> types.ModuleType:
    """Stand-in for the vosk module with KaldiRecognizer's JSON results."""
    module = types.ModuleType("vosk")

    class KaldiRecognizer:
        def __init__(self, model, rate):
            assert rate == 16_000
            self.queue = list(results)

        def SetWords(self, on):
            assert on

        def AcceptWaveform(self, data):
            return len(self.queue) > 1 and bool(data)

        def Result(self):
            return json.dumps(self.queue.pop(0))

        def PartialResult(self):
            return json.dumps({"partial": partials[0] if partials else ""})

        def FinalResult(self):
            return json.dumps(self.queue.pop(0) if self.queue else {"text": ""})

    module.KaldiRecognizer = KaldiRecognizer
    module.Model = lambda path: object()
    module.SetLogLevel = lambda level: None
    return module


def test_vosk_results_become_transcript_words(monkeypatch, tmp_path):
    results = [
        {
            "result": [
                {"word": "so", "start": 0.1, "end": 0.3, "conf": 0.9},
                {"word": "um", "start": 0.4, "end": 0.6, "conf": 0.5},
            ],
            "text": "so um",
        },
        {"result": [{"word": "stakeholder", "start": 1.0, "end": 1.7, "conf": 1.0}]},
    ]
    monkeypatch.setitem(sys.modules, "vosk", _fake_vosk(results, ["the dead"]))
    (tmp_path / "am").mkdir()
    transcriber = load_transcriber("vosk", str(tmp_path))
    stream = transcriber.stream()
    stream.feed(np.ones(16_000, dtype=np.int16))
    stream.feed(np.ones(16_000, dtype=np.int16))
    t = stream.finish()
    assert t.engine == "vosk" and t.text == "so um stakeholder"
    assert [(w.word, w.start, w.end, w.confidence) for w in t.words] == [
        ("so", 0.1, 0.3, 0.9),
        ("um", 0.4, 0.6, 0.5),
        ("stakeholder", 1.0, 1.7, 1.0),
    ]
    assert t.duration_s == pytest.approx(2.0)
