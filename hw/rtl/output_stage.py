"""Output stage: layer-2 words -> enhanced magnitudes (docs/arithmetic.md section 6)."""

from myhdl import Signal, always_seq, block, intbv

from lutdnn.model.reference.formats import MAG_FRAC, OUTPUT_MASK, WORD_BITS, WORD_MAX

SHIFT_BITS = 6


@block
def output_stage(clk, reset, sink, config, source):
    """Three-stage pipeline, one bin a cycle.

    Ports (interface classes in hw/rtl/interfaces.py):
      clk, reset (in): clock, synchronous reset (ResetSignal)
      sink (in): Stream of ``y`` (u16, F_3 fraction bits) and ``mag`` (u16 input
          magnitude), one bin a cycle while ``valid``; always taken (``ready`` unread)
      config (in): Configuration: output_mode (OUTPUT_MASK 0 or OUTPUT_MAGNITUDE 1),
          frac_out (F_3), mask_floor (u16, F_3 fraction bits)
      source (out): Stream of ``mag``, the u16 magnitude (MAG_FRAC), three cycles
          after the input (``ready`` unread: the consumer always takes it)
    A shift of 0 (F_3 = 0 mask, F_3 = MAG_FRAC magnitude; the image writer
    refuses both) passes the word through unrounded.
    """
    in_valid, y, mag = sink.valid, sink.y, sink.mag
    output_mode, frac_out, mask_floor = config.output_mode, config.frac_out, config.mask_floor
    out_valid, out_mag = source.valid, source.mag
    product = Signal(intbv(0)[2 * WORD_BITS:])
    shift = Signal(intbv(0, min=-(1 << SHIFT_BITS), max=1 << SHIFT_BITS))
    rounded = Signal(intbv(0)[2 * WORD_BITS + 1:])
    valid1, valid2 = Signal(bool(0)), Signal(bool(0))

    @always_seq(clk.posedge, reset=reset)
    def scale():
        valid1.next = in_valid
        if output_mode == OUTPUT_MASK:
            shift.next = frac_out
            if y > mask_floor:
                product.next = y * mag
            else:
                product.next = mask_floor * mag
        else:
            shift.next = frac_out - MAG_FRAC
            product.next = y

    @always_seq(clk.posedge, reset=reset)
    def round_half_up():
        valid2.next = valid1
        if valid1 and shift > 0:
            rounded.next = (product + (1 << (shift - 1))) >> shift
        else:
            rounded.next = product

    @always_seq(clk.posedge, reset=reset)
    def saturate():
        out_valid.next = valid2
        if rounded > WORD_MAX:
            out_mag.next = WORD_MAX
        else:
            out_mag.next = rounded

    return scale, round_half_up, saturate
