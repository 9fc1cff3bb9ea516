"""Live enhancement: ``lutdnn live`` (microphone in, enhanced speech out).

A sounddevice duplex stream at the device's rate feeds the streaming engine
(host.stream) through streaming resamplers.  The audio callback never waits:
it hands each input block to a bounded queue and takes its output from a FIFO
that a worker thread fills; a full queue or an empty FIFO is counted as an
xrun, never hidden.  The output FIFO starts primed with silence so the worker
may be ``--slack`` block periods late (docs/live.md: the latency budget).
"""

import queue
import sys
import threading
import time
from collections import deque
from pathlib import Path

import numpy as np

from lutdnn.core.errors import CommandError
from lutdnn.core.framing import HOP, SAMPLE_RATE
from lutdnn.core.resampler import StreamResampler
from lutdnn.host.enhance import add_backend_options
from lutdnn.host.stream import DELAY, StreamEngine

SWITCH_INTERVAL_S = 0.0005  # the callback needs the GIL within a block period; Python's default is 5 ms
QUEUE_BLOCKS = 32           # input blocks the worker may fall behind before input is dropped
WAIT_S = 0.1                # the worker's longest wait for input, so stop is seen promptly


class Xruns:
    """Counts of every way audio went missing, by where it happened."""

    def __init__(self):
        self.device = 0                                    # callbacks PortAudio flagged (overflow/underflow)
        self.dropped_input = self.late_output = 0          # our queues: worker too slow

    def total(self):
        return self.device + self.dropped_input + self.late_output


class OutputFifo:
    """Device-rate output samples, filled by the worker, drained by the callback (thread-safe)."""

    def __init__(self, primed):
        self._chunks = deque([np.zeros(primed, np.float32)])
        self._size = primed
        self._lock = threading.Lock()

    def put(self, samples):
        with self._lock:
            self._chunks.append(samples.astype(np.float32))
            self._size += len(samples)

    def take(self, n):
        """``n`` samples, or None when fewer are ready (the callback then plays silence)."""
        with self._lock:
            if self._size < n:
                return None
            out = np.empty(n, np.float32)
            filled = 0
            while filled < n:
                chunk = self._chunks[0]
                used = min(n - filled, len(chunk))
                out[filled:filled + used] = chunk[:used]
                filled += used
                if used == len(chunk):
                    self._chunks.popleft()
                else:
                    self._chunks[0] = chunk[used:]
            self._size -= n
            return out


class Recorder:
    """``--record DIR``: the microphone and the output at the device rate, and both 8 kHz streams exactly."""

    def __init__(self, folder, rate):
        import soundfile as sf
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        names = {"input": (rate, "PCM_16"), "output": (rate, "PCM_16"),
                 "input_8k": (SAMPLE_RATE, "DOUBLE"), "output_8k": (SAMPLE_RATE, "DOUBLE")}
        # written under a temporary name, renamed on close: no partial file has the final name
        self.files = {k: sf.SoundFile(self.folder / f".{k}.wav.tmp", "w", r, 1, sub, format="WAV")
                      for k, (r, sub) in names.items()}

    def write(self, name, samples):
        self.files[name].write(samples)

    def close(self):
        for name, f in self.files.items():
            f.close()
            (self.folder / f".{name}.wav.tmp").replace(self.folder / f"{name}.wav")


class LivePipeline:
    """Device-rate blocks in -> the engine -> device-rate blocks out, on a worker thread."""

    def __init__(self, backend, rate, blocksize, slack_blocks, recorder=None):
        self.engine = StreamEngine(backend)
        self.rate, self.blocksize = rate, blocksize
        self.down, self.up = StreamResampler(rate, SAMPLE_RATE), StreamResampler(SAMPLE_RATE, rate)
        hop_at_rate = -(-HOP * rate // SAMPLE_RATE)
        # the worker answers a block only once a whole hop is in, and may be late by slack_blocks periods
        # (a busy machine deschedules it) before the callback finds the FIFO empty
        self.primed = (1 + slack_blocks) * blocksize + hop_at_rate
        self.inbox = queue.Queue(maxsize=QUEUE_BLOCKS)
        self.outbox = OutputFifo(self.primed)
        self.recorder = recorder
        self.xruns = Xruns()
        self.hop_times = deque(maxlen=500)
        self.levels = [-np.inf, -np.inf]
        self._pending = np.zeros(0)
        self.device_latency_s = (0.0, 0.0)   # set from the stream once it is open
        self._stop = threading.Event()
        self._worker = threading.Thread(target=self._work, name="lutdnn-live-worker", daemon=True)

    def budget(self, device_latency_s):
        """The latency budget in ms, part by part (docs/live.md); ``device_latency_s``: PortAudio's (in, out)."""
        return {"engine delay (the window reaches one hop back)": DELAY * 1000.0 / SAMPLE_RATE,
                "resampling filters (both directions)":
                    (self.down.delay_out / SAMPLE_RATE + self.up.delay_out / self.rate) * 1000.0,
                "primed output FIFO (hop filling + worker slack)": self.primed * 1000.0 / self.rate,
                "device (PortAudio's input + output latency)": 1000.0 * sum(device_latency_s)}

    # --- audio thread: never blocks ---------------------------------------------------------------
    def callback(self, indata, outdata, frames, _time, status):
        # JACK reports one graph xrun as both flags: one event, counted once
        self.xruns.device += bool(status.input_overflow or status.output_underflow)
        try:
            self.inbox.put_nowait(indata[:, 0].copy())
        except queue.Full:
            self.xruns.dropped_input += 1
        out = self.outbox.take(frames)
        if out is None:
            self.xruns.late_output += 1
            outdata.fill(0)
        else:
            outdata[:, 0] = out
            outdata[:, 1:] = 0

    # --- worker thread ----------------------------------------------------------------------------
    def start(self):
        # a first call pays one-off costs (allocation, torch's first run) before the audio starts
        self.engine.process(np.zeros(HOP))
        self.engine.reset()
        self._worker.start()

    def stop(self):
        self._stop.set()
        self._worker.join(timeout=5.0)
        if self._worker.is_alive():
            raise CommandError("the worker thread did not stop within 5 s")

    def _work(self):
        while not self._stop.is_set():
            try:
                blocks = [self.inbox.get(timeout=WAIT_S)]
            except queue.Empty:
                continue
            while not self.inbox.empty():   # catching up: one batch amortises the per-call cost
                blocks.append(self.inbox.get_nowait())
            self._process(np.concatenate(blocks))

    def _process(self, block):
        x = np.concatenate([self._pending, self.down.process(block)])
        whole = len(x) - len(x) % HOP
        self._pending = x[whole:]
        y = np.zeros(0)
        if whole:
            start = time.perf_counter()
            y = self.engine.process(x[:whole])
            self.hop_times.append((time.perf_counter() - start) / (whole // HOP))
        out = self.up.process(y)
        self.outbox.put(out)
        if len(out):
            self.levels = [dbfs(block), dbfs(out)]
        if self.recorder:
            self.recorder.write("input", block)
            self.recorder.write("output", out)
            self.recorder.write("input_8k", x[:whole])
            self.recorder.write("output_8k", y)

    def meter(self):
        hop = 1000.0 * np.median(self.hop_times) if self.hop_times else 0.0
        lat = sum(self.budget(self.device_latency_s).values())
        x = self.xruns
        return (f"in {self.levels[0]:6.1f} dBFS  out {self.levels[1]:6.1f} dBFS  hop {hop:5.2f} ms  "
                f"latency {lat:5.1f} ms  xruns {x.total()} (device {x.device} dropped {x.dropped_input} "
                f"late {x.late_output})")


def dbfs(x):
    power = float(np.mean(np.square(x))) if len(x) else 0.0
    return 10.0 * np.log10(power) if power > 0 else -np.inf


def device_arg(text):
    """A device index or a part of its name, as sounddevice takes them."""
    return int(text) if text is not None and text.isdigit() else text


def open_stream(sd, args, callback, rate):
    try:
        return sd.Stream(samplerate=rate, blocksize=args.blocksize, device=(device_arg(args.input),
                         device_arg(args.output)), channels=1, dtype="float32", callback=callback)
    except (sd.PortAudioError, ValueError) as err:
        raise CommandError(f"cannot open the audio devices: {err}") from err


def device_rate(sd, args):
    try:
        return int(args.rate or sd.query_devices(device_arg(args.input), "input")["default_samplerate"])
    except (sd.PortAudioError, ValueError) as err:
        raise CommandError(f"no input device {args.input or '(default)'}: {err}") from err


def print_budget(pipeline, backend, blocksize):
    budget = pipeline.budget(pipeline.device_latency_s)
    print(f"lutdnn live: {backend.name} backend, {pipeline.rate} Hz, blocks of {blocksize}; latency budget:")
    for part, ms in budget.items():
        print(f"  {part:<52}{ms:6.1f} ms")
    print(f"  {'total':<52}{sum(budget.values()):6.1f} ms", flush=True)


def run(args):
    import sounddevice as sd

    from lutdnn.host.enhance import backend_from_args
    if args.list_devices:
        devices = sd.query_devices()
        apis = ", ".join(api["name"] for api in sd.query_hostapis())
        print(devices if len(devices) else f"no audio devices (PortAudio host APIs: {apis})")
        return 0
    backend = backend_from_args(args)
    rate = device_rate(sd, args)
    recorder = Recorder(args.record, rate) if args.record else None
    pipeline = LivePipeline(backend, rate, args.blocksize, args.slack, recorder)
    try:
        stream = open_stream(sd, args, pipeline.callback, rate)
        pipeline.device_latency_s = stream.latency
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        print_budget(pipeline, backend, args.blocksize)
        end = time.monotonic() + args.seconds if args.seconds else None
        pipeline.start()
        try:
            with stream:
                while end is None or time.monotonic() < end:
                    time.sleep(0.25)
                    print("\r" + pipeline.meter(), end="", file=sys.stderr, flush=True)
        except KeyboardInterrupt:
            pass
        finally:
            pipeline.stop()
    finally:
        if recorder:
            recorder.close()
    print("\r" + pipeline.meter(), file=sys.stderr)
    if recorder:
        print(f"recorded {args.record}/input.wav and output.wav")
    return 0


def register(sub):
    p = sub.add_parser("live", help="enhance the microphone live (sound card in, sound card out)")
    add_backend_options(p)
    p.add_argument("--input", help="input device (index or part of its name); default: the system's")
    p.add_argument("--output", help="output device (index or part of its name); default: the system's")
    p.add_argument("--rate", type=int, help="device sample rate; default: the input device's")
    p.add_argument("--blocksize", type=int, default=256, help="device block in samples (default 256)")
    p.add_argument("--slack", type=int, default=4,
                   help="device blocks the worker may be late before the output runs dry (default 4)")
    p.add_argument("--seconds", type=float, help="stop after N seconds (default: run until Ctrl-C)")
    p.add_argument("--record", help="folder for input.wav and output.wav (and the exact 8 kHz streams)")
    p.add_argument("--list-devices", action="store_true", help="list the audio devices and exit")
    p.set_defaults(func=run)
