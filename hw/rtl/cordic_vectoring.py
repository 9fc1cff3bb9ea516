"""Pipelined CORDIC vectoring: spectrum bin (re, im) -> (magnitude, phase), one bin per clock.

Bit exact to ``lutdnn.model.reference.cordic.vectoring`` (docs/cordic.md).
"""

from myhdl import Signal, always_comb, always_seq, block, intbv

from lutdnn.hw.rtl.cordic_pipeline import (PHASE, S16, U16, pipeline_ports, require_payload_ranges, stage_registers,
                                           xyz_signals)
from lutdnn.hw.rtl.cordic_stage import VECTORING, cordic_stage
from lutdnn.model.reference.cordic import DEFAULT_PARAMS
from lutdnn.model.reference.formats import WORD_MAX

PAYLOAD = dict(sink_re=S16, sink_im=S16, source_mag=U16, source_phase=PHASE)


def vectoring_ports(params=DEFAULT_PARAMS):
    """Fresh ports of ``cordic_vectoring`` (clk, reset, sink, source), sized for ``params``, by argument name."""
    return pipeline_ports(PAYLOAD, params)


@block
def cordic_vectoring(clk, reset, sink, source, params=DEFAULT_PARAMS):
    """CORDIC vectoring pipeline with a global stall.

    Ports (``sink``, ``source``: Streams, hw/rtl/interfaces.py; converted as ``sink_<member>``):
        clk, reset: clock, synchronous reset (ResetSignal).
        sink_valid (in), sink_ready (out), sink_re, sink_im (in, s16): input bins.
        source_valid (out), source_ready (in), source_mag (out, u16),
            source_phase (out, s{params.phase_bits}): results, ``pipeline_latency(params)``
            clocks later. The whole pipeline holds while ``source_ready`` is low,
            so ``sink_ready`` is ``source_ready``.
    """
    require_payload_ranges("cordic_vectoring", PAYLOAD, params, sink, source)
    sink_valid, sink_ready, sink_re, sink_im = sink.valid, sink.ready, sink.re, sink.im
    source_valid, source_ready, source_mag, source_phase = source.valid, source.ready, source.mag, source.phase
    g = params.guard_bits
    xy_lim = 1 << (params.xy_bits - 1)
    z_lim = 1 << (params.z_bits - 1)
    half_turn = 1 << (params.z_frac_bits - 1)
    mag_shift = params.gain_frac_bits + g
    product_lim = xy_lim * params.gain_compensation
    mag_lim = (product_lim >> mag_shift) + 1
    mag_max = WORD_MAX
    z_shift = params.phase_guard_bits
    phase_bits = params.phase_bits
    phase_mask = (1 << phase_bits) - 1

    valid0 = Signal(bool(0))
    x0, y0, z0 = xyz_signals(params)

    @always_comb
    def pass_ready():
        sink_ready.next = source_ready

    @always_seq(clk.posedge, reset=reset)
    def pre_rotate():
        # A left half-plane bin turns by pi first: iterations then stay within +-pi/2.
        if source_ready:
            valid0.next = sink_valid
            if sink_re < 0:
                x0.next = (-sink_re) << g
                y0.next = (-sink_im) << g
                z0.next = -half_turn
            else:
                x0.next = sink_re << g
                y0.next = sink_im << g
                z0.next = 0

    registers = stage_registers(valid0, x0, y0, z0, params)
    stages = []
    for i, atan in enumerate(params.atan_table):
        stages.append(cordic_stage(clk, reset, source_ready, registers[i], registers[i + 1], i, atan, VECTORING))
    valid, x, y, z = registers[-1]

    valid_m = Signal(bool(0))
    product = Signal(intbv(0, min=-product_lim, max=product_lim))
    z_m = Signal(intbv(0, min=-z_lim, max=z_lim))
    mag_rounded = Signal(intbv(0, min=-mag_lim, max=mag_lim))
    phase_word = Signal(intbv(0)[phase_bits:])

    @always_seq(clk.posedge, reset=reset)
    def compensate_gain():
        if source_ready:
            valid_m.next = valid
            product.next = x * params.gain_compensation
            z_m.next = z

    @always_comb
    def round_half_up():
        mag_rounded.next = (product + (1 << (mag_shift - 1))) >> mag_shift
        # The phase word wraps modulo a full turn: keep the low bits of the rounded angle.
        phase_word.next = ((z_m + (1 << (z_shift - 1))) >> z_shift) & phase_mask

    @always_seq(clk.posedge, reset=reset)
    def saturate_and_wrap():
        if source_ready:
            source_valid.next = valid_m
            if mag_rounded > mag_max:
                source_mag.next = mag_max
            elif mag_rounded < 0:
                source_mag.next = 0
            else:
                source_mag.next = mag_rounded
            source_phase.next = phase_word[phase_bits:].signed()

    return pass_ready, pre_rotate, stages, compensate_gain, round_half_up, saturate_and_wrap
