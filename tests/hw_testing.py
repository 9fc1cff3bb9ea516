"""Helpers every hardware test shares: skipping when a tool is missing, the
clock, reset and simulate-or-cosimulate scaffolding, and conversion in fresh
processes under different ``PYTHONHASHSEED`` values."""

import os
import subprocess
import sys

import pytest
from myhdl import StopSimulation, always, block, delay, instance

from lutdnn.core.tools import missing_tools
from lutdnn.hw.flow.icarus import cosimulation

HALF_PERIOD = 5
HASH_SEEDS = ("1", "2", "3")


def needs_tools(*names):
    """pytest mark: skip when an HDL tool is not installed."""
    missing = missing_tools(*names)
    return pytest.mark.skipif(bool(missing), reason=f"not installed: {', '.join(missing)}")


@block
def clock(clk):
    """``clk`` toggling every ``HALF_PERIOD``."""

    @always(delay(HALF_PERIOD))
    def toggle():
        clk.next = not clk

    return toggle


def simulated(dut, build_dir, timeout_s=300):
    """``dut`` itself (MyHDL simulation) or, with a ``build_dir``, its Icarus cosimulation."""
    return dut if build_dir is None else cosimulation(dut, build_dir, timeout_s=timeout_s)


def reset_for_two_cycles(clk, reset):
    """Testbench generator: ``reset`` high for two rising edges of ``clk``, then low."""
    reset.next = 1
    yield clk.posedge
    yield clk.posedge
    reset.next = 0


@block
def clocked(clk, reset, block_fn, args, build_dir, body):
    """``block_fn(*args)`` (simulated, or cosimulated in ``build_dir``), a clock, a
    2-cycle reset, then the testbench generator ``body``; stops when it returns."""
    dut = simulated(block_fn(*args), build_dir)

    @instance
    def run():
        yield from reset_for_two_cycles(clk, reset)
        yield clk.posedge
        yield from body()
        raise StopSimulation

    return dut, clock(clk), run


def converted_under_hash_seeds(script, folder, file_names, seeds=HASH_SEEDS, timeout_s=300):
    """Run ``script`` (Python; converts into the folder given as its argument) once per
    ``PYTHONHASHSEED`` in ``seeds``, each in a fresh process and its own folder under
    ``folder``; returns ``{seed: [bytes of each of file_names]}``."""
    outputs = {}
    for seed in seeds:
        out = folder / f"hashseed-{seed}"
        subprocess.run([sys.executable, "-W", "ignore", "-c", script, str(out)], check=True, timeout=timeout_s,
                       env=dict(os.environ, PYTHONHASHSEED=seed), capture_output=True)
        outputs[seed] = [(out / name).read_bytes() for name in file_names]
    return outputs
