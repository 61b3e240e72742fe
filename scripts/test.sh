#!/usr/bin/env bash
# Runs the whole test suite. A run that collects no test fails (pytest exit 5 stays non-zero).
# Workers: one per core (pytest-xdist); the device and browser tests keep to one of them, in order
# (tests/conftest.py). MOCKINT_TEST_WORKERS=0 runs everything in this process.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-artifacts
exec .venv/bin/python -m pytest -n "${MOCKINT_TEST_WORKERS:-auto}" --dist loadgroup --durations=25 "$@"
