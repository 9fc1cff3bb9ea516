"""MAC lanes (accumulate, bias, ReLU, rounding shift, saturation) vs IntLayer.forward: MyHDL and Icarus,
multiplier lanes and shift lanes."""

import numpy as np
from hw_testing import clocked, needs_tools
from myhdl import ResetSignal, Signal, intbv

from lutdnn.hw.rtl.interfaces import Configuration, MacCommand, activation_write_port, bias_write_port
from lutdnn.hw.rtl.lut_decode import entry_bits
from lutdnn.hw.rtl.mac_lanes import POST_LATENCY, mac_lanes
from lutdnn.model.reference import shift_entry
from lutdnn.model.reference.dnn import IntLayer
from lutdnn.model.reference.formats import WORD_BITS

LANES = 16
INPUTS = 30        # a block must last longer than the post-processor's LANES cycles
OUTPUTS = 40       # three blocks, the last one padded


def random_layer(seed, in_frac, out_frac, power_of_two=False):
    """A random layer; with ``power_of_two`` its LUT values are 0 or +-2**a."""
    rng = np.random.default_rng(seed)
    if power_of_two:
        values = rng.choice([-1, 1], 16) << rng.integers(0, 7, 16)
        values[0] = 0
    else:
        values = rng.integers(-128, 128, 16)
    layer = IntLayer(codes=rng.integers(0, 16, (OUTPUTS, INPUTS)), lut_values=values,
                     lut_shifts=rng.integers(0, 9, 16),
                     biases=rng.integers(-128, 128, OUTPUTS), in_frac=in_frac, out_frac=out_frac)
    x = rng.integers(0, 65536, (3, INPUTS))
    x[1] = rng.integers(0, 64, INPUTS)      # small inputs: the bias decides the sign
    return layer, x


def lane_entries(layer, shift_lanes):
    """What lut_decode hands the lanes for every (output, input): s16 weights as u16, or shift-build entries."""
    if shift_lanes:
        return shift_entry.encode(layer.lut_values, layer.lut_shifts)[layer.codes]
    return layer.weights() & 0xFFFF


def run_lanes(layer, frames, layer_index, fracs, build_dir=None, gaps_seed=None, shift_lanes=False):
    """Stream ``frames`` of inputs through the lanes as layer ``layer_index``; returns the
    ``(result address, word)`` pairs in the order they come out."""
    clk, reset = Signal(bool(0)), ResetSignal(0, active=1, isasync=False)
    bits = entry_bits(shift_lanes)
    weights = Signal(intbv(0)[bits * LANES:])
    x = Signal(intbv(0)[WORD_BITS:])
    command, config, bias, result = MacCommand(), Configuration(), bias_write_port(), activation_write_port()
    blocks = -(-OUTPUTS // LANES)
    padded = np.zeros((blocks * LANES, INPUTS), np.int64)
    padded[:OUTPUTS] = lane_entries(layer, shift_lanes)
    rng = np.random.default_rng(gaps_seed)
    got = []

    def collect():
        if result.valid:
            got.append((int(result.addr), int(result.data)))

    def body():
        config.frac_in.next, config.frac_hidden.next, config.frac_out.next = fracs
        yield from bias.write(clk, ((256 * layer_index + i, b) for i, b in enumerate(layer.biases)))
        command.layer.next = layer_index
        for frame in frames:
            for blk in range(blocks):
                for j in range(INPUTS):
                    while gaps_seed is not None and rng.random() < 0.3:
                        command.valid.next = 0
                        yield clk.posedge
                        collect()
                    lanes_w = padded[blk * LANES:(blk + 1) * LANES, j]
                    weights.next = sum(int(v) << (bits * p) for p, v in enumerate(lanes_w))
                    x.next = int(frame[j])
                    command.valid.next, command.first.next, command.last.next = 1, j == 0, j == INPUTS - 1
                    command.block_base.next = blk * LANES
                    yield clk.posedge
                    collect()
            command.valid.next = 0
        for _ in range(LANES + POST_LATENCY + 4):   # the last block drains
            yield clk.posedge
            collect()

    args = (clk, reset, weights, x, command, config, bias, result, LANES, shift_lanes)
    clocked(clk, reset, mac_lanes, args, build_dir, body).run_sim(quiet=1)
    return got


def check(layer, frames, layer_index, fracs, **kw):
    got = run_lanes(layer, frames, layer_index, fracs, **kw)
    blocks = -(-OUTPUTS // LANES)
    assert [a for a, _ in got] == [256 * layer_index + i for _ in frames for i in range(blocks * LANES)]
    words = np.array([v for _, v in got]).reshape(len(frames), -1)[:, :OUTPUTS]
    want = layer.forward(frames)
    assert np.array_equal(words, want)
    return want


def test_layer1_matches_reference():
    # F_1 = 9, F_2 = 12: shift 12; large inputs saturate, small ones leave the sign to the bias
    layer, x = random_layer(21, 9, 12)
    want = check(layer, x, 0, (9, 12, 0))
    assert (want == 0).any() and (want == 65535).any() and ((want > 0) & (want < 65535)).any()


def test_layer2_uses_its_own_fraction_bits_with_gaps():
    layer, x = random_layer(22, 6, 11)
    check(layer, x, 1, (0, 6, 11), gaps_seed=5)


@needs_tools("iverilog")
def test_lanes_cosim_matches_reference(tmp_path):
    layer, x = random_layer(23, 9, 6)
    check(layer, x, 1, (0, 9, 6), build_dir=tmp_path, gaps_seed=6)


def test_shift_lanes_match_reference():
    layer, x = random_layer(27, 9, 12, power_of_two=True)
    want = check(layer, x, 0, (9, 12, 0), shift_lanes=True)
    assert (want == 0).any() and (want == 65535).any() and ((want > 0) & (want < 65535)).any()


@needs_tools("iverilog")
def test_shift_lanes_cosim_match_reference(tmp_path):
    layer, x = random_layer(25, 9, 6, power_of_two=True)
    layer.lut_values[1], layer.lut_shifts[1] = -128, 0      # the largest shift: -2**15
    check(layer, x, 1, (0, 9, 6), build_dir=tmp_path, gaps_seed=7, shift_lanes=True)
