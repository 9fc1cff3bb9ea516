"""Per-hop processing time of the streaming engine, one hop per call (the live steady state).

Feeds noise-like speech-level audio hop by hop through host.stream.StreamEngine
for each backend and prints the median and p99 time per hop, the headroom
against the 8 ms hop (8 ms / p99) and its ratio to the 20x goal.  Beside the
wall-clock figures (the goal's), the thread's CPU time per hop: on a shared
machine the wall p99 is mostly the time other processes held the core.  A
virtual machine's hops also vary run to run (everything in a hop slows down
together, up to twice), so each backend runs ``--repeats`` times and the
figures are the medians over the runs, with the range of the p99.

    python benchmarks/hop_time.py [--backends float,sim] [--hops N] [--repeats R]
"""

import argparse
import time

import numpy as np

from lutdnn.core.framing import HOP, SAMPLE_RATE
from lutdnn.host.backends import open_backend
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
    parser.add_argument("--hops", type=int, default=2000, help="hops per run (default 2000: 16 s of audio)")
    parser.add_argument("--repeats", type=int, default=5, help="runs per backend (default 5)")
    args = parser.parse_args(argv)
    for name in args.backends.split(","):
        backend = open_backend(name)
        runs = [hop_times_ms(backend, args.hops) for _ in range(args.repeats)]
        median, p99 = (np.median([np.percentile(wall, q) for wall, _ in runs]) for q in (50, 99))
        p99s = [np.percentile(wall, 99) for wall, _ in runs]
        cpu_median, cpu_p99 = (np.median([np.percentile(cpu, q) for _, cpu in runs]) for q in (50, 99))
        headroom = HOP_MS / p99
        print(f"{name:>6}: per hop median {median:.3f} ms, p99 {p99:.3f} ms (runs {min(p99s):.3f}-{max(p99s):.3f}) "
              f"over {args.repeats} x {args.hops} hops; headroom {HOP_MS:.0f} ms / p99 = {headroom:.1f}x, "
              f"ratio to the {GOAL_HEADROOM:.0f}x goal {headroom / GOAL_HEADROOM:.2f} "
              f"(thread CPU time median {cpu_median:.3f} ms, p99 {cpu_p99:.3f} ms)")


if __name__ == "__main__":
    main()
