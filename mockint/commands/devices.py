"""`mockint devices`: the input and output devices PortAudio sees, for --input-device and
--output-device. `device_lines` is reusable by other commands (e.g. a doctor)."""

from __future__ import annotations

import argparse
import json

from mockint.config import Environment, Settings


def register(sub, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("devices", parents=[common], help="list input and output sound devices")
    parser.add_argument("--json", action="store_true", help="print the devices as JSON")
    parser.set_defaults(handler=run)


def device_lines(devices: list, kind: str) -> list[str]:
    """One line per device of `kind` ("input" or "output"); the default is starred."""
    lines = []
    for d in devices:
        channels = d.inputs if kind == "input" else d.outputs
        if channels <= 0:
            continue
        star = "*" if (d.default_input if kind == "input" else d.default_output) else " "
        lines.append(
            f"  {star} {d.index:>3}  {d.name}  ({d.hostapi}, {channels} ch, {d.default_rate_hz:g} Hz)"
        )
    return lines


def run(args: argparse.Namespace, settings: Settings, env: Environment) -> int:
    from mockint.audio.devices import NO_INPUT_HERE_FIX, list_devices, pulse_sources
    from mockint.errors import SetupError

    devices = list_devices()
    sources = pulse_sources()
    if args.json:
        json.dump([d.to_dict() for d in devices], env.stdout, indent=2)
        env.stdout.write("\n")
    else:
        for kind in ("input", "output"):
            print(f"{kind.capitalize()} devices (* default):", file=env.stdout)
            print("\n".join(device_lines(devices, kind) or ["    (none)"]), file=env.stdout)
        print("Choose one with --input-device / --output-device INDEX or NAME.", file=env.stdout)
        if sources:
            print("PulseAudio sources (what 'pulse'/'default' record from; pactl):", file=env.stdout)
            for name, state in sources:
                print(f"    {name}  ({state.lower()})", file=env.stdout)
            print("Choose one with: pactl set-default-source NAME", file=env.stdout)
    if not any(d.inputs > 0 for d in devices):
        raise SetupError("no input device found", NO_INPUT_HERE_FIX)
    return 0
