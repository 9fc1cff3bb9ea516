"""Speed of on-the-fly training mixtures (lutdnn.model.data.mixture_pool) on one core.

Bound: an epoch of 2000 three-second (clean, noisy) pairs in under 60 s.
Prints the load time, the median time for one epoch over the repeats, and its
ratio to the bound (below 1 meets it).

    lutdnn data --speech ../shared/data/fsdd --noise ../shared/data/noise -o out/mixtures
    python benchmarks/mixture_pool.py out/mixtures [--pairs 2000] [--repeats 3]
"""

import argparse
import statistics
import time

import numpy as np

from lutdnn.model.data.mixture_pool import MixturePool

BOUND_S = 60.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mixtures", help="folder written by lutdnn data")
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    pool = MixturePool.from_manifest(args.mixtures, "train")
    speech = ", ".join(f"{len(utterances)} {corpus}" for corpus, utterances in pool.speech.items())
    print(f"load: {time.perf_counter() - started:.2f} s (utterances: {speech}; "
          f"{len(pool.recorded_noise)} noise ranges)")
    rng = np.random.default_rng(0)
    times = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        pool.pairs(rng, args.pairs)
        times.append(time.perf_counter() - started)
    epoch = statistics.median(times) * 2000 / args.pairs
    print(f"2000 pairs: {epoch:.2f} s (median of {args.repeats}); ratio to the {BOUND_S:.0f} s bound: "
          f"{epoch / BOUND_S:.3f}")


if __name__ == "__main__":
    main()
