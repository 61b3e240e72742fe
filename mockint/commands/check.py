"""`mockint check`: before the first practice — a test tone on the speaker, then "say a
sentence": the level meter, the words heard (by the session's transcriber) and a verdict
(too quiet / clipping / noisy room / fine) with the fix. Exit 0 when fine, 1 otherwise."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from mockint.commands import add_engine_options
from mockint.config import Environment, Settings
from mockint.errors import ExitCode

CHECK_SECONDS = 8.0  # how long "say a sentence" may take
CHECK_SILENCE_S = 1.5  # ends the check this long after the sentence
SENTENCE = "I led the migration to the new payment system and cut failed orders by half."


def register(sub, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "check",
        parents=[common],
        help="check the speaker and microphone before practising",
        description="A test tone on the speaker, then say a sentence: the level, the words heard and a "
        "verdict (too quiet, clipping, noisy room or fine) with the fix. Exit 0 when fine, 1 otherwise.",
    )
    p.add_argument("--input-device", metavar="DEV", help="microphone, by index or name")
    p.add_argument("--output-device", metavar="DEV", help="speaker, by index or name")
    p.add_argument("--no-tone", action="store_true", help="skip the test tone")
    p.add_argument(
        "--seconds", type=float, default=CHECK_SECONDS, metavar="SEC", help="longest recording (default 8)"
    )
    add_engine_options(p, " that hears the sentence, as for practice")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings, env: Environment) -> int:
    from mockint.speech import load_transcriber

    if not args.no_tone:
        _tone(args.output_device, env.stdout)
    transcriber = load_transcriber(args.engine or settings.engine, args.model)
    verdict = listen(transcriber, env, input_device=args.input_device, seconds=args.seconds)
    return ExitCode.OK if verdict.ok else ExitCode.FAILURE


def run_in_practice(transcriber, env: Environment, *, input_device, output_device, tone: bool):
    """The whole check, as `mockint check` runs it, for the first practice's offer."""
    if tone:
        _tone(output_device, env.stdout)
    return listen(transcriber, env, input_device=input_device, seconds=CHECK_SECONDS)


def listen(transcriber, env: Environment, *, input_device, seconds: float):
    """ "Say a sentence": record it, show the level and the words heard, print the verdict."""
    from mockint.audio.files import read_16k_mono
    from mockint.audio.record import MicrophoneRecorder
    from mockint.miccheck import judge

    out = env.stdout
    print(f'2. Microphone: say a sentence, e.g. "{SENTENCE}"', file=out, flush=True)
    recorder = MicrophoneRecorder(
        device=input_device,
        interactive=env.interactive,
        keys=env.stdin,
        out=out,
        stop_on_silence_s=CHECK_SILENCE_S,
    )
    with tempfile.TemporaryDirectory(prefix="mockint-check-") as tmp, recorder:
        stream = transcriber.stream()
        recording = recorder.record(
            Path(tmp) / "check.wav",
            limit_s=seconds,
            target_s=seconds,
            listener=stream,
        )
        words = stream.finish().text.strip()
        verdict = judge(read_16k_mono(recording.path))
    print(
        f"Level: voice {verdict.speech_dbfs:.0f} dBFS · room {verdict.noise_dbfs:.0f} dBFS"
        + (f" · {verdict.clipped_share:.1%} clipped" if verdict.clipped_share else ""),
        file=out,
    )
    print(f"Words heard ({transcriber.name}): {words or '(none)'}", file=out)
    print(f"Verdict: {verdict.code} — {verdict.fix}", file=out, flush=True)
    return verdict


def _tone(output_device, out) -> None:
    from mockint.audio.playback import play
    from mockint.audio.voice import cue_samples
    from mockint.errors import SetupError

    print("1. Speaker: playing a test tone…", file=out, flush=True)
    try:
        play(cue_samples("times_up"), device=output_device)
    except SetupError as exc:  # the microphone check still matters without a speaker
        print(f"   no sound played: {exc.message}", file=out)
        return
    print(
        "   Heard three beeps? If not: turn the volume up, or choose --output-device (see 'mockint devices').",
        file=out,
    )
