"""Output stage: layer-2 words -> enhanced magnitudes (docs/arithmetic.md section 6)."""

from myhdl import Signal, always_seq, block, intbv

from lutdnn.model.reference.formats import MAG_FRAC, OUTPUT_MASK, WORD_BITS, WORD_MAX

SHIFT_BITS = 6
# Registers from a bin's input to its magnitude: input, gain select, multiply,
# rounding add, shift, saturate (one carry chain or multiplier each, for 100 MHz).
LATENCY = 6


@block
def output_stage(clk, reset, sink, config, source):
    """Six-stage pipeline, one bin a cycle.

    Ports (interface classes in hw/rtl/interfaces.py):
      clk, reset (in): clock, synchronous reset (ResetSignal)
      sink (in): Stream of ``y`` (u16, F_3 fraction bits) and ``mag`` (u16 input
          magnitude), one bin a cycle while ``valid``; always taken (``ready`` unread)
      config (in): Configuration: output_mode (OUTPUT_MASK 0 or OUTPUT_MAGNITUDE 1),
          frac_out (F_3), mask_floor (u16, F_3 fraction bits)
      source (out): Stream of ``mag``, the u16 magnitude (MAG_FRAC), ``LATENCY`` cycles
          after the input (``ready`` unread: the consumer always takes it)
    A shift of 0 (F_3 = 0 mask, F_3 = MAG_FRAC magnitude; the image writer
    refuses both) passes the word through unrounded.
    """
    in_valid, y, mag = sink.valid, sink.y, sink.mag
    output_mode, frac_out, mask_floor = config.output_mode, config.frac_out, config.mask_floor
    out_valid, out_mag = source.valid, source.mag
    # the input registers: the words come straight out of block RAMs
    valid0, y0, mag0 = Signal(bool(0)), Signal(intbv(0)[WORD_BITS:]), Signal(intbv(0)[WORD_BITS:])
    # gain select (mask: max(y, floor) times mag; magnitude: y times 1)
    valid1, gain, factor = Signal(bool(0)), Signal(intbv(0)[WORD_BITS:]), Signal(intbv(0)[WORD_BITS:])
    shift = Signal(intbv(0, min=-(1 << SHIFT_BITS), max=1 << SHIFT_BITS))
    half = Signal(intbv(0)[2 * WORD_BITS:])     # 2**(shift-1), or 0 when the word passes unrounded
    valid2, product = Signal(bool(0)), Signal(intbv(0)[2 * WORD_BITS:])
    valid3, biased = Signal(bool(0)), Signal(intbv(0)[2 * WORD_BITS + 1:])
    valid4, rounded = Signal(bool(0)), Signal(intbv(0)[2 * WORD_BITS + 1:])

    @always_seq(clk.posedge, reset=reset)
    def take():
        valid0.next = in_valid
        y0.next = y
        mag0.next = mag

    @always_seq(clk.posedge, reset=reset)
    def select_gain():
        valid1.next = valid0
        if output_mode == OUTPUT_MASK:
            shift.next = frac_out
            factor.next = mag0
            if y0 > mask_floor:
                gain.next = y0
            else:
                gain.next = mask_floor
        else:
            shift.next = frac_out - MAG_FRAC
            factor.next = 1
            gain.next = y0

    @always_seq(clk.posedge, reset=reset)
    def scale():
        valid2.next = valid1
        product.next = gain * factor
        if shift > 0:
            half.next = 1 << (shift - 1)
        else:
            half.next = 0

    @always_seq(clk.posedge, reset=reset)
    def round_half_up():
        valid3.next = valid2
        biased.next = product + half

    @always_seq(clk.posedge, reset=reset)
    def drop_fraction():
        valid4.next = valid3
        if shift > 0:
            rounded.next = biased >> shift
        else:
            rounded.next = biased

    @always_seq(clk.posedge, reset=reset)
    def saturate():
        out_valid.next = valid4
        if rounded > WORD_MAX:
            out_mag.next = WORD_MAX
        else:
            out_mag.next = rounded

    return take, select_gain, scale, round_half_up, drop_fraction, saturate
