"""Time to quantize the whole model with each scheme (bound: 60 s per scheme).

    python benchmarks/quantize_speed.py --data DIR [--model MODEL] [--repeats 3] [SPEC ...]

DIR is a folder written by ``lutdnn data``; its validation mixtures calibrate
(loading them is timed once, separately).  Prints the median over repeats and
its ratio to the bound for every spec.
"""

import argparse
import statistics
import time

from lutdnn.model.float_net import load_float_net
from lutdnn.model.quantize import calibrate, pipeline

BOUND_S = 60.0
SPECS = ("8u", "4u", "4rsvb", "4rsvb/8u", "4rsvb+ec", "3rsvb+ec", "2rsvb+ec", "4p2", "4km+ec", "3km+ec",
         "8u@r32", "8u@t64x4x32/8u@r32")


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("specs", nargs="*", default=SPECS)
    parser.add_argument("--data", required=True, help="folder written by 'lutdnn data'")
    parser.add_argument("--model", help="float model (default: the shipped one)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    net = load_float_net(args.model)
    calibration = []
    load_s = timed(lambda: calibration.append(calibrate.validation_inputs(args.data, net.config)))
    print(f"calibration: {len(calibration[0])} validation frames loaded in {load_s:.1f} s")
    print(f"{'scheme':<22}{'median s':>10}{'ratio to 60 s':>15}")
    worst = 0.0
    for spec in args.specs:
        median = statistics.median(timed(lambda: pipeline.quantize_model(net, spec, calibration[0]))
                                   for _ in range(args.repeats))
        worst = max(worst, median)
        print(f"{spec:<22}{median:>10.2f}{median / BOUND_S:>15.3f}", flush=True)
    print(f"slowest: {worst:.2f} s = {worst / BOUND_S:.3f} of the {BOUND_S:.0f} s bound")


if __name__ == "__main__":
    main()
