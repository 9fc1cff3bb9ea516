"""Yosys synth_xilinx (xc7) resource report of the two CORDIC pipelines (docs/cordic.md).

    python benchmarks/cordic_resources.py [--build-dir DIR]

Converts ``cordic_vectoring`` and ``cordic_rotation`` with the default
parameters and prints LUT / FF / BRAM / DSP counts and their share of the
xc7z020. Takes about a minute (two Yosys runs).
"""

import argparse
import tempfile
from pathlib import Path

from lutdnn.hw.flow.convert import convert
from lutdnn.hw.flow.synthesis import synthesize
from lutdnn.hw.rtl.cordic_pipeline import pipeline_latency
from lutdnn.hw.rtl.cordic_rotation import cordic_rotation, rotation_ports
from lutdnn.hw.rtl.cordic_vectoring import cordic_vectoring, vectoring_ports
from lutdnn.model.reference.cordic import DEFAULT_PARAMS


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, help="keep the generated Verilog here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        build = args.build_dir or Path(tmp)
        print(f"{DEFAULT_PARAMS}")
        for block_fn, make_ports in ((cordic_vectoring, vectoring_ports), (cordic_rotation, rotation_ports)):
            converted = convert(block_fn(**make_ports()), build)
            print()
            print(f"{converted.name}: latency {pipeline_latency()} clocks, one bin per clock")
            print()
            print(synthesize(converted.verilog, converted.name).table())


if __name__ == "__main__":
    main()
