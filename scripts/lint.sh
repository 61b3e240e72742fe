#!/usr/bin/env bash
# The linters: ruff check and ruff format --check, with the ruff pinned in pyproject.toml's `lint`
# extra. Needs no system packages: a .venv with just ruff is made when there is none.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/ruff ]; then
  [ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
  spec=$(.venv/bin/python -c "import tomllib; print(tomllib.load(open('pyproject.toml','rb'))['project']['optional-dependencies']['lint'][0])")
  .venv/bin/python -m pip install -q "$spec"
fi
.venv/bin/ruff check mockint tests benchmarks scripts
.venv/bin/ruff format --check mockint tests benchmarks scripts
