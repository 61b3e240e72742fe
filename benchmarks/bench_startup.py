"""How fast `mockint --help` starts (target < 0.3 s), beside a bare Python start-up.

Usage: .venv/bin/python benchmarks/bench_startup.py [RUNS]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_S = 0.3
VENV_BIN = Path(sys.executable).parent


def timed(cmd: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd="/tmp")
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    rows = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "mockint --help": [str(VENV_BIN / "mockint"), "--help"],
        "mockint bank list --json": [str(VENV_BIN / "mockint"), "bank", "list", "--json"],
    }
    base = None
    print(f"{'command':28} {'median s':>9} {'p90 s':>7} {'vs python':>10}")
    for name, cmd in rows.items():
        t = sorted(timed(cmd, runs))
        med, p90 = statistics.median(t), t[int(0.9 * (len(t) - 1))]
        base = base or med
        print(f"{name:28} {med:9.3f} {p90:7.3f} {med / base:9.1f}x")
        if name == "mockint --help":
            verdict = "meets" if med < TARGET_S else "MISSES"
            print(f"  → {verdict} the {TARGET_S} s target")


if __name__ == "__main__":
    main()
