"""Clock cycles per frame of the accelerator, measured in simulation, against the bound 297216 / P.

Runs frames through the Verilator model of the generated top level (no
backpressure) and reads the CYCLES register (first input beat to last output
beat) after each; prints the median, the ratio to the bound, and the latency
at 100 MHz against the 8 ms hop.  The count is the same for every frame and
every image (the stream is the same length); the spread printed shows it.
``--shift-lanes`` measures the shift build (MAC lanes without multipliers).

    python benchmarks/cycles_per_frame.py [--lanes P ...] [--frames N] [--shift-lanes]
"""

import argparse
import statistics

import numpy as np

from lutdnn.hw.flow.cli import BOUND_CODES, CLOCK_HZ, HOP_MS, timing_image
from lutdnn.hw.flow.verilator_model import VerilatorModel


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lanes", type=int, nargs="+", default=[16], help="lane counts to measure (default 16)")
    parser.add_argument("--frames", type=int, default=10, help="frames per lane count (default 10)")
    parser.add_argument("--shift-lanes", action="store_true", help="the shift build (power-of-two LUTs only)")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    re = rng.integers(-3000, 3000, (args.frames, 129))
    im = rng.integers(-3000, 3000, (args.frames, 129))
    print("| P | cycles/frame (median, min-max) | bound 297216/P | ratio | latency @100 MHz | share of 8 ms hop |")
    print("| --- | --- | --- | --- | --- | --- |")
    for lanes in args.lanes:
        image = timing_image(lanes, 4)
        model = VerilatorModel(lanes=lanes, shift_lanes=args.shift_lanes)
        model.load(image)
        cycles = model.run_frames(image, re, im)[2].tolist()
        median = statistics.median(cycles)
        bound = BOUND_CODES / lanes
        ms = median / CLOCK_HZ * 1e3
        print(f"| {lanes} | {median:.0f} ({min(cycles)}-{max(cycles)}) | {bound:.0f} | {median / bound:.3f} | "
              f"{ms:.3f} ms | {ms / HOP_MS * 100:.1f} % |")


if __name__ == "__main__":
    main()
