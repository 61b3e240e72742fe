"""`mockint transcribe`: an audio file, or a saved session's takes, to words with times."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from mockint.commands import add_engine_options
from mockint.config import Environment, Settings
from mockint.errors import MockintError, UsageError


def register(sub, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "transcribe",
        parents=[common],
        help="speech to text with word times (an audio file or a saved session)",
    )
    parser.add_argument(
        "audio", nargs="?", metavar="AUDIO", help="WAV, FLAC, Ogg or AIFF file, mono or stereo, 8-48 kHz"
    )
    parser.add_argument(
        "--session",
        metavar="ID",
        help="re-transcribe every take of a saved session ('last' for the newest); "
        "earlier transcripts are kept",
    )
    add_engine_options(parser)
    parser.add_argument("--json", action="store_true", help="print the JSON contract")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings, env: Environment) -> int:
    if bool(args.audio) == bool(args.session):
        raise UsageError(
            "give either an AUDIO file or --session ID",
            "e.g. 'mockint transcribe answer.wav' or 'mockint transcribe --session last'",
        )
    from mockint.speech import load_transcriber

    if args.audio:
        path = Path(args.audio).expanduser()
        path = path if path.is_absolute() else env.cwd / path
        if not path.is_file():  # before loading a model: a typo fails fast
            raise UsageError(f"audio file {path} not found", "check the path")
        transcript = load_transcriber(args.engine or settings.engine, args.model).transcribe(path)
        if args.json:
            _dump(env, transcript.to_dict())
        else:
            _print_transcript(env, transcript)
        return 0
    return _run_session(args, settings, env, load_transcriber)


def _print_transcript(env: Environment, transcript) -> None:
    import textwrap

    text = transcript.text or "(no speech recognised)"
    env.stdout.write(textwrap.fill(text, width=88) + "\n")
    env.stdout.write(
        f"— {transcript.duration_s:.1f} s of audio, {len(transcript.words)} words, "
        f"transcribed by {transcript.engine}{f' ({transcript.model})' if transcript.model else ''} "
        f"in {transcript.elapsed_s:.1f} s\n"
    )


def _run_session(args: argparse.Namespace, settings: Settings, env: Environment, load_transcriber) -> int:
    from mockint.store import Store, recovery

    store = Store(settings.recordings)
    session_id = args.session
    if session_id == "last":
        ids = store.ids()
        if not ids:
            raise UsageError(f"no sessions in {settings.recordings}", "start one with 'mockint practice'")
        session_id = ids[-1]
    doc = store.load(session_id)  # repairs a take cut off by a crash first
    folder = store.folder(session_id)
    if not os.access(folder, os.W_OK):  # before loading a model: the results could not be saved
        raise MockintError(
            f"{folder} is read-only: the new transcripts could not be saved",
            "make it writable (chmod u+w), or copy the session into a writable --recordings folder",
        )
    lock = recovery.hold(folder)
    if lock is None:
        raise UsageError(
            f"session {session_id} is being recorded by a running 'mockint practice'",
            "wait until that practice ends, then transcribe it",
        )
    try:
        return _transcribe_takes(
            args, env, store, doc, session_id, load_transcriber, _reviewer(settings, env), settings.engine
        )
    finally:
        recovery.release(lock)


def _reviewer(settings: Settings, env: Environment):
    """Reviews a take that has none (a practice stopped while transcribing): (transcript, doc,
    question id, take) -> review dict, or None when the bank does not know the question."""
    from mockint.bank import load_bank

    try:
        bank = load_bank(settings.bank)
    except UsageError as exc:
        env.stderr.write(f"mockint: warning: {exc.what} — takes without a review are not reviewed\n")
        return lambda *_: None

    def review_take(transcript, doc, question_id, take):
        from mockint.review import reviewer_for

        try:
            question = bank.question(question_id)
            profile = bank.profile((doc.get("profile") or {}).get("id") or doc.get("company"))
        except UsageError:
            return None
        return reviewer_for(profile, bank)(
            transcript, question, take.get("thinking_s"), stopped_by=take.get("stopped_by")
        ).to_dict()

    return review_take


def _transcribe_takes(args, env, store, doc, session_id, load_transcriber, review_take, engine: str) -> int:
    from mockint.errors import DataError

    takes = [
        (q["id"], i, take, numbers)
        for q_number, q in enumerate(doc["questions"], 1)
        for i, (take, numbers) in enumerate(_numbered(q_number, q.get("takes", [])))
        if take.get("audio")
    ]
    if not takes:
        raise UsageError(f"session {session_id} has no recorded takes", "nothing to transcribe")
    transcriber = load_transcriber(args.engine or engine, args.model)
    results, missing = [], []
    for question_id, index, take, numbers in takes:
        try:
            audio = store.take_audio(session_id, take["audio"])
        except DataError as exc:  # a deleted take: keep going with the others
            missing.append(exc.what)
            continue
        transcript = transcriber.transcribe(audio)
        review = None
        if not take.get("review") and take.get("stopped_by") != "skip":  # finish an unreviewed take
            review = review_take(transcript, doc, question_id, take)
        store.add_transcript(session_id, question_id, index, transcript.to_dict(), review=review)
        earlier = (take.get("transcript") or {}).get("engine")
        results.append(
            {
                "question": question_id,
                "take": index,  # the take's index in `show --json`'s takes (from 0); the numbers people see:
                **numbers,  # question_number, kind, take_number (from 1, as the report and audio file)
                "audio": take["audio"],
                "earlier_engine": earlier,
                "transcript": transcript.to_dict(),
                "reviewed": review is not None,
            }
        )
    if args.json:
        _dump(env, {"session": session_id, "engine": transcriber.name, "takes": results, "missing": missing})
    else:
        for r in results:
            t = r["transcript"]
            was = f" (earlier: {r['earlier_engine']})" if r["earlier_engine"] else ""
            was += ", now reviewed" if r["reviewed"] else ""
            env.stdout.write(
                f"Q{r['question_number']} {r['question']}, {_take_name(r)} — {t['engine']}{was}, "
                f"{t['duration_s']:.1f} s, {len(t['words'])} words\n  {t['text'] or '(no speech)'}\n"
            )
        for what in missing:
            env.stderr.write(f"mockint: warning: {what}\n")
        env.stdout.write(
            f"{len(results)} take(s) of {session_id} re-transcribed with {transcriber.name}; "
            f"earlier transcripts are kept in each take's 'transcripts'\n"
        )
    return 0 if results else 1


def _numbered(question_number: int, takes: list) -> list[tuple[dict, dict]]:
    """Each take with the numbers people see: Q1…, and answer takes and follow-ups each counted
    from 1 (as the session report titles them and the audio files are named)."""
    seen: dict[str, int] = {}
    out = []
    for take in takes:
        kind = take.get("kind") if take.get("kind") in ("answer", "follow_up") else "answer"
        seen[kind] = seen.get(kind, 0) + 1
        out.append((take, {"question_number": question_number, "kind": kind, "take_number": seen[kind]}))
    return out


def _take_name(row: dict) -> str:
    return (
        f"answer take {row['take_number']}" if row["kind"] == "answer" else f"follow-up {row['take_number']}"
    )


def _dump(env: Environment, doc) -> None:
    json.dump(doc, env.stdout, indent=2, ensure_ascii=False)
    env.stdout.write("\n")
