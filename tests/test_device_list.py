"""`mockint devices` and choosing a device by index or name, on the virtual sound card."""

from __future__ import annotations

import json

import pytest

from mockint.audio.devices import list_devices, resolve_device
from mockint.errors import UsageError

pytestmark = pytest.mark.device


def test_devices_command_lists_the_virtual_card(pulse, run_cli):
    r = run_cli("devices")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    inputs = lines[lines.index("Input devices (* default):") + 1 : lines.index("Output devices (* default):")]
    assert any(line.lstrip().startswith("*") and "default" in line for line in inputs)
    assert any("pulse" in line for line in inputs)
    doc = json.loads(run_cli("devices", "--json").out)
    assert {d["name"] for d in doc} >= {"pulse", "default"}
    assert sum(d["default_input"] for d in doc) == 1


def test_resolve_by_index_and_name(pulse):
    pulse_dev = next(d for d in list_devices() if d.name == "pulse")
    assert resolve_device(None, "input") is None  # PortAudio's default
    assert resolve_device(pulse_dev.index, "input") == pulse_dev.index
    assert resolve_device(str(pulse_dev.index), "output") == pulse_dev.index
    assert resolve_device("PULSE", "input") == pulse_dev.index
    assert resolve_device("puls", "input") == pulse_dev.index


@pytest.mark.parametrize(
    "spec, message",
    [
        ("99", "no input device has index 99 — run 'mockint devices' to list the input devices"),
        (
            "usb headset",
            "no input device matches 'usb headset' — run 'mockint devices' to list the input devices",
        ),
    ],
)
def test_unknown_device(pulse, spec, message):
    with pytest.raises(UsageError) as err:
        resolve_device(spec, "input")
    assert err.value.message == message


def test_ambiguous_name(pulse):
    with pytest.raises(UsageError) as err:
        resolve_device("u", "input")  # "pulse" and "default"
    assert (
        "matches several input devices" in err.value.what
        and err.value.fix == "give the device's index instead"
    )
