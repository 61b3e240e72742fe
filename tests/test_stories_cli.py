"""`mockint stories …` in-process: add, list, show, edit (flags and $EDITOR), remove, coverage."""

from __future__ import annotations

import io
import json
import os
import stat
import sys

from mockint.cli import main
from mockint.config import Environment

OUTAGE_FLAGS = (
    "--title",
    "Checkout outage on Black Friday",
    "--situation",
    "p99 at 9 s on sale day",
    "--action",
    "circuit breaker, capped retries",
    "--result",
    "under 400 ms in an hour",
    "--tag",
    "failure",
    "--tag",
    "Proudest achievement",
    "--principle",
    "dive-deep",
    "--principle",
    "ownership",
)


def test_add_list_show(run_cli, tmp_path):
    r = run_cli("stories", "add", *OUTAGE_FLAGS)
    assert r.code == 0, r.err
    file = tmp_path / "recordings" / "stories.yaml"
    assert "checkout-outage-on-black-friday" in r.out and str(file) in r.out
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    [story] = json.loads(run_cli("stories", "list", "--json").out)
    assert story["id"] == "checkout-outage-on-black-friday"
    assert story["tags"] == ["failure", "proudest achievement"]
    assert story["principles"] == ["dive-deep", "ownership"]
    shown = json.loads(run_cli("stories", "show", story["id"], "--json").out)
    assert shown == story
    human = run_cli("stories", "show", story["id"]).out
    assert "Dive Deep, Ownership" in human and "circuit breaker" in human
    listing = run_cli("stories", "list")
    assert listing.code == 0 and "1 stories in" in listing.out


def test_add_errors_are_one_line_and_leave_the_file_alone(run_cli, tmp_path):
    run_cli("stories", "add", "--id", "outage", *OUTAGE_FLAGS)
    file = tmp_path / "recordings" / "stories.yaml"
    before = file.read_text()
    cases = [
        (
            ("--title", "Other", "--principle", "owner-ship"),
            "unknown principle 'owner-ship' — use ids from 'mockint bank list'",
        ),
        (("--id", "outage", "--title", "Again"), "story 'outage' already exists"),
        (("--id", "Bad Id", "--title", "Bad"), "'Bad Id' is not a story id"),
        (("--situation", "no title given"), "a story needs a title"),
    ]
    for flags, message in cases:
        r = run_cli("stories", "add", *flags)
        assert r.code == 2, flags
        assert r.err.startswith("mockint: error: " + message), r.err
        assert len(r.err.strip().splitlines()) == 1
    assert file.read_text() == before


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_add_prompts_for_missing_fields_on_a_terminal(tmp_path):
    answers = (
        "\n".join(
            [
                "",
                "Mentoring an intern",
                "She was 3 weeks behind",
                "",
                "Daily pairing",
                "Return offer",
                "leadership, Conflict",
                "hire-and-develop-the-best",
            ]
        )
        + "\n"
    )
    out, err = io.StringIO(), io.StringIO()
    env = Environment(
        stdin=_Terminal(answers),
        stdout=out,
        stderr=err,
        environ={"MOCKINT_RECORDINGS": str(tmp_path / "rec")},
        cwd=tmp_path,
    )
    assert main(["stories", "add"], env) == 0, err.getvalue()
    assert out.getvalue().count("Title: ") == 2  # an empty title is asked again
    env.stdin = io.StringIO()
    out.seek(0), out.truncate()
    assert main(["stories", "show", "mentoring-an-intern", "--json"], env) == 0
    story = json.loads(out.getvalue())
    assert story == {
        "id": "mentoring-an-intern",
        "title": "Mentoring an intern",
        "situation": "She was 3 weeks behind",
        "action": "Daily pairing",
        "result": "Return offer",
        "tags": ["leadership", "conflict"],
        "principles": ["hire-and-develop-the-best"],
    }


def test_edit_with_flags_replaces_fields(run_cli):
    run_cli("stories", "add", "--id", "outage", *OUTAGE_FLAGS)
    r = run_cli(
        "stories", "edit", "outage", "--result", "p99 back to 380 ms", "--principle", "deliver-results"
    )
    assert r.code == 0, r.err
    story = json.loads(run_cli("stories", "show", "outage", "--json").out)
    assert story["result"] == "p99 back to 380 ms" and story["principles"] == ["deliver-results"]
    assert story["title"] == "Checkout outage on Black Friday" and story["tags"] == [
        "failure",
        "proudest achievement",
    ]
    r = run_cli("stories", "edit", "nope", "--title", "x")
    assert r.code == 2 and "unknown story 'nope' — known stories: outage" in r.err


def _editor(tmp_path, python_code: str) -> str:
    script = tmp_path / "editor.py"
    script.write_text("import sys, pathlib\np = pathlib.Path(sys.argv[1])\n" + python_code)
    return f"{sys.executable} {script}"


def test_edit_opens_the_editor_and_validates_the_result(run_cli, tmp_path):
    run_cli("stories", "add", "--id", "outage", *OUTAGE_FLAGS)
    file = tmp_path / "recordings" / "stories.yaml"
    fine = _editor(
        tmp_path, "p.write_text(p.read_text().replace('title: Checkout', 'title: The checkout'))\n"
    )
    r = run_cli("stories", "edit", "outage", environ={"EDITOR": fine})
    assert r.code == 0, r.err
    assert json.loads(run_cli("stories", "show", "outage", "--json").out)["title"].startswith("The checkout")
    typo = _editor(tmp_path, "p.write_text(p.read_text().replace('principles:', 'principle:'))\n")
    r = run_cli("stories", "edit", "outage", environ={"EDITOR": typo})
    assert r.code == 2
    assert r.err.startswith(f"mockint: error: {file}: stories[0].principle: unknown key")
    assert "principle:" in file.read_text()  # the user's edit is kept for them to fix


def test_edit_without_flags_or_editor_says_what_to_do(run_cli):
    run_cli("stories", "add", "--id", "outage", *OUTAGE_FLAGS)
    r = run_cli("stories", "edit", "outage", environ={"EDITOR": "", "VISUAL": ""})
    assert r.code == 2 and "$EDITOR is not set" in r.err


def test_remove(run_cli):
    run_cli("stories", "add", "--id", "outage", *OUTAGE_FLAGS)
    assert run_cli("stories", "remove", "outage").code == 0
    assert json.loads(run_cli("stories", "list", "--json").out) == []
    assert run_cli("stories", "remove", "outage").code == 2


def test_stories_file_from_the_environment(run_cli, tmp_path):
    mine = tmp_path / "elsewhere" / "mine.yaml"
    r = run_cli("stories", "add", *OUTAGE_FLAGS, environ={"MOCKINT_STORIES": str(mine)})
    assert r.code == 0 and mine.exists()
    assert not (tmp_path / "recordings" / "stories.yaml").exists()


def test_coverage_json_and_terminal(run_cli):
    run_cli("stories", "add", "--id", "outage", *OUTAGE_FLAGS)
    run_cli(
        "stories",
        "add",
        "--id",
        "intern",
        "--title",
        "Mentoring an intern",
        "--principle",
        "hire-and-develop-the-best",
    )
    doc = json.loads(run_cli("stories", "coverage", "--company", "amazon", "--json").out)
    assert doc["company"] == "amazon"
    assert [s["id"] for s in doc["stories"]] == ["outage", "intern"]
    assert len(doc["gaps"]) == 13 and "frugality" in doc["gaps"]
    assert doc["single_use"] == ["intern"]
    assert "conflict" in doc["theme_gaps"]
    r = run_cli("stories", "coverage", "--company", "amazon")
    assert r.code == 0
    assert "Dive Deep" in r.out and "●" in r.out
    assert "No story yet for: customer-obsession" in " ".join(r.out.split())
    assert "Shows only one principle (add more uses): intern" in r.out
    assert run_cli("stories", "coverage", "--company", "amazn").code == 2


def test_a_broken_stories_file_is_named(run_cli, tmp_path):
    file = tmp_path / "recordings" / "stories.yaml"
    os.makedirs(file.parent)
    file.write_text("stories:\n  - id: a\n    title: A\n    tags: conflict\n")
    r = run_cli("stories", "list")
    assert r.code == 2
    assert r.err.startswith(f"mockint: error: {file}: stories[0].tags: expected a list of strings — ")
