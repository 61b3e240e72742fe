"""`mockint practice`: a mock interview — questions spoken, answers recorded, reviewed, followed up."""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from mockint import stopsignals
from mockint.commands import add_engine_options
from mockint.config import Environment, Settings
from mockint.errors import ExitCode, UsageError

# The demo: the Amazon profile, two questions the shipped sample answers were written for.
DEMO_COMPANY = "amazon"
DEMO_QUESTIONS = ("amazon-dive-deep-1", "amazon-customer-obsession-1")
MAX_SEED = 2**31 - 1


def register(sub, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "practice",
        parents=[common],
        help="a mock interview: questions, answers, reviews, follow-ups",
        description="Practise a behavioral round. Keys while answering: Enter ends the answer, "
        "r retakes, s skips, q ends the session, Ctrl-C saves and stops.",
    )
    p.add_argument("--company", metavar="NAME", default=None, help="interview profile (default: amazon)")
    p.add_argument("--count", type=int, metavar="N", help="number of questions (default: the profile's)")
    p.add_argument(
        "--question", action="append", default=[], metavar="ID", help="ask this question (repeatable)"
    )
    p.add_argument("--lp", metavar="ID", help="only questions testing this principle")
    p.add_argument("--tag", metavar="TAG", help="only questions with this story tag")
    p.add_argument(
        "--drill",
        metavar="STORY",
        help="rehearse a prepared story: questions it should answer, "
        "across its principles (see 'mockint stories list')",
    )
    p.add_argument("--seed", type=int, metavar="N", help="repeatable question picks (saved with the session)")
    p.add_argument("--answer-limit", type=float, metavar="SEC", help="stop each answer after SEC seconds")
    p.add_argument(
        "--stop-on-silence", type=float, metavar="SEC", help="end an answer after SEC s of silence"
    )
    p.add_argument(
        "--no-voice",
        action="store_true",
        help="print the questions without speaking them (the wrap-up and time's-up beeps stay)",
    )
    p.add_argument("--no-beeps", action="store_true", help="no wrap-up and time's-up beeps")
    p.add_argument(
        "--voice",
        metavar="NAME",
        help="interviewer voice: a language (en-gb, en-us) or a name (English_(America)); "
        "see 'mockint voices'",
    )
    p.add_argument("--rate", type=int, metavar="WPM", help="interviewer speaking rate")
    p.add_argument("--no-follow-ups", action="store_true", help="no follow-up questions")
    p.add_argument(
        "--answers-from",
        action="append",
        default=[],
        metavar="PATH",
        help="answer from audio files (a file or folder; repeatable, fed in order): one file per "
        "answer and per follow-up, so a session asks for up to questions × (1 + follow_ups) files, "
        "e.g. 3 × (1 + 1) = 6 for a 3-question profile with one follow-up ('mockint bank list' "
        "shows each profile's); when the files run out the session ends there, saved",
    )
    p.add_argument("--input-device", metavar="DEV", help="microphone, by index or name")
    p.add_argument("--output-device", metavar="DEV", help="speaker, by index or name")
    p.add_argument(
        "--no-check",
        action="store_true",
        help="on the first practice at a terminal, don't offer the microphone check ('mockint check')",
    )
    add_engine_options(p)
    p.add_argument(
        "--after-the-fact",
        action="store_true",
        help="transcribe each answer after it ends instead of while it is spoken",
    )
    p.add_argument(
        "--realtime",
        action="store_true",
        help="with --answers-from: feed the audio at speaking pace, as a microphone would, "
        "and play it on the speaker (unless --no-voice)",
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="a whole session without a microphone: Amazon, two questions, the shipped sample answers",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings, env: Environment) -> int:
    from mockint import session, stats
    from mockint.bank import load_bank
    from mockint.picker import PickRequest, pick
    from mockint.render.terminal import TerminalView, console_for, render_summary
    from mockint.store import Store

    console = console_for(env.stdout)
    if args.demo:
        _demo_defaults(args, console)
    bank = load_bank(settings.bank)
    profile = bank.profile(args.company or DEMO_COMPANY)
    answers = _answer_files(args.answers_from, env.cwd)
    store = Store(settings.recordings)
    store.check_writable()  # before the model loads: a read-only --recordings fails at once
    seed = args.seed if args.seed is not None else random.SystemRandom().randint(0, MAX_SEED)
    request = PickRequest(
        profile=profile.id,
        count=args.count,
        question_ids=tuple(args.question),
        principle=args.lp,
        tag=args.tag,
        seed=seed,
    )
    from mockint.stories import session_stories

    stories, warning = session_stories(settings.recordings, env.environ, env.cwd, bank)
    if warning:
        console.print(f"mockint: warning: {warning}", style="yellow", markup=False)
    if args.drill:
        questions = _drill(args, bank, profile, stories, seed)
    else:
        from dataclasses import replace

        from mockint.plan import next_plan
        from mockint.store.index import SessionIndex

        docs = SessionIndex(store).documents()
        if not (args.question or args.lp or args.tag):  # no filters: the plan's principles first
            request = replace(request, focus=next_plan(docs, bank, profile.id, stories).principles)
        questions = pick(bank, request, stats.question_history(docs))
    if args.answer_limit is not None and args.answer_limit <= 0:
        raise UsageError(
            f"--answer-limit {args.answer_limit:g} is not a positive number of seconds", "use e.g. 120"
        )
    if args.voice and not args.no_voice:  # before the session starts, not at its first question
        from mockint.audio.voice import list_voices, resolve_voice

        args.voice = resolve_voice(args.voice, list_voices()).id

    from mockint.review import reviewer_for
    from mockint.speech import load_transcriber

    first = not answers and not store.ids()  # the first practice: a muted microphone would waste it
    check = (
        first and env.interactive and not args.no_check and _yes(env, "Check your microphone first? [Y/n] ")
    )
    transcriber = load_transcriber(
        args.engine or settings.engine, args.model
    )  # once per session, not per answer
    if check:
        from mockint.commands.check import run_in_practice

        tone = not (args.no_voice and args.no_beeps)  # a speaker that is meant to be silent stays so
        run_in_practice(
            transcriber, env, input_device=args.input_device, output_device=args.output_device, tone=tone
        )
        console.print("[dim]Now the session.[/dim]")

    reviewer = reviewer_for(profile, bank)

    plan = session.Plan(
        profile=profile,
        questions=tuple(questions),
        seed=seed,
        follow_ups=0 if args.no_follow_ups else profile.follow_ups,
        answer_limit_s=args.answer_limit,
        streaming=not args.after_the_fact,
        options={"engine": transcriber.name, "answers_from": [str(p) for p in answers], "demo": args.demo}
        | ({"drill": args.drill} if args.drill else {}),
        # a retake is offered only to someone at the keyboard; scripted answers run in order
        unheard_retakes=session.UNHEARD_RETAKES if (not answers and env.interactive) else 0,
    )
    speaker = _speaker(args, settings, env)
    ports = session.Ports(
        speaker=speaker,
        recorder=_recorder(args, answers, env, speaker),
        transcriber=transcriber,
        review=reviewer,
        store=store,
        view=TerminalView(console, wait_for_prep=not answers, keys=env.stdin if env.interactive else None),
        clock=_monotonic(),
        stories=_tracker(stories, drilled=args.drill),
    )
    console.print(
        f"[bold]{profile.name}[/bold] mock interview · {len(questions)} question(s)"
        f"{'' if plan.follow_ups else ' · no follow-ups'} · seed {seed}"
    )
    if first and not check and not args.no_check and not env.interactive:  # no one to ask
        console.print(
            "[dim]First session? Check your microphone and speaker first: 'mockint check' (under a minute).[/dim]"
        )
    if not answers and env.interactive:
        console.print(
            "[dim]Enter ends an answer · r retake · s skip · q end the session · Ctrl-C save and stop[/dim]"
        )
    try:
        with stopsignals.as_interrupts():  # SIGTERM, SIGHUP: saved like Ctrl-C
            result = session.run(plan, ports)
    finally:
        ports.recorder.close()  # the microphone's stream stays open across takes
    if result.ended_by == stopsignals.BROKEN_PIPE:  # nobody reads stdout any more: say it on stderr
        print(_saved_line(result, store), file=env.stderr)
        return stopsignals.exit_code(result.ended_by)
    if result.ended_by == session.ENDED_NO_ANSWERS:
        console.print(f"All {len(answers)} answer file(s) from --answers-from used: the session ends here.")
    from mockint.plan import next_plan, plan_lines
    from mockint.store.index import SessionIndex

    plan = next_plan(SessionIndex(store).documents(), bank, profile.id, stories)
    render_summary(console, result.document, next_steps=plan_lines(plan))
    if result.ended_by in session.ENDED_EARLY:
        console.print(_saved_line(result, store), markup=False)
        return stopsignals.exit_code(result.ended_by)
    return ExitCode.OK


def _yes(env: Environment, question: str) -> bool:
    """Ask on the terminal; Enter means yes, end of input no."""
    env.stdout.write(question)
    env.stdout.flush()
    answer = env.stdin.readline()
    return bool(answer) and answer.strip().lower() in ("", "y", "yes")


def _saved_line(result, store) -> str:
    how = {
        stopsignals.CTRL_C: "Interrupted",
        stopsignals.BROKEN_PIPE: "mockint: output closed (broken pipe)",
    }.get(result.ended_by, f"Stopped ({result.ended_by} by a signal)")
    return f"{how}: what was recorded is saved in {store.folder(result.session_id)}"


def _drill(args: argparse.Namespace, bank, profile, stories, seed: int):
    """--drill STORY: the questions this prepared story should answer (mockint.stories)."""
    from mockint.stories import drill_questions, find

    if args.question or args.lp or args.tag:
        raise UsageError("--drill picks its own questions", "drop --question/--lp/--tag, or drop --drill")
    story = find(stories, args.drill)
    return drill_questions(story, bank, profile.id, args.count or profile.questions_per_session, seed)


def _tracker(stories, drilled: str | None = None):
    if not stories:
        return None
    from mockint.stories.match import StoryTracker

    return StoryTracker(stories, drilled=drilled)


def _demo_defaults(args: argparse.Namespace, console) -> None:
    """`--demo`: fill in what the user did not choose."""
    from importlib import resources

    samples = Path(str(resources.files("mockint.samples")))
    args.company = args.company or DEMO_COMPANY
    if not args.question and args.company == DEMO_COMPANY:
        args.question = list(DEMO_QUESTIONS)
    if not args.answers_from:
        args.answers_from = [str(samples)]
    if args.seed is None:
        args.seed = 1
    if not args.no_voice and not _has_output_device():
        console.print(
            "[dim]No sound output device found: the questions are printed, not spoken (--no-voice).[/dim]"
        )
        args.no_voice = args.no_beeps = True


def _has_output_device() -> bool:
    from mockint.audio.devices import list_devices
    from mockint.errors import SetupError

    try:
        return any(d.outputs > 0 for d in list_devices())
    except SetupError:  # PortAudio missing: nothing to speak on
        return False


def _answer_files(paths: list[str], cwd: Path) -> list[Path]:
    """--answers-from PATH…, relative to the user's folder: files as given, folders expanded by name."""
    if not paths:
        return []
    from mockint.audio.answer_files import audio_files

    return audio_files([p if p.is_absolute() else cwd / p for p in (Path(raw).expanduser() for raw in paths)])


def _speaker(args: argparse.Namespace, settings: Settings, env: Environment):
    from mockint.audio.voice import make_speaker

    return make_speaker(
        enabled=not args.no_voice,
        voice=args.voice,
        rate=args.rate,
        output_device=args.output_device,
        cache_dir=settings.cache,
        out=env.stdout,
        beeps=not args.no_beeps,
    )


def _recorder(args: argparse.Namespace, answers: list[Path], env: Environment, speaker):
    from mockint.audio import answer_files, record

    if answers:
        return answer_files.FileRecorder(
            answers,
            realtime=args.realtime,
            stop_on_silence_s=args.stop_on_silence,
            out=env.stdout,
            play=not args.no_voice,  # heard with --realtime, where there is a speaker
            output_device=args.output_device,
        )
    return record.MicrophoneRecorder(
        device=args.input_device,
        interactive=env.interactive,
        keys=env.stdin,
        out=env.stdout,
        stop_on_silence_s=args.stop_on_silence,
        clock=_monotonic(),
        cue=speaker.cue,
    )


def _monotonic():
    import time

    return time.monotonic
