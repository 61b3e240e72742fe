#!/usr/bin/env bash
# Runs the whole test suite. A run that collects no test fails (pytest exit 5 stays non-zero).
# Two pytest-xdist workers by default (MOCKINT_TEST_WORKERS=0 for one process): on 2 cores that
# takes the suite from ~15 to ~10 minutes. The device and browser tests stay in one worker, one
# after another in file order (tests/conftest.py).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-artifacts
exec .venv/bin/python -m pytest -n "${MOCKINT_TEST_WORKERS:-2}" --dist loadgroup --durations=25 "$@"
