"""PortAudio's devices through sounddevice: listing them, choosing one, the rates they take.

sounddevice loads PortAudio when imported, so it is imported on first use only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mockint.errors import SetupError, UsageError

if TYPE_CHECKING:
    import sounddevice

NO_INPUT_FIX = "run 'mockint devices', or install PortAudio: apt-get install libportaudio2"
# said by `mockint devices` itself, which has just listed what there is
NO_INPUT_HERE_FIX = "plug in or unmute a microphone, or install PortAudio: apt-get install libportaudio2"
PACTL_TIMEOUT_S = 3.0


def pulse_sources() -> list[tuple[str, str]] | None:
    """PulseAudio's sources as (name, state), when `pactl` reaches a server; None otherwise.

    PortAudio shows a PulseAudio server as one `pulse`/`default` device; its sources (the
    microphones, and monitors of outputs) are chosen in PulseAudio (`pactl set-default-source`)."""
    import shutil
    import subprocess

    if shutil.which("pactl") is None:
        return None
    try:
        done = subprocess.run(
            ["pactl", "list", "short", "sources"],
            capture_output=True,
            text=True,
            timeout=PACTL_TIMEOUT_S,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    rows = [line.split("\t") for line in done.stdout.splitlines() if line.strip()]
    return [(r[1], r[-1]) for r in rows if len(r) >= 2]


@dataclass(frozen=True)
class Device:
    index: int  # PortAudio's device index, usable with --input-device / --output-device
    name: str
    hostapi: str
    inputs: int  # input channels (0: not an input)
    outputs: int  # output channels (0: not an output)
    default_rate_hz: float
    default_input: bool = False
    default_output: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "name": self.name,
            "hostapi": self.hostapi,
            "inputs": self.inputs,
            "outputs": self.outputs,
            "default_rate_hz": self.default_rate_hz,
            "default_input": self.default_input,
            "default_output": self.default_output,
        }


def sounddevice_module() -> sounddevice:
    """sounddevice, loaded on first use (it loads PortAudio), with a clear error when it can't."""
    try:
        import sounddevice as sd
    except OSError:  # sounddevice raises OSError when libportaudio is missing
        raise SetupError("PortAudio is not installed", "apt-get install libportaudio2") from None
    except ImportError:
        raise SetupError(
            "the Python package sounddevice is not installed", "pip install sounddevice"
        ) from None
    _quiet_alsa()
    return sd


_alsa_handler = None  # kept referenced: ALSA calls it for as long as the process lives


def _quiet_alsa() -> None:
    """Keep libasound's own messages ("underrun occurred"…) off the terminal, where they would
    break the live view; mockint reports what matters itself (overflows, lost devices)."""
    global _alsa_handler
    if _alsa_handler is not None:
        return
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("asound")
    if name is None:  # not Linux/ALSA: nothing to quiet
        _alsa_handler = False
        return
    handler_type = ctypes.CFUNCTYPE(
        None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
    )
    _alsa_handler = handler_type(lambda *args: None)
    ctypes.cdll.LoadLibrary(name).snd_lib_error_set_handler(_alsa_handler)


def list_devices() -> list[Device]:
    """Every input and output device PortAudio sees."""
    sd = sounddevice_module()
    default_in, default_out = _default_indices(sd)
    apis = [api["name"] for api in sd.query_hostapis()]
    return [
        Device(
            index=i,
            name=d["name"],
            hostapi=apis[d["hostapi"]],
            inputs=d["max_input_channels"],
            outputs=d["max_output_channels"],
            default_rate_hz=float(d["default_samplerate"]),
            default_input=i == default_in,
            default_output=i == default_out,
        )
        for i, d in enumerate(sd.query_devices())
    ]


def _default_indices(sd) -> tuple[int, int]:
    default = sd.default.device
    return int(default[0]), int(default[1])


def resolve_device(spec: str | int | None, kind: str) -> int | None:
    """The device index for `spec` (an index, or a name or part of one); None: the default.

    kind is "input" or "output". Raises SetupError when there is no such device at all, and
    UsageError when `spec` matches none or several.
    """
    devices = [d for d in list_devices() if (d.inputs if kind == "input" else d.outputs) > 0]
    if not devices:
        if kind == "input":
            raise SetupError("no input device found", NO_INPUT_FIX)
        raise SetupError("no output device found", "run 'mockint devices', or practise with --no-voice")
    if spec is None or spec == "":
        if any(d.default_input if kind == "input" else d.default_output for d in devices):
            return None
        return devices[0].index  # no default set: the first device that can do it
    if isinstance(spec, int) or str(spec).strip().isdigit():
        index = int(spec)
        if any(d.index == index for d in devices):
            return index
        raise UsageError(
            f"no {kind} device has index {index}", f"run 'mockint devices' to list the {kind} devices"
        )
    wanted = str(spec).strip().lower()
    exact = [d for d in devices if d.name.lower() == wanted]
    matches = exact or [d for d in devices if wanted in d.name.lower()]
    if len(matches) == 1:
        return matches[0].index
    if not matches:
        raise UsageError(
            f"no {kind} device matches '{spec}'", f"run 'mockint devices' to list the {kind} devices"
        )
    names = ", ".join(f"{d.index}: {d.name}" for d in matches)
    raise UsageError(f"'{spec}' matches several {kind} devices ({names})", "give the device's index instead")


def device_name(index: int | None, kind: str) -> str:
    sd = sounddevice_module()
    try:
        return str(sd.query_devices(index, kind=kind)["name"])
    except (ValueError, sd.PortAudioError):
        return "the default device"


def supported_rate(sd, index: int | None, rate: int, *, kind: str) -> int:
    """`rate` if the device takes it, else the device's own default rate (we resample)."""
    check = sd.check_input_settings if kind == "input" else sd.check_output_settings
    try:
        check(device=index, channels=1, dtype="int16", samplerate=rate)
        return rate
    except (ValueError, sd.PortAudioError):
        return int(sd.query_devices(index, kind=kind)["default_samplerate"])
