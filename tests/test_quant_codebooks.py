"""Properties every scheme's codebook must have, on random weight sets."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lutdnn.model.quantize import kmeans, power_of_two, range_split, schemes, uniform, vbs
from lutdnn.model.quantize.codebook import interval_codebook

FAST = settings(max_examples=25, deadline=None)


@st.composite
def weight_sets(draw):
    seed = draw(st.integers(0, 2 ** 31))
    scale = draw(st.sampled_from([0.01, 0.05, 0.3]))
    rng = np.random.default_rng(seed)
    w = rng.laplace(0, scale, size=draw(st.integers(64, 2000)))
    return np.clip(w, -0.99, 0.99)


def candidates(module, w, bits, virtual_shift=True):
    """Every codebook a scheme's knob search looks at (keeping the first of each stage)."""
    seen = []

    def pick(codebooks):
        seen.extend(codebooks)
        return codebooks[0]

    module.choose(w, bits, virtual_shift, pick)
    return seen


def all_candidates(w, bits):
    for module, virtual_shift in schemes.METHODS.values():
        yield from candidates(module, w, bits, virtual_shift)


@FAST
@given(w=weight_sets(), bits=st.sampled_from([2, 3, 4, 8]))
def test_codes_in_range_and_weights_in_their_interval(w, bits):
    for cb in all_candidates(w, bits):
        codes = cb.assign(w)
        assert codes.min() >= 0 and codes.max() < 2 ** bits
        inner = (w >= cb.edges[0]) & (w <= cb.edges[-1])
        c = codes[inner]
        assert np.all(cb.edges[c] <= w[inner])
        assert np.all((w[inner] < cb.edges[c + 1]) | (c == 2 ** bits - 1))


@FAST
@given(w=weight_sets(), bits=st.sampled_from([2, 3, 4, 8]), cap=st.sampled_from([0, 4, 8]))
def test_interval_levels_lie_inside_their_intervals(w, bits, cap):
    sorted_w = np.sort(w)
    for edges in (uniform.edges(w, bits), range_split.edges(sorted_w, bits, 0.75, 0.05, 0.95)):
        cb = interval_codebook(w, edges, cap)
        lo, hi, levels = cb.edges[:-1], cb.edges[1:], cb.levels
        step = vbs.step(cb.shifts)
        # a representable value (s8 at the entry's shift) inside the interval
        holds_grid_point = np.minimum(np.floor(hi / step), 127) >= np.maximum(np.ceil(lo / step), -128)
        inside = (levels >= lo - 1e-15) & (levels <= hi + 1e-15)
        assert np.all(inside | ~holds_grid_point)
        assert np.all(np.diff(levels) >= 0)      # a monotone LUT


@FAST
@given(w=weight_sets(), bits=st.sampled_from([2, 3, 4]))
def test_nearest_level_codebooks_pick_the_nearest_level(w, bits):
    for module in (power_of_two, kmeans):
        for cb in candidates(module, w, bits):
            dist = np.abs(w[:, None] - cb.levels[None, :])
            assert np.allclose(np.abs(w - cb.quantize(w)), dist.min(axis=1))


def test_power_of_two_levels_are_powers_of_two():
    w = np.random.default_rng(0).laplace(0, 0.05, 5000)
    for cb in candidates(power_of_two, w, 4):
        v = np.abs(cb.values[cb.values != 0])
        assert np.all(v & (v - 1) == 0)


def test_range_split_interval_counts():
    rng = np.random.default_rng(1)
    sorted_w = np.sort(rng.normal(0, 0.05, 10000))
    edges = range_split.edges(sorted_w, 4, 0.75, 0.05, 0.95)
    assert len(edges) == 17
    low, inner, high = range_split.interval_counts(4, 0.75, 0.05, 0.95)
    assert (low, inner, high) == (2, 12, 2)
    # internal partition uniform in value, tails uniform in probability
    assert np.allclose(np.diff(edges[low:low + inner + 1]), np.diff(edges[low:low + inner + 1])[0])
    tail_mass = np.diff(np.searchsorted(sorted_w, edges[:low + 1], side="left")) / len(sorted_w)
    assert np.allclose(tail_mass, 0.025, atol=2e-3)


def test_range_split_beats_uniform_on_peaked_weights():
    rng = np.random.default_rng(2)
    w = np.clip(rng.laplace(0, 0.02, 20000), -0.99, 0.99)
    w[:4] = [-0.98, 0.97, -0.9, 0.95]     # clamp-range outliers, as in a trained layer
    u = schemes.quantize_layer(w[None, :], schemes.parse_layer("4u")).error
    rs = schemes.quantize_layer(w[None, :], schemes.parse_layer("4rs")).error
    rsvb = schemes.quantize_layer(w[None, :], schemes.parse_layer("4rsvb")).error
    assert rsvb <= rs < u / 2


def test_range_split_rejects_bad_masses():
    with pytest.raises(ValueError, match="p_L < p_H"):
        range_split.edges(np.arange(10.0), 4, 0.75, 0.6, 0.4)
