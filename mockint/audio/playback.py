"""PortAudio through sounddevice: the devices, and playing sound (questions, cues, replays).

sounddevice loads PortAudio when imported, so it is imported on first use only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from mockint.audio.files import to_int16
from mockint.errors import MockintError, SetupError, UsageError
from mockint.ports import SAMPLE_RATE_HZ

if TYPE_CHECKING:
    import sounddevice

PLAY_STALL_S = 3.0  # an output that consumes nothing this long has gone away
PROGRESS_S = 0.05  # how often play() reports its position
# Silence around the sound: a stream's first few tens of milliseconds can be lost while it
# starts (seen with ALSA's pulse plugin), and closing it drops what the server still buffers.
PLAY_LEAD_S = 0.05
QUIET_LEVEL = 64  # samples below this (about -54 dBFS) count as silence for the lead-in
# A generous output buffer: on a busy machine a short one underruns (audible gaps). It does not
# delay the start: the first frames go out as soon as the stream starts.
PLAY_LATENCY_S = 0.1
PLAY_TAIL_S = 0.25  # must exceed PLAY_LATENCY_S, or the sound's last frames are cut
NO_INPUT_FIX = "run 'mockint devices', or install PortAudio: apt-get install libportaudio2"


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
        return {"index": self.index, "name": self.name, "hostapi": self.hostapi, "inputs": self.inputs,
                "outputs": self.outputs, "default_rate_hz": self.default_rate_hz,
                "default_input": self.default_input, "default_output": self.default_output}


def sounddevice_module() -> sounddevice:
    """sounddevice, loaded on first use (it loads PortAudio), with a clear error when it can't."""
    try:
        import sounddevice as sd
    except OSError:  # sounddevice raises OSError when libportaudio is missing
        raise SetupError("PortAudio is not installed", "apt-get install libportaudio2") from None
    except ImportError:
        raise SetupError("the Python package sounddevice is not installed", "pip install sounddevice") from None
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
    handler_type = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int,
                                    ctypes.c_char_p)
    _alsa_handler = handler_type(lambda *args: None)
    ctypes.cdll.LoadLibrary(name).snd_lib_error_set_handler(_alsa_handler)


def list_devices() -> list[Device]:
    """Every input and output device PortAudio sees."""
    sd = sounddevice_module()
    default_in, default_out = _default_indices(sd)
    apis = [api["name"] for api in sd.query_hostapis()]
    return [
        Device(index=i, name=d["name"], hostapi=apis[d["hostapi"]], inputs=d["max_input_channels"],
               outputs=d["max_output_channels"], default_rate_hz=float(d["default_samplerate"]),
               default_input=i == default_in, default_output=i == default_out)
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
        raise UsageError(f"no {kind} device has index {index}", f"run 'mockint devices' to list the {kind} devices")
    wanted = str(spec).strip().lower()
    exact = [d for d in devices if d.name.lower() == wanted]
    matches = exact or [d for d in devices if wanted in d.name.lower()]
    if len(matches) == 1:
        return matches[0].index
    if not matches:
        raise UsageError(f"no {kind} device matches '{spec}'", f"run 'mockint devices' to list the {kind} devices")
    names = ", ".join(f"{d.index}: {d.name}" for d in matches)
    raise UsageError(f"'{spec}' matches several {kind} devices ({names})", "give the device's index instead")


def device_name(index: int | None, kind: str) -> str:
    sd = sounddevice_module()
    try:
        return str(sd.query_devices(index, kind=kind)["name"])
    except (ValueError, sd.PortAudioError):
        return "the default device"


# -- playback -----------------------------------------------------------------------------


def play(
    source: Path | np.ndarray,
    *,
    device: str | int | None = None,
    start_s: float = 0.0,
    end_s: float | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> None:
    """Play an audio file (or int16/float samples at SAMPLE_RATE_HZ) and return when it is heard.

    `on_progress(seconds)` is called on this thread with the position in `source` being played:
    first as soon as the first frame has gone to the device, then about every 50 ms.
    """
    sd = sounddevice_module()
    samples, rate = _playable(source)
    first = int(max(0.0, start_s) * rate)
    last = samples.shape[0] if end_s is None else min(samples.shape[0], int(end_s * rate))
    samples = samples[first:last]
    if samples.shape[0] == 0:
        return
    index = resolve_device(device, "output")
    out_rate = supported_rate(sd, index, rate, kind="output")
    if out_rate != rate:
        import soxr

        samples = to_int16(soxr.resample(samples.astype(np.float32) / 32768.0, rate, out_rate, quality="HQ"))
    length = samples.shape[0]
    lead = _lead_in_needed(samples, int(PLAY_LEAD_S * out_rate))
    samples = np.concatenate([np.zeros(lead, dtype=np.int16), samples,
                              np.zeros(int(PLAY_TAIL_S * out_rate), dtype=np.int16)])
    pos = 0
    started, done = threading.Event(), threading.Event()

    def callback(outdata, frames, time_info, status) -> None:
        nonlocal pos
        n = min(frames, samples.shape[0] - pos)
        outdata[:n, 0] = samples[pos:pos + n]
        outdata[n:] = 0
        pos += n
        started.set()
        if n < frames:
            raise sd.CallbackStop

    try:
        stream = sd.OutputStream(device=index, samplerate=out_rate, channels=1, dtype="int16",
                                 callback=callback, finished_callback=done.set, latency=PLAY_LATENCY_S)
    except sd.PortAudioError as exc:
        raise SetupError(f"could not open {device_name(index, 'output')} for playback ({exc})",
                         "run 'mockint devices' and pick one with --output-device, or use --no-voice") from None
    with stream:
        seen, seen_at = -1, time.monotonic()
        started.wait(PLAY_STALL_S)
        while True:
            if on_progress is not None and started.is_set():
                on_progress(start_s + min(length, max(0.0, pos - lead - stream.latency * out_rate)) / out_rate)
            if done.wait(PROGRESS_S):
                break
            if pos != seen:
                seen, seen_at = pos, time.monotonic()
            elif time.monotonic() - seen_at > PLAY_STALL_S:
                raise MockintError(f"{device_name(index, 'output')} stopped playing",
                                   "check the speaker or headphones, then run 'mockint devices'")
    if on_progress is not None:
        on_progress(start_s + length / out_rate)


def _lead_in_needed(samples: np.ndarray, lead: int) -> int:
    """Silence to put before `samples` so the stream starts with `lead` quiet frames (a spoken
    question usually brings its own, and then starts at once)."""
    loud = np.flatnonzero(np.abs(samples[:lead].astype(np.int32)) > QUIET_LEVEL)
    return lead - (int(loud[0]) if loud.size else lead)


def _playable(source: Path | np.ndarray) -> tuple[np.ndarray, int]:
    """Mono int16 samples and their rate."""
    if isinstance(source, np.ndarray):
        samples = source if source.dtype == np.int16 else to_int16(source)
        return samples.reshape(-1), SAMPLE_RATE_HZ
    import soundfile as sf

    try:
        data, rate = sf.read(str(source), dtype="int16", always_2d=True)
    except (sf.LibsndfileError, RuntimeError) as exc:
        raise UsageError(f"cannot play {source} ({exc})", "check the file is WAV or FLAC audio") from None
    mono = data[:, 0] if data.shape[1] == 1 else data.mean(axis=1).astype(np.int16)
    return mono, int(rate)


def supported_rate(sd, index: int | None, rate: int, *, kind: str) -> int:
    """`rate` if the device takes it, else the device's own default rate (we resample)."""
    check = sd.check_input_settings if kind == "input" else sd.check_output_settings
    try:
        check(device=index, channels=1, dtype="int16", samplerate=rate)
        return rate
    except (ValueError, sd.PortAudioError):
        return int(sd.query_devices(index, kind=kind)["default_samplerate"])
