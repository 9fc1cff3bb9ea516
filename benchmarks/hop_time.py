"""Per-hop processing time of the streaming engine, one hop per call (the live steady state).

Feeds noise-like speech-level audio hop by hop through host.stream.StreamEngine
for each backend and prints the median and p99 time per hop, the headroom
against the 8 ms hop (8 ms / p99) and its ratio to the 20x goal.  Beside the
wall-clock figures (the goal's), the thread's CPU time per hop: on a shared
machine the wall p99 is mostly the time other processes held the core.

    python benchmarks/hop_time.py [--backends float,sim] [--hops N]
"""

import argparse
import time

import numpy as np

from lutdnn.host.backends import open_backend
from lutdnn.core.framing import HOP, SAMPLE_RATE
from lutdnn.host.stream import StreamEngine

HOP_MS = 1000.0 * HOP / SAMPLE_RATE
GOAL_HEADROOM = 20.0


def hop_times_ms(backend, hops):
    """Wall-clock and thread CPU milliseconds of each hop, ``(2, hops)``."""
    engine = StreamEngine(backend)
    rng = np.random.default_rng(0)
    t = np.arange(hops * HOP) / SAMPLE_RATE
    signal = 0.1 * np.sin(2 * np.pi * 300 * t) * (np.sin(2 * np.pi * 2 * t) > 0) + 0.02 * rng.normal(size=t.size)
    engine.process(signal[:HOP])   # one-off costs are not a hop's cost
    engine.reset()
    times = np.empty((2, hops))
    for i in range(hops):
        start, start_cpu = time.perf_counter(), time.thread_time()
        engine.process(signal[i * HOP:(i + 1) * HOP])
        times[:, i] = time.perf_counter() - start, time.thread_time() - start_cpu
    return 1000.0 * times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="float,sim", help="comma-separated backends (default float,sim)")
    parser.add_argument("--hops", type=int, default=1000, help="hops per backend (default 1000: 8 s of audio)")
    args = parser.parse_args(argv)
    for name in args.backends.split(","):
        wall, cpu = hop_times_ms(open_backend(name), args.hops)
        median, p99 = np.median(wall), np.percentile(wall, 99)
        headroom = HOP_MS / p99
        print(f"{name:>6}: per hop median {median:.3f} ms, p99 {p99:.3f} ms over {args.hops} hops; "
              f"headroom {HOP_MS:.0f} ms / p99 = {headroom:.1f}x, ratio to the {GOAL_HEADROOM:.0f}x goal "
              f"{headroom / GOAL_HEADROOM:.2f} (thread CPU time median {np.median(cpu):.3f} ms, "
              f"p99 {np.percentile(cpu, 99):.3f} ms)")


if __name__ == "__main__":
    main()
