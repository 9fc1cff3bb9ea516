"""``lutdnn hw``: generate the accelerator's Verilog and report its cost.

    lutdnn hw verilog -o DIR [--lanes P] [--max-code-bits M] [--shift-lanes]
    lutdnn hw report [--lanes P] [--max-code-bits M] [--shift-lanes] [--image PATH] [--frames N] [--no-synth]
    lutdnn hw timing [--lanes P] [--max-code-bits M] [--shift-lanes] [--keep DIR] [--seed N]
"""

import statistics
import tempfile
from pathlib import Path

import numpy as np

from lutdnn.core.errors import CommandError
from lutdnn.core.extras import require
from lutdnn.hw.rtl.geometry import DEFAULT_LANES, DEFAULT_MAX_CODE_BITS
from lutdnn.model.reference.formats import CODE_WIDTHS

CLOCK_HZ = 100e6
HOP_MS = 8.0
BOUND_CODES = 297216            # weight codes per frame (1032*256 + 256*129), the paper's 8-bit byte count
TARGETS = {"lut": 25.0, "bram36": 30.0, "dsp": 25.0}
CYCLES_TARGET_RATIO = 1.2


def add_geometry(parser):
    parser.add_argument("--lanes", type=int, default=DEFAULT_LANES, help=f"P, parallel MAC lanes (default {DEFAULT_LANES})")
    parser.add_argument("--max-code-bits", type=int, default=DEFAULT_MAX_CODE_BITS,
                        help=f"widest code width the LUTs hold (one of {CODE_WIDTHS}; lanes * bits <= 64; default {DEFAULT_MAX_CODE_BITS})")
    parser.add_argument("--shift-lanes", action="store_true",
                        help="MAC lanes shift instead of multiplying (no DSPs); runs only images whose "
                             "LUT values are all 0 or powers of two (the p2 schemes)")


def check_geometry(args):
    require("lutdnn hw", "myhdl")    # every hw command starts here
    from lutdnn.hw.rtl.lut_decode import check_geometry as check
    try:
        check(args.lanes, args.max_code_bits)
    except ValueError as err:
        raise CommandError(str(err)) from err


def run_verilog(args):
    check_geometry(args)
    from lutdnn.hw.flow.top_verilog import generate_verilog
    converted = generate_verilog(args.output, args.lanes, args.max_code_bits, shift_lanes=args.shift_lanes)
    print(f"wrote {converted.verilog}")
    return 0


def timing_image(lanes, code_bits):
    """An image of the network's shape with all-zero codes: the cycle count does
    not depend on weights or data (every frame streams the same beats)."""
    from lutdnn.core.framing import BINS, FEATURES
    from lutdnn.model.model_file import HIDDEN
    from lutdnn.model.reference.dnn import IntLayer
    from lutdnn.model.weight_image import WeightImage
    entries = 1 << code_bits

    def layer(outputs, inputs, in_frac, out_frac):
        return IntLayer(codes=np.zeros((outputs, inputs), np.int64), lut_values=np.zeros(entries, np.int64),
                        lut_shifts=np.zeros(entries, np.int64), biases=np.zeros(outputs, np.int64),
                        in_frac=in_frac, out_frac=out_frac)

    return WeightImage(layers=[layer(HIDDEN, FEATURES, 9, 10), layer(BINS, HIDDEN, 10, 12)],
                       code_bits=[code_bits, code_bits], lanes=lanes)


def measure_cycles(args):
    from lutdnn.core.framing import BINS
    from lutdnn.core.tools import ToolError
    from lutdnn.hw.flow.verilator_model import VerilatorModel
    from lutdnn.model import weight_image
    if args.image:
        try:
            image = weight_image.load(args.image)
        except (OSError, weight_image.ImageError) as err:
            raise CommandError(f"cannot load {args.image}: {err}") from err
    else:
        image = timing_image(args.lanes, min(4, args.max_code_bits))
    rng = np.random.default_rng(0)
    re = rng.integers(-3000, 3000, (args.frames, BINS))
    im = rng.integers(-3000, 3000, (args.frames, BINS))
    try:
        model = VerilatorModel(args.lanes, args.max_code_bits, shift_lanes=args.shift_lanes)
        model.load(image)
        _, _, cycles = model.run_frames(image, re, im)
    except (ToolError, ValueError) as err:
        raise CommandError(f"cycle measurement failed: {err}") from err
    return int(statistics.median(cycles.tolist()))


def run_report(args):
    check_geometry(args)
    if args.frames < 1:
        raise CommandError("--frames must be at least 1")
    cycles = measure_cycles(args)
    bound = BOUND_CODES / args.lanes
    latency_ms = cycles / CLOCK_HZ * 1e3
    lanes_kind = "shift (no multipliers)" if args.shift_lanes else "multiplier"
    print(f"accelerator: P = {args.lanes} {lanes_kind} lanes, codes up to {args.max_code_bits} bits")
    print(f"cycles per frame (Verilator, median of {args.frames}): {cycles}")
    print(f"bound 297216 / P = {bound:.0f}; ratio {cycles / bound:.3f} (target <= {CYCLES_TARGET_RATIO})")
    print(f"latency at 100 MHz: {latency_ms:.3f} ms per frame against the {HOP_MS:g} ms hop "
          f"({latency_ms / HOP_MS * 100:.1f} % of it)")
    if args.no_synth:
        return 0
    from lutdnn.core.tools import ToolError
    from lutdnn.hw.flow.synthesis import synthesize
    from lutdnn.hw.flow.top_verilog import TOP, generate_verilog
    with tempfile.TemporaryDirectory(prefix="lutdnn-hw-report-") as tmp:
        try:
            verilog = generate_verilog(tmp, args.lanes, args.max_code_bits, shift_lanes=args.shift_lanes).verilog
            resources = synthesize(verilog, TOP)
        except ToolError as err:
            raise CommandError(f"synthesis failed: {err}") from err
    print("Yosys synth_xilinx estimate, xc7z020 (PYNQ-Z2):")
    print(resources.table())
    for key, limit in TARGETS.items():
        share = resources.percent(key)
        print(f"  {key}: {share:.2f} % (target <= {limit:g} %): {'ok' if share <= limit else 'OVER'}")
    return 0


def run_timing(args):
    check_geometry(args)
    if args.keep is not None and args.keep.exists() and not args.keep.is_dir():
        raise CommandError(f"--keep {args.keep}: not a folder")
    from lutdnn.core.tools import ToolError
    from lutdnn.hw.flow import timing
    from lutdnn.hw.flow.top_verilog import generate_verilog, top_instance
    try:
        timing.require_tools()
    except ToolError as err:
        raise CommandError(str(err)) from err
    instance = top_instance(args.lanes, args.max_code_bits, args.shift_lanes)
    seed = "nextpnr's default" if args.seed is None else args.seed
    print(f"open place and route (Yosys synth_ecp5, nextpnr-ecp5 {timing.DEVICE}, out of context, seed {seed}) "
          f"at {timing.TARGET_MHZ:g} MHz; takes minutes")
    try:
        result = timing.time_design(instance, keep_dir=args.keep, seed=args.seed,
                                    write_verilog=lambda folder: generate_verilog(folder, instance=instance))
    except ToolError as err:
        raise CommandError(f"place and route failed: {err}") from err
    except timing.ReportError as err:
        raise CommandError(f"cannot read the place-and-route report: {err}") from err
    print(result.summary())
    return 0


def register(subparsers):
    hw = subparsers.add_parser("hw", help="accelerator hardware: Verilog, cost report, timing")
    sub = hw.add_subparsers(dest="hw_command", required=True, metavar="HW_COMMAND")
    verilog = sub.add_parser("verilog", help="write the top level's Verilog (deterministic)")
    verilog.add_argument("-o", "--output", required=True, help="output folder")
    add_geometry(verilog)
    verilog.set_defaults(func=run_verilog)
    report = sub.add_parser("report", help="cycles per frame (simulated) and a Yosys resource estimate")
    add_geometry(report)
    report.add_argument("--image", help="weight image to time (default: a zero image of the network's shape)")
    report.add_argument("--frames", type=int, default=5, help="frames to simulate (default 5)")
    report.add_argument("--no-synth", action="store_true", help="skip the Yosys synthesis (minutes)")
    report.set_defaults(func=run_report)
    timing = sub.add_parser("timing", help="Fmax, critical path and slack histogram by open place and route (ECP5)")
    add_geometry(timing)
    timing.add_argument("--keep", type=Path, help="keep the run's files (Verilog, netlist, report, log) here")
    timing.add_argument("--seed", type=int, help="placer seed (default: nextpnr's own, fixed)")
    timing.set_defaults(func=run_timing)
