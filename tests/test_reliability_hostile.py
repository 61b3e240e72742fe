"""Hostile files (issue 15, cases 1, 3, 4): links, FIFOs, devices, lone surrogates, huge files.

Read commands never write outside the recordings folder and never through a link; only regular
files are opened (a FIFO never hangs a command); lone surrogates are rejected with one line
naming file and path."""

from __future__ import annotations

import json
import os
import threading

import pytest
from helpers.hostile import crashed_session, one_line, snapshot, speech_wav

from mockint import safeio

READERS = (("sessions",), ("sessions", "--json"), ("stats",), ("show", "last"), ("show", "last", "--json"))


@pytest.fixture
def sentinel(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.wav").write_bytes(speech_wav()[:40] + b"\x10\x00\x00\x00" + speech_wav()[44:])
    return outside


def _watchdog(seconds: float = 20.0):
    """Fail instead of hanging forever if a FIFO is opened blocking."""
    timer = threading.Timer(seconds, lambda: os._exit(99))
    timer.daemon = True
    timer.start()
    return timer


@pytest.mark.parametrize("command", READERS, ids=" ".join)
def test_recovery_never_repairs_a_take_through_a_link(tmp_path, run_cli, sentinel, command):
    rec = tmp_path / "recordings"
    session_id, take = crashed_session(rec)
    take.unlink()
    take.symlink_to(sentinel / "precious.wav")
    before = snapshot(sentinel)
    result = run_cli(*command, "--recordings", str(rec))
    assert result.code == 0, result.err
    assert snapshot(sentinel) == before
    assert take.is_symlink()
    doc = json.loads((rec / session_id / "session.json").read_text())
    (saved,) = doc["questions"][0]["takes"]
    assert saved["stopped_by"] == "crash" and "not a plain file" in saved["error"]


def test_a_hard_linked_take_is_left_alone(tmp_path, run_cli, sentinel):
    rec = tmp_path / "recordings"
    _, take = crashed_session(rec)
    take.unlink()
    os.link(sentinel / "precious.wav", take)
    before = snapshot(sentinel)
    assert run_cli("stats", "--recordings", str(rec)).code == 0
    assert snapshot(sentinel) == before


def test_a_linked_session_folder_is_read_but_never_written(tmp_path, run_cli, sentinel):
    rec = tmp_path / "recordings"
    elsewhere = tmp_path / "elsewhere"
    session_id, _ = crashed_session(elsewhere)
    rec.mkdir()
    (rec / session_id).symlink_to(elsewhere / session_id)
    before = snapshot(elsewhere)
    result = run_cli("sessions", "--json", "--recordings", str(rec))
    assert result.code == 0, result.err
    assert [r["id"] for r in json.loads(result.out)] == [session_id]
    assert snapshot(elsewhere) == before


def test_a_crash_cut_take_in_the_folder_is_still_repaired(tmp_path, run_cli):
    rec = tmp_path / "recordings"
    session_id, take = crashed_session(rec)
    assert run_cli("sessions", "--recordings", str(rec)).code == 0
    (saved,) = json.loads((rec / session_id / "session.json").read_text())["questions"][0]["takes"]
    assert saved["stopped_by"] == "crash" and saved["duration_s"] == 1.0


@pytest.mark.parametrize("command", READERS, ids=" ".join)
def test_a_take_that_is_a_fifo_never_hangs(tmp_path, run_cli, command):
    rec = tmp_path / "recordings"
    _, take = crashed_session(rec)
    take.unlink()
    os.mkfifo(take)
    timer = _watchdog()
    try:
        result = run_cli(*command, "--recordings", str(rec))
        listed = run_cli("sessions", "--recordings", str(rec))  # now not "recording": audio is checked
    finally:
        timer.cancel()
    assert result.code == 0 and listed.code == 0, result.err + listed.err
    assert "FIFO" in listed.out or "FIFO" in run_cli("sessions", "--json", "--recordings", str(rec)).out


def test_stories_file_as_fifo_or_device_is_one_line(tmp_path, run_cli):
    fifo = tmp_path / "stories.yaml"
    os.mkfifo(fifo)
    timer = _watchdog()
    try:
        for path, kind in ((fifo, "FIFO"), ("/dev/zero", "device")):
            result = run_cli("stories", "list", environ={"MOCKINT_STORIES": str(path)})
            assert result.code == 2 and one_line(result.err) and kind in result.err, result.err
    finally:
        timer.cancel()


def test_a_huge_document_is_refused_without_reading_it_whole(tmp_path):
    big = tmp_path / "stories.yaml"
    with open(big, "wb") as f:
        f.truncate(safeio.MAX_DOCUMENT_BYTES + 1)  # sparse: no disk used
    with pytest.raises(safeio.FileProblem, match="larger than"):
        safeio.read_document(big)


SURROGATE_STORIES = 'stories:\n- id: outage\n  title: "Outage \\ud800"\n'


def test_a_lone_surrogate_in_stories_is_one_line_naming_the_entry(tmp_path, run_cli):
    path = tmp_path / "stories.yaml"
    path.write_text(SURROGATE_STORIES)
    result = run_cli("stories", "list", environ={"MOCKINT_STORIES": str(path)})
    assert result.code == 2 and one_line(result.err)
    assert f"{path}: stories[0].title:" in result.err and "surrogate" in result.err


def test_a_lone_surrogate_in_the_bank_fails_bank_check(tmp_path, run_cli):
    from helpers.paths import ROOT

    bank = tmp_path / "bank"
    bank.mkdir()
    text = (ROOT / "question_bank" / "amazon.yaml").read_text()
    (bank / "amazon.yaml").write_text(text.replace("text: ", 'text: "\\ud800" # ', 1))
    for command in (("bank", "check"), ("bank", "list")):
        result = run_cli(*command, "--bank", str(bank))
        assert result.code == 2 and one_line(result.err), result.err
        assert "bank/amazon.yaml: questions[0].text:" in result.err, result.err


def test_a_lone_surrogate_in_a_manifest_marks_the_session_damaged(tmp_path, run_cli):
    rec = tmp_path / "recordings"
    session_id, _ = crashed_session(rec)
    manifest = rec / session_id / "session.json"
    manifest.write_text(manifest.read_text().replace('"company": "amazon"', '"company": "\\ud800"'))
    listed = run_cli("sessions", "--json", "--recordings", str(rec))
    assert listed.code == 0
    (row,) = json.loads(listed.out)
    assert "company" in row["damaged"] and "surrogate" in row["damaged"]
    for command in (("show", session_id), ("report", session_id)):
        result = run_cli(*command, "--recordings", str(rec))
        assert result.code == 1 and one_line(result.err), result.err
    assert run_cli("report", "--progress", "--recordings", str(rec)).code == 0


def test_practice_with_surrogate_stories_warns_and_goes_on(tmp_path):
    from mockint.stories import session_stories

    path = tmp_path / "stories.yaml"
    path.write_text(SURROGATE_STORIES)
    stories, warning = session_stories(tmp_path, {"MOCKINT_STORIES": str(path)}, tmp_path, None)
    assert stories == [] and f"{path}: stories[0].title:" in warning
    warning.encode("utf-8")  # printable: the warning itself holds no surrogate


def test_review_text_file_that_is_a_fifo_or_device_is_one_line(tmp_path, run_cli):
    fifo = tmp_path / "answer.txt"
    os.mkfifo(fifo)
    timer = _watchdog()
    try:
        for path in (fifo, "/dev/zero"):
            result = run_cli("review", "--text-file", str(path), "--question-text", "Why?")
            assert result.code == 2 and one_line(result.err), result.err
    finally:
        timer.cancel()
