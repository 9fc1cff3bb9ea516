"""LUT decode: one beat of packed codes -> ``P`` decoded weights (docs/arithmetic.md section 4).

A LUT entry ``(value s8, shift K)`` is decoded once, when the host writes it,
into the s16 weight ``value << (KMAX - K)``; the per-lane read is then a plain
table look-up, so the ``P`` lanes share no shifter and need no multiplier
beyond the MAC's.  Every lane keeps its own copy of both tables, all written
together: one read port per memory maps onto distributed RAM, where one table
with ``P`` read ports sends Yosys's memory mapper into an exponential search
(it ran out of 23 GB).

The shift build (``shift_lanes=True``) decodes an entry instead into the
6-bit (zero, negative, exponent) form of :mod:`.shift_entry`, for MAC lanes
that shift rather than multiply; it refuses (does not write, and reports on
``lut_error``) an entry whose value is not 0 or a power of two.
"""

from myhdl import ConcatSignal, Signal, always, always_comb, block, concat, intbv, modbv

from lutdnn.accelerator.protocol import CODE_WIDTHS
from lutdnn.model.reference import shift_entry
from lutdnn.model.reference.formats import KMAX, LUT_VALUE_BITS
from lutdnn.model.reference.packing import BEAT_BITS

WEIGHT_BITS = LUT_VALUE_BITS + KMAX


def entry_bits(shift_lanes):
    """Bits of one decoded LUT entry: an s16 weight, or a shift-build entry."""
    return shift_entry.ENTRY_BITS if shift_lanes else WEIGHT_BITS


def entry_word(shift_lanes):
    if shift_lanes:
        return intbv(0)[shift_entry.ENTRY_BITS:]
    return intbv(0, min=-(1 << (WEIGHT_BITS - 1)), max=1 << (WEIGHT_BITS - 1))


def check_geometry(lanes, max_code_bits):
    """Refuse a lane count / code width the one-beat-per-group datapath cannot take."""
    if max_code_bits not in CODE_WIDTHS:
        raise ValueError(f"max code bits must be one of {CODE_WIDTHS}, got {max_code_bits}")
    if lanes < 1 or lanes * max_code_bits > BEAT_BITS:
        raise ValueError(f"{lanes} lanes of {max_code_bits}-bit codes do not fit one {BEAT_BITS}-bit beat")


@block
def lut_decode(clk, lut, layer, code_bits, group, weights, lanes, max_code_bits, shift_lanes=False):
    """Two LUTs (one per layer) of ``2**max_code_bits`` entries, ``lanes`` read ports.

    Ports:
      clk (in): clock
      lut: LutWrite (hw/rtl/interfaces.py): valid, layer, code, value (s8),
          shift (0..KMAX) (in) write one entry; refused (out, shift build only):
          the entry being written has a value that is not 0 or a power of two,
          and is dropped
      layer (in): the LUT the lanes read (0: layer 1, 1: layer 2)
      code_bits (in): the run-time code width M (a width outside
          :func:`lutdnn.accelerator.protocol.supported_code_widths` decodes every code as 0)
      group (in): one beat of packed codes, lane ``p`` at bits ``p*M .. p*M+M-1``
          (a plain signal, not an interface member: MyHDL misnames slices of those)
      weights (out): ``lanes`` decoded entries of :func:`entry_bits` ``B`` bits (s16
          weights, or shift-build entries), lane ``p`` at bits ``Bp .. Bp+B-1``,
          valid one cycle after ``group`` (the codes are registered, then read
          from the lane's table: distributed RAM, read without a clock)
    Parameters:
      lanes, max_code_bits: elaboration constants (``lanes * max_code_bits <= 64``)
      shift_lanes: decode to shift-build entries (docs/arithmetic.md section 8)
    """
    lut_we, lut_layer, lut_code, lut_value, lut_shift = lut.valid, lut.layer, lut.code, lut.value, lut.shift
    lut_error = lut.refused
    check_geometry(lanes, max_code_bits)
    entries = 1 << max_code_bits
    if len(lut_code) != max_code_bits:
        raise ValueError(f"lut_code must be {max_code_bits} bits wide")
    decoded = Signal(entry_word(shift_lanes))
    wr_addr = Signal(intbv(0)[max_code_bits + 1:])
    lane_weights = [Signal(entry_word(shift_lanes)) for _ in range(lanes)]
    lane_codes = [Signal(intbv(0)[max_code_bits:]) for _ in range(lanes)]

    @always_comb
    def address():
        wr_addr.next = concat(lut_layer, lut_code)

    if shift_lanes:
        entry_we = Signal(bool(0))
        decode = shift_decode(lut_we, lut_value, lut_shift, decoded, entry_we, lut_error)
    else:
        entry_we = lut_we

        @always_comb
        def decode():
            decoded.next = lut_value << (KMAX - lut_shift)

    def code_field(p, m):
        # a width the decoder does not support is a constant 0 field
        if m > max_code_bits:
            return Signal(intbv(0)[max_code_bits:])
        return group(p * m + m, p * m)

    @block
    def lane(p):
        field2, field3, field4, field8 = (code_field(p, m) for m in CODE_WIDTHS)
        code = lane_codes[p]
        weight = lane_weights[p]
        copy = [Signal(entry_word(shift_lanes)) for _ in range(2 * entries)]
        index = Signal(intbv(0)[max_code_bits + 1:])

        @always_comb
        def extract():
            if code_bits == 2:
                code.next = field2
            elif code_bits == 3:
                code.next = field3
            elif code_bits == 4:
                code.next = field4
            elif code_bits == 8:
                code.next = field8
            else:
                code.next = 0

        @always(clk.posedge)
        def access():
            if entry_we:
                copy[wr_addr].next = decoded
            # the code is registered before the read, not the weight after it: the
            # width select fans out to every lane and needs a cycle of its own
            index.next = concat(layer, code)

        @always_comb
        def read():
            weight.next = copy[index]

        return extract, access, read

    lanes_logic = [lane(p) for p in range(lanes)]
    bus = ConcatSignal(*reversed(lane_weights)) if lanes > 1 else lane_weights[0]

    @always_comb
    def drive():
        weights.next = bus

    return address, decode, lanes_logic, drive


@block
def shift_decode(lut_we, lut_value, lut_shift, decoded, entry_we, lut_error):
    """An entry ``(value, K)`` as a shift-build entry (:mod:`.shift_entry`).

    Ports:
      lut_we, lut_value (s8), lut_shift (0..KMAX): the entry being written
      decoded: (zero, negative, exponent ``log2|value| + KMAX - K``)
      entry_we: ``lut_we`` for a value that is 0 or ``+-2**a``
      lut_error: ``lut_we`` for any other value
    """
    magnitude = Signal(intbv(0)[LUT_VALUE_BITS:])   # |-128| = 128 still fits 8 unsigned bits
    log2 = Signal(intbv(0, min=0, max=LUT_VALUE_BITS))
    # wraps for shifts > KMAX, which the register file never writes
    exponent = Signal(modbv(0)[shift_entry.EXPONENT_BITS:])
    power_of_two = Signal(bool(0))

    @always_comb
    def absolute():
        if lut_value < 0:
            magnitude.next = -lut_value
        else:
            magnitude.next = lut_value

    @always_comb
    def highest_bit():
        log2.next = 0
        for a in range(1, LUT_VALUE_BITS):
            if magnitude[a]:
                log2.next = a

    @always_comb
    def classify():
        power_of_two.next = (magnitude & (magnitude - 1)) == 0
        exponent.next = log2 + KMAX - lut_shift

    @always_comb
    def encode():
        decoded.next = concat(lut_value == 0, lut_value < 0, exponent)
        entry_we.next = lut_we and power_of_two
        lut_error.next = lut_we and not power_of_two

    return absolute, highest_bit, classify, encode
