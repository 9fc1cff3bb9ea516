"""``python -m lutdnn.overlay.build_inputs BOARD BUILD_DIR``: the overlay build's Tcl for one board.

Run by overlay/boards/overlay.mk after ``lutdnn hw verilog -o BUILD_DIR/hdl``;
writes package_ip.tcl, block_design.tcl and build_bitstream.tcl beside it.
"""

import argparse
import sys
from pathlib import Path

from lutdnn.overlay.board_designs import BOARDS, VIVADO_VERSION
from lutdnn.overlay.build_tcl import TOP, write_build_scripts


def main(argv=None):
    parser = argparse.ArgumentParser(prog="lutdnn.overlay.build_inputs", description=__doc__.splitlines()[0])
    parser.add_argument("board", help=f"one of {', '.join(BOARDS)}")
    parser.add_argument("build_dir", help="folder holding hdl/accelerator_top.v; the scripts go here")
    args = parser.parse_args(argv)
    if args.board not in BOARDS:
        print(f"build_inputs: error: unknown board {args.board!r}; choose from {', '.join(BOARDS)}", file=sys.stderr)
        return 2
    verilog = Path(args.build_dir) / "hdl" / f"{TOP}.v"
    try:
        scripts = write_build_scripts(BOARDS[args.board], verilog, args.build_dir)
    except (OSError, ValueError) as err:
        print(f"build_inputs: error: {verilog}: {err}", file=sys.stderr)
        return 2
    for path in scripts:
        print(f"wrote {path} (Vivado {VIVADO_VERSION})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
