"""AXI4-Lite register file: configuration, LUT/bias write ports, status, bad input: MyHDL and Icarus."""

import pytest
from hw_testing import clock, needs_tools
from myhdl import ResetSignal, Signal, StopSimulation, always, block, instance

from lutdnn.hw.flow.icarus import cosimulation
from lutdnn.hw.rtl import axi_lite as reg
from lutdnn.hw.rtl.axi_lite import AxiLite, Registers, axi_lite_registers

HW_PARAMS = 0x40010


@block
def bench(build_dir, script, reads, lut_writes, bias_writes, shift_lanes=False):
    clk, reset = Signal(bool(0)), ResetSignal(0, active=1, isasync=False)
    bus, regs = AxiLite(), Registers(4)
    dut = axi_lite_registers(clk, reset, bus, regs, HW_PARAMS, shift_lanes)
    if build_dir is not None:
        dut = cosimulation(dut, build_dir, timeout_s=600)

    lut, bias, status = regs.lut, regs.bias, regs.status

    @always(clk.posedge)
    def monitor():
        if lut.valid:
            lut_writes.append((int(lut.layer), int(lut.code), int(lut.value), int(lut.shift)))
        if bias.valid:
            bias_writes.append((int(bias.addr), int(bias.data)))

    @instance
    def run():
        reset.next = 1
        yield clk.posedge
        reset.next = 0
        for action, address, value in script:
            if action == "w":
                yield from bus.write(clk, address, value)
            elif action == "r":
                word = []
                yield from bus.read(clk, address, word)
                reads[value] = word[0]
            elif action == "e":   # raise stream error causes for one cycle
                status.error_set.next = value
                yield clk.posedge
                status.error_set.next = 0
            else:   # "v": lut_decode refuses a LUT value for one cycle
                lut.refused.next = 1
                yield clk.posedge
                lut.refused.next = 0
        yield clk.posedge
        raise StopSimulation

    return dut, clock(clk), monitor, run


# ("w", address, value): write; ("r", address, name): read, recorded under ``name``;
# ("e", 0, causes): the frame controller raises stream error causes for one cycle;
# ("v", 0, 0): lut_decode refuses a LUT value for one cycle
SCRIPT = [("r", reg.REG_ID, "ID"), ("r", reg.REG_HW_PARAMS, "HW_PARAMS"),
          ("w", reg.REG_CODE_BITS_1, 4), ("w", reg.REG_CODE_BITS_2, 3), ("w", reg.REG_FRAC_IN, 9),
          ("w", reg.REG_FRAC_HIDDEN, 31), ("w", reg.REG_FRAC_OUT, 17), ("w", reg.REG_OUTPUT_MODE, 1),
          ("w", reg.REG_MASK_FLOOR, 0x1FFFF),
          ("r", reg.REG_CODE_BITS_1, "CODE_BITS_1"), ("r", reg.REG_CODE_BITS_2, "CODE_BITS_2"),
          ("r", reg.REG_FRAC_IN, "FRAC_IN"), ("r", reg.REG_FRAC_HIDDEN, "FRAC_HIDDEN"),
          ("r", reg.REG_FRAC_OUT, "FRAC_OUT"), ("r", reg.REG_OUTPUT_MODE, "OUTPUT_MODE"),
          ("r", reg.REG_MASK_FLOOR, "MASK_FLOOR"),
          ("w", reg.LUT_BASE + 4 * 3, 0x580), ("w", reg.LUT_BASE + 4 * (256 + 15), 0x07F),
          ("w", reg.LUT_BASE + 4 * 200, 0x001),          # code 200 does not exist in a 4-bit build
          ("r", reg.REG_STATUS, "STATUS after a code beyond the table"),
          ("w", reg.LUT_BASE + 4 * 2, 0x901),            # shift 9 > KMAX: refused, flagged
          ("r", reg.REG_STATUS, "STATUS after a shift above KMAX"),
          ("w", reg.BIAS_BASE + 4 * 255, 0x80), ("w", reg.BIAS_BASE + 4 * (256 + 128), 0x7F),
          ("w", reg.REG_CONTROL, reg.CONTROL_CLEAR_ERROR), ("r", reg.REG_STATUS, "STATUS after CLEAR_ERROR"),
          ("e", 0, 1), ("r", reg.REG_STATUS, "STATUS after an early TLAST"),
          ("e", 0, 2), ("r", reg.REG_STATUS, "STATUS after a missing TLAST too"),
          ("w", 0x1FFC, 5), ("r", 0x1FFC, "unmapped address"), ("r", 0x0FFC, "LUT entry (write-only)")]
EXPECTED_READS = {
    "ID": reg.ID_VALUE, "HW_PARAMS": HW_PARAMS,
    "CODE_BITS_1": 4, "CODE_BITS_2": 3, "FRAC_IN": 9, "FRAC_HIDDEN": 31, "FRAC_OUT": 17, "OUTPUT_MODE": 1,
    "MASK_FLOOR": 0xFFFF,                              # the field is 16 bits: 0x1FFFF keeps its low half
    "STATUS after a code beyond the table": 0,        # ignored, not an error
    "STATUS after a shift above KMAX": reg.STATUS_ERROR | reg.ERROR_BAD_LUT_SHIFT,
    "STATUS after CLEAR_ERROR": 0,
    "STATUS after an early TLAST": reg.STATUS_ERROR | reg.ERROR_EARLY_TLAST,
    "STATUS after a missing TLAST too": reg.STATUS_ERROR | reg.ERROR_EARLY_TLAST | reg.ERROR_MISSING_TLAST,
    "unmapped address": 0, "LUT entry (write-only)": 0}


@pytest.mark.parametrize("cosim", [False, pytest.param(True, marks=needs_tools("iverilog"))])
def test_registers(tmp_path, cosim):
    reads, luts, biases = {}, [], []
    bench(tmp_path if cosim else None, SCRIPT, reads, luts, biases).run_sim(quiet=1)
    assert reads == EXPECTED_READS
    assert luts == [(0, 3, -128, 5), (1, 15, 127, 0)]
    assert biases == [(255, -128), (256 + 128, 127)]


VALUE_SCRIPT = [("v", 0, 0), ("r", reg.REG_STATUS, "after a refused LUT value"),
                ("e", 0, 2), ("r", reg.REG_STATUS, "after a missing TLAST too"),
                ("w", reg.REG_CONTROL, reg.CONTROL_CLEAR_ERROR), ("r", reg.REG_STATUS, "after CLEAR_ERROR")]


@pytest.mark.parametrize("shift_lanes, first, second", [
    (True, reg.STATUS_ERROR | reg.ERROR_BAD_LUT_VALUE,
     reg.STATUS_ERROR | reg.ERROR_BAD_LUT_VALUE | reg.ERROR_MISSING_TLAST),
    (False, 0, reg.STATUS_ERROR | reg.ERROR_MISSING_TLAST)])
def test_bad_lut_value_is_a_sticky_cause_of_the_shift_build(shift_lanes, first, second):
    reads = {}
    bench(None, VALUE_SCRIPT, reads, [], [], shift_lanes).run_sim(quiet=1)
    assert reads == {"after a refused LUT value": first, "after a missing TLAST too": second,
                     "after CLEAR_ERROR": 0}
