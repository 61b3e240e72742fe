"""Playing sound through PortAudio (questions, cues, replays), with progress and stall checks."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from mockint.audio.devices import device_name, resolve_device, sounddevice_module, supported_rate
from mockint.audio.files import to_int16
from mockint.errors import MockintError, SetupError, UsageError
from mockint.ports import SAMPLE_RATE_HZ

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


def play(
    source: Path | np.ndarray,
    *,
    device: str | int | None = None,
    start_s: float = 0.0,
    end_s: float | None = None,
    on_progress: Callable[[float], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> None:
    """Play an audio file (or int16/float samples at SAMPLE_RATE_HZ) and return when it is heard.

    `on_progress(seconds)` is called on this thread with the position in `source` being played:
    first as soon as the first frame has gone to the device, then about every 50 ms.
    `should_stop()`, asked as often, ends playback early when it returns True (replay's keys).
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
    samples = np.concatenate(
        [np.zeros(lead, dtype=np.int16), samples, np.zeros(int(PLAY_TAIL_S * out_rate), dtype=np.int16)]
    )
    pos = 0
    started, done = threading.Event(), threading.Event()

    def callback(outdata, frames, time_info, status) -> None:
        nonlocal pos
        n = min(frames, samples.shape[0] - pos)
        outdata[:n, 0] = samples[pos : pos + n]
        outdata[n:] = 0
        pos += n
        started.set()
        if n < frames:
            raise sd.CallbackStop

    try:
        stream = sd.OutputStream(
            device=index,
            samplerate=out_rate,
            channels=1,
            dtype="int16",
            callback=callback,
            finished_callback=done.set,
            latency=PLAY_LATENCY_S,
        )
    except sd.PortAudioError as exc:
        raise SetupError(
            f"could not open {device_name(index, 'output')} for playback ({exc})",
            "run 'mockint devices' and pick one with --output-device, or use --no-voice",
        ) from None
    with stream:
        seen, seen_at = -1, time.monotonic()
        started.wait(PLAY_STALL_S)
        while True:
            if on_progress is not None and started.is_set():
                on_progress(
                    start_s + min(length, max(0.0, pos - lead - stream.latency * out_rate)) / out_rate
                )
            if done.wait(PROGRESS_S):
                break
            if should_stop is not None and should_stop():
                stream.abort()  # at once, not after the buffered audio
                return
            if pos != seen:
                seen, seen_at = pos, time.monotonic()
            elif time.monotonic() - seen_at > PLAY_STALL_S:
                raise MockintError(
                    f"{device_name(index, 'output')} stopped playing",
                    "check the speaker or headphones, then run 'mockint devices'",
                )
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

    from mockint.audio.files import check_rate

    try:
        check_rate(Path(source), sf.info(str(source)).samplerate)  # the one check every reader makes
        data, rate = sf.read(str(source), dtype="int16", always_2d=True)
    except (sf.LibsndfileError, RuntimeError) as exc:
        raise UsageError(f"cannot play {source} ({exc})", "check the file is WAV or FLAC audio") from None
    mono = data[:, 0] if data.shape[1] == 1 else data.mean(axis=1).astype(np.int16)
    return mono, int(rate)
