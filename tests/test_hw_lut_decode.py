"""LUT decode vs the reference decoder (formats.decode_lut) and packing: MyHDL and Icarus."""

import numpy as np
import pytest
from myhdl import ResetSignal, Signal, intbv

from hw_testing import clocked, needs_tools
from lutdnn.hw.lut_decode import WEIGHT_BITS, check_geometry, lut_decode
from lutdnn.model.reference.formats import decode_lut
from lutdnn.model.reference.packing import pack_layer

LANES = 16
MAX_CODE_BITS = 4


def run_decode(luts, cases, build_dir=None):
    """``luts``: two (values, shifts); ``cases``: (layer, M, codes[LANES]) -> decoded weights per case."""
    clk, reset = Signal(bool(0)), ResetSignal(0, active=1, isasync=False)
    lut_we, lut_layer, layer = Signal(bool(0)), Signal(bool(0)), Signal(bool(0))
    lut_code, lut_shift, code_bits = Signal(intbv(0)[MAX_CODE_BITS:]), Signal(intbv(0)[4:]), Signal(intbv(0)[4:])
    lut_value = Signal(intbv(0, min=-128, max=128))
    group, weights = Signal(intbv(0)[64:]), Signal(intbv(0)[WEIGHT_BITS * LANES:])
    got = []

    def body():
        for n, (values, shifts) in enumerate(luts):
            for code, (value, shift) in enumerate(zip(values, shifts)):
                lut_we.next, lut_layer.next, lut_code.next = 1, n, code
                lut_value.next, lut_shift.next = int(value), int(shift)
                yield clk.posedge
        lut_we.next = 0
        for n, bits, codes in cases:
            layer.next, code_bits.next = n, bits
            group.next = int(pack_layer(np.asarray(codes)[:, None], bits, LANES)[0])
            yield clk.posedge
            yield clk.negedge
            word = int(weights)
            lanes = [(word >> (WEIGHT_BITS * p)) & 0xFFFF for p in range(LANES)]
            got.append([w - (1 << 16) if w >= 1 << 15 else w for w in lanes])

    args = (clk, lut_we, lut_layer, lut_code, lut_value, lut_shift, layer, code_bits, group, weights,
            LANES, MAX_CODE_BITS)
    clocked(clk, reset, lut_decode, args, build_dir, body).run_sim(quiet=1)
    return np.array(got)


def random_case(seed, n=40):
    rng = np.random.default_rng(seed)
    entries = 1 << MAX_CODE_BITS
    luts = [(rng.integers(-128, 128, entries), rng.integers(0, 9, entries)) for _ in range(2)]
    luts[0][0][:2] = (-128, 127)       # extremes of the value range at both ends of the shift range
    luts[0][1][:2] = (0, 8)
    cases = [(int(rng.integers(2)), int(bits), rng.integers(0, 1 << bits, LANES))
             for bits in rng.choice([2, 3, 4], n)]
    expected = [decode_lut(*luts[layer])[codes] for layer, _, codes in cases]
    return luts, cases, np.array(expected)


def test_decode_matches_reference():
    luts, cases, expected = random_case(11)
    assert np.array_equal(run_decode(luts, cases), expected)


@needs_tools("iverilog")
def test_decode_cosim_matches_reference(tmp_path):
    luts, cases, expected = random_case(12)
    assert np.array_equal(run_decode(luts, cases, build_dir=tmp_path), expected)


@pytest.mark.parametrize("lanes, bits", [(16, 8), (0, 4), (16, 5)])
def test_impossible_geometry_is_refused(lanes, bits):
    with pytest.raises(ValueError):
        check_geometry(lanes, bits)
