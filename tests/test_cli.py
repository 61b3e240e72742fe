"""The CLI in-process: help, bank commands, exit codes and the one-line error format."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from helpers.paths import FIXTURES, ROOT


def test_help_lists_the_commands(run_cli):
    r = run_cli("--help")
    assert r.code == 0
    for command in ("practice", "transcribe", "review", "sessions", "report", "bank", "devices"):
        assert command in r.out


def test_bank_list_json_contract(run_cli):
    r = run_cli("bank", "list", "--company", "amazon", "--json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert [p["id"] for p in doc["profiles"]] == ["amazon"]
    profile = doc["profiles"][0]
    for key in ("name", "prep_s", "answer_target_s", "answer_limit_s", "questions_per_session", "follow_ups"):
        assert key in profile
    assert len(doc["principles"]) == 16 and all(p["profile"] == "amazon" for p in doc["principles"])
    q = doc["questions"][0]
    assert set(q) >= {"id", "text", "profiles", "principles", "tags", "follow_ups", "talking_points"}


def test_bank_list_human(run_cli):
    r = run_cli("bank", "list", "--company", "jpmc")
    assert r.code == 0
    assert "JPMorgan" in r.out and "prep 30 s" in r.out


def test_bank_check_good_and_bad(run_cli, tmp_path):
    assert run_cli("bank", "check").code == 0
    bad = tmp_path / "question_bank"
    shutil.copytree(FIXTURES / "google_bank", bad)
    text = (
        (bad / "google.yaml")
        .read_text()
        .replace('follow_ups: ["What did you do first, and why?"]', "follow_ups: 3")
    )
    (bad / "google.yaml").write_text(text)
    r = run_cli("bank", "check", str(bad))
    assert r.code == 2
    assert r.err.startswith(
        "mockint: error: question_bank/google.yaml: questions[0].follow_ups: expected a list of strings — "
    )
    assert len(r.err.strip().splitlines()) == 1


def test_bank_check_reports_every_mistake_with_did_you_mean(run_cli, tmp_path):
    """Four mistakes, one run: each named with file and path, typos with the closest spelling."""
    bad = tmp_path / "question_bank"
    shutil.copytree(FIXTURES / "google_bank", bad)
    text = (bad / "google.yaml").read_text()
    text = text.replace(
        "    principles: [googleyness]\n    tags: [initiative]", "    principles: [googlyness]\n    tag: [x]"
    )
    text = text.replace('    follow_ups: ["How did the group', '    folow_ups: ["How did the group')
    text = text.replace(
        "principles: [google-leadership, googleyness]", "principles: [google-leadrship, googleyness]"
    )
    (bad / "google.yaml").write_text(text)
    r = run_cli("bank", "check", str(bad))
    assert r.code == 2
    lines = r.err.rstrip().splitlines()
    assert lines[:-1] == [
        "  question_bank/google.yaml: questions[0].tag: unknown key — did you mean 'tags'? (allowed: "
        "behaviours, follow_ups, id, limit_s, principles, profiles, tags, talking_points, target_s, text)",
        "  question_bank/google.yaml: questions[1].folow_ups: unknown key — did you mean 'follow_ups'? "
        "(allowed: behaviours, follow_ups, id, limit_s, principles, profiles, tags, talking_points, "
        "target_s, text)",
        "  question_bank/google.yaml: questions[0].principles[0]: unknown principle 'googlyness'"
        " — did you mean 'googleyness'?",
        "  question_bank/google.yaml: questions[2].principles[0]: unknown principle 'google-leadrship'"
        " — did you mean 'google-leadership'?",
    ]
    assert lines[-1] == (
        f"mockint: error: {bad}: 4 problem(s), listed above — fix them, then run 'mockint bank check'"
    )


def test_bank_list_reads_at_80_columns_piped(run_cli):
    r = run_cli("bank", "list", "--company", "amazon")
    assert r.code == 0
    lines = r.out.splitlines()
    assert max(map(len, lines)) <= 80
    # principles with their names and summaries
    assert "    dive-deep — Dive Deep: Stay close to the details, question numbers that look" in lines
    # one block per question: id, text, principles (by name) and tags on lines of their own
    at = lines.index("    amazon-ownership-1")
    assert lines[at + 1].startswith("      Tell me about a time you took on something significant")
    block = lines[at + 1 : lines.index("", at)]
    assert "      principles: Ownership" in block
    assert any(line.startswith("      tags: ") and "initiative" in line for line in block)


def test_bank_env_and_flag(run_cli):
    r = run_cli("bank", "list", "--json", environ={"MOCKINT_BANK": str(FIXTURES / "google_bank")})
    assert [p["id"] for p in json.loads(r.out)["profiles"]] == ["google"]
    r = run_cli("--bank", str(FIXTURES / "google_bank"), "bank", "list", "--json")
    assert [p["id"] for p in json.loads(r.out)["profiles"]] == ["google"]


def test_usage_errors_exit_2_without_traceback(run_cli):
    r = run_cli("bank", "list", "--company", "amazn")
    assert r.code == 2
    assert (
        r.err
        == "mockint: error: unknown company 'amazn' — choose one of: amazon, general, jpmc, meta (or add amazn.yaml to "
        + r.err.split("add amazn.yaml to ")[1]
    )
    r = run_cli("no-such-command")
    assert r.code == 2 and r.err.startswith("mockint: error: ") and "Traceback" not in r.err


def test_missing_bank_folder_is_one_line(run_cli, tmp_path):
    r = run_cli("--bank", str(tmp_path / "missing"), "bank", "list")
    assert r.code == 2
    assert (
        r.err.strip()
        == f"mockint: error: question bank folder {tmp_path / 'missing'} not found — pass --bank DIR or set MOCKINT_BANK"
    )


def test_python_dash_m_entry_point(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "mockint", "bank", "check"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert "ok —" in r.stdout


def test_help_imports_nothing_heavy():
    code = (
        "import sys, mockint.cli as c; c.build_parser(); "
        "heavy = [m for m in ('numpy', 'sounddevice', 'pyttsx3', 'speech_recognition', "
        "'pocketsphinx', 'yaml', 'rich', 'faster_whisper', 'ctranslate2', 'onnxruntime') "
        "if m in sys.modules]; print(heavy)"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() == "[]", r.stdout + r.stderr


def test_typed_review_never_loads_a_speech_model(tmp_path):
    code = (
        "import io, sys; from mockint.cli import main; from mockint.config import Environment; "
        "out = io.StringIO(); "
        f"code = main(['review', '--text', 'I led the migration and cut costs by 40%.'], "
        f"Environment(stdout=out, stderr=io.StringIO(), environ={{'MOCKINT_CACHE': {str(tmp_path)!r}}})); "
        "print(code, [m for m in ('faster_whisper', 'ctranslate2', 'onnxruntime', 'pocketsphinx') "
        "if m in sys.modules])"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() == "0 []", r.stdout + r.stderr
