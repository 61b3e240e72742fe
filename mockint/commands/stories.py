"""`mockint stories add|list|show|edit|remove|coverage`: the story bank, one YAML file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from mockint.config import Environment, Settings
from mockint.errors import UsageError

FIELDS = ("title", "situation", "task", "action", "result")


def register(sub, common: argparse.ArgumentParser) -> None:
    stories = sub.add_parser(
        "stories",
        parents=[common],
        help="prepare stories once, map them to principles, see the gaps",
        description="Your prepared stories, in <recordings>/stories.yaml (env MOCKINT_STORIES).",
    )
    actions = stories.add_subparsers(dest="stories_command", metavar="ACTION", required=True)

    add = actions.add_parser(
        "add", parents=[common], help="add a story (prompts for what is missing on a terminal)"
    )
    add.add_argument("--id", help="story id (default: made from the title)")
    _field_flags(add)
    add.set_defaults(handler=run_add)

    listing = actions.add_parser("list", parents=[common], help="your stories")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_list)

    show = actions.add_parser("show", parents=[common], help="one story's notes")
    show.add_argument("story", metavar="ID")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(handler=run_show)

    edit = actions.add_parser(
        "edit", parents=[common], help="change a story: flags, or $EDITOR on the file without flags"
    )
    edit.add_argument("story", metavar="ID")
    _field_flags(edit, replacing=True)
    edit.set_defaults(handler=run_edit)

    remove = actions.add_parser("remove", parents=[common], help="delete a story")
    remove.add_argument("story", metavar="ID")
    remove.set_defaults(handler=run_remove)

    cover = actions.add_parser(
        "coverage", parents=[common], help="principles/themes × stories, with the gaps"
    )
    cover.add_argument("--company", metavar="NAME", help="only this company's principles (e.g. amazon)")
    cover.add_argument("--json", action="store_true", help="print JSON")
    cover.set_defaults(handler=run_coverage)


def _field_flags(parser: argparse.ArgumentParser, replacing: bool = False) -> None:
    parser.add_argument("--title", help="one line that reminds you of the story")
    for part in FIELDS[1:]:
        parser.add_argument(f"--{part}", metavar="NOTES", help=f"short notes for the {part}")
    how = " (replaces the list; repeat the flag)" if replacing else " (repeatable)"
    parser.add_argument(
        "--tag",
        action="append",
        metavar="TAG",
        help="a theme: proudest achievement, conflict, failure, end-to-end / multiple roles, or your own"
        + how,
    )
    parser.add_argument(
        "--principle", action="append", metavar="ID", help="a principle id from 'mockint bank list'" + how
    )


def _path(settings: Settings, env: Environment) -> Path:
    from mockint.stories import stories_path

    path = stories_path(settings.recordings, env.environ)
    return path if path.is_absolute() else env.cwd / path


def _load(settings: Settings, env: Environment):
    from mockint.bank import load_bank
    from mockint.stories import load_stories

    bank = load_bank(settings.bank)
    path = _path(settings, env)
    return path, bank, load_stories(path, bank)


def _ask(env: Environment, prompt: str) -> str:
    env.stdout.write(prompt)
    env.stdout.flush()
    line = env.stdin.readline()
    if not line:
        raise UsageError(
            "no answer (end of input)", "pass the fields as flags: mockint stories add --title …"
        )
    return line.strip()


def _split(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def run_add(args: argparse.Namespace, settings: Settings, env: Environment) -> int:
    from mockint import stories as sb

    path, bank, stories = _load(settings, env)
    fields = {f: getattr(args, f) for f in FIELDS}
    tags, principles = args.tag, args.principle
    if env.interactive:
        env.stdout.write("New story — Enter skips a field.\n")
        for f in FIELDS:
            while fields[f] is None:
                fields[f] = _ask(env, f"{f.capitalize()}: ")
                if f == "title" and not fields[f]:
                    fields[f] = None
        if tags is None:
            tags = _split(_ask(env, f"Tags, comma-separated ({', '.join(sb.THEMES)}): "))
        if principles is None:
            principles = _split(_ask(env, "Principles, comma-separated ids (mockint bank list): "))
    if not fields["title"]:
        raise UsageError("a story needs a title", "mockint stories add --title 'Checkout outage' …")
    story = sb.Story(
        id=args.id or sb.slugify(fields["title"]),
        title=fields["title"].strip(),
        **{f: (fields[f] or "").strip() for f in FIELDS[1:]},
        tags=tuple(dict.fromkeys(t.strip().lower() for t in tags or () if t.strip())),
        principles=tuple(dict.fromkeys(p.strip() for p in principles or () if p.strip())),
    )
    _check_flag_principles(story.principles, bank)
    updated = sb.add(stories, story)
    _check_and_save(path, bank, updated)
    env.stdout.write(f"added story '{story.id}' to {path}\n")
    return 0


def _check_flag_principles(principles, bank) -> None:
    unknown = [p for p in principles if p not in bank.principles]
    if unknown:
        raise UsageError(
            f"unknown principle '{unknown[0]}'",
            "use ids from 'mockint bank list', e.g. " + ", ".join(sorted(bank.principles)[:4]),
        )


def _check_and_save(path: Path, bank, stories) -> None:
    from mockint import stories as sb

    sb.check_principles(stories, bank, path)
    sb.save_stories(path, stories)


def run_list(args: argparse.Namespace, settings: Settings, env: Environment) -> int:
    path, _, stories = _load(settings, env)
    if args.json:
        json.dump([s.to_dict() for s in stories], env.stdout, indent=2, ensure_ascii=False)
        env.stdout.write("\n")
        return 0
    if not stories:
        env.stdout.write(
            f"no stories yet in {path} — add one: mockint stories add --title '…' --principle ownership\n"
        )
        return 0
    from rich.table import Table

    from mockint.render.console import Console

    table = Table(box=None, pad_edge=False)
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("title")
    table.add_column("tags", style="magenta")
    table.add_column("principles", style="green")
    for s in stories:
        table.add_row(s.id, s.title, ", ".join(s.tags), ", ".join(s.principles))
    console = Console(file=env.stdout, highlight=False)
    console.print(table)
    console.print(f"{len(stories)} stories in {path}", markup=False)
    return 0


def run_show(args: argparse.Namespace, settings: Settings, env: Environment) -> int:
    from mockint.stories import PARTS, find

    _, bank, stories = _load(settings, env)
    story = find(stories, args.story)
    if args.json:
        json.dump(story.to_dict(), env.stdout, indent=2, ensure_ascii=False)
        env.stdout.write("\n")
        return 0
    lines = [f"{story.title}  ({story.id})"]
    lines += [f"  {part.capitalize():<10} {getattr(story, part)}" for part in PARTS if getattr(story, part)]
    lines.append(f"  {'Tags':<10} {', '.join(story.tags) or '—'}")
    names = [bank.principles[p].name for p in story.principles]
    lines.append(f"  {'Principles':<10} {', '.join(names) or '—'}")
    env.stdout.write("\n".join(lines) + "\n")
    return 0


def run_edit(args: argparse.Namespace, settings: Settings, env: Environment) -> int:
    from mockint import stories as sb

    path, bank, stories = _load(settings, env)
    sb.find(stories, args.story)
    changes = {f: getattr(args, f).strip() for f in FIELDS if getattr(args, f) is not None}
    if args.tag is not None:
        changes["tags"] = tuple(dict.fromkeys(t.strip().lower() for t in args.tag if t.strip()))
    if args.principle is not None:
        changes["principles"] = tuple(dict.fromkeys(p.strip() for p in args.principle if p.strip()))
        _check_flag_principles(changes["principles"], bank)
    if changes:
        if "title" in changes and not changes["title"]:
            raise UsageError("a story needs a title", "pass a non-empty --title")
        _check_and_save(path, bank, sb.update(stories, args.story, **changes))
        env.stdout.write(f"updated story '{args.story}' ({', '.join(changes)})\n")
        return 0
    return _open_editor(path, bank, env)


def _open_editor(path: Path, bank, env: Environment) -> int:
    import shlex
    import subprocess

    from mockint.stories import load_stories

    editor = env.environ.get("VISUAL") or env.environ.get("EDITOR")
    if not editor:
        raise UsageError(
            "no editor: $EDITOR is not set",
            "set EDITOR (e.g. export EDITOR=nano), or pass flags such as --title",
        )
    try:
        code = subprocess.call([*shlex.split(editor), str(path)])
    except OSError as exc:
        raise UsageError(
            f"cannot start the editor '{editor}' ({exc.strerror})", "set EDITOR to an installed editor"
        ) from None
    if code != 0:
        raise UsageError(
            f"the editor '{editor}' exited with status {code}", "the file is as the editor left it; check it"
        )
    stories = load_stories(path, bank)  # validation errors name the entry; the edits stay in the file
    path.chmod(0o600)
    env.stdout.write(f"{path}: ok — {len(stories)} stories\n")
    return 0


def run_remove(args: argparse.Namespace, settings: Settings, env: Environment) -> int:
    from mockint import stories as sb

    path, _, stories = _load(settings, env)
    sb.save_stories(path, sb.remove(stories, args.story))
    env.stdout.write(f"removed story '{args.story}'\n")
    return 0


def run_coverage(args: argparse.Namespace, settings: Settings, env: Environment) -> int:
    from mockint.stories import coverage

    _, bank, stories = _load(settings, env)
    cov = coverage(stories, bank, args.company)
    if args.json:
        json.dump(cov.to_dict(), env.stdout, indent=2, ensure_ascii=False)
        env.stdout.write("\n")
        return 0
    from rich.table import Table

    from mockint.render.console import Console

    console = Console(file=env.stdout, highlight=False)
    table = Table(
        box=None,
        pad_edge=False,
        title=f"Story coverage — {args.company or 'all companies'}",
        title_justify="left",
    )
    table.add_column("principle / theme")
    table.add_column("questions", justify="right", style="dim")
    for n, _ in enumerate(cov.stories, 1):
        table.add_column(str(n), justify="center")
    for kind in ("principle", "theme"):
        for row in (r for r in cov.rows if r.kind == kind):
            marks = ["●" if sid in row.stories else "·" for sid, _ in cov.stories]
            name = f"[red]{row.name}[/]" if row.gap else row.name
            table.add_row(name, str(row.questions), *marks)
        if kind == "principle":
            table.add_section()
    console.print(table)
    for n, (sid, title) in enumerate(cov.stories, 1):
        console.print(f"  {n:>2}  {sid} — {title}", markup=False)
    if not cov.stories:
        console.print(
            "  no stories yet — add one: mockint stories add --title '…' --principle …", markup=False
        )
    _gap_line(console, "No story yet for", cov.gaps)
    _gap_line(console, "No story tagged", cov.theme_gaps)
    _gap_line(console, "Shows only one principle (add more uses)", cov.single_use)
    _gap_line(console, "Shows none of these principles", cov.unmapped)
    return 0


def _gap_line(console, label: str, items) -> None:
    if items:
        console.print(f"{label}: {', '.join(items)}", markup=False)
