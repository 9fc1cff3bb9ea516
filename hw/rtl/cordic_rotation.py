"""Pipelined CORDIC rotation: (magnitude, phase) -> spectrum bin (re, im), one bin per clock.

Bit exact to ``lutdnn.model.reference.cordic.rotation`` (docs/cordic.md).
"""

from myhdl import Signal, always_comb, always_seq, block, intbv

from lutdnn.hw.rtl.cordic_pipeline import (PHASE, S16, U16, pipeline_ports, require_payload_ranges, stage_registers,
                                           xyz_signals)
from lutdnn.hw.rtl.cordic_stage import ROTATION, cordic_stage
from lutdnn.model.reference.cordic import DEFAULT_PARAMS
from lutdnn.model.reference.formats import S16_MAX, S16_MIN, WORD_MAX

PAYLOAD = dict(sink_mag=U16, sink_phase=PHASE, source_re=S16, source_im=S16)


def rotation_ports(params=DEFAULT_PARAMS):
    """Fresh ports of ``cordic_rotation`` (clk, reset, sink, source), sized for ``params``, by argument name."""
    return pipeline_ports(PAYLOAD, params)


@block
def cordic_rotation(clk, reset, sink, source, params=DEFAULT_PARAMS):
    """CORDIC rotation pipeline with a global stall.

    Ports (``sink``, ``source``: Streams, hw/rtl/interfaces.py; converted as ``sink_<member>``):
        clk, reset: clock, synchronous reset (ResetSignal).
        sink_valid (in), sink_ready (out), sink_mag (in, u16),
            sink_phase (in, s{params.phase_bits}): magnitude and phase words.
        source_valid (out), source_ready (in), source_re, source_im (out, s16,
            saturated): the bin, ``pipeline_latency(params)`` clocks later. The
            whole pipeline holds while ``source_ready`` is low, so ``sink_ready``
            is ``source_ready``.
    """
    require_payload_ranges("cordic_rotation", PAYLOAD, params, sink, source)
    sink_valid, sink_ready, sink_mag, sink_phase = sink.valid, sink.ready, sink.mag, sink.phase
    source_valid, source_ready, source_re, source_im = source.valid, source.ready, source.re, source.im
    g = params.guard_bits
    xy_lim = 1 << (params.xy_bits - 1)
    scale_shift = params.gain_frac_bits - g
    product_max = WORD_MAX * params.gain_compensation + 1
    quarter_turn = 1 << (params.phase_bits - 2)
    half_turn = 2 * quarter_turn
    z_shift = params.phase_guard_bits
    word_max = S16_MAX
    word_min = S16_MIN

    valid_m = Signal(bool(0))
    product = Signal(intbv(0, min=0, max=product_max))
    phase_m = Signal(intbv(0, min=sink_phase.min, max=sink_phase.max))
    scaled = Signal(intbv(0, min=0, max=xy_lim))

    @always_comb
    def pass_ready():
        sink_ready.next = source_ready

    @always_seq(clk.posedge, reset=reset)
    def compensate_gain():
        # Removing the gain before the iterations costs one multiply instead of two.
        if source_ready:
            valid_m.next = sink_valid
            product.next = sink_mag * params.gain_compensation
            phase_m.next = sink_phase

    @always_comb
    def round_scaled():
        scaled.next = (product + (1 << (scale_shift - 1))) >> scale_shift

    valid0 = Signal(bool(0))
    x0, y0, z0 = xyz_signals(params)

    @always_seq(clk.posedge, reset=reset)
    def pre_rotate():
        # Outside [-pi/2, pi/2) start from -mag and remove a half turn.
        if source_ready:
            valid0.next = valid_m
            y0.next = 0
            if phase_m >= quarter_turn:
                x0.next = -scaled
                z0.next = (phase_m - half_turn) << z_shift
            elif phase_m < -quarter_turn:
                x0.next = -scaled
                z0.next = (phase_m + half_turn) << z_shift
            else:
                x0.next = scaled
                z0.next = phase_m << z_shift

    registers = stage_registers(valid0, x0, y0, z0, params)
    stages = []
    for i, atan in enumerate(params.atan_table):
        stages.append(cordic_stage(clk, reset, source_ready, registers[i], registers[i + 1], i, atan, ROTATION))
    valid, x, y, z = registers[-1]

    re_rounded = Signal(intbv(0, min=-xy_lim, max=xy_lim))
    im_rounded = Signal(intbv(0, min=-xy_lim, max=xy_lim))

    @always_comb
    def round_half_up():
        re_rounded.next = (x + (1 << (g - 1))) >> g
        im_rounded.next = (y + (1 << (g - 1))) >> g

    @always_seq(clk.posedge, reset=reset)
    def saturate():
        if source_ready:
            source_valid.next = valid
            if re_rounded > word_max:
                source_re.next = word_max
            elif re_rounded < word_min:
                source_re.next = word_min
            else:
                source_re.next = re_rounded
            if im_rounded > word_max:
                source_im.next = word_max
            elif im_rounded < word_min:
                source_im.next = word_min
            else:
                source_im.next = im_rounded

    return pass_ready, compensate_gain, round_scaled, pre_rotate, stages, round_half_up, saturate
