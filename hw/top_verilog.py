"""The accelerator top level as Verilog: one function every consumer uses
(``lutdnn hw verilog``, the Verilator model, the lint, synthesis and cosimulation tests).
"""

import warnings
from pathlib import Path

from myhdl import ResetSignal, Signal, ToVerilogWarning
from myhdl._always_comb import _AlwaysComb
from myhdl._block import _Block

from .accelerator_top import DEFAULT_LANES, DEFAULT_MAX_CODE_BITS, accelerator_top
from .axi_lite import AxiLite
from .axi_stream import AxiStream
from .convert import convert

TOP = "accelerator_top"
WAIVERS = Path(__file__).with_name("accelerator_waivers.vlt")


def _always_comb_generators(instance):
    for sub in instance.subs:
        if isinstance(sub, _Block):
            yield from _always_comb_generators(sub)
        elif isinstance(sub, _AlwaysComb):
            yield sub


def order_sensitivity(instance):
    # MyHDL builds each always_comb's sensitivity list from a set of names, so
    # its order (and the file's bytes) would follow PYTHONHASHSEED.
    for gen in _always_comb_generators(instance):
        position = {}
        for name in sorted(gen.inputs):
            for sig in (gen.symdict[name] if isinstance(gen.symdict[name], list) else [gen.symdict[name]]):
                position.setdefault(id(sig), len(position))
        gen.senslist = tuple(sorted(gen.senslist, key=lambda sig: position.get(id(sig), len(position))))


def top_instance(lanes=DEFAULT_LANES, max_code_bits=DEFAULT_MAX_CODE_BITS):
    """An elaborated top level on fresh port signals."""
    return accelerator_top(Signal(bool(0)), ResetSignal(0, active=1, isasync=False), AxiStream(), AxiStream(),
                           AxiLite(), lanes=lanes, max_code_bits=max_code_bits)


def generate_verilog(directory, lanes=DEFAULT_LANES, max_code_bits=DEFAULT_MAX_CODE_BITS, instance=None,
                     testbench=False):
    """Write ``directory/accelerator_top.v`` (same parameters, same bytes); returns the Converted files."""
    instance = instance or top_instance(lanes, max_code_bits)
    order_sensitivity(instance)
    with warnings.catch_warnings():
        # MyHDL warns about every constant (undriven) signal and unused input
        # bit; lint (accelerator_waivers.vlt) is where those are judged.
        warnings.simplefilter("ignore", ToVerilogWarning)
        return convert(instance, directory, name=TOP, testbench=testbench)
