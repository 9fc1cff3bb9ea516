"""Peak memory of ``lutdnn enhance`` against the input's length.

Writes noise-like 16-bit recordings of each length (8 kHz, or ``--rate``:
then resampled on the way in and out), runs ``lutdnn enhance`` on each in a
fresh process and prints that process's peak RSS, the growth per minute of
input and the ratio of the longest run's peak to the 150 MB bound (a PYNQ-Z2
has 512 MB in all).

    python benchmarks/enhance_memory.py [--backends sim,float] [--minutes 1,5,10] [--rate 8000]
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

BOUND_MB = 150.0


def peak_rss_mb(command):
    """Peak RSS of a child process (ru_maxrss of the children waited for so far only grows, so one per call)."""
    done = subprocess.run([sys.executable, "-c",
                           "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
                           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)", *command],
                          capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1]) / 1024.0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sim,float", help="comma-separated backends (default sim,float)")
    parser.add_argument("--minutes", default="1,5,10", help="input lengths in minutes (default 1,5,10)")
    parser.add_argument("--rate", type=int, default=8000, help="the recordings' sample rate (default 8000)")
    args = parser.parse_args(argv)
    minutes = [float(m) for m in args.minutes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        rng = np.random.default_rng(0)
        for name in args.backends.split(","):
            peaks = []
            for m in minutes:
                src = Path(tmp) / f"in_{m:g}min.wav"
                if not src.exists():
                    sf.write(src, 0.05 * rng.standard_normal(int(m * 60 * args.rate)), args.rate, subtype="PCM_16")
                peaks.append(peak_rss_mb([sys.executable, "-m", "lutdnn.host.cli", "enhance", str(src),
                                          "-o", str(Path(tmp) / "out.wav"), "--backend", name]))
                print(f"{name:>6}: {m:5.1f} min at {args.rate} Hz -> peak RSS {peaks[-1]:7.1f} MB", flush=True)
            slope = np.polyfit(minutes, peaks, 1)[0] if len(minutes) > 1 else float("nan")
            print(f"{name:>6}: growth {slope:.1f} MB per minute of input; peak at {minutes[-1]:g} min "
                  f"{peaks[-1]:.1f} MB, ratio to the {BOUND_MB:.0f} MB bound {peaks[-1] / BOUND_MB:.2f}")


if __name__ == "__main__":
    main()
