"""idle_gate: the enable follows each push for exactly ``depth`` more cycles; MyHDL and Icarus."""

import pytest
from hw_testing import clocked, needs_tools
from myhdl import ResetSignal, Signal

from lutdnn.hw.rtl.idle_gate import idle_gate

DEPTH = 4
# pushes in bursts, with gaps shorter than, equal to and longer than DEPTH
PUSHES = [1, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]


def expected_enable(pushes, depth):
    enable, remaining = [], 0
    for push in pushes:
        enable.append(bool(push or remaining))
        remaining = depth if push else max(remaining - 1, 0)
    return enable


def run(build_dir):
    clk, reset = Signal(bool(0)), ResetSignal(0, active=1, isasync=False)
    push, enable = Signal(bool(0)), Signal(bool(0))
    seen = []

    def body():
        for p in PUSHES:
            push.next = p
            yield clk.negedge
            seen.append(bool(enable))
            yield clk.posedge

    clocked(clk, reset, idle_gate, (clk, reset, push, enable, DEPTH), build_dir, body).run_sim(quiet=1)
    return seen


@pytest.mark.parametrize("cosim", [False, pytest.param(True, marks=needs_tools("iverilog"))])
def test_enable_covers_each_push_and_depth_cycles_after(tmp_path, cosim):
    assert run(tmp_path if cosim else None) == expected_enable(PUSHES, DEPTH)
    assert expected_enable([1, 0, 0, 0, 0, 0], DEPTH) == [True] * 5 + [False]


def test_depth_must_be_positive():
    with pytest.raises(ValueError, match="depth must be at least 1"):
        idle_gate(*(Signal(bool(0)) for _ in range(4)), 0)
