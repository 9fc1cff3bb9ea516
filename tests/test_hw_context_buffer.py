"""Context buffer vs the reference feature layout (framing.stack_context): MyHDL and Icarus."""

import numpy as np
from myhdl import ResetSignal, Signal, intbv

from hw_testing import clocked, needs_tools
from lutdnn.hw.rtl.context_buffer import context_buffer
from lutdnn.core.framing import BINS, CONTEXT, stack_context


def run_buffer(mags, clear_at, reads, build_dir=None):
    """Write frames ``mags`` (clearing before frame ``clear_at``); after each frame read
    ``reads`` (age, bin) pairs. Returns ``(frames, len(reads))`` words."""
    clk, reset = Signal(bool(0)), ResetSignal(0, active=1, isasync=False)
    clear, advance, wr_en = Signal(bool(0)), Signal(bool(0)), Signal(bool(0))
    wr_bin, rd_bin = Signal(intbv(0)[8:]), Signal(intbv(0)[8:])
    rd_age = Signal(intbv(0)[3:])
    wr_data, rd_data = Signal(intbv(0)[16:]), Signal(intbv(0)[16:])
    got = []

    def body():
        for t, frame in enumerate(mags):
            clear.next = t == clear_at
            yield clk.posedge
            clear.next = 0
            advance.next = 1
            yield clk.posedge
            advance.next = 0
            for b, m in enumerate(frame):
                wr_en.next, wr_bin.next, wr_data.next = 1, b, int(m)
                yield clk.posedge
            wr_en.next = 0
            words = []
            for age, b in reads:
                rd_age.next, rd_bin.next = int(age), int(b)
                yield clk.posedge
                yield clk.negedge
                words.append(int(rd_data))
            got.append(words)

    args = (clk, reset, clear, advance, wr_en, wr_bin, wr_data, rd_age, rd_bin, rd_data)
    clocked(clk, reset, context_buffer, args, build_dir, body).run_sim(quiet=1)
    return np.array(got)


def expected(mags, clear_at, reads):
    rows = np.concatenate([stack_context(mags[:clear_at]), stack_context(mags[clear_at:])])
    index = [age * BINS + b for age, b in reads]
    return rows[:, index]


def check(seed, frames, clear_at, n_reads, build_dir=None):
    rng = np.random.default_rng(seed)
    mags = rng.integers(1, 65536, (frames, BINS))
    reads = [(a, b) for a in range(CONTEXT) for b in (0, 1, BINS - 1)]
    reads += [tuple(r) for r in zip(rng.integers(0, CONTEXT, n_reads), rng.integers(0, BINS, n_reads))]
    assert np.array_equal(run_buffer(mags, clear_at, reads, build_dir), expected(mags, clear_at, reads))


def test_ring_matches_feature_layout_across_a_clear():
    check(31, frames=12, clear_at=10, n_reads=80)


@needs_tools("iverilog")
def test_ring_cosim_matches_feature_layout(tmp_path):
    check(32, frames=10, clear_at=9, n_reads=40, build_dir=tmp_path)
