"""Accelerator top level: AXI4-Stream in/out, AXI4-Lite registers, one clock, synchronous reset.

    s_axis --> frame_controller --> CORDIC vectoring --> context buffer + phase RAM
           \\-> LUT decode --> MAC lanes --> activation RAM (hidden words, layer-2 words)
    activation RAM + context buffer --> output stage --> CORDIC rotation --> output buffer --> m_axis

docs/hardware.md describes the datapath and timing, docs/register_map.md the registers.
"""

from myhdl import ResetSignal, Signal, always, always_comb, always_seq, block, concat, intbv

from lutdnn.accelerator.protocol import hw_params_value
from lutdnn.hw.rtl.axi_lite import Registers, axi_lite_registers
from lutdnn.hw.rtl.context_buffer import context_buffer
from lutdnn.hw.rtl.cordic_pipeline import pipeline_latency
from lutdnn.hw.rtl.cordic_rotation import cordic_rotation
from lutdnn.hw.rtl.cordic_vectoring import cordic_vectoring
from lutdnn.hw.rtl.frame_controller import ABORT_CYCLES, frame_controller
from lutdnn.hw.rtl.geometry import DEFAULT_LANES, DEFAULT_MAX_CODE_BITS
from lutdnn.hw.rtl.idle_gate import idle_gate
from lutdnn.hw.rtl.interfaces import (ACTIVATION_ADDR_BITS, BIN_BITS, OUT_ADDR_BITS, ContextPort, MacCommand,
                                      OutputBuffer, ReadPort, Stream, WritePort, activation_write_port, signed,
                                      spectrum_bins, stage_sink, stage_source, unsigned)
from lutdnn.hw.rtl.lut_decode import check_geometry, entry_bits, lut_decode
from lutdnn.hw.rtl.mac_lanes import mac_lanes
from lutdnn.hw.rtl.output_stage import LATENCY as STAGE_LATENCY  # the phase waits as long
from lutdnn.hw.rtl.output_stage import output_stage
from lutdnn.hw.rtl.ram import ram
from lutdnn.model.reference.cordic import DEFAULT_PARAMS
from lutdnn.model.reference.formats import SPECTRUM_BITS, WORD_BITS

# The CORDIC pipelines advance only while a bin enters or one may still be inside
# (one spare cycle); the rest of the frame (CODES) they hold still.
CORDIC_FLUSH = pipeline_latency(DEFAULT_PARAMS) + 1


@block
def accelerator_top(clk, reset, s_axis, m_axis, s_axi, lanes=DEFAULT_LANES, max_code_bits=DEFAULT_MAX_CODE_BITS,
                    shift_lanes=False):
    """Ports (converted flat: ``s_axis_tdata`` etc., the names the overlay build and the driver use):
      clk, reset (in): clock, synchronous active-high reset (ResetSignal)
      s_axis: AxiStream slave (spectrum packets, code packets): tready out, the rest in
      m_axis: AxiStream master (output spectrum packets, TLAST on beat 64): tready in, the rest out
      s_axi: AxiLite slave (docs/register_map.md)
    The blocks inside connect through the interface objects of hw/rtl/interfaces.py
    (docs/hardware.md, "Interfaces between blocks", shows the diagram).
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
    config = regs.config
    engine_reset = ResetSignal(0, active=1, isasync=False)
    # the same reset a cycle later from a register of its own: it reaches thousands
    # of registers, a net too long to follow a gate in the same cycle
    datapath_reset = ResetSignal(0, active=1, isasync=False)
    vec_enable, rot_enable = Signal(bool(0)), Signal(bool(0))

    # vectoring: the controller's bins in; magnitudes into the context buffer, phases into their RAM
    bins = spectrum_bins()
    vec_result = Stream(ready=vec_enable, mag=unsigned(WORD_BITS), phase=signed(phase_bits))
    vectored = WritePort(unsigned(BIN_BITS), vec_result.mag, vec_result.valid)
    phase_write = WritePort(vectored.addr, vec_result.phase, vec_result.valid)
    context = ContextPort()
    ctx_clear_any = Signal(bool(0))
    phase_read = ReadPort(context.bin, signed(phase_bits))
    phase_data = phase_read.data
    # layers
    mac = MacCommand()
    code_bits = Signal(intbv(0)[len(config.code_bits_1):])
    # a plain copy: MyHDL misnames slices taken of an interface's signal
    code_group = Signal(intbv(0)[len(s_axis.tdata):])
    weights = Signal(intbv(0)[entry_bits(shift_lanes) * lanes:])
    x = Signal(intbv(0)[WORD_BITS:])
    result = activation_write_port()
    act_read = ReadPort(unsigned(ACTIVATION_ADDR_BITS), unsigned(WORD_BITS))
    # output
    stage_in = stage_sink(y=act_read.data, mag=context.data)
    stage_out = stage_source()
    phase_delay = [Signal(signed(phase_bits)) for _ in range(STAGE_LATENCY)]
    rot_phase = phase_delay[-1]
    rot_sink = Stream(stage_out.valid, stage_out.ready, mag=stage_out.mag, phase=rot_phase)
    rotated = Stream(ready=rot_enable, re=signed(SPECTRUM_BITS), im=signed(SPECTRUM_BITS))
    rot_re, rot_im = rotated.re, rotated.im
    out_buf = OutputBuffer(written=rotated.valid)
    out_bin = out_buf.bin
    out_word = Signal(intbv(0)[2 * SPECTRUM_BITS:])
    out_even_we, out_odd_we = Signal(bool(0)), Signal(bool(0))
    out_wr_addr = Signal(intbv(0)[OUT_ADDR_BITS:])

    registers = axi_lite_registers(clk, reset, s_axi, regs, hw_params_value(lanes, max_code_bits, shift_lanes),
                                   shift_lanes)
    controller = frame_controller(clk, engine_reset, s_axis, m_axis, regs.status, bins, vectored, context,
                                  act_read, mac, stage_in, out_buf, lanes)
    vectoring = cordic_vectoring(clk, datapath_reset, bins, vec_result)
    vec_gate = idle_gate(clk, datapath_reset, bins.valid, vec_enable, CORDIC_FLUSH)
    context_inst = context_buffer(clk, datapath_reset, context.with_clear(ctx_clear_any), vectored)
    phases = ram(clk, phase_write, phase_read)
    decoder = lut_decode(clk, regs.lut, mac.code_layer, code_bits, code_group, weights, lanes, max_code_bits,
                         shift_lanes)
    lanes_inst = mac_lanes(clk, datapath_reset, weights, x, mac, config, regs.bias, result, lanes, shift_lanes)
    activations = ram(clk, result, act_read)
    stage = output_stage(clk, datapath_reset, stage_in, config, stage_out)
    rotation = cordic_rotation(clk, datapath_reset, rot_sink, rotated)
    rot_gate = idle_gate(clk, datapath_reset, stage_out.valid, rot_enable, CORDIC_FLUSH)
    out_even_ram = ram(clk, WritePort(out_wr_addr, out_word, out_even_we), ReadPort(out_buf.rd_addr, out_buf.even))
    out_odd_ram = ram(clk, WritePort(out_wr_addr, out_word, out_odd_we), ReadPort(out_buf.rd_addr, out_buf.odd))

    @always_comb
    def resets():
        engine_reset.next = reset or regs.soft_reset
        ctx_clear_any.next = context.clear or regs.clear_context

    @always(clk.posedge)
    def register_reset():
        # the frame controller leaves reset first: the datapath is reset before
        # its first command arrives (a command leaves the controller a cycle later)
        datapath_reset.next = engine_reset

    @always_comb
    def select():
        code_group.next = s_axis.tdata
        if mac.code_layer:
            code_bits.next = config.code_bits_2
        else:
            code_bits.next = config.code_bits_1
        if mac.x_from_hidden:
            x.next = act_read.data
        else:
            x.next = context.data

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
        out_even_we.next = rotated.valid and not out_bin[0]
        out_odd_we.next = rotated.valid and out_bin[0]

    return (registers, controller, vectoring, vec_gate, context_inst, phases, decoder, lanes_inst, activations,
            stage, rotation, rot_gate, out_even_ram, out_odd_ram, resets, register_reset, select, delay_phase,
            output_buffer)
