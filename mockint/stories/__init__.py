"""The story bank: prepared stories, their principles and themes, stored in one YAML file.

The interview notes advise preparing stories by question theme, since one story answers
several questions. A story holds short S/T/A/R notes, theme tags and the principles it shows.
The file is the user's to edit by hand; every error names the file and the entry path.
"""

from __future__ import annotations

import os
import random
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mockint.bank import SLUG, Bank, Question, _Checker
from mockint.errors import MockintError, UsageError
from mockint.parts import STAR_PARTS

STORIES_ENV = "MOCKINT_STORIES"
STORIES_FILE_NAME = "stories.yaml"
FILE_MODE = 0o600  # the user's own stories: readable by them alone
# The themes the interview notes prepare stories for; free tags may be added beside them.
THEMES = ("proudest achievement", "conflict", "failure", "end-to-end / multiple roles")
PARTS = STAR_PARTS
HEADER = (
    "# mockint story bank: prepare each story once, tag its themes, list the principles it shows.\n"
    "# Edit freely; `mockint stories list` checks the file. Principle ids: `mockint bank list`.\n"
)


class StoryError(UsageError):
    """A stories file or entry that does not validate; the message names file and entry path."""


@dataclass(frozen=True)
class Story:
    id: str  # slug, unique in the file
    title: str  # one line that reminds you which story it is
    situation: str = ""  # short notes for each STAR part; free text
    task: str = ""
    action: str = ""
    result: str = ""
    tags: tuple[str, ...] = ()  # lowercase themes: THEMES and free tags
    principles: tuple[str, ...] = ()  # principle ids from the question bank

    def notes(self) -> str:
        """Title and notes as one text: what an answer telling this story is compared with."""
        return "\n".join(
            part for part in (self.title, self.situation, self.task, self.action, self.result) if part
        )

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "title": self.title}
        for part in PARTS:
            if getattr(self, part):
                d[part] = getattr(self, part)
        d["tags"] = list(self.tags)
        d["principles"] = list(self.principles)
        return d


# ---------------------------------------------------------------------------- file


class _StoryChecker(_Checker):
    def fail(self, path: str, problem: str) -> StoryError:  # type: ignore[override]
        where = f"{self.file}: {path}" if path else str(self.file)
        return StoryError(
            f"{where}: {problem}", "fix the entry ('mockint stories edit'), then run 'mockint stories list'"
        )


_REQUIRED = {"id", "title"}
_OPTIONAL = set(PARTS) | {"tags", "principles"}


def stories_path(recordings: Path, environ: Mapping[str, str]) -> Path:
    """Where the stories live: env MOCKINT_STORIES, else `<recordings>/stories.yaml`."""
    value = environ.get(STORIES_ENV)
    return Path(value).expanduser() if value else Path(recordings) / STORIES_FILE_NAME


def session_stories(
    recordings: Path, environ: Mapping[str, str], cwd: Path, bank: Bank | None
) -> tuple[list[Story], str | None]:
    """The stories for a practice session or a review, and a warning instead of an error if the
    file is broken: a typo in the stories file must not stop the practice (the warning says
    what to fix). Without a bank, principles are not checked."""
    path = stories_path(recordings, environ)
    try:
        return load_stories(path if path.is_absolute() else cwd / path, bank), None
    except StoryError as exc:
        return [], f"prepared stories are not recognized: {exc.message}"


def parse_stories(raw: Any, file: Path | str, path: str = "stories") -> list[Story]:
    """Validate a parsed YAML list of stories (as in the stories file)."""
    c = _StoryChecker(Path(file))
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise c.fail(path, f"expected a list of stories, got {type(raw).__name__}")
    stories: list[Story] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        at = f"{path}[{i}]"
        m = c.mapping(item, at, _REQUIRED, _OPTIONAL)
        story = Story(
            id=c.slug(m["id"], f"{at}.id"),
            title=c.text(m["title"], f"{at}.title"),
            **{part: _note(c, m.get(part), f"{at}.{part}") for part in PARTS},
            tags=_unique(
                c, tuple(t.lower() for t in c.strings(m.get("tags") or [], f"{at}.tags")), f"{at}.tags"
            ),
            principles=_unique(
                c, c.strings(m.get("principles") or [], f"{at}.principles", c.slug), f"{at}.principles"
            ),
        )
        if story.id in seen:
            raise c.fail(f"{at}.id", f"duplicate story id '{story.id}' (first at {path}[{seen[story.id]}])")
        seen[story.id] = i
        stories.append(story)
    return stories


def _note(c: _Checker, value: Any, path: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise c.fail(path, "expected text")
    return value.strip()


def _unique(c: _Checker, values: tuple[str, ...], path: str) -> tuple[str, ...]:
    for i, v in enumerate(values):
        if v in values[:i]:
            raise c.fail(f"{path}[{i}]", f"'{v}' is listed twice")
    return values


def load_stories(file: Path, bank: Bank | None = None) -> list[Story]:
    """Read and validate the stories file; a missing file is an empty story bank.

    With `bank`, every principle must be one of the bank's principle ids."""
    import yaml  # only commands that read stories pay for it

    from mockint import safeio

    file = Path(file)
    if not file.exists():
        return []
    try:
        raw = safeio.parse_yaml(safeio.read_document(file))
    except safeio.FileProblem as exc:
        raise StoryError(f"{file} {exc}", "check the file is UTF-8 text you can read") from None
    except yaml.YAMLError as exc:
        raise StoryError(f"{file}{safeio.yaml_error_at(exc)}", "fix the YAML syntax") from None
    at = safeio.bad_text(raw)
    if at is not None:
        raise _StoryChecker(file).fail(at, "text with a lone surrogate (e.g. \\ud800), not Unicode")
    c = _StoryChecker(file)
    if raw is None:
        return []
    top = c.mapping(raw, "", set(), {"stories"})
    stories = parse_stories(top.get("stories"), file)
    if bank is not None:
        check_principles(stories, bank, file)
    return stories


def check_principles(stories: Sequence[Story], bank: Bank, file: Path | str) -> None:
    """Raise StoryError naming the first principle id the question bank does not know."""
    c = _StoryChecker(Path(file))
    for i, story in enumerate(stories):
        for j, pid in enumerate(story.principles):
            if pid not in bank.principles:
                raise StoryError(
                    f"{c.file}: stories[{i}].principles[{j}]: unknown principle '{pid}' (story '{story.id}')",
                    "use an id from 'mockint bank list' (e.g. "
                    + ", ".join(sorted(bank.principles)[:3])
                    + ")",
                )


def save_stories(file: Path, stories: Iterable[Story]) -> None:
    """Write the stories file atomically (temporary file, fsync, rename), readable by the user only.

    A symlinked stories file stays a link: its target is replaced (beside it), since a user who
    links the file (into a synced notes folder, say) wants that copy updated, not forked."""
    import yaml

    from mockint import safeio

    file = Path(file)
    doc = {"stories": [s.to_dict() for s in stories]}
    at = safeio.bad_text(doc)
    if at is not None:
        raise UsageError(f"{at.replace('stories', 'story', 1)}: text that is not Unicode", "retype it")
    body = HEADER + yaml.safe_dump(
        doc, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
    )
    target = Path(os.path.realpath(file)) if file.is_symlink() else file
    try:
        safeio.make_private_dirs(target.parent)
        safeio.write_atomic(target, body.encode("utf-8"), FILE_MODE)
    except OSError as exc:
        raise MockintError(
            f"cannot write {file} ({exc.strerror or exc})",
            "choose a writable place with MOCKINT_STORIES or --recordings",
        ) from None


def find(stories: Sequence[Story], story_id: str) -> Story:
    for story in stories:
        if story.id == story_id:
            return story
    known = ", ".join(s.id for s in stories) or "none yet — add one with 'mockint stories add'"
    raise UsageError(f"unknown story '{story_id}'", f"known stories: {known}")


def add(stories: Sequence[Story], story: Story) -> list[Story]:
    if not SLUG.match(story.id):
        raise UsageError(f"'{story.id}' is not a story id", "use lowercase letters, digits and '-'")
    if any(s.id == story.id for s in stories):
        raise UsageError(
            f"story '{story.id}' already exists", f"pick another id, or 'mockint stories edit {story.id}'"
        )
    return [*stories, story]


def update(stories: Sequence[Story], story_id: str, **changes: Any) -> list[Story]:
    """Replace fields of one story; unknown field names are a programming error."""
    target = find(stories, story_id)
    changed = replace(target, **changes)
    return [changed if s.id == story_id else s for s in stories]


def remove(stories: Sequence[Story], story_id: str) -> list[Story]:
    find(stories, story_id)
    return [s for s in stories if s.id != story_id]


def slugify(title: str) -> str:
    """A story id from its title: 'The Checkout Outage!' -> 'the-checkout-outage'."""
    # ASCII, so the id is one you can type: 'Café outage' -> 'cafe-outage' (accents dropped by NFKD)
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    words = "".join(ch.lower() if ch.isalnum() else " " for ch in ascii_title).split()
    return "-".join(words)[:48].strip("-") or "story"


# ---------------------------------------------------------------------------- coverage


@dataclass(frozen=True)
class CoverageRow:
    key: str  # principle id, or a theme tag
    name: str  # what to show: the principle's name, or the theme itself
    kind: str  # "principle" or "theme"
    stories: tuple[str, ...]  # ids of the stories that show it
    questions: int  # questions in the bank that ask for it (for the company, if one was given)

    @property
    def gap(self) -> bool:
        return not self.stories


@dataclass(frozen=True)
class Coverage:
    company: str | None  # profile id the grid is limited to; None: every profile
    stories: tuple[tuple[str, str], ...]  # (id, title) in file order: the grid's columns
    rows: tuple[CoverageRow, ...]  # principles first, then themes
    single_use: tuple[str, ...]  # story ids that show only one of the rows' principles
    unmapped: tuple[str, ...]  # story ids that show none of the rows' principles

    @property
    def gaps(self) -> tuple[str, ...]:
        """Principles no story shows."""
        return tuple(r.key for r in self.rows if r.kind == "principle" and r.gap)

    @property
    def theme_gaps(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.rows if r.kind == "theme" and r.gap)

    def to_dict(self) -> dict[str, Any]:
        return {
            "company": self.company,
            "stories": [{"id": i, "title": t} for i, t in self.stories],
            "rows": [
                {
                    "key": r.key,
                    "name": r.name,
                    "kind": r.kind,
                    "stories": list(r.stories),
                    "questions": r.questions,
                }
                for r in self.rows
            ],
            "gaps": list(self.gaps),
            "theme_gaps": list(self.theme_gaps),
            "single_use": list(self.single_use),
            "unmapped": list(self.unmapped),
        }


def coverage(stories: Sequence[Story], bank: Bank, company: str | None = None) -> Coverage:
    """The principles/themes × stories grid with its gaps, for one company or all of them."""
    if company is not None:
        bank.profile(company)  # unknown company: a usage error naming the known ones
        principles = bank.principles_for(company)
        questions = bank.questions_for(company)
    else:
        principles = list(bank.principles.values())
        questions = list(bank.questions.values())
    rows = [
        CoverageRow(
            p.id,
            p.name,
            "principle",
            tuple(s.id for s in stories if p.id in s.principles),
            sum(1 for q in questions if p.id in q.principles),
        )
        for p in principles
    ]
    themes = list(THEMES) + sorted({t for s in stories for t in s.tags} - set(THEMES))
    rows += [
        CoverageRow(
            t,
            t,
            "theme",
            tuple(s.id for s in stories if t in s.tags),
            sum(1 for q in questions if t in q.tags),
        )
        for t in themes
    ]
    shown = {p.id for p in principles}
    uses = {s.id: len(shown.intersection(s.principles)) for s in stories}
    return Coverage(
        company=company,
        stories=tuple((s.id, s.title) for s in stories),
        rows=tuple(rows),
        single_use=tuple(i for i, n in uses.items() if n == 1),
        unmapped=tuple(i for i, n in uses.items() if n == 0),
    )


# ---------------------------------------------------------------------------- drill


def drill_questions(
    story: Story, bank: Bank, profile_id: str, count: int, seed: int | None = None
) -> list[Question]:
    """Questions this story should answer, spread across its principles, to rehearse it.

    One question per principle of the story first (in the story's order), then questions
    that share a theme tag, then more per principle; a seeded shuffle picks among equals."""
    bank.profile(profile_id)
    if count < 1:
        raise UsageError(f"--count {count} is not a positive number", "use --count 1 or more")
    rng = random.Random(seed)
    pool = sorted(bank.questions_for(profile_id), key=lambda q: q.id)
    rng.shuffle(pool)
    by_principle = {p: [q for q in pool if p in q.principles] for p in story.principles}
    by_tag = [q for q in pool if set(story.tags).intersection(q.tags)]
    # A question testing the principle first (its first principle) beats one that merely lists it.
    for p, asked in by_principle.items():
        asked.sort(key=lambda q: q.principles.index(p) != 0)
    order: list[Question] = []
    depth = max((len(v) for v in by_principle.values()), default=0)
    rounds = [[v[0] for v in by_principle.values() if v], by_tag]
    rounds += [[v[d] for v in by_principle.values() if len(v) > d] for d in range(1, depth)]
    for batch in rounds:
        for q in batch:
            if q not in order:
                order.append(q)
    if not order:
        raise UsageError(
            f"no {profile_id} question asks for story '{story.id}' (principles: "
            f"{', '.join(story.principles) or 'none'}; tags: {', '.join(story.tags) or 'none'})",
            f"add principles or tags: 'mockint stories edit {story.id} --principle ID'",
        )
    return order[:count]
