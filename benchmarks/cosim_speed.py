"""Speed of the ``cosim`` backend's Verilator model: simulated clock cycles per second.

Streams whole frames (spectrum packet, code packet, output packet) through the
compiled top level and prints the median over repeats, and its ratio to the
target 2.4 M cycles/s (about real time: 19.3 k cycles per 8 ms hop is 2.4 M
cycles/s of simulated hardware).  The build is cached; it is not timed.

    python benchmarks/cosim_speed.py [--frames N] [--repeats R]
"""

import argparse
import statistics
import time

import numpy as np

from lutdnn.hw.flow.cli import timing_image
from lutdnn.hw.flow.verilator_model import VerilatorModel

TARGET_CYCLES_PER_S = 2.4e6


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=20, help="frames per repeat (default 20)")
    parser.add_argument("--repeats", type=int, default=7, help="repeats (default 7)")
    args = parser.parse_args(argv)
    image = timing_image(16, 4)
    model = VerilatorModel()
    model.load(image)
    rng = np.random.default_rng(0)
    re = rng.integers(-3000, 3000, (args.frames, 129))
    im = rng.integers(-3000, 3000, (args.frames, 129))
    rates = []
    for _ in range(args.repeats):
        start_cycles, start = model.cycles, time.perf_counter()
        model.run_frames(image, re, im)
        rates.append((model.cycles - start_cycles) / (time.perf_counter() - start))
    median = statistics.median(rates)
    print(f"cosim speed: median {median / 1e6:.2f} M cycles/s over {args.repeats} x {args.frames} frames "
          f"(min {min(rates) / 1e6:.2f}, max {max(rates) / 1e6:.2f})")
    print(f"ratio to the {TARGET_CYCLES_PER_S / 1e6:.1f} M cycles/s target: {median / TARGET_CYCLES_PER_S:.2f}")


if __name__ == "__main__":
    main()
