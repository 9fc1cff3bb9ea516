"""LUT decode vs the reference decoder (formats.decode_lut) and packing: MyHDL and Icarus,
for the multiplier build (s16 weights) and the shift build (shift-build entries)."""

import numpy as np
import pytest
from hw_testing import clocked, needs_tools
from myhdl import ResetSignal, Signal, intbv

from lutdnn.hw.rtl.interfaces import Configuration, LutWrite
from lutdnn.hw.rtl.lut_decode import check_geometry, entry_bits, lut_decode
from lutdnn.model.reference import shift_entry
from lutdnn.model.reference.formats import decode_lut
from lutdnn.model.reference.packing import BEAT_BITS, pack_layer

LANES = 16
MAX_CODE_BITS = 4


def lut_writes(luts):
    """Two LUTs (values, shifts) -> ``(layer, code, value, shift)`` writes, entry by entry."""
    return [(n, code, int(v), int(k)) for n, (values, shifts) in enumerate(luts)
            for code, (v, k) in enumerate(zip(values, shifts))]


def run_decode(writes, cases, build_dir=None, shift_lanes=False, errors=None):
    """``writes``: (layer, code, value, shift); ``cases``: (layer, M, codes[LANES]) -> decoded entries per case.

    ``errors`` (a list) gets ``(layer, code)`` of each write raising ``lut_error``."""
    clk, reset = Signal(bool(0)), ResetSignal(0, active=1, isasync=False)
    lut, config, layer = LutWrite(MAX_CODE_BITS), Configuration(), Signal(bool(0))
    code_bits = config.code_bits_1
    bits = entry_bits(shift_lanes)
    group, weights = Signal(intbv(0)[BEAT_BITS:]), Signal(intbv(0)[bits * LANES:])
    got = []

    def body():
        yield from lut.write(clk, writes, errors)
        for n, m, codes in cases:
            layer.next, code_bits.next = n, m
            group.next = int(pack_layer(np.asarray(codes)[:, None], m, LANES)[0])
            yield clk.posedge
            yield clk.negedge
            word = int(weights)
            got.append([(word >> (bits * p)) & ((1 << bits) - 1) for p in range(LANES)])

    args = (clk, lut, layer, code_bits, group, weights, LANES, MAX_CODE_BITS, shift_lanes)
    clocked(clk, reset, lut_decode, args, build_dir, body).run_sim(quiet=1)
    got = np.array(got)
    return got if shift_lanes else np.where(got >= 1 << 15, got - (1 << 16), got)


def random_cases(rng, n):
    return [(int(rng.integers(2)), int(m), rng.integers(0, 1 << m, LANES)) for m in rng.choice([2, 3, 4], n)]


def random_case(seed, n=40):
    rng = np.random.default_rng(seed)
    entries = 1 << MAX_CODE_BITS
    luts = [(rng.integers(-128, 128, entries), rng.integers(0, 9, entries)) for _ in range(2)]
    luts[0][0][:2] = (-128, 127)       # extremes of the value range at both ends of the shift range
    luts[0][1][:2] = (0, 8)
    cases = random_cases(rng, n)
    expected = [decode_lut(*luts[layer])[codes] for layer, _, codes in cases]
    return lut_writes(luts), cases, np.array(expected)


def test_decode_matches_reference():
    writes, cases, expected = random_case(11)
    assert np.array_equal(run_decode(writes, cases), expected)


@needs_tools("iverilog")
def test_decode_cosim_matches_reference(tmp_path):
    writes, cases, expected = random_case(12)
    assert np.array_equal(run_decode(writes, cases, build_dir=tmp_path), expected)


# values the shift build must refuse, written over good entries (which must survive)
REFUSED = [(0, 14, 3, 2), (0, 15, 96, 0), (1, 15, -5, 8), (1, 3, 127, 4)]


def check_power_of_two_decode(seed, build_dir=None, n=40):
    """Random p2 LUTs (every value 0 or +-2**a; exponents 15, 0 and 14 at the extremes),
    then the REFUSED writes: the entries stand for the reference's weights of the p2 LUTs."""
    rng = np.random.default_rng(seed)
    entries = 1 << MAX_CODE_BITS
    luts = []
    for _ in range(2):
        values = rng.choice([-1, 1], entries) << rng.integers(0, 8, entries)
        values[rng.integers(entries)] = 0
        luts.append((np.clip(values, -128, 64), rng.integers(0, 9, entries)))
    luts[0][0][:3], luts[0][1][:3] = (-128, 1, 64), (0, 8, 0)
    cases = random_cases(rng, n)
    errors = []
    got = run_decode(lut_writes(luts) + REFUSED, cases, build_dir, shift_lanes=True, errors=errors)
    # (a zero entry's exponent bits are left as they fall: compare what the entries stand for)
    reference = np.array([decode_lut(*luts[layer])[codes] for layer, _, codes in cases])
    assert np.array_equal(shift_entry.weights(got), reference)
    assert (reference == 0).any() and (reference == -(1 << 15)).any() and (reference == 1).any()
    assert errors == [(n, code) for n, code, _, _ in REFUSED]


def test_shift_decode_matches_reference_and_refuses_other_values():
    check_power_of_two_decode(13)


@needs_tools("iverilog")
def test_shift_decode_cosim_matches_reference(tmp_path):
    check_power_of_two_decode(14, build_dir=tmp_path)


@pytest.mark.parametrize("lanes, bits", [(16, 8), (0, 4), (16, 5)])
def test_impossible_geometry_is_refused(lanes, bits):
    with pytest.raises(ValueError):
        check_geometry(lanes, bits)
