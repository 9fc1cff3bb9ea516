"""The accelerator top level as Verilog: one function every consumer uses
(``lutdnn hw verilog``, the Verilator model, the lint, synthesis and cosimulation tests).
"""

import warnings
from pathlib import Path

from myhdl import ResetSignal, Signal, ToVerilogWarning

from lutdnn.hw.flow.convert import convert
from lutdnn.hw.rtl.accelerator_top import accelerator_top
from lutdnn.hw.rtl.axi_lite import AxiLite
from lutdnn.hw.rtl.axi_stream import AxiStream
from lutdnn.hw.rtl.geometry import DEFAULT_LANES, DEFAULT_MAX_CODE_BITS

TOP = "accelerator_top"
WAIVERS = Path(__file__).with_name("accelerator_waivers.vlt")


def top_instance(lanes=DEFAULT_LANES, max_code_bits=DEFAULT_MAX_CODE_BITS, shift_lanes=False):
    """An elaborated top level on fresh port signals."""
    return accelerator_top(Signal(bool(0)), ResetSignal(0, active=1, isasync=False), AxiStream(), AxiStream(),
                           AxiLite(), lanes=lanes, max_code_bits=max_code_bits, shift_lanes=shift_lanes)


def generate_verilog(directory, lanes=DEFAULT_LANES, max_code_bits=DEFAULT_MAX_CODE_BITS, instance=None,
                     testbench=False, shift_lanes=False):
    """Write ``directory/accelerator_top.v`` (same parameters, same bytes); returns the Converted files."""
    instance = instance or top_instance(lanes, max_code_bits, shift_lanes)
    with warnings.catch_warnings():
        # MyHDL warns about every constant (undriven) signal and unused input
        # bit; lint (accelerator_waivers.vlt) is where those are judged.
        warnings.simplefilter("ignore", ToVerilogWarning)
        return convert(instance, directory, name=TOP, testbench=testbench)
