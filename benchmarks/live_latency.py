"""End-to-end latency of ``lutdnn live`` measured by loop-back under a JACK dummy server.

Starts ``jackd -d dummy`` (48 kHz, 256-sample periods), runs ``lutdnn live``
on it, plays tone bursts into its input with ``jack-play`` and records the
player's output and the live client's output together with ``jack_rec`` (one
JACK client, one timeline).  The lag of the cross-correlation of their
envelopes is the latency a listener gets; it is printed with the budget that
``lutdnn live`` prints at start and their ratio.  Needs jackd2 and jack-tools
(scripts/setup.sh).

    python benchmarks/live_latency.py [--backend float] [--seconds 8]
"""

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

RATE = 48000


def ports(prefix):
    return [p for p in subprocess.run(["jack_lsp"], capture_output=True, text=True, timeout=10).stdout.split()
            if p.startswith(prefix)]


def wait_for_port(prefix, timeout_s=60.0):
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if ports(prefix):
            return ports(prefix)[0]
        time.sleep(0.05)
    raise SystemExit(f"no JACK port {prefix}* within {timeout_s} s")


def bursts(seconds):
    """300 Hz tone bursts of 0.2 s every 0.5 s, in light noise."""
    t = np.arange(int(RATE * seconds)) / RATE
    on = (t % 0.5) < 0.2
    return 0.2 * np.sin(2 * np.pi * 300 * t) * on + 0.002 * np.random.default_rng(0).standard_normal(t.size)


def envelope(x, width=96):
    return np.convolve(np.abs(x), np.ones(width) / width, mode="same")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="float", help="backend (default float)")
    parser.add_argument("--seconds", type=float, default=8.0, help="seconds of bursts (default 8)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sf.write(tmp / "bursts.wav", bursts(args.seconds), RATE, subtype="FLOAT")
        server = subprocess.Popen(["jackd", "-R", "-d", "dummy", "-r", str(RATE), "-p", "256"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for_port("system:capture_1")
            live = subprocess.Popen([sys.executable, "-m", "lutdnn.host.cli", "live", "--backend", args.backend,
                                     "--seconds", str(args.seconds + 4)], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
            live_in, live_out = wait_for_port("PortAudio:in_0"), wait_for_port("PortAudio:out_0")
            player = subprocess.Popen(["jack-play", str(tmp / "bursts.wav")], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
            source = wait_for_port("jack-play")
            recorder = subprocess.Popen(["jack_rec", "-f", str(tmp / "loop.wav"), "-d", str(args.seconds + 1),
                                         source, live_out], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            subprocess.run(["jack_connect", source, live_in], check=True, timeout=10)
            recorder.wait(timeout=args.seconds + 30)
            out, err = live.communicate(timeout=args.seconds + 60)
            player.wait(timeout=10)
        finally:
            server.terminate()
            server.wait(timeout=10)
        loop, _ = sf.read(tmp / "loop.wav")
    sent, heard = envelope(loop[:, 0]), envelope(loop[:, 1])
    sent, heard = sent - sent.mean(), heard - heard.mean()
    max_lag = RATE // 4
    lags = np.arange(max_lag)
    corr = [np.dot(sent[:len(sent) - lag], heard[lag:]) for lag in lags]
    measured_ms = 1000.0 * lags[int(np.argmax(corr))] / RATE
    budget_ms = float(re.search(r"total\s+([\d.]+) ms", out).group(1))
    print(f"{args.backend}: loop-back latency {measured_ms:.1f} ms (between the JACK ports); budget {budget_ms:.1f} ms; measured / budget {measured_ms / budget_ms:.2f}")
    print("live's last meter: " + err.strip().splitlines()[-1].split("\r")[-1])


if __name__ == "__main__":
    main()
