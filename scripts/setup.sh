#!/usr/bin/env bash
# One-time set-up, safe to run again: system packages (apt, only those missing), a virtual
# environment in .venv and mockint installed into it with its test extras.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the program and its tests use:
#   libportaudio2 libsndfile1        audio I/O (sounddevice, soundfile)
#   espeak-ng                        the interviewer's voice (pyttsx3's Linux driver)
#   festival festvox-us-slt-hts      the voice that made the sample answers (regenerating them)
#   pulseaudio pulseaudio-utils libasound2-plugins   the virtual sound card of the device tests
#   chromium                         the browser of the HTML report tests
#   sox                              audio checks in tests and benchmarks
APT_PACKAGES=(python3-venv libportaudio2 libsndfile1 espeak-ng festival festvox-us-slt-hts
  pulseaudio pulseaudio-utils libasound2-plugins chromium sox)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.mockint-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test]"
  touch "$stamp"
fi
