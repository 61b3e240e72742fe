"""`mockint report SESSION | --progress`: write an offline HTML page and say where it is."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from mockint.config import Environment, Settings
from mockint.errors import MockintError, UsageError


def register(sub, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "report",
        parents=[common],
        help="an HTML page for a session, or your progress",
        description="Write a self-contained HTML page that works offline from disk.",
    )
    parser.add_argument(
        "session", nargs="?", metavar="SESSION", help="session id (see 'mockint sessions'), or last"
    )
    parser.add_argument("--progress", action="store_true", help="the progress page over all sessions instead")
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="where to write (default: mockint-<session>.html or mockint-progress.html here)",
    )
    parser.add_argument(
        "--link-audio",
        action="store_true",
        help="link the recordings instead of embedding them (small page, only works on this machine)",
    )
    parser.add_argument("--company", metavar="NAME", help="with --progress: only this company's sessions")
    parser.add_argument("--open", action="store_true", help="open the page in the web browser")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings, env: Environment) -> int:
    if bool(args.session) == bool(args.progress):
        raise UsageError("give a SESSION or --progress (one of them)", "see 'mockint report --help'")
    if args.progress and args.link_audio:
        raise UsageError("--link-audio is for a session report", "drop it with --progress")
    if args.company and not args.progress:
        raise UsageError("--company is for the progress page", "use it with --progress")
    from mockint.store import Store

    store = Store(settings.recordings)
    bank = _bank(settings, env)
    started = time.perf_counter()
    if args.progress:
        from mockint.render.coverage import progress_sections
        from mockint.render.progress_page import build_progress_report

        out = _output(args.output, env, "mockint-progress.html")
        if args.company and bank is not None:
            bank.profile(args.company)  # an unknown company is a usage error that lists the known ones
        from mockint.store.index import SessionIndex

        index = SessionIndex(store)
        rows = index.rows()  # names the damaged sessions that documents() leaves out
        damaged = [r["id"] for r in rows if "damaged" in r]
        if damaged:
            print(
                f"mockint: warning: left out {len(damaged)} damaged session(s): {', '.join(damaged)} "
                "— see 'mockint sessions'",
                file=env.stderr,
            )
        docs = [d for d in index.documents() if not args.company or d.get("company") == args.company]
        sections = progress_sections(settings.recordings, env.environ, env.cwd, bank)
        plan = _plan(docs, bank, settings, env, args.company)
        html = build_progress_report(docs, bank, extra_sections=sections + ([plan] if plan else []))
    else:
        from mockint.render.session_page import build_session_report, session_profile

        doc = store.load(_session_id(store, args.session))
        out = _output(args.output, env, f"mockint-{doc['id']}.html")
        html = build_session_report(
            doc,
            lambda rel: store.take_audio(doc["id"], rel),
            profile=session_profile(doc, bank),
            link_from=out.parent if args.link_audio else None,
            principles={p.id: p.name for p in bank.principles.values()} if bank else None,
        )
    from mockint import safeio

    try:
        safeio.make_private_dirs(out.parent)
        # The page holds transcripts (and the voice, when embedded): private to the user like the
        # recordings. Via a temporary file and rename: a failure never truncates an earlier page.
        safeio.write_atomic(out, html.encode("utf-8"))
    except OSError as exc:
        raise MockintError(
            f"cannot write {out} ({exc.strerror or exc})", "choose another place with -o FILE"
        ) from None
    elapsed = time.perf_counter() - started
    print(f"wrote {out} ({len(html.encode('utf-8')) / 1e6:.1f} MB in {elapsed:.1f} s)", file=env.stdout)
    if args.open:
        import webbrowser

        if not webbrowser.open(out.resolve().as_uri()):
            print(f"mockint: could not open a web browser; open {out} yourself", file=env.stderr)
    return 0


def _session_id(store, given: str) -> str:
    """`last` is the newest session, as for `show` and `replay`."""
    if given != "last":
        return given
    ids = store.ids()
    if not ids:
        raise UsageError(f"no sessions in {store.root}", "start one with 'mockint practice'")
    return ids[-1]


def _output(flag: str | None, env: Environment, default_name: str) -> Path:
    path = Path(flag).expanduser() if flag else Path(default_name)
    return path if path.is_absolute() else env.cwd / path


def _plan(docs, bank, settings: Settings, env: Environment, company: str | None):
    """The page's plan for next time: for --company, else the newest session's company."""
    if bank is None or not docs:
        return None
    from mockint.plan import next_plan
    from mockint.render.progress_page import plan_section
    from mockint.stories import session_stories

    profile = company or max(docs, key=lambda d: d.get("started_at") or "").get("company")
    if profile not in bank.profiles:
        return None
    stories, _ = session_stories(settings.recordings, env.environ, env.cwd, bank)
    return plan_section(next_plan(docs, bank, profile, stories))


def _bank(settings: Settings, env: Environment):
    """The bank gives targets and principle names; without it the report is still written, and says so."""
    from mockint.bank import load_bank

    try:
        return load_bank(settings.bank)
    except UsageError as exc:
        print(
            f"mockint: warning: {exc.what} — the report leaves out the bank's targets and principles",
            file=env.stderr,
        )
        return None
