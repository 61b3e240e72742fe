"""`mockint sessions | show | replay | stats`: looking back at saved sessions."""

from __future__ import annotations

import argparse
import json
from typing import Any

from mockint.config import Environment, Settings
from mockint.errors import DataError, SetupError, UsageError
from mockint.parts import STAR_PARTS

PARTS = STAR_PARTS


def register(sub, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("sessions", parents=[common], help="list saved sessions")
    p.add_argument("--json", action="store_true", help="print the JSON contract")
    p.set_defaults(handler=run_sessions)

    p = sub.add_parser("show", parents=[common], help="a saved session: transcripts, STAR parts, flags, tips")
    p.add_argument("session", metavar="SESSION", help="session id (see 'mockint sessions'), or 'last'")
    p.add_argument("--json", action="store_true", help="print the JSON contract")
    p.set_defaults(handler=run_show)

    p = sub.add_parser(
        "replay",
        parents=[common],
        help="play an answer (or one STAR part) with its words",
        description="Play answers with their words. On a terminal: space pauses, left/right arrows "
        "jump 5 s, q stops; the word being spoken is highlighted.",
    )
    p.add_argument("session", metavar="SESSION", help="session id, or 'last'")
    p.add_argument(
        "question", nargs="?", metavar="QUESTION", help="question id or number (default: every answer)"
    )
    p.add_argument("--part", choices=PARTS, help="play only this part of the answer")
    p.add_argument(
        "--take",
        choices=("answer", "follow_up"),
        default="answer",
        help="the answer (newest take) or its follow-up (default: answer)",
    )
    p.add_argument("--output-device", metavar="DEV", help="speaker, by index or name")
    p.set_defaults(handler=run_replay)

    p = sub.add_parser("stats", parents=[common], help="timing, pace, fillers, STAR coverage and progress")
    p.add_argument("--company", metavar="NAME", help="only this company's sessions")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(handler=run_stats)


def _store(settings: Settings):
    from mockint.store import Store

    return Store(settings.recordings)


def _session_id(store, given: str) -> str:
    if given == "last":
        ids = store.ids()
        if not ids:
            raise UsageError(f"no sessions in {store.root}", "start one with 'mockint practice'")
        return ids[-1]
    return given


def _dump(env: Environment, doc: Any) -> None:
    json.dump(doc, env.stdout, indent=2, ensure_ascii=False)
    env.stdout.write("\n")


def _index(settings: Settings):
    from mockint.store.index import SessionIndex

    return SessionIndex(_store(settings))


def run_sessions(args: argparse.Namespace, settings: Settings, env: Environment) -> int:
    rows = _index(settings).rows(check_audio=True)
    if args.json:
        _dump(env, rows)
        return 0
    from mockint.render.lists import render_sessions
    from mockint.render.terminal import console_for

    render_sessions(console_for(env.stdout), rows)
    return 0


def run_show(args: argparse.Namespace, settings: Settings, env: Environment) -> int:
    store = _store(settings)
    doc = store.load(_session_id(store, args.session))
    if args.json:
        _dump(env, doc)
        return 0
    from mockint.render.terminal import console_for, render_show

    render_show(console_for(env.stdout), doc)
    return 0


def run_stats(args: argparse.Namespace, settings: Settings, env: Environment) -> int:
    from mockint import stats

    if args.company:  # an unknown company is the same usage error as in 'practice'
        from mockint.bank import load_bank

        load_bank(settings.bank).profile(args.company)
    docs = _index(settings).documents()
    figures = stats.compute(docs, company=args.company)
    figures["next"] = _plan(docs, settings, env, args.company)
    if args.json:
        _dump(env, figures)
        return 0
    from mockint.render.terminal import console_for

    stats.render(console_for(env.stdout), figures)
    return 0


def _plan(docs: list[dict[str, Any]], settings: Settings, env: Environment, company: str | None):
    """The plan for next time (mockint.plan) for `company`, else the newest session's company."""
    from mockint.bank import load_bank
    from mockint.plan import next_plan
    from mockint.stories import session_stories

    bank = load_bank(settings.bank)
    newest = max(docs, key=lambda d: d.get("started_at") or "", default={})
    profile = company or newest.get("company")
    if profile not in bank.profiles:
        return None
    stories, _ = session_stories(settings.recordings, env.environ, env.cwd, bank)
    return next_plan(docs, bank, profile, stories).to_dict()


def run_replay(args: argparse.Namespace, settings: Settings, env: Environment) -> int:
    from mockint.audio import playback as audio
    from mockint.replay import WordPrinter, plan_replay

    store = _store(settings)
    doc = store.load(_session_id(store, args.session))
    clips = plan_replay(doc, args.question, part=args.part, kind=args.take)
    if not clips:
        raise DataError(f"session {doc['id']} has no recorded answer to replay", "answer a question first")
    player = None
    if env.interactive and getattr(env.stdout, "isatty", lambda: False)():  # keys and a screen
        from mockint.render.replay_view import ReplayPlayer

        player = ReplayPlayer(env.stdout, env.stdin, audio.play, output_device=args.output_device)
    for clip in clips:
        path = store.take_audio(doc["id"], clip.audio)
        env.stdout.write(f"{clip.title}\n")
        printer = WordPrinter(clip.words, env.stdout)
        try:
            if player is not None:
                import soundfile as sf

                end_s = clip.end_s if clip.end_s is not None else sf.info(str(path)).duration
                if not player.play(path, clip.words, clip.start_s or 0.0, end_s):
                    break
                continue
            audio.play(
                path,
                device=args.output_device,
                start_s=clip.start_s or 0.0,
                end_s=clip.end_s,
                on_progress=printer.at,
            )
        except SetupError as exc:
            raise SetupError(
                f"cannot play the answer: {exc.what}",
                f"run 'mockint devices'; 'mockint show {doc['id']}' prints the transcript",
            ) from None
        printer.flush()
    return 0
