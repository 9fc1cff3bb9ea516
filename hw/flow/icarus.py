"""Cosimulate the Verilog generated from a ``@block`` under Icarus, driven from MyHDL.

    dut = cosimulation(my_block(clk, reset, a, b), build_dir)
    # use ``dut`` where the MyHDL instance would go in a testbench @block

The returned ``myhdl.Cosimulation`` (a ``WatchedCosimulation``) exchanges the block's port signals with
``vvp`` (an interface-object port ``bus`` as its signals ``bus_<attribute>``, the names
MyHDL gives them in the Verilog) through MyHDL's VPI module (hw/flow/vpi.py). ``vvp`` runs under
``timeout``, so a hung simulator is killed and the MyHDL side raises
``CosimulationError`` instead of waiting forever.
"""

import inspect
from pathlib import Path

from myhdl import Cosimulation, CosimulationError
from myhdl._Signal import _Signal

from lutdnn.core.tools import require_tool, run_tool
from lutdnn.hw.flow.convert import convert
from lutdnn.hw.flow.vpi import myhdl_vpi

COMPILE_TIMEOUT_S = 120


class WatchedCosimulation(Cosimulation):
    """A Cosimulation whose simulator may be killed by its time limit.

    MyHDL writes to ``vvp`` before it reads, so a killed ``vvp`` shows up as a
    broken pipe; it is reported as the CosimulationError it is.
    """

    def __init__(self, command, timeout_s, **ports):
        self.timeout_s = timeout_s
        super().__init__(command, **ports)

    def _put(self, time):
        try:
            super()._put(time)
        except BrokenPipeError as err:
            raise CosimulationError("vvp ended early",
                                    f"killed by its {self.timeout_s} s limit or crashed") from err


def port_signals(instance):
    """``{Verilog port name: Signal}`` of an elaborated ``@block``: the arguments that are
    signals, and the signal attributes of interface objects as ``<argument>_<attribute>``
    (of nested interface objects as ``<argument>_<attribute>_<attribute>``, as MyHDL names them)."""
    bound = inspect.signature(instance.func).bind(*instance.args, **instance.kwargs)
    ports = {}
    for name, value in bound.arguments.items():
        ports.update(interface_signals(name, value))
    return ports


def interface_signals(name, value):
    """``{name: value}`` for a signal; an interface object's signals by their expanded names."""
    if isinstance(value, _Signal):
        return {name: value}
    if isinstance(value, (int, float, str, tuple, list, dict)) or not hasattr(value, "__dict__"):
        return {}
    signals = {}
    for attr, member in vars(value).items():
        signals.update(interface_signals(f"{name}_{attr}", member))
    return signals


def compile_icarus(converted, timeout_s=COMPILE_TIMEOUT_S):
    """``iverilog`` the module and its ``tb_`` wrapper into ``<name>.vvp`` beside them; returns it."""
    if converted.testbench is None:
        raise ValueError(f"{converted.name}: cosimulation needs the tb_ wrapper "
                         "(convert with testbench=True)")
    out = converted.verilog.with_suffix(".vvp")
    run_tool(["iverilog", "-g2005", "-o", out, "-s", f"tb_{converted.name}",
              converted.verilog, converted.testbench], timeout_s)
    return out


def cosimulation(instance, build_dir, name=None, timeout_s=300, vpi_dir=None):
    """Convert ``instance`` into ``build_dir``, compile it, and return its ``Cosimulation``.

    ``timeout_s`` bounds the whole ``vvp`` run (the simulation, not one step).
    ``vpi_dir`` defaults to the cached build of ``myhdl.vpi``.
    """
    ports = port_signals(instance)
    converted = convert(instance, Path(build_dir), name=name, testbench=True)
    vvp_file = compile_icarus(converted)
    vpi_dir = Path(vpi_dir) if vpi_dir else myhdl_vpi()
    # A list, not a string: MyHDL splits strings on spaces, which breaks such paths.
    command = [require_tool("timeout"), "-s", "KILL", str(timeout_s),
               require_tool("vvp"), "-M", str(vpi_dir), "-m", "myhdl", str(vvp_file)]
    return WatchedCosimulation(command, timeout_s, **ports)
