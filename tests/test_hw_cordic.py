"""CORDIC hardware vs the reference, word for word: MyHDL simulation and Icarus cosimulation."""

import numpy as np
import pytest
from hw_testing import clock, needs_tools, simulated
from myhdl import StopSimulation, block, instance

from lutdnn.hw.flow.convert import convert
from lutdnn.hw.flow.lint import lint
from lutdnn.hw.rtl.cordic_pipeline import pipeline_latency
from lutdnn.hw.rtl.cordic_rotation import cordic_rotation, rotation_ports
from lutdnn.hw.rtl.cordic_vectoring import cordic_vectoring, vectoring_ports
from lutdnn.model.reference.cordic import DEFAULT_PARAMS, CordicParams, rotation, vectoring

EDGE_WORDS = [0, 1, -1, 2, 100, -100, 16384, -16384, 32767, -32767, -32768]


def edge_bins():
    pairs = np.array([(a, b) for a in EDGE_WORDS for b in EDGE_WORDS], dtype=np.int64)
    return pairs[:, 0], pairs[:, 1]


def random_bins(seed, n):
    rng = np.random.default_rng(seed)
    return rng.integers(-32768, 32768, n), rng.integers(-32768, 32768, n)


def polar_words(seed, n, params=DEFAULT_PARAMS):
    half = 1 << (params.phase_bits - 1)
    rng = np.random.default_rng(seed)
    mag = np.concatenate([[0, 1, 65535, 65535, 65535, 46341, 32768],
                          rng.integers(0, 65536, n)])
    phase = np.concatenate([[0, -half, -half, half - 1, half // 2, -half // 2, half // 2 - 1],
                            rng.integers(-half, half, n)])
    return mag, phase


@block
def stream_bench(block_fn, ports, params, build_dir, beats, accepted, outputs, stall_seed):
    """Feed ``beats`` (one tuple of sink payload words each) into a CORDIC, collect its results.

    ``ports`` are the block's ports by argument name (``vectoring_ports`` /
    ``rotation_ports``): clk, reset and the ``sink`` and ``source`` Streams. The DUT is
    ``block_fn(**ports, params=params)``, cosimulated from its generated
    Verilog in ``build_dir`` unless that is None. ``stall_seed`` None: the
    sink is always ready; else source_ready drops at random (fixed seed) to
    exercise the pipeline stall. Records the cycle of each accepted beat in
    ``accepted`` and each result in ``outputs`` as (cycle, *words).
    """
    clk, reset = ports["clk"], ports["reset"]
    sink_valid, sink_ready = ports["sink"].valid, ports["sink"].ready
    source_valid, source_ready = ports["source"].valid, ports["source"].ready
    source = ports["source"].words()
    dut = simulated(block_fn(**ports, params=params), build_dir, timeout_s=120)
    stalls = np.random.default_rng(stall_seed).random(4 * len(beats) + 100) < 0.3 \
        if stall_seed is not None else None

    @instance
    def drive():
        reset.next = 1
        yield clk.negedge
        reset.next = 0
        yield from ports["sink"].send(clk, beats)

    @instance
    def collect():
        cycle = 0
        while len(outputs) < len(beats):
            source_ready.next = stalls is None or not stalls[cycle % len(stalls)]
            yield clk.posedge
            if sink_valid and sink_ready:
                accepted.append(cycle)
            if source_valid and source_ready:
                outputs.append((cycle, *(int(sig) for sig in source)))
            cycle += 1
            yield clk.negedge
            if cycle > 10 * len(beats) + 200:
                raise AssertionError("CORDIC produced too few results")
        raise StopSimulation

    return dut, clock(clk), drive, collect


def run_stream(block_fn, ports, params, first, second, stall_seed, build_dir):
    accepted, outputs = [], []
    beats = list(zip(first, second))
    stream_bench(block_fn, ports, params, build_dir, beats, accepted, outputs, stall_seed).run_sim(quiet=1)
    return np.array(accepted), np.array(outputs, dtype=np.int64)


def run_vectoring(re, im, params=DEFAULT_PARAMS, stall_seed=None, build_dir=None):
    return run_stream(cordic_vectoring, vectoring_ports(params), params, re, im, stall_seed, build_dir)


def run_rotation(mag, phase, params=DEFAULT_PARAMS, stall_seed=None, build_dir=None):
    return run_stream(cordic_rotation, rotation_ports(params), params, mag, phase, stall_seed, build_dir)


def assert_words_equal(got, want_a, want_b):
    assert got.shape == (len(want_a), 3)
    bad = np.flatnonzero((got[:, 1] != want_a) | (got[:, 2] != want_b))
    assert bad.size == 0, f"{bad.size} words differ, first at beat {bad[0]}: " \
                          f"got {got[bad[0], 1:]}, want {(want_a[bad[0]], want_b[bad[0]])}"


def vectoring_case():
    re, im = (np.concatenate(p) for p in zip(edge_bins(), random_bins(11, 1000)))
    return run_vectoring(re, im), vectoring(re, im)


def rotation_case():
    mag, phase = polar_words(12, 1000)
    return run_rotation(mag, phase), rotation(mag, phase)


@pytest.mark.parametrize("case", [vectoring_case, rotation_case])
def test_sim_matches_reference(case):
    (accepted, got), want = case()
    assert_words_equal(got, *want)
    # One beat per clock in, one result per clock out, a fixed latency apart.
    assert np.all(np.diff(accepted) == 1)
    assert np.all(got[:, 0] - accepted == pipeline_latency())


def test_round_trip_through_both_pipelines_with_stalls():
    re, im = random_bins(13, 300)
    _, polar = run_vectoring(re, im, stall_seed=1)
    _, back = run_rotation(polar[:, 1], polar[:, 2], stall_seed=2)
    assert_words_equal(back, *rotation(*vectoring(re, im)))


@pytest.mark.parametrize("params", [
    CordicParams(iterations=12, guard_bits=2, phase_bits=16, phase_guard_bits=2, gain_frac_bits=14),
    CordicParams(iterations=20, guard_bits=6, phase_bits=20, phase_guard_bits=4, gain_frac_bits=18),
])
def test_other_widths_match_reference(params):
    re, im = (np.concatenate(p) for p in zip(edge_bins(), random_bins(14, 300)))
    assert_words_equal(run_vectoring(re, im, params)[1], *vectoring(re, im, params))
    mag, phase = polar_words(15, 300, params)
    assert_words_equal(run_rotation(mag, phase, params)[1], *rotation(mag, phase, params))


@needs_tools("iverilog", "iverilog-vpi", "vvp", "timeout")
def test_vectoring_cosim_matches_reference(tmp_path):
    re, im = (np.concatenate(p) for p in zip(edge_bins(), random_bins(21, 400)))
    _, got = run_vectoring(re, im, stall_seed=3, build_dir=tmp_path)
    assert_words_equal(got, *vectoring(re, im))


@needs_tools("iverilog", "iverilog-vpi", "vvp", "timeout")
def test_rotation_cosim_matches_reference(tmp_path):
    mag, phase = polar_words(22, 400)
    _, got = run_rotation(mag, phase, stall_seed=4, build_dir=tmp_path)
    assert_words_equal(got, *rotation(mag, phase))


@needs_tools("verilator")
@pytest.mark.parametrize("block_fn, make_ports", [(cordic_vectoring, vectoring_ports),
                                                  (cordic_rotation, rotation_ports)])
def test_generated_verilog_lints_clean(tmp_path, block_fn, make_ports):
    converted = convert(block_fn(**make_ports()), tmp_path)
    lint(converted.verilog, converted.name)


@pytest.mark.parametrize("block_fn, make_ports, port", [(cordic_vectoring, vectoring_ports, "source_phase"),
                                                        (cordic_rotation, rotation_ports, "sink_phase")])
def test_wrongly_sized_port_is_refused(block_fn, make_ports, port):
    ports = make_ports(CordicParams(phase_bits=16))
    with pytest.raises(ValueError, match=f"port {port} must hold -131072..131071"):
        block_fn(**ports)
