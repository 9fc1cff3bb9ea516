"""Fmax of the accelerator's top level by open place and route, against the 100 MHz target.

Converts the top level, synthesises it with Yosys ``synth_ecp5`` and places and
routes it with nextpnr-ecp5 (LFE5UM-85F, out of context, nextpnr's own fixed
seed: the same figure every run), then prints Fmax, its ratio to the target, the critical
path and the slack histogram (hw/flow/timing.py, docs/hw_flow.md).  Takes
several minutes; ``--seeds`` runs more placements and prints their median.

    python benchmarks/timing_fmax.py [--lanes P] [--max-code-bits M] [--shift-lanes] [--seeds S ...] [--keep DIR]
"""

import argparse
import statistics
from pathlib import Path

from lutdnn.hw.flow import timing
from lutdnn.hw.flow.top_verilog import generate_verilog, top_instance
from lutdnn.hw.rtl.geometry import DEFAULT_LANES, DEFAULT_MAX_CODE_BITS


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lanes", type=int, default=DEFAULT_LANES)
    parser.add_argument("--max-code-bits", type=int, default=DEFAULT_MAX_CODE_BITS)
    parser.add_argument("--shift-lanes", action="store_true")
    parser.add_argument("--seeds", type=int, nargs="+", default=[timing.SEED],
                        help="placer seeds (default: nextpnr's own)")
    parser.add_argument("--keep", type=Path, help="keep each run's files in DIR/seed-<N>")
    args = parser.parse_args(argv)
    instance = top_instance(args.lanes, args.max_code_bits, args.shift_lanes)
    fmax = []
    for seed in args.seeds:
        keep = args.keep / f"seed-{'default' if seed is None else seed}" if args.keep else None
        result = timing.time_design(instance, keep_dir=keep, seed=seed,
                                    write_verilog=lambda folder: generate_verilog(folder, instance=instance))
        print(f"seed {'default' if seed is None else seed}:")
        print(result.summary())
        fmax.append(result.fmax_mhz)
    median = statistics.median(fmax)
    print(f"Fmax median of {len(fmax)} placement(s): {median:.2f} MHz (min {min(fmax):.2f}); "
          f"ratio {median / timing.TARGET_MHZ:.3f} to the {timing.TARGET_MHZ:g} MHz target (bound: >= 1)")


if __name__ == "__main__":
    main()
