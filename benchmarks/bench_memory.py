"""Peak memory of `practice --answers-from` and `report` on long files (issue 15, case 8).

Makes sparse (silent) 16 kHz WAV files of the given lengths, then runs, each as its own process
(peak RSS from os.wait4):
  - `mockint practice --answers-from FILE --answer-limit 180` (a 180 s take from a long file),
  - `mockint report` on a session whose one take is that file (embedded below
    EMBED_MAX_BYTES, linked above), and on a 30-minute take (embedded: encoded block-wise).

    .venv/bin/python benchmarks/bench_memory.py [--hours 1 10]

The files are sparse, so a 10-hour file (1.15 GB) takes no disk space; silence decodes fastest,
so the times are a lower bound, the memory figures are not.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mockint.audio.takewriter import wav_header  # noqa: E402
from mockint.ports import SAMPLE_RATE_HZ  # noqa: E402
from mockint.store import QuestionRef, Store  # noqa: E402

QUESTION = QuestionRef("amazon-dive-deep-1", "Tell me about a time you dived deep.", ("dive-deep",))


def silent_wav(path: Path, seconds: float) -> Path:
    """A WAV of `seconds` of silence, sparse on disk."""
    data_bytes = int(seconds * SAMPLE_RATE_HZ) * 2
    with open(path, "wb") as f:
        f.write(wav_header(data_bytes))
        f.truncate(44 + data_bytes)
    return path


def session_with_take(recordings: Path, audio: Path) -> str:
    writer = Store(recordings).create("amazon", seed=1)
    writer.ask(QUESTION)
    take = writer.take_path(QUESTION.id, "answer")
    os.replace(audio, take)
    writer.add_take(
        QUESTION.id, {"kind": "answer", "prompt": QUESTION.text, "audio": take, "stopped_by": "end"}
    )
    writer.finish()
    return writer.id


def peak(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, float, float]:
    """(exit code, peak RSS in MB, seconds) of `mockint ARGS`."""
    began = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mockint", *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace").strip()
    if proc.returncode not in (0, 130):
        print(f"  {' '.join(args[:2])}: exit {proc.returncode}: {err[-300:]}")
    return proc.returncode, usage.ru_maxrss / 1024, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, nargs="+", default=[1.0, 10.0])
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKINT_")}
        env.update(MOCKINT_CACHE=str(tmp / "cache"), PYTHONPATH=str(ROOT))
        print(f"{'file':>10}  {'command':<40} {'exit':>4} {'peak RSS':>9} {'time':>7}")
        for hours, label in [*((h, f"{h:g} h") for h in options.hours), (0.5, "30 min")]:
            long_file = silent_wav(tmp / f"answer-{hours:g}h.wav", hours * 3600)
            rec = tmp / f"rec-{hours:g}"
            runs = []
            if label != "30 min":
                practice = [
                    "practice",
                    "--recordings",
                    str(rec / "practice"),
                    "--question",
                    QUESTION.id,
                    "--no-voice",
                    "--no-follow-ups",
                    "--answer-limit",
                    "180",
                    "--answers-from",
                    str(long_file),
                ]
                runs.append(("practice --answers-from, 180 s take", practice))
            take_file = silent_wav(tmp / f"take-{hours:g}h.wav", hours * 3600)
            session_id = session_with_take(rec / "report", take_file)
            report = ["report", session_id, "--recordings", str(rec / "report"), "-o", str(tmp / "p.html")]
            runs.append(("report (embedded or linked)", report))
            for what, args in runs:
                code, rss, seconds = peak(args, env, tmp)
                print(f"{label:>10}  {what:<40} {code:>4} {rss:>6.0f} MB {seconds:>6.1f}s")
            print(f"{'':>10}  page: {(tmp / 'p.html').stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
