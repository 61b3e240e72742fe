"""`mockint bank list|check`: what the question bank holds, and whether it validates."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from mockint.config import Environment, Settings


def register(sub, common: argparse.ArgumentParser) -> None:
    bank = sub.add_parser("bank", parents=[common], help="list or check the question bank")
    bank_sub = bank.add_subparsers(dest="bank_command", metavar="ACTION", required=True)
    listing = bank_sub.add_parser("list", parents=[common], help="profiles, principles and questions")
    listing.add_argument("--company", metavar="NAME", help="only this company's profile and questions")
    listing.add_argument("--json", action="store_true", help="print the JSON contract")
    listing.set_defaults(handler=run_list)
    check = bank_sub.add_parser("check", parents=[common], help="validate a question bank folder")
    check.add_argument("dir", nargs="?", metavar="DIR", help="folder to check (default: --bank)")
    check.set_defaults(handler=run_check)


def run_list(args: argparse.Namespace, settings: Settings, env: Environment) -> int:
    from mockint.bank import load_bank

    bank = load_bank(settings.bank)
    profiles = [bank.profile(args.company)] if args.company else list(bank.profiles.values())
    ids = {p.id for p in profiles}
    principles = [p for p in bank.principles.values() if p.profile in ids]
    questions = [q for q in bank.questions.values() if ids.intersection(q.profiles)]
    if args.json:
        doc = {
            "profiles": [
                {
                    "id": p.id,
                    "name": p.name,
                    "description": p.description,
                    "prep_s": p.prep_s,
                    "answer_target_s": p.answer_target_s,
                    "answer_limit_s": p.answer_limit_s,
                    "questions_per_session": p.questions_per_session,
                    "follow_ups": p.follow_ups,
                }
                for p in profiles
            ],
            "principles": [
                {"id": p.id, "name": p.name, "profile": p.profile, "summary": p.summary} for p in principles
            ],
            "questions": [
                {
                    "id": q.id,
                    "text": q.text,
                    "profiles": list(q.profiles),
                    "principles": list(q.principles),
                    "tags": list(q.tags),
                    "follow_ups": list(q.follow_ups),
                    "talking_points": list(q.talking_points),
                    "behaviours": list(q.behaviours),
                    "target_s": q.target_s,
                    "limit_s": q.limit_s,
                }
                for q in questions
            ],
        }
        json.dump(doc, env.stdout, indent=2, ensure_ascii=False)
        env.stdout.write("\n")
        return 0

    from mockint.render.lists import render_bank

    render_bank(env.stdout, bank, profiles)
    return 0


def run_check(args: argparse.Namespace, settings: Settings, env: Environment) -> int:
    from mockint.bank import check_bank
    from mockint.errors import BankError

    folder = Path(args.dir) if args.dir else settings.bank
    bank, errors = check_bank(folder if folder.is_absolute() else env.cwd / folder)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        for error in errors:  # every problem at once: one run, one round of fixes
            print(f"  {error.what}", file=env.stderr)
        raise BankError(
            f"{folder}: {len(errors)} problem(s), listed above", "fix them, then run 'mockint bank check'"
        )
    env.stdout.write(
        f"{folder}: ok — {len(bank.profiles)} profiles, {len(bank.principles)} principles, "
        f"{len(bank.questions)} questions\n"
    )
    return 0
