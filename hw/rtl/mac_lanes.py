"""P-lane MAC: LUT-decoded weights times a broadcast input, then bias, ReLU,
rounding shift and saturation (docs/arithmetic.md section 5).

Each lane accumulates one output neuron of the current block of ``P`` outputs
in a 48-bit accumulator.  A step passes three registers: the operands (the
input word comes straight out of a block RAM), the product, the accumulator.
When a block ends, the ``P`` sums are copied into hold registers that then
shift towards lane 0, one a cycle, into one shared post-processor (a pipeline
of ``POST_LATENCY`` registers) that turns them into u16 words, while the lanes
already accumulate the next block (a block lasts at least as many cycles as it has
inputs, far more than ``P``).

The shift build (``shift_lanes=True``) takes shift-build entries (lut_decode,
:mod:`.shift_entry`) instead of s16 weights: a lane's product is the input
word shifted left by the entry's exponent, negated or zeroed, with no
multiplier; it equals the multiplier's product bit for bit
(docs/arithmetic.md section 8).
"""

from myhdl import Signal, always, always_comb, always_seq, block, concat, intbv

from lutdnn.hw.rtl.interfaces import ACTIVATION_ADDR_BITS, ReadPort
from lutdnn.hw.rtl.lut_decode import WEIGHT_BITS, entry_bits
from lutdnn.hw.rtl.ram import ram
from lutdnn.model.reference import shift_entry
from lutdnn.model.reference.formats import ACC_BITS, BIAS_BITS, KMAX, WEIGHT_FRAC, WORD_BITS, WORD_MAX

PRODUCT_BITS = WEIGHT_BITS + WORD_BITS
SHIFT_BITS = 6
# Registers from a held sum to its u16 word: the sum (its bias read from block
# RAM meanwhile), the bias, the bias's alignment, the bias add, the rounding
# add, the shift, the saturation: no stage holds more than one carry chain.
POST_LATENCY = 7


def signed_word(bits):
    return intbv(0, min=-(1 << (bits - 1)), max=1 << (bits - 1))


@block
def mac_lanes(clk, reset, weights, x, command, config, bias_write, result_port, lanes, shift_lanes=False):
    """``lanes`` multiply-accumulate lanes and their output post-processor.

    Ports (interface classes in hw/rtl/interfaces.py):
      clk, reset (in): clock, synchronous reset (ResetSignal)
      weights (in): ``lanes`` decoded entries of ``B = lut_decode.entry_bits(shift_lanes)``
          bits, lane ``p`` at bits ``Bp .. Bp+B-1`` (s16 weights, or shift-build
          entries), aligned with
      x (in): the u16 input word broadcast to every lane
      command: MacCommand:
        valid (in): weights/x are one input of the current block
        first / last (in): this input is the block's first / last
        layer, block_base (in): layer (0/1) and first output index of the block, sampled with ``last``
        busy (out): a block's outputs are still being produced
      config (in): Configuration: frac_in, frac_hidden, frac_out are F_1, F_2, F_3 of docs/arithmetic.md
      bias_write (in): WritePort of the bias table (addr = layer*256 + output, data s8)
      result_port (out): WritePort of the activation RAM: ``data`` one post-processed
          u16 output at ``addr`` (layer*256 + output), a cycle after each block (the first
          3 + POST_LATENCY cycles after the block's last input)
    Parameters:
      lanes: P
      shift_lanes: lanes shift by a shift-build entry's exponent instead of multiplying
    """
    step, first, last, layer = command.valid, command.first, command.last, command.layer
    block_base, busy = command.block_base, command.busy
    frac_in, frac_hidden, frac_out = config.frac_in, config.frac_hidden, config.frac_out
    result, result_addr, result_valid = result_port.data, result_port.addr, result_port.valid
    if len(weights) != lanes * entry_bits(shift_lanes):
        raise ValueError(f"weights must be {lanes} x {entry_bits(shift_lanes)} bits wide")
    acc_type = signed_word(ACC_BITS)
    products = [Signal(signed_word(PRODUCT_BITS)) for _ in range(lanes)]
    accs = [Signal(acc_type) for _ in range(lanes)]
    holds = [Signal(acc_type) for _ in range(lanes)]
    # the step's flags beside its operands (_o), then beside its products (_d)
    step_o, first_o, last_o = (Signal(bool(0)) for _ in range(3))
    step_d, first_d, last_d = (Signal(bool(0)) for _ in range(3))
    # the operand registers: x and the decoded entries, registered together
    operands = Signal(intbv(0)[len(weights):])
    # a signed copy of x: Verilog multiplies signed by unsigned as unsigned;
    # as wide as a product where it is shifted, so no bit is shifted out
    x_signed = Signal(signed_word(PRODUCT_BITS if shift_lanes else WORD_BITS + 1))
    # shift lanes: -x, negated once for all lanes (a lane picks x or -x, then shifts)
    x_negated = Signal(signed_word(PRODUCT_BITS))

    # post-processor state: lane being drained and the block it belongs to
    draining = Signal(bool(0))
    lane_sel = Signal(intbv(0, min=0, max=max(lanes, 2)))
    head = holds[0]
    out_layer = Signal(bool(0))
    out_base = Signal(intbv(0)[ACTIVATION_ADDR_BITS - 1:])
    out_index = Signal(intbv(0)[ACTIVATION_ADDR_BITS - 1:])
    bias_rd_addr = Signal(intbv(0)[ACTIVATION_ADDR_BITS:])
    bias_word = Signal(signed_word(BIAS_BITS))
    picked, held, held_2 = Signal(acc_type), Signal(acc_type), Signal(acc_type)
    bias = Signal(signed_word(BIAS_BITS))
    aligned_bias = Signal(acc_type)
    summed = Signal(acc_type)
    negative = Signal(bool(0))
    biased = Signal(intbv(0)[ACC_BITS:])       # a non-negative sum plus half its last unit
    rounded = Signal(intbv(0)[ACC_BITS:])
    # valid bit and result address of each post-processing stage, stage 1 lowest
    valids = Signal(intbv(0)[POST_LATENCY:])
    addresses = Signal(intbv(0)[POST_LATENCY * ACTIVATION_ADDR_BITS:])
    bias_shift = Signal(intbv(0)[SHIFT_BITS:])
    # signed: fraction registers written one at a time pass through negative values
    out_shift = Signal(intbv(0, min=-(1 << SHIFT_BITS), max=1 << SHIFT_BITS))
    half = Signal(intbv(0)[ACC_BITS:])         # 2**(out_shift-1), the rounding constant

    # layer/base travel with the block's last step through the multiply stage
    layer_latched = Signal(bool(0))
    base_latched = Signal(intbv(0)[ACTIVATION_ADDR_BITS - 1:])

    biases = ram(clk, bias_write, ReadPort(bias_rd_addr, bias_word))

    @block
    def lane(p):
        product, acc, hold = products[p], accs[p], holds[p]
        upstream = holds[p + 1] if p + 1 < lanes else Signal(acc_type)
        if shift_lanes:
            base = shift_entry.ENTRY_BITS * p
            exponent = operands(base + shift_entry.EXPONENT_BITS, base)
            negated = operands(base + shift_entry.NEGATIVE_BIT)
            zero = operands(base + shift_entry.ZERO_BIT)
            operand = Signal(signed_word(PRODUCT_BITS))

            @always_comb
            def pick_sign():
                if negated:
                    operand.next = x_negated
                else:
                    operand.next = x_signed

            @always(clk.posedge)
            def shift():
                if zero:
                    product.next = 0
                else:
                    product.next = operand << exponent

            weigh = (pick_sign, shift)
        else:
            wslice = operands(WEIGHT_BITS * p + WEIGHT_BITS, WEIGHT_BITS * p)

            @always(clk.posedge)
            def multiply():
                product.next = wslice.signed() * x_signed

            weigh = multiply

        @always(clk.posedge)
        def accumulate():
            if step_d:
                if first_d:
                    acc.next = product
                else:
                    acc.next = acc + product
            # the hold registers load a finished block, then shift towards lane 0
            if step_d and last_d:
                if first_d:
                    hold.next = product
                else:
                    hold.next = acc + product
            elif draining:
                hold.next = upstream

        return weigh, accumulate

    lanes_logic = [lane(p) for p in range(lanes)]

    @always(clk.posedge)
    def register_operands():
        operands.next = weights
        x_signed.next = x

    shift_only = []
    if shift_lanes:
        @always(clk.posedge)
        def negate_x():
            x_negated.next = -x

        shift_only.append(negate_x)

    @always_seq(clk.posedge, reset=reset)
    def delay_flags():
        step_o.next = step
        first_o.next = first
        last_o.next = last
        step_d.next = step_o
        first_d.next = first_o
        last_d.next = last_o

    @always_seq(clk.posedge, reset=reset)
    def sequence_drain():
        if step_d and last_d:
            draining.next = 1
            lane_sel.next = 0
            out_layer.next = layer_latched
            out_base.next = base_latched
        elif draining:
            if lane_sel == lanes - 1:
                draining.next = 0
            else:
                lane_sel.next = lane_sel + 1

    @always_seq(clk.posedge, reset=reset)
    def latch_block():
        if step and last:
            layer_latched.next = layer
            base_latched.next = block_base

    @always_seq(clk.posedge, reset=reset)
    def shifts():
        # registered: the block's layer is set when its drain starts, three
        # cycles before the bias is aligned, five before the rounding add
        if out_layer:
            bias_shift.next = KMAX + frac_hidden
            out_shift.next = WEIGHT_FRAC + frac_hidden - frac_out
        else:
            bias_shift.next = KMAX + frac_in
            out_shift.next = WEIGHT_FRAC + frac_in - frac_hidden
        if out_shift > 0:
            half.next = 1 << (out_shift - 1)
        else:
            half.next = 0

    @always_comb
    def output_index():
        out_index.next = out_base + lane_sel

    @always_comb
    def output_address():
        bias_rd_addr.next = concat(out_layer, out_index)

    @always_seq(clk.posedge, reset=reset)
    def carry_address():
        valids.next = concat(valids[POST_LATENCY - 1:], draining)
        addresses.next = concat(addresses[(POST_LATENCY - 1) * ACTIVATION_ADDR_BITS:], bias_rd_addr)

    @always_comb
    def last_stage():
        result_valid.next = valids[POST_LATENCY - 1]
        result_addr.next = addresses[POST_LATENCY * ACTIVATION_ADDR_BITS:(POST_LATENCY - 1) * ACTIVATION_ADDR_BITS]

    @always_seq(clk.posedge, reset=reset)
    def post_process():
        # stage 1: the held sum and (via the RAM) its bias
        picked.next = head
        # stage 2: the bias (a block RAM's output is slow: nothing else in its cycle)
        held.next = picked
        bias.next = bias_word
        # stage 3: the bias aligned to the accumulator's fraction bits
        held_2.next = held
        aligned_bias.next = bias << bias_shift
        # stage 4: add the bias
        summed.next = held_2 + aligned_bias
        # stage 5: ReLU, and half a unit of the last kept bit for rounding
        negative.next = summed < 0 or not valids[3]
        if summed < 0:
            biased.next = 0
        else:
            biased.next = summed + half
        # stage 6: the rounding shift
        if negative:
            rounded.next = 0
        else:
            rounded.next = biased >> out_shift
        # stage 7: saturation to u16
        if rounded > WORD_MAX:
            result.next = WORD_MAX
        else:
            result.next = rounded

    @always_comb
    def report_busy():
        busy.next = step_o or step_d or draining or valids != 0

    return (biases, lanes_logic, register_operands, delay_flags, sequence_drain, latch_block, shifts,
            output_index, output_address, carry_address, last_stage, post_process, report_busy, shift_only)
