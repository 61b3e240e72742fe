"""`mockint serve`: the practice room in the browser, on 127.0.0.1 only (mockint.web)."""

from __future__ import annotations

import argparse

from mockint.commands import add_engine_options
from mockint.config import Environment, Settings
from mockint.errors import ExitCode, UsageError

MAX_PORT = 65_535


def register(sub, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "serve",
        parents=[common],
        help="practise in the web browser (local only, nothing leaves this computer)",
        description="Start the practice room on http://127.0.0.1:PORT/ and open it in the browser. "
        "The printed address carries a key that is new at every start; Ctrl-C stops the server "
        "and saves every answer being recorded.",
    )
    p.add_argument("--port", type=int, default=0, metavar="N", help="port to listen on (default: a free one)")
    p.add_argument("--no-open", action="store_true", help="print the address instead of opening the browser")
    add_engine_options(p)
    p.add_argument("--voice", metavar="NAME", help="interviewer voice")
    p.add_argument("--rate", type=int, metavar="WPM", help="interviewer speaking rate")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings, env: Environment) -> int:
    if not 0 <= args.port <= MAX_PORT:
        raise UsageError(f"--port {args.port} is not a port", f"use 1 to {MAX_PORT}, or 0 for a free one")
    from mockint.speech import engine_name
    from mockint.web.practice import Practice
    from mockint.web.server import serve

    engine = engine_name(args.engine or settings.engine)  # checked now, not when a page first asks
    practice = Practice(
        recordings=settings.recordings,
        bank_dir=settings.bank,
        cache_dir=settings.cache,
        environ=env.environ,
        cwd=env.cwd,
        engine=engine,
        model=args.model,
        voice=args.voice,
        rate=args.rate,
    )
    opener = None
    if not args.no_open:
        import webbrowser

        def opener(url: str) -> None:
            if not webbrowser.open(url):
                print(f"mockint: could not open a web browser; open {url} yourself", file=env.stderr)

    try:
        serve(practice, port=args.port, out=env.stdout, open_browser=opener)
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl-C it handled; everything is saved by now
        return ExitCode.OK
    return ExitCode.OK
