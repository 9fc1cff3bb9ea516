"""Simple dual-port RAM: synchronous read, old data on a same-address write: MyHDL and Icarus."""

import numpy as np
import pytest
from hw_testing import clocked, needs_tools
from myhdl import ResetSignal, Signal

from lutdnn.hw.rtl.interfaces import ReadPort, WritePort, signed, unsigned
from lutdnn.hw.rtl.ram import ram


def run_ram(ops, build_dir=None):
    """``ops``: (write?, write address, data, read address) per cycle -> the word read each cycle."""
    clk, reset = Signal(bool(0)), ResetSignal(0, active=1, isasync=False)
    write, read = WritePort(unsigned(5), signed(18)), ReadPort(unsigned(5), signed(18))
    got = []

    def body():
        for we, address, data, rd_address in ops:
            write.valid.next, write.addr.next, write.data.next, read.addr.next = we, address, data, rd_address
            yield clk.posedge
            yield clk.negedge
            got.append(int(read.data))

    clocked(clk, reset, ram, (clk, write, read), build_dir, body).run_sim(quiet=1)
    return got


def expected(ops):
    mem, out = {}, []
    for write, address, data, read in ops:
        out.append(mem.get(read, 0))      # read before this cycle's write lands
        if write:
            mem[address] = data
    return out


def random_ops(seed, n=300):
    rng = np.random.default_rng(seed)
    ops = [(True, a, int(d), 0) for a, d in enumerate(rng.integers(-2**17, 2**17, 32))]   # fill first
    ops += [(bool(w), int(a), int(d), int(r)) for w, a, d, r in zip(rng.integers(0, 2, n), rng.integers(0, 32, n),
                                                                      rng.integers(-2**17, 2**17, n),
                                                                      rng.integers(0, 32, n))]
    ops += [(True, 7, 5, 7), (False, 0, 0, 7)]     # same-address write: old word, then the new one
    return ops


@pytest.mark.parametrize("cosim", [False, pytest.param(True, marks=needs_tools("iverilog"))])
def test_ram_reads_what_was_written(tmp_path, cosim):
    ops = random_ops(51)
    got = run_ram(ops, tmp_path if cosim else None)
    assert got[32:] == expected(ops)[32:]
