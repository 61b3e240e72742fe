"""`mockint review`: the STAR review of one answer — typed, or spoken in an audio file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from mockint.commands import add_engine_options
from mockint.config import Environment, Settings
from mockint.errors import UsageError

PART_STYLE = {"situation": "cyan", "task": "magenta", "action": "green", "result": "yellow", "other": "dim"}
PART_TAG = {"situation": "S", "task": "T", "action": "A", "result": "R", "other": "·"}


def register(sub, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "review",
        parents=[common],
        help="review an answer (audio or text) against STAR",
        description="Review one answer: STAR parts with evidence, delivery, flags, tips and a score.",
    )
    parser.add_argument("audio", nargs="?", metavar="AUDIO", help="a recorded answer (WAV, FLAC, …)")
    parser.add_argument("--text-file", metavar="FILE", help="a typed answer in a UTF-8 text file")
    parser.add_argument("--text", metavar="TEXT", help="a typed answer")
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--question", metavar="ID", help="the bank question it answers (see 'mockint bank list')"
    )
    which.add_argument("--question-text", metavar="TEXT", help="the question it answers, as text")
    parser.add_argument("--company", metavar="NAME", help="company profile for the timing targets")
    add_engine_options(parser, " for AUDIO")
    parser.add_argument("--json", action="store_true", help="print the JSON contract")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings, env: Environment) -> int:
    from mockint.review import review

    sources = [s for s in (args.audio, args.text_file, args.text) if s is not None]
    if len(sources) != 1:
        raise UsageError(
            "give exactly one answer: AUDIO, --text-file FILE or --text TEXT",
            "e.g. mockint review --text-file answer.txt",
        )
    answer = _answer(args, settings, env)
    question, profile, bank = _question(args, settings)
    result = review(answer, question, profile, bank)
    has_stories, story = _story(answer.text, settings, env, bank)
    if args.json:
        doc = result.to_dict()
        if has_stories:
            doc["story"] = story.to_dict() if story else None
        json.dump(doc, env.stdout, indent=2, ensure_ascii=False)
        env.stdout.write("\n")
    else:
        _print_human(result, question, env)
        if has_stories:
            env.stdout.write(
                f"Story: {story.title} (match {story.score:.2f})\n"
                if story
                else "Story: none of your prepared stories\n"
            )
    return 0


def _story(text: str, settings: Settings, env: Environment, bank):
    """Which prepared story (mockint stories) the answer tells; (False, None) without stories."""
    from mockint.stories import session_stories

    stories, warning = session_stories(settings.recordings, env.environ, env.cwd, bank)
    if warning:
        print(f"mockint: warning: {warning}", file=env.stderr)
    if not stories:
        return False, None
    from mockint.stories.match import match_story

    return True, match_story(text, stories)


def _answer(args: argparse.Namespace, settings: Settings, env: Environment):
    from mockint.transcript import Transcript

    if args.text is not None:
        text = args.text
    elif args.text_file is not None:
        from mockint import safeio

        path = _resolve(args.text_file, env)
        if not path.exists():
            raise UsageError(f"{args.text_file} not found", "check the path of the answer file")
        try:  # a regular file of at most 16 MB: a FIFO or /dev/zero never hangs the review
            text = safeio.read_document(path)
        except safeio.FileProblem as exc:
            raise UsageError(f"{args.text_file} {exc}", "save the answer as UTF-8 text") from None
    else:
        return _transcribe(_resolve(args.audio, env), args.audio, args.engine or settings.engine, args.model)
    if not text.strip():
        raise UsageError("the answer is empty", 'write the answer in the file, or pass --text "…"')
    return Transcript.from_text(text)


def _transcribe(path: Path, shown: str, engine: str, model: str | None):
    if not path.is_file():
        raise UsageError(f"{shown} not found", "check the path of the recording")
    from mockint.speech import load_transcriber

    return load_transcriber(engine, model).transcribe(path)


def _resolve(name: str, env: Environment) -> Path:
    path = Path(name).expanduser()
    return path if path.is_absolute() else env.cwd / path


def _question(args: argparse.Namespace, settings: Settings):
    from mockint.bank import custom_question, load_bank

    if not (args.question or args.company):
        return custom_question(args.question_text or ""), None, None
    bank = load_bank(settings.bank)
    question, profile = bank.asked(args.question or "", args.question_text or "", args.company or "")
    return question, profile, bank


def _fmt_s(x: float | None) -> str:
    return "—" if x is None else f"{x:.0f} s"


def _print_human(result, question, env: Environment) -> None:
    from rich.table import Table
    from rich.text import Text

    from mockint.render.console import Console

    console = Console(file=env.stdout, highlight=False, soft_wrap=False)
    if question is not None:
        console.print(Text(f"Question: {question.text}", style="bold"))
    if result.score is None:  # nothing (intelligible) was heard: no score, and why
        console.print(
            Text.assemble(("Score ", "bold"), ("none", "bold red"), f" — {result.reliability.reason}")
        )
    else:
        console.print(
            Text.assemble(
                ("Score ", "bold"),
                (
                    f"{result.score}/100",
                    "bold green"
                    if result.score >= 70
                    else "bold yellow"
                    if result.score >= 40
                    else "bold red",
                ),
            )
        )
    console.print()
    for seg in result.segments:
        line = Text()
        line.append(f"{PART_TAG[seg.label]} ", style=f"bold {PART_STYLE[seg.label]}")
        if seg.start_s is not None:
            line.append(f"{int(seg.start_s) // 60}:{int(seg.start_s) % 60:02d} ", style="dim")
        line.append(seg.text, style=PART_STYLE[seg.label])
        console.print(line)
    console.print(Text("S situation  T task  A action  R result  · other", style="dim"))
    console.print()

    # A typed draft has no times: its table shows the share of words only, no empty time columns.
    timed = any(comp.share is not None for comp in result.components.values())
    columns = (
        ("part", "present", "seconds", "share of time", "share of words")
        if timed
        else ("part", "present", "share of words")
    )
    table = Table(box=None, pad_edge=False)
    for col in columns:
        table.add_column(col, justify="left" if col == "part" else "right")
    for part, comp in result.components.items():
        cells = [Text(part, style=PART_STYLE[part]), "yes" if comp.present else Text("missing", style="red")]
        if timed:
            cells += [_fmt_s(comp.seconds), "—" if comp.share is None else f"{comp.share:.0%}"]
        table.add_row(*cells, f"{comp.word_share:.0%}")
    console.print(table)
    d = result.delivery
    figures = [f"{d.words} words"]
    if d.duration_s is not None:
        shown_s = d.speaking_s if d.speaking_s is not None else d.duration_s
        figures.append(f"speaking {shown_s:.0f} s")
        figures.append(f"{d.wpm:.0f} wpm (aim 130–160)" if d.wpm is not None else "")
        if d.thinking_s is not None:
            figures.append(f"thinking {d.thinking_s:.1f} s")
        per_minute = f" ({d.fillers.per_minute:.1f}/min)" if d.fillers.per_minute is not None else ""
        figures.append(f"fillers {d.fillers.count}{per_minute}")
        figures.append(f"long pauses {len(d.long_pauses)}")
    else:
        figures.append(f"about {d.estimated_s:.0f} s spoken")
        figures.append(f"fillers {d.fillers.count}")
    figures.append(f"I ×{d.i_count}, we ×{d.we_count}")
    console.print(" · ".join(f for f in figures if f))
    if result.relevance.score is not None:
        console.print(f"Fits the question: {result.relevance.score:.2f} ({result.relevance.basis})")
    if result.relevance.keywords_found:
        console.print("Principle keywords used: " + ", ".join(result.relevance.keywords_found))
    console.print()
    if result.flags:
        console.print(Text("Flags: " + ", ".join(result.flags), style="bold red"))
    for tip in result.tips:
        console.print(Text(f"• {tip}"))
