"""The question bank loader: the bundled content, a company added with no code, and strict errors."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from helpers.paths import FIXTURES

from mockint.bank import load_bank
from mockint.config import bundled_bank_dir
from mockint.errors import BankError, UsageError

GOOD_PROFILE = """\
profile:
  id: acme
  name: Acme
  description: A test company.
  prep_s: 0
  answer_target_s: 60
  answer_limit_s: 90
  questions_per_session: 1
  follow_ups: 0
"""


def test_bundled_bank_has_the_content_of_the_notes():
    bank = load_bank(bundled_bank_dir())
    amazon = bank.principles_for("amazon")
    assert len(amazon) == 16
    for principle in amazon:
        asked = [q for q in bank.questions_for("amazon") if principle.id in q.principles]
        assert len(asked) >= 3, principle.id
        assert all(1 <= len(q.follow_ups) <= 3 for q in asked), principle.id
    assert len(bank.questions_for("meta")) >= 15
    jpmc = bank.profile("jpmc")
    assert (jpmc.prep_s, jpmc.answer_limit_s, jpmc.follow_ups) == (30, 120, 0)
    assert len(bank.questions_for("jpmc")) >= 10
    assert any("successful team" in q.text for q in bank.questions_for("jpmc"))
    general = bank.questions_for("general")
    assert len(general) == 15
    known_tags = {"proudest achievement", "conflict", "failure", "end-to-end / multiple roles"}
    assert all(known_tags.intersection(q.tags) for q in general)
    assert sum(1 for q in general if q.talking_points) >= 4


def test_meta_covers_the_notes_themes():
    bank = load_bank(bundled_bank_dir())
    names = " ".join(p.name.lower() for p in bank.principles_for("meta"))
    for theme in ("conflict", "feedback", "initiative", "motivation", "collaboration"):
        assert theme in names


def test_a_new_company_is_a_new_yaml_file(tmp_path):
    folder = tmp_path / "bank"
    shutil.copytree(bundled_bank_dir(), folder)
    shutil.copy(FIXTURES / "google_bank" / "google.yaml", folder)
    bank = load_bank(folder)
    assert bank.profile("google").answer_limit_s == 150
    assert {q.id for q in bank.questions_for("google")} == {
        "google-ambiguity-1",
        "google-lead-1",
        "google-lead-2",
    }


def _bank_with(tmp_path: Path, body: str, name: str = "acme.yaml") -> Path:
    folder = tmp_path / "question_bank"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(textwrap.dedent(body), encoding="utf-8")
    return folder


BAD = [
    # (file body after the profile, expected message start)
    (
        "questions:\n  - id: q1\n    text: Tell me.\n    follow_ups: not a list\n",
        "question_bank/acme.yaml: questions[0].follow_ups: expected a list of strings",
    ),
    (
        "questions:\n  - id: q1\n    text: Tell me.\n    folow_ups: [a]\n",
        "question_bank/acme.yaml: questions[0].folow_ups: unknown key",
    ),
    (
        "questions:\n  - id: q1\n    text: Tell me.\n  - id: q1\n    text: Again.\n",
        "question_bank/acme.yaml: questions[1].id: duplicate question id 'q1'",
    ),
    (
        "questions:\n  - id: q1\n    text: Tell me.\n    principles: [nope]\n",
        "question_bank/acme.yaml: questions[0].principles[0]: unknown principle 'nope'",
    ),
    (
        "questions:\n  - id: q1\n    text: ''\n",
        "question_bank/acme.yaml: questions[0].text: expected a non-empty string",
    ),
    (
        "questions:\n  - id: Q 1\n    text: Tell me.\n",
        "question_bank/acme.yaml: questions[0].id: 'Q 1' is not an id",
    ),
    (
        "questions:\n  - id: q1\n    text: Tell me.\n    follow_ups: [a, b, c, d]\n",
        "question_bank/acme.yaml: questions[0].follow_ups: at most 3 follow-ups",
    ),
    ("principles:\n  - id: p\n    name: P\n", "question_bank/acme.yaml: principles[0].summary: missing"),
    (
        "questions:\n  - id: q1\n    text: Tell me.\n    target_s: soon\n",
        "question_bank/acme.yaml: questions[0].target_s: expected a number",
    ),
    ("questions: {id: q1}\n", "question_bank/acme.yaml: questions: expected a list"),
    (
        "questions:\n  - id: q1\n    text: Tell me.\n    behaviours: [conflcit]\n",
        "question_bank/acme.yaml: questions[0].behaviours[0]: unknown behaviour 'conflcit' — did you mean 'conflict'?",
    ),
]


@pytest.mark.parametrize("body, expected", BAD)
def test_bad_entries_name_file_and_path(tmp_path, body, expected):
    folder = _bank_with(tmp_path, GOOD_PROFILE + body)
    with pytest.raises(BankError) as err:
        load_bank(folder)
    assert err.value.message.startswith(expected)
    assert "mockint bank check" in err.value.message


def test_profile_id_must_match_file_name(tmp_path):
    folder = _bank_with(tmp_path, GOOD_PROFILE, name="other.yaml")
    with pytest.raises(BankError, match=r"question_bank/other.yaml: profile.id: 'acme' must equal"):
        load_bank(folder)


def test_yaml_syntax_error_names_the_line(tmp_path):
    folder = _bank_with(tmp_path, GOOD_PROFILE + "questions:\n  - id: [unclosed\n")
    with pytest.raises(BankError, match=r"question_bank/acme.yaml: line \d+"):
        load_bank(folder)


def test_duplicate_ids_across_files(tmp_path):
    folder = _bank_with(tmp_path, GOOD_PROFILE + "questions:\n  - id: q1\n    text: A.\n")
    other = GOOD_PROFILE.replace("id: acme", "id: beta") + "questions:\n  - id: q1\n    text: B.\n"
    (folder / "beta.yaml").write_text(other)
    with pytest.raises(
        BankError,
        match=r"beta.yaml: questions\[0\].id: duplicate question id 'q1' \(first in question_bank/acme.yaml\)",
    ):
        load_bank(folder)


def test_missing_folder_and_unknown_company(tmp_path):
    with pytest.raises(UsageError, match="not found"):
        load_bank(tmp_path / "nowhere")
    bank = load_bank(_bank_with(tmp_path, GOOD_PROFILE))
    with pytest.raises(UsageError, match="unknown company 'amazn' — choose one of: acme"):
        bank.profile("amazn")


def test_every_bundled_question_names_what_a_story_must_show():
    # the review's relevance check judges a story against these (review/behaviour.py)
    bank = load_bank(bundled_bank_dir())
    unnamed = [q.id for q in bank.questions.values() if not q.behaviours]
    assert unnamed == []
