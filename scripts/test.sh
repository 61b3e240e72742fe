#!/usr/bin/env bash
# Runs the whole test suite. A run that collects no test fails (pytest exit 5 stays non-zero).
# One process by default. MOCKINT_TEST_WORKERS=2 (pytest-xdist) halves the time on 2 cores, with
# the device and browser tests kept to one worker in order (tests/conftest.py), but the other
# worker's CPU load once cut a browser capture's fidelity below its bound (0.887 < 0.9).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-artifacts
exec .venv/bin/python -m pytest -n "${MOCKINT_TEST_WORKERS:-0}" --dist loadgroup --durations=25 "$@"
