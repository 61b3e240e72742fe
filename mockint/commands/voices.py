"""`mockint voices`: the interviewer voices `practice --voice` accepts (language, name, id)."""

from __future__ import annotations

import argparse
import json

from mockint.config import Environment, Settings


def register(sub, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("voices", parents=[common], help="list the interviewer voices for --voice")
    parser.add_argument("--json", action="store_true", help="print the voices as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings, env: Environment) -> int:
    from mockint.audio.voice import list_voices

    voices = list_voices()
    if args.json:
        rows = [{"id": v.id, "name": v.name, "languages": list(v.languages)} for v in voices]
        json.dump(rows, env.stdout, indent=2)
        env.stdout.write("\n")
        return 0
    width = max((len(v.languages[0]) for v in voices if v.languages), default=8)
    print(f"{'language':<{width}}  name (id)", file=env.stdout)
    for v in sorted(voices, key=lambda v: (v.languages[:1] or ("",))[0]):
        language = v.languages[0] if v.languages else "–"
        print(f"{language:<{width}}  {v.name.replace(' ', '_')} ({v.id})", file=env.stdout)
    print(
        f"{len(voices)} voices. Choose one with 'mockint practice --voice LANGUAGE' or --voice NAME,"
        " e.g. --voice en-gb or --voice 'English_(America)'.",
        file=env.stdout,
    )
    return 0
