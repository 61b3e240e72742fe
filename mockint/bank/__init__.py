"""The question bank: profiles, principles and questions loaded strictly from YAML files.

Each `*.yaml` file in the bank folder holds one company profile, optional principles and
questions. Adding a company is adding a file. Every error names the file and entry path.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mockint.errors import BankError, UsageError

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_FOLLOW_UPS = 3
MAX_QUESTION_CHARS = 1000  # what espeak is ever asked to speak at once (it segfaults near 20k)
# What a question can ask a story to show (a question's optional `behaviours`); the review looks
# for each one's cues (review/behaviour.py). "any": any story will do.
BEHAVIOURS = (
    "customer ownership conflict failure deadline prioritise data dive_deep simplify develop help "
    "trust learn ambiguity frugality influence feedback change goal risk crisis leadership any"
).split()


@dataclass(frozen=True)
class Profile:
    id: str  # slug, equals the file stem
    name: str
    description: str
    prep_s: float  # seconds to prepare before the answer is recorded
    answer_target_s: float  # a good answer ends around here ("wrap up" cue)
    answer_limit_s: float  # recording stops here
    questions_per_session: int
    follow_ups: int  # follow-up probes per question; 0 = none


@dataclass(frozen=True)
class Principle:
    id: str
    name: str
    summary: str
    profile: str  # id of the profile whose file defines it
    keywords: tuple[str, ...] = ()  # words a story showing it tends to use


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    profiles: tuple[str, ...]
    principles: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    follow_ups: tuple[str, ...] = ()
    talking_points: tuple[str, ...] = ()
    behaviours: tuple[str, ...] = ()  # what a story must show to answer it (BEHAVIOURS)
    target_s: float | None = None  # overrides the profile's answer target
    limit_s: float | None = None  # overrides the profile's answer limit

    def answer_target_s(self, profile: Profile) -> float:
        return self.target_s if self.target_s is not None else profile.answer_target_s

    def answer_limit_s(self, profile: Profile) -> float:
        return self.limit_s if self.limit_s is not None else profile.answer_limit_s


def custom_question(text: str) -> Question | None:
    """Your own question's text as a question outside the bank (id "custom"), or None."""
    return Question("custom", text, ()) if text else None


@dataclass(frozen=True)
class Bank:
    folder: Path
    profiles: dict[str, Profile] = field(default_factory=dict)
    principles: dict[str, Principle] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)

    def profile(self, profile_id: str) -> Profile:
        try:
            return self.profiles[profile_id]
        except KeyError:
            known = ", ".join(sorted(self.profiles)) or "none"
            raise UsageError(
                f"unknown company '{profile_id}'",
                f"choose one of: {known} (or add {profile_id}.yaml to {self.folder})",
            ) from None

    def question(self, question_id: str) -> Question:
        try:
            return self.questions[question_id]
        except KeyError:
            raise UsageError(
                f"unknown question '{question_id}'",
                "run 'mockint bank list' to see the question ids",
            ) from None

    def asked(
        self, question_id: str = "", question_text: str = "", company: str = ""
    ) -> tuple[Question | None, Profile | None]:
        """What a review is judged against: a bank question by id, else your own question's text
        (as question "custom"), else none; and the company, else the question's first profile."""
        question = self.question(question_id) if question_id else custom_question(question_text)
        profile = self.profile(company) if company else None
        if profile is None and question is not None and question.profiles:
            profile = self.profile(question.profiles[0])
        return question, profile

    def questions_for(self, profile_id: str) -> list[Question]:
        return [q for q in self.questions.values() if profile_id in q.profiles]

    def principles_for(self, profile_id: str) -> list[Principle]:
        return [p for p in self.principles.values() if p.profile == profile_id]


# ---------------------------------------------------------------------------- validation


class _Checker:
    """Reads one file's parsed YAML, raising BankError with `file: path: problem`.

    With an `errors` list (`bank check`), problems that do not stop the entry from being read
    (an unknown key, an unknown reference, a duplicate) are collected there instead of raised."""

    def __init__(self, file: Path, errors: list[BankError] | None = None) -> None:
        self.file = file
        self.errors = errors

    def fail(self, path: str, problem: str) -> BankError:
        where = f"{self.file}: {path}" if path else str(self.file)
        return BankError(f"{where}: {problem}", "fix the entry, then run 'mockint bank check'")

    def report(self, error: BankError) -> None:
        if self.errors is None:
            raise error
        self.errors.append(error)

    def mapping(self, value: Any, path: str, required: set[str], optional: set[str]) -> dict:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a mapping, got {_kind(value)}")
        allowed = required | optional
        for key in list(value):
            if not isinstance(key, str) or key not in allowed:
                self.report(
                    self.fail(
                        _join(path, str(key)),
                        f"unknown key{did_you_mean(str(key), allowed)} (allowed: {', '.join(sorted(allowed))})",
                    )
                )
        value = {k: v for k, v in value.items() if k in allowed}
        for key in sorted(required):
            if key not in value:
                raise self.fail(_join(path, key), "missing")
        return value

    def text(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, "expected a non-empty string")
        return value.strip()

    def slug(self, value: Any, path: str) -> str:
        value = self.text(value, path)
        if not SLUG.match(value):
            raise self.fail(path, f"{value!r} is not an id (lowercase letters, digits, '-')")
        return value

    def behaviour(self, value: Any, path: str) -> str:
        value = self.text(value, path)
        if value not in BEHAVIOURS:
            known = ", ".join(BEHAVIOURS)
            raise self.fail(
                path, f"unknown behaviour {value!r}{did_you_mean(value, BEHAVIOURS)} (known: {known})"
            )
        return value

    def number(self, value: Any, path: str, *, minimum: float = 0) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or value < minimum
        ):
            raise self.fail(path, f"expected a number ≥ {minimum:g}")
        return float(value)

    def integer(self, value: Any, path: str, *, minimum: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.fail(path, f"expected a whole number ≥ {minimum}")
        return value

    def strings(
        self, value: Any, path: str, item: Callable[[Any, str], str] | None = None
    ) -> tuple[str, ...]:
        item = item or self.text
        if not isinstance(value, list):
            raise self.fail(path, "expected a list of strings")
        if any(not isinstance(v, str) for v in value):
            raise self.fail(path, "expected a list of strings")
        return tuple(item(v, f"{path}[{i}]") for i, v in enumerate(value))


def did_you_mean(wrong: str, known: Iterable[str]) -> str:
    """' — did you mean 'x'?' for the closest known spelling (difflib), or ''."""
    close = difflib.get_close_matches(wrong, sorted(known), n=1, cutoff=0.6)
    return f" — did you mean '{close[0]}'?" if close else ""


def _join(path: str, key: str) -> str:
    key = key if key.isprintable() and key.strip() == key and key else repr(key)
    return f"{path}.{key}" if path else key


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


_PROFILE_KEYS = {
    "id",
    "name",
    "description",
    "prep_s",
    "answer_target_s",
    "answer_limit_s",
    "questions_per_session",
    "follow_ups",
}
_PRINCIPLE_KEYS = {"id", "name", "summary"}
_QUESTION_KEYS = {"id", "text"}
_QUESTION_OPTIONAL = {
    "principles",
    "tags",
    "follow_ups",
    "talking_points",
    "behaviours",
    "target_s",
    "limit_s",
    "profiles",
}


def _parse_profile(c: _Checker, raw: Any, stem: str) -> Profile:
    m = c.mapping(raw, "profile", _PROFILE_KEYS, set())
    profile_id = c.slug(m["id"], "profile.id")
    if profile_id != stem:
        raise c.fail("profile.id", f"'{profile_id}' must equal the file name '{stem}'")
    target = c.number(m["answer_target_s"], "profile.answer_target_s", minimum=1)
    limit = c.number(m["answer_limit_s"], "profile.answer_limit_s", minimum=1)
    if target > limit:
        raise c.fail("profile.answer_target_s", "must not be longer than answer_limit_s")
    return Profile(
        id=profile_id,
        name=c.text(m["name"], "profile.name"),
        description=c.text(m["description"], "profile.description"),
        prep_s=c.number(m["prep_s"], "profile.prep_s"),
        answer_target_s=target,
        answer_limit_s=limit,
        questions_per_session=c.integer(
            m["questions_per_session"], "profile.questions_per_session", minimum=1
        ),
        follow_ups=c.integer(m["follow_ups"], "profile.follow_ups"),
    )


def _parse_principle(c: _Checker, raw: Any, path: str, profile_id: str) -> Principle:
    m = c.mapping(raw, path, _PRINCIPLE_KEYS, {"keywords"})
    keywords = c.strings(m.get("keywords", []), _join(path, "keywords"))
    return Principle(
        id=c.slug(m["id"], _join(path, "id")),
        name=c.text(m["name"], _join(path, "name")),
        summary=c.text(m["summary"], _join(path, "summary")),
        profile=profile_id,
        keywords=tuple(k.lower() for k in keywords),
    )


def _parse_question(c: _Checker, raw: Any, path: str, profile_id: str) -> Question:
    m = c.mapping(raw, path, _QUESTION_KEYS, _QUESTION_OPTIONAL)
    follow_ups = c.strings(m.get("follow_ups", []), _join(path, "follow_ups"))
    # Spoken by espeak, which crashes on ~20k characters; no interviewer asks 1000 at once.
    for at, spoken in [("text", m["text"]), *((f"follow_ups[{i}]", f) for i, f in enumerate(follow_ups))]:
        if isinstance(spoken, str) and len(spoken) > MAX_QUESTION_CHARS:
            raise c.fail(
                _join(path, at), f"{len(spoken)} characters; a question has at most {MAX_QUESTION_CHARS}"
            )
    if len(follow_ups) > MAX_FOLLOW_UPS:
        raise c.fail(_join(path, "follow_ups"), f"at most {MAX_FOLLOW_UPS} follow-ups")
    target = m.get("target_s")
    limit = m.get("limit_s")
    return Question(
        id=c.slug(m["id"], _join(path, "id")),
        text=c.text(m["text"], _join(path, "text")),
        profiles=c.strings(m.get("profiles", [profile_id]), _join(path, "profiles"), c.slug),
        principles=c.strings(m.get("principles", []), _join(path, "principles"), c.slug),
        tags=tuple(t.lower() for t in c.strings(m.get("tags", []), _join(path, "tags"))),
        follow_ups=follow_ups,
        talking_points=c.strings(m.get("talking_points", []), _join(path, "talking_points")),
        behaviours=c.strings(m.get("behaviours", []), _join(path, "behaviours"), c.behaviour),
        target_s=None if target is None else c.number(target, _join(path, "target_s"), minimum=1),
        limit_s=None if limit is None else c.number(limit, _join(path, "limit_s"), minimum=1),
    )


def _read_yaml(file: Path, shown: Path) -> Any:
    import yaml  # only commands that read the bank pay for it

    from mockint import safeio

    try:
        raw = safeio.parse_yaml(safeio.read_document(file))
    except safeio.FileProblem as exc:
        raise BankError(f"{shown} {exc}", "check the file is UTF-8 YAML text") from None
    except yaml.YAMLError as exc:
        raise BankError(f"{shown}{safeio.yaml_error_at(exc)}", "fix the YAML syntax") from None
    at = safeio.bad_text(raw)
    if at is not None:
        raise _Checker(shown).fail(at, "text with a lone surrogate (e.g. \\ud800), not Unicode")
    return raw


def load_bank(folder: Path) -> Bank:
    """Load and validate every `*.yaml` file in `folder`; the first problem raises BankError."""
    return _load(Path(folder), None)


def check_bank(folder: Path) -> tuple[Bank, list[BankError]]:
    """`bank check`: every problem in the bank, not only the first (entries that fail are left out)."""
    errors: list[BankError] = []
    return _load(Path(folder), errors), errors


def _load(folder: Path, errors: list[BankError] | None) -> Bank:
    if not folder.is_dir():
        raise UsageError(f"question bank folder {folder} not found", "pass --bank DIR or set MOCKINT_BANK")
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        raise UsageError(f"no .yaml files in question bank folder {folder}", "add a company file, see README")

    failed = object()  # what attempt() returns when it collected an error

    def attempt(c: _Checker, read: Callable[..., Any], *args: Any) -> Any:
        try:
            return read(*args)
        except BankError as exc:
            c.report(exc)
            return failed

    def entries(c: _Checker, value: Any, path: str) -> Iterable[Any]:
        found = attempt(c, _list, c, value, path)
        return () if found is failed else found

    bank = Bank(folder=folder)
    question_origin: dict[str, Path] = {}
    pending: list[tuple[_Checker, str, Question]] = []
    for file in files:
        shown = _shown(file)
        c = _Checker(shown, errors)
        raw = attempt(c, _read_yaml, file, shown)
        top = (
            failed
            if raw is failed
            else attempt(c, c.mapping, raw, "", {"profile"}, {"principles", "questions"})
        )
        if top is failed:
            continue
        profile = attempt(c, _parse_profile, c, top["profile"], file.stem)
        profile = None if profile is failed else profile
        if profile is not None and profile.id in bank.profiles:
            c.report(c.fail("profile.id", f"duplicate profile id '{profile.id}'"))
        elif profile is not None:
            bank.profiles[profile.id] = profile
        profile_id = profile.id if profile is not None else file.stem
        for i, raw_p in enumerate(entries(c, top.get("principles", []), "principles")):
            principle = attempt(c, _parse_principle, c, raw_p, f"principles[{i}]", profile_id)
            if principle is failed:
                continue
            if principle.id in bank.principles:
                c.report(c.fail(f"principles[{i}].id", f"duplicate principle id '{principle.id}'"))
                continue
            bank.principles[principle.id] = principle
        for i, raw_q in enumerate(entries(c, top.get("questions", []), "questions")):
            path = f"questions[{i}]"
            question = attempt(c, _parse_question, c, raw_q, path, profile_id)
            if question is failed:
                continue
            if question.id in bank.questions:
                first = question_origin[question.id]
                c.report(c.fail(f"{path}.id", f"duplicate question id '{question.id}' (first in {first})"))
                continue
            bank.questions[question.id] = question
            question_origin[question.id] = shown
            pending.append((c, path, question))
    # References are checked once every file is read: a question may use another file's principle.
    for c, path, question in pending:
        for j, pid in enumerate(question.principles):
            if pid not in bank.principles:
                hint = did_you_mean(pid, bank.principles)
                c.report(c.fail(f"{path}.principles[{j}]", f"unknown principle '{pid}'{hint}"))
        for j, prof in enumerate(question.profiles):
            if prof not in bank.profiles:
                hint = did_you_mean(prof, bank.profiles)
                c.report(c.fail(f"{path}.profiles[{j}]", f"unknown profile '{prof}'{hint}"))
    return bank


def _list(c: _Checker, value: Any, path: str) -> Iterable[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise c.fail(path, f"expected a list, got {_kind(value)}")
    return value


def _shown(file: Path) -> Path:
    """The file as the user knows it: `question_bank/meta.yaml`, not a site-packages path."""
    return Path(file.parent.name) / file.name
