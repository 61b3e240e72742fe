#!/usr/bin/env bash
# Runs the whole test suite. A run that collects no test fails (pytest exit 5 stays non-zero).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-artifacts
exec .venv/bin/python -m pytest --durations=25 "$@"
