"""`mockint transcribe`: the JSON contract, the human output, errors, and re-transcribing a session."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import soundfile as sf

from mockint.store import QuestionRef, Store

DATA = Path(__file__).resolve().parent / "data"
ENGLISH = DATA / "speech_english.wav"


def test_json_contract(run_cli):
    r = run_cli("transcribe", str(ENGLISH), "--json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert set(doc) == {"text", "engine", "model", "duration_s", "elapsed_s", "words", "utterances"}
    assert doc["text"] == "One, two, three." and doc["engine"] == "whisper" and doc["model"] == "tiny.en"
    assert doc["duration_s"] == pytest.approx(2.745, abs=0.01) and doc["elapsed_s"] > 0
    assert [w["word"] for w in doc["words"]] == ["one", "two", "three"]
    assert set(doc["words"][0]) == {"word", "start", "end", "confidence", "display"}
    (u,) = doc["utterances"]
    assert u["text"] == doc["text"] and u["no_speech_prob"] < 0.5 and u["avg_logprob"] > -1.0


def test_sphinx_stays_an_engine_and_env_picks_the_default(run_cli):
    for r in (
        run_cli("transcribe", str(ENGLISH), "--json", "--engine", "sphinx"),
        run_cli("transcribe", str(ENGLISH), "--json", environ={"MOCKINT_ENGINE": "sphinx"}),
    ):
        assert r.code == 0, r.err
        doc = json.loads(r.out)
        assert doc["text"] == "one two three" and doc["engine"] == "sphinx" and doc["model"] is None
        assert set(doc["words"][0]) == {"word", "start", "end", "confidence"}


def test_human_output_is_the_text_and_its_timing(run_cli):
    r = run_cli("transcribe", str(ENGLISH))
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0] == "One, two, three."
    assert "2.7 s of audio" in lines[1] and "3 words" in lines[1] and "whisper (tiny.en)" in lines[1]


def test_a_relative_path_is_taken_from_the_working_folder(run_cli, tmp_path):
    shutil.copy(ENGLISH, tmp_path / "answer.wav")
    r = run_cli("transcribe", "answer.wav", "--json", cwd=tmp_path)
    assert r.code == 0, r.err
    assert json.loads(r.out)["text"] == "One, two, three."


@pytest.mark.parametrize(
    "args,code,message",
    [
        ((), 2, "give either an AUDIO file or --session"),
        (("missing.wav",), 2, "missing.wav not found"),
        ((str(ENGLISH), "--engine", "kaldi"), 2, "use one of: whisper, sphinx, vosk"),
        ((str(ENGLISH), "--engine", "vosk"), 1, "--model"),
        ((str(ENGLISH), "--model", "/no/such/model"), 1, "/no/such/model"),
        ((str(ENGLISH), "--session", "last"), 2, "either"),
    ],
)
def test_errors_are_one_line_with_the_fix(run_cli, args, code, message):
    r = run_cli("transcribe", *args)
    assert r.code == code
    assert r.err.startswith("mockint: error:") and message in r.err
    assert "Traceback" not in r.err and r.err.count("\n") == 1


def test_not_audio_is_a_usage_error(run_cli, tmp_path):
    (tmp_path / "notes.wav").write_text("hello")
    r = run_cli("transcribe", "notes.wav", cwd=tmp_path)
    assert r.code == 2 and "not audio" in r.err


def _saved_session(root: Path, kinds: tuple[str, ...] = ("answer",), audio: Path = ENGLISH) -> str:
    writer = Store(root).create("amazon", seed=1)
    writer.ask(QuestionRef("amazon-ownership-1", "Tell me about a time you took ownership."))
    for kind in kinds:
        path = writer.take_path("amazon-ownership-1", kind)
        shutil.copy(audio, path)
        earlier = {
            "text": "one to three",
            "engine": "text",
            "duration_s": 2.745,
            "elapsed_s": 0.1,
            "words": [],
        }
        writer.add_take(
            "amazon-ownership-1",
            {
                "kind": kind,
                "prompt": "Tell me…",
                "audio": str(path),
                "duration_s": 2.745,
                "thinking_s": 0.0,
                "transcript": earlier,
            },
        )
    writer.finish()
    return writer.id


def test_session_is_retranscribed_keeping_the_earlier_transcript(run_cli, tmp_path):
    root = tmp_path / "recordings"
    session_id = _saved_session(root)
    r = run_cli("transcribe", "--session", "last", "--recordings", str(root))
    assert r.code == 0, r.err
    assert "Q1 amazon-ownership-1, answer take 1 — " in r.out and "earlier: text" in r.out  # counted from 1
    take = Store(root).load(session_id)["questions"][0]["takes"][0]
    assert take["transcript"]["engine"] == "whisper" and take["transcript"]["text"] == "One, two, three."
    assert [t["engine"] for t in take["transcripts"]] == ["text", "whisper"]
    assert take["transcripts"][0]["text"] == "one to three"


def test_session_json_names_the_engines(run_cli, tmp_path):
    root = tmp_path / "recordings"
    session_id = _saved_session(root)
    r = run_cli("transcribe", "--session", session_id, "--json", "--recordings", str(root))
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["session"] == session_id and doc["engine"] == "whisper" and doc["missing"] == []
    (row,) = doc["takes"]
    assert row["earlier_engine"] == "text" and row["transcript"]["words"][0]["word"] == "one"


def test_session_takes_are_numbered_from_1_as_the_report_and_audio_files_number_them(run_cli, tmp_path):
    root = tmp_path / "recordings"
    one = tmp_path / "one.wav"  # "one", the clip's first word: the numbers are the point, not the words
    samples, rate = sf.read(ENGLISH)
    sf.write(one, samples[: int(0.7 * rate)], rate)
    session_id = _saved_session(root, ("answer", "follow_up", "answer"), audio=one)  # a follow-up, a retake
    r = run_cli("transcribe", "--session", session_id, "--json", "--recordings", str(root))
    assert r.code == 0, r.err
    rows = json.loads(r.out)["takes"]
    assert [(t["question_number"], t["kind"], t["take_number"]) for t in rows] == [
        (1, "answer", 1),
        (1, "follow_up", 1),
        (1, "answer", 2),
    ]
    shown = json.loads(run_cli("show", session_id, "--json", "--recordings", str(root)).out)
    for t in rows:  # `take` stays the index into show --json's takes; the file name carries the number
        assert shown["questions"][0]["takes"][t["take"]]["audio"] == t["audio"]
        assert t["audio"].endswith(f"{t['kind'].replace('_', '-')}-{t['take_number']}.wav")


def test_session_with_a_deleted_take_fails_but_says_which(run_cli, tmp_path):
    root = tmp_path / "recordings"
    session_id = _saved_session(root)
    for wav in (root / session_id).glob("*.wav"):
        wav.unlink()
    r = run_cli("transcribe", "--session", session_id, "--recordings", str(root))
    assert r.code == 1 and "missing" in r.err


def test_unknown_session_is_an_error(run_cli, tmp_path):
    r = run_cli("transcribe", "--session", "2026-01-01T00-00-00-amazon", "--recordings", str(tmp_path))
    assert r.code in (1, 2) and r.err.startswith("mockint: error:")
