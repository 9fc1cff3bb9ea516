"""Accelerator top level: AXI4-Stream in/out, AXI4-Lite registers, one clock, synchronous reset.

    s_axis --> frame_controller --> CORDIC vectoring --> context buffer + phase RAM
           \\-> LUT decode --> MAC lanes --> activation RAM (hidden words, layer-2 words)
    activation RAM + context buffer --> output stage --> CORDIC rotation --> output buffer --> m_axis

docs/hardware.md describes the datapath and timing, docs/register_map.md the registers.
"""

from myhdl import ResetSignal, Signal, always, always_comb, always_seq, block, concat, intbv

from lutdnn.model.reference.cordic import DEFAULT_PARAMS
from lutdnn.model.reference.formats import SPECTRUM_BITS, WORD_BITS

from lutdnn.host.accelerator.protocol import hw_params_value

from lutdnn.hw.rtl.axi_lite import Registers, axi_lite_registers
from lutdnn.hw.rtl.context_buffer import BIN_BITS, SLOT_BITS, context_buffer
from lutdnn.hw.rtl.cordic_pipeline import pipeline_latency
from lutdnn.hw.rtl.cordic_rotation import cordic_rotation
from lutdnn.hw.rtl.cordic_vectoring import cordic_vectoring
from lutdnn.hw.rtl.geometry import DEFAULT_LANES, DEFAULT_MAX_CODE_BITS  # noqa: F401 (re-exported)
from lutdnn.hw.rtl.frame_controller import ABORT_CYCLES, frame_controller
from lutdnn.hw.rtl.idle_gate import idle_gate
from lutdnn.hw.rtl.lut_decode import check_geometry, entry_bits, lut_decode
from lutdnn.hw.rtl.mac_lanes import ACTIVATION_ADDR_BITS, mac_lanes
from lutdnn.hw.rtl.output_stage import LATENCY as STAGE_LATENCY, output_stage  # the phase waits as long
from lutdnn.hw.rtl.ram import ram

OUT_ADDR_BITS = 7      # 65 output beats
# The CORDIC pipelines advance only while a bin enters or one may still be inside
# (one spare cycle); the rest of the frame (CODES) they hold still.
CORDIC_FLUSH = pipeline_latency(DEFAULT_PARAMS) + 1


def spectrum_word():
    return Signal(intbv(0, min=-(1 << (SPECTRUM_BITS - 1)), max=1 << (SPECTRUM_BITS - 1)))


@block
def accelerator_top(clk, reset, s_axis, m_axis, s_axi, lanes=DEFAULT_LANES, max_code_bits=DEFAULT_MAX_CODE_BITS,
                    shift_lanes=False):
    """Ports:
      clk, reset: clock, synchronous active-high reset (ResetSignal)
      s_axis: AxiStream slave (spectrum packets, code packets)
      m_axis: AxiStream master (output spectrum packets, TLAST on beat 64)
      s_axi: AxiLite slave (docs/register_map.md)
    Parameters:
      lanes: P, output neurons computed in parallel
      max_code_bits: widest code M the LUTs hold (lanes * max_code_bits <= 64)
      shift_lanes: MAC lanes shift instead of multiplying; every LUT value
          must then be 0 or a power of two (docs/arithmetic.md section 8)
    """
    check_geometry(lanes, max_code_bits)
    if pipeline_latency(DEFAULT_PARAMS) + 8 > ABORT_CYCLES:
        raise ValueError("the abort drain is shorter than the vectoring pipeline")
    phase_bits = DEFAULT_PARAMS.phase_bits
    regs = Registers(max_code_bits)
    engine_reset = ResetSignal(0, active=1, isasync=False)
    # the same reset a cycle later from a register of its own: it reaches thousands
    # of registers, a net too long to follow a gate in the same cycle
    datapath_reset = ResetSignal(0, active=1, isasync=False)
    vec_enable, rot_enable = Signal(bool(0)), Signal(bool(0))
    unused_ready = [Signal(bool(0)) for _ in range(2)]

    def phase_word():
        return Signal(intbv(0, min=-(1 << (phase_bits - 1)), max=1 << (phase_bits - 1)))

    # vectoring
    vec_push, vec_done = Signal(bool(0)), Signal(bool(0))
    vec_re, vec_im = spectrum_word(), spectrum_word()
    vec_mag = Signal(intbv(0)[WORD_BITS:])
    vec_phase = phase_word()
    vec_bin = Signal(intbv(0)[BIN_BITS:])
    # context buffer and phases
    ctx_advance, ctx_clear, ctx_clear_any = (Signal(bool(0)) for _ in range(3))
    rd_age = Signal(intbv(0)[SLOT_BITS:])
    rd_bin = Signal(intbv(0)[BIN_BITS:])
    ctx_data = Signal(intbv(0)[WORD_BITS:])
    phase_data = phase_word()
    # layers
    code_layer = Signal(bool(0))
    code_bits = Signal(intbv(0)[len(regs.code_bits_1):])
    # a plain copy: MyHDL misnames slices taken of an interface's signal
    code_group = Signal(intbv(0)[len(s_axis.tdata):])
    weights = Signal(intbv(0)[entry_bits(shift_lanes) * lanes:])
    mac_step, mac_first, mac_last, mac_layer, x_from_hidden, mac_busy = (Signal(bool(0)) for _ in range(6))
    mac_block_base = Signal(intbv(0)[ACTIVATION_ADDR_BITS - 1:])
    x = Signal(intbv(0)[WORD_BITS:])
    result = Signal(intbv(0)[WORD_BITS:])
    result_addr = Signal(intbv(0)[ACTIVATION_ADDR_BITS:])
    result_valid = Signal(bool(0))
    act_rd_addr = Signal(intbv(0)[ACTIVATION_ADDR_BITS:])
    act_data = Signal(intbv(0)[WORD_BITS:])
    # output
    stage_valid, stage_done = Signal(bool(0)), Signal(bool(0))
    stage_mag = Signal(intbv(0)[WORD_BITS:])
    phase_delay = [phase_word() for _ in range(STAGE_LATENCY)]
    rot_phase = phase_delay[-1]
    rot_done = Signal(bool(0))
    rot_re, rot_im = spectrum_word(), spectrum_word()
    out_bin = Signal(intbv(0)[BIN_BITS:])
    out_word = Signal(intbv(0)[2 * SPECTRUM_BITS:])
    out_even_we, out_odd_we = Signal(bool(0)), Signal(bool(0))
    out_wr_addr = Signal(intbv(0)[OUT_ADDR_BITS:])
    out_rd_addr = Signal(intbv(0)[OUT_ADDR_BITS:])
    out_even, out_odd = Signal(intbv(0)[2 * SPECTRUM_BITS:]), Signal(intbv(0)[2 * SPECTRUM_BITS:])

    registers = axi_lite_registers(clk, reset, s_axi, regs, hw_params_value(lanes, max_code_bits, shift_lanes),
                                   shift_lanes)
    controller = frame_controller(
        clk, engine_reset, s_axis, m_axis, regs, vec_push, vec_re, vec_im, vec_done, vec_bin,
        ctx_advance, ctx_clear, rd_age, rd_bin, act_rd_addr,
        code_layer, mac_step, mac_first, mac_last, mac_layer, mac_block_base, x_from_hidden,
        mac_busy, stage_valid, rot_done, out_bin, out_rd_addr, out_even, out_odd, lanes)
    vectoring = cordic_vectoring(clk, datapath_reset, vec_push, unused_ready[0], vec_re, vec_im,
                                 vec_done, vec_enable, vec_mag, vec_phase)
    vec_gate = idle_gate(clk, datapath_reset, vec_push, vec_enable, CORDIC_FLUSH)
    context = context_buffer(clk, datapath_reset, ctx_clear_any, ctx_advance, vec_done, vec_bin, vec_mag,
                             rd_age, rd_bin, ctx_data)
    phases = ram(clk, vec_done, vec_bin, vec_phase, rd_bin, phase_data)
    decoder = lut_decode(clk, regs.lut_we, regs.lut_layer, regs.lut_code, regs.lut_value, regs.lut_shift,
                         regs.lut_value_error, code_layer, code_bits, code_group, weights, lanes, max_code_bits,
                         shift_lanes)
    lanes_inst = mac_lanes(clk, datapath_reset, weights, x, mac_step, mac_first, mac_last, mac_layer,
                           mac_block_base, regs.frac_in, regs.frac_hidden, regs.frac_out,
                           regs.bias_we, regs.bias_addr, regs.bias_value,
                           result, result_addr, result_valid, mac_busy, lanes, shift_lanes)
    activations = ram(clk, result_valid, result_addr, result, act_rd_addr, act_data)
    stage = output_stage(clk, datapath_reset, stage_valid, act_data, ctx_data, regs.output_mode,
                         regs.frac_out, regs.mask_floor, stage_done, stage_mag)
    rotation = cordic_rotation(clk, datapath_reset, stage_done, unused_ready[1], stage_mag, rot_phase,
                               rot_done, rot_enable, rot_re, rot_im)
    rot_gate = idle_gate(clk, datapath_reset, stage_done, rot_enable, CORDIC_FLUSH)
    out_even_ram = ram(clk, out_even_we, out_wr_addr, out_word, out_rd_addr, out_even)
    out_odd_ram = ram(clk, out_odd_we, out_wr_addr, out_word, out_rd_addr, out_odd)

    @always_comb
    def resets():
        engine_reset.next = reset or regs.soft_reset
        ctx_clear_any.next = ctx_clear or regs.clear_context

    @always(clk.posedge)
    def register_reset():
        # the frame controller leaves reset first: the datapath is reset before
        # its first command arrives (a command leaves the controller a cycle later)
        datapath_reset.next = engine_reset

    @always_comb
    def select():
        code_group.next = s_axis.tdata
        if code_layer:
            code_bits.next = regs.code_bits_2
        else:
            code_bits.next = regs.code_bits_1
        if x_from_hidden:
            x.next = act_data
        else:
            x.next = ctx_data

    @always_seq(clk.posedge, reset=datapath_reset)
    def delay_phase():
        # the phase read with a bin waits out the output stage beside its magnitude
        phase_delay[0].next = phase_data
        for i in range(1, STAGE_LATENCY):
            phase_delay[i].next = phase_delay[i - 1]

    @always_comb
    def output_buffer():
        out_word.next = concat(rot_im[SPECTRUM_BITS:], rot_re[SPECTRUM_BITS:])
        out_wr_addr.next = out_bin[BIN_BITS:1]
        out_even_we.next = rot_done and not out_bin[0]
        out_odd_we.next = rot_done and out_bin[0]

    return (registers, controller, vectoring, vec_gate, context, phases, decoder, lanes_inst, activations,
            stage, rotation, rot_gate, out_even_ram, out_odd_ram, resets, register_reset, select, delay_phase,
            output_buffer)
