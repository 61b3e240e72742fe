"""`mockint doctor`: what works, what is missing, and the command that fixes it."""

from __future__ import annotations

import argparse

from mockint.config import Environment, Settings
from mockint.errors import ExitCode


def register(sub, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("doctor", parents=[common], help="check PortAudio, voice, devices, speech model")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings, env: Environment) -> int:
    from mockint.doctor import run_checks
    from mockint.render.console import Console

    console = Console(file=env.stdout, highlight=False)
    checks = run_checks(settings)
    for c in checks:
        mark = "[green]ok[/]  " if c.ok else ("[red]FAIL[/]" if c.required else "[yellow]warn[/]")
        console.print(f"{mark} {c.name}: {c.detail}", soft_wrap=True)
        if not c.ok:
            console.print(f"      fix: {c.fix}", soft_wrap=True)
    failed = [c for c in checks if c.required and not c.ok]
    console.print("all required parts present" if not failed else f"{len(failed)} required part(s) missing")
    return ExitCode.FAILURE if failed else ExitCode.OK
