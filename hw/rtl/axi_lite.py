"""AXI4-Lite slave register file (docs/register_map.md) and its interface objects.

``AxiLite`` is the bus (with ``write``/``read`` testbench helpers);
``Registers`` is what the register file drives into the accelerator and the
status it reads back; ``axi_lite_registers`` is the slave.
"""

from myhdl import ConcatSignal, Signal, always_comb, always_seq, block, concat, intbv

from lutdnn.accelerator.registers import (ADDR_BITS, DATA_BITS, ID_VALUE, REGISTER_MAP_VERSION, STATUS_CAUSE_LSB,
                                          address, bit, field)
from lutdnn.hw.rtl.interfaces import Configuration, FrameStatus, LutWrite, bias_write_port, wait_until
from lutdnn.model.reference.formats import KMAX

# named constants of the register table (lutdnn.accelerator.registers, docs/register_map.md)
REG_ID = address("ID")
REG_VERSION = address("VERSION")
REG_CONTROL = address("CONTROL")
REG_STATUS = address("STATUS")
REG_CYCLES = address("CYCLES")
REG_FRAMES = address("FRAMES")
REG_HW_PARAMS = address("HW_PARAMS")
REG_CODE_BITS_1 = address("CODE_BITS_1")
REG_CODE_BITS_2 = address("CODE_BITS_2")
REG_FRAC_IN = address("FRAC_IN")
REG_FRAC_HIDDEN = address("FRAC_HIDDEN")
REG_FRAC_OUT = address("FRAC_OUT")
REG_OUTPUT_MODE = address("OUTPUT_MODE")
REG_MASK_FLOOR = address("MASK_FLOOR")
LUT_BASE = address("LUT")
BIAS_BASE = address("BIAS")

CONTROL_SOFT_RESET = bit("CONTROL", "SOFT_RESET")
CONTROL_CLEAR_CONTEXT = bit("CONTROL", "CLEAR_CONTEXT")
CONTROL_CLEAR_ERROR = bit("CONTROL", "CLEAR_ERROR")

STATUS_ERROR = bit("STATUS", "ERROR")
STATUS_IDLE = bit("STATUS", "IDLE")
ERROR_EARLY_TLAST = bit("STATUS", "EARLY_TLAST")
ERROR_MISSING_TLAST = bit("STATUS", "MISSING_TLAST")
ERROR_BAD_LUT_SHIFT = bit("STATUS", "BAD_LUT_SHIFT")
ERROR_BAD_LUT_VALUE = bit("STATUS", "BAD_LUT_VALUE")
ERROR_CAUSE_BITS = 3           # causes of every build; the shift build adds BAD_LUT_VALUE
HW_PARAMS_SHIFT_LANES = bit("HW_PARAMS", "SHIFT_LANES")
FRAC_BITS = field("FRAC_IN").width
CODE_BITS_FIELD = field("CODE_BITS_1").width
MASK_FLOOR_BITS = field("MASK_FLOOR").width
LUT_VALUE = field("LUT", "VALUE")
LUT_SHIFT = field("LUT", "SHIFT")
BIAS_VALUE = field("BIAS", "VALUE")
SOFT_RESET_BIT = CONTROL_SOFT_RESET.bit_length() - 1
CLEAR_CONTEXT_BIT = CONTROL_CLEAR_CONTEXT.bit_length() - 1
CLEAR_ERROR_BIT = CONTROL_CLEAR_ERROR.bit_length() - 1
OUTPUT_MODE_BIT = field("OUTPUT_MODE").lsb

class AxiLite:
    """AXI4-Lite slave port signals (``s_axi_*`` once converted)."""

    def __init__(self, addr_bits=ADDR_BITS):
        self.awaddr = Signal(intbv(0)[addr_bits:])
        self.awvalid = Signal(bool(0))
        self.awready = Signal(bool(0))
        self.wdata = Signal(intbv(0)[DATA_BITS:])
        self.wstrb = Signal(intbv(0)[DATA_BITS // 8:])
        self.wvalid = Signal(bool(0))
        self.wready = Signal(bool(0))
        self.bresp = Signal(intbv(0)[2:])
        self.bvalid = Signal(bool(0))
        self.bready = Signal(bool(0))
        self.araddr = Signal(intbv(0)[addr_bits:])
        self.arvalid = Signal(bool(0))
        self.arready = Signal(bool(0))
        self.rdata = Signal(intbv(0)[DATA_BITS:])
        self.rresp = Signal(intbv(0)[2:])
        self.rvalid = Signal(bool(0))
        self.rready = Signal(bool(0))

    def write(self, clk, addr, data):
        """Testbench generator: one write transaction (address and data together)."""
        self.awaddr.next = addr
        self.awvalid.next = 1
        self.wdata.next = data & 0xFFFFFFFF
        self.wstrb.next = 0xF
        self.wvalid.next = 1
        self.bready.next = 1
        yield from wait_until(clk, lambda: bool(self.awready), "the AXI-Lite slave's AWREADY")
        self.awvalid.next = 0
        self.wvalid.next = 0
        yield from wait_until(clk, lambda: bool(self.bvalid), "the AXI-Lite slave's BVALID")
        self.bready.next = 0

    def read(self, clk, addr, result):
        """Testbench generator: one read; the data word is appended to ``result``."""
        self.araddr.next = addr
        self.arvalid.next = 1
        self.rready.next = 1
        yield from wait_until(clk, lambda: bool(self.arready), "the AXI-Lite slave's ARREADY")
        self.arvalid.next = 0
        yield from wait_until(clk, lambda: bool(self.rvalid), "the AXI-Lite slave's RVALID")
        result.append(int(self.rdata))
        self.rready.next = 0


class Registers:
    """Everything the register file drives into the accelerator and reads back from it.

    Members:
      config (out): Configuration, the configuration registers
      lut (out; ``lut.refused`` in): LutWrite, the LUT decoder's write port
      bias (out): WritePort of the MAC's bias table (addr = layer * 256 + output, data s8)
      soft_reset, clear_context (out): one-cycle pulses of the CONTROL register
      status (in): FrameStatus, driven by the frame controller
    """

    def __init__(self, max_code_bits):
        self.config = Configuration()
        self.lut = LutWrite(max_code_bits)
        self.bias = bias_write_port()
        self.soft_reset = Signal(bool(0))
        self.clear_context = Signal(bool(0))
        self.status = FrameStatus()


@block
def axi_lite_registers(clk, reset, bus, regs, hw_params, shift_lanes=False):
    """AXI4-Lite slave: 32-bit registers, full-word accesses (WSTRB is ignored).

    Ports:
      clk, reset (in): clock, synchronous reset (ResetSignal)
      bus: AxiLite, slave side: the address, write data and ready-for-response
          members (in), the ready, response and read data members (out)
      regs: Registers: config, lut, bias, soft_reset, clear_context (out);
          status and lut.refused (in)
    Parameters:
      hw_params: elaboration constant read back at REG_HW_PARAMS (lanes, max code bits, build kind)
      shift_lanes: the shift build, whose STATUS has the BAD_LUT_VALUE cause (lut.refused)
    A write takes address and data in the same cycle (both must be valid);
    writes to read-only or unmapped addresses and LUT/bias reads are accepted
    and ignored / read as 0 (OKAY response), so no access can hang the bus.
    """
    config, lut, bias, frame_status = regs.config, regs.lut, regs.bias, regs.status
    cause_bits = ERROR_CAUSE_BITS + shift_lanes
    error_causes = Signal(intbv(0)[cause_bits:])
    clear_error = Signal(bool(0))
    write_go = Signal(bool(0))
    # both tables are aligned to their size: region = word address >> 9, index = low 9 bits
    table_bits = 9
    lut_region = LUT_BASE >> (2 + table_bits)
    bias_region = BIAS_BASE >> (2 + table_bits)
    word_addr = Signal(intbv(0)[ADDR_BITS - 2:])
    read_addr = Signal(intbv(0)[ADDR_BITS - 2:])
    region = Signal(intbv(0)[ADDR_BITS - 2 - table_bits:])
    table_index = Signal(intbv(0)[table_bits:])
    new_shift = Signal(intbv(0)[LUT_SHIFT.width:])
    bad_shift = Signal(bool(0))

    @always_comb
    def handshake():
        write_go.next = bus.awvalid and bus.wvalid and not bus.bvalid

    @always_comb
    def ready():
        bus.awready.next = write_go
        bus.wready.next = write_go
        bus.arready.next = not bus.rvalid

    @always_comb
    def decode():
        word_addr.next = bus.awaddr[ADDR_BITS:2]
        read_addr.next = bus.araddr[ADDR_BITS:2]

    @always_comb
    def split_address():
        region.next = word_addr[ADDR_BITS - 2:table_bits]
        table_index.next = word_addr[table_bits:]
        new_shift.next = bus.wdata[LUT_SHIFT.msb + 1:LUT_SHIFT.lsb]

    @always_comb
    def check_shift():
        bad_shift.next = write_go and region == lut_region and new_shift > KMAX

    @always_seq(clk.posedge, reset=reset)
    def write():
        lut.valid.next = 0
        bias.valid.next = 0
        regs.soft_reset.next = 0
        regs.clear_context.next = 0
        clear_error.next = 0
        bus.bresp.next = 0   # OKAY: every write is accepted
        if bus.bvalid and bus.bready:
            bus.bvalid.next = 0
        if write_go:
            bus.bvalid.next = 1
            if word_addr == REG_CONTROL >> 2:
                regs.soft_reset.next = bus.wdata[SOFT_RESET_BIT]
                regs.clear_context.next = bus.wdata[CLEAR_CONTEXT_BIT]
                clear_error.next = bus.wdata[SOFT_RESET_BIT] or bus.wdata[CLEAR_ERROR_BIT]
            elif word_addr == REG_CODE_BITS_1 >> 2:
                config.code_bits_1.next = bus.wdata[CODE_BITS_FIELD:]
            elif word_addr == REG_CODE_BITS_2 >> 2:
                config.code_bits_2.next = bus.wdata[CODE_BITS_FIELD:]
            elif word_addr == REG_FRAC_IN >> 2:
                config.frac_in.next = bus.wdata[FRAC_BITS:]
            elif word_addr == REG_FRAC_HIDDEN >> 2:
                config.frac_hidden.next = bus.wdata[FRAC_BITS:]
            elif word_addr == REG_FRAC_OUT >> 2:
                config.frac_out.next = bus.wdata[FRAC_BITS:]
            elif word_addr == REG_OUTPUT_MODE >> 2:
                config.output_mode.next = bus.wdata[OUTPUT_MODE_BIT]
            elif word_addr == REG_MASK_FLOOR >> 2:
                config.mask_floor.next = bus.wdata[MASK_FLOOR_BITS:]
            elif region == lut_region:
                # codes beyond the built table width are ignored
                if table_index[8:] < (1 << len(lut.code)) and new_shift <= KMAX:
                    lut.valid.next = 1
                lut.layer.next = table_index[8]
                lut.code.next = table_index[len(lut.code):]
                lut.value.next = bus.wdata[LUT_VALUE.msb + 1:LUT_VALUE.lsb].signed()
                lut.shift.next = new_shift
            elif region == bias_region:
                bias.valid.next = 1
                bias.addr.next = table_index
                bias.data.next = bus.wdata[BIAS_VALUE.msb + 1:BIAS_VALUE.lsb].signed()

    # the causes raised this cycle, highest bit first; only the shift build has BAD_LUT_VALUE
    causes = (lut.refused,) * shift_lanes + (bad_shift, frame_status.error_set)
    raised = ConcatSignal(*causes)

    @always_seq(clk.posedge, reset=reset)
    def status():
        if clear_error:
            error_causes.next = 0
        else:
            error_causes.next = error_causes | raised

    @always_seq(clk.posedge, reset=reset)
    def read():
        bus.rresp.next = 0   # OKAY: every read answers
        if bus.rvalid and bus.rready:
            bus.rvalid.next = 0
        if bus.arvalid and not bus.rvalid:
            bus.rvalid.next = 1
            if read_addr == REG_ID >> 2:
                bus.rdata.next = ID_VALUE
            elif read_addr == REG_VERSION >> 2:
                bus.rdata.next = REGISTER_MAP_VERSION
            elif read_addr == REG_STATUS >> 2:
                bus.rdata.next = concat(intbv(0)[DATA_BITS - STATUS_CAUSE_LSB - cause_bits:], error_causes,
                                        intbv(0)[STATUS_CAUSE_LSB - 2:], frame_status.idle, error_causes != 0)
            elif read_addr == REG_CYCLES >> 2:
                bus.rdata.next = frame_status.frame_cycles
            elif read_addr == REG_FRAMES >> 2:
                bus.rdata.next = frame_status.frames
            elif read_addr == REG_HW_PARAMS >> 2:
                bus.rdata.next = hw_params
            elif read_addr == REG_CODE_BITS_1 >> 2:
                bus.rdata.next = config.code_bits_1
            elif read_addr == REG_CODE_BITS_2 >> 2:
                bus.rdata.next = config.code_bits_2
            elif read_addr == REG_FRAC_IN >> 2:
                bus.rdata.next = config.frac_in
            elif read_addr == REG_FRAC_HIDDEN >> 2:
                bus.rdata.next = config.frac_hidden
            elif read_addr == REG_FRAC_OUT >> 2:
                bus.rdata.next = config.frac_out
            elif read_addr == REG_OUTPUT_MODE >> 2:
                bus.rdata.next = config.output_mode
            elif read_addr == REG_MASK_FLOOR >> 2:
                bus.rdata.next = config.mask_floor
            else:
                bus.rdata.next = 0

    return handshake, ready, decode, split_address, check_shift, write, status, read
