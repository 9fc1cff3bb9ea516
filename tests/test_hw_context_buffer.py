"""Context buffer vs the reference feature layout (framing.stack_context): MyHDL and Icarus."""

import numpy as np
from hw_testing import clocked, needs_tools
from myhdl import ResetSignal, Signal

from lutdnn.core.framing import BINS, CONTEXT, stack_context
from lutdnn.hw.rtl.context_buffer import context_buffer
from lutdnn.hw.rtl.interfaces import ContextPort, context_write_port


def run_buffer(mags, clear_at, reads, build_dir=None):
    """Write frames ``mags`` (clearing before frame ``clear_at``); after each frame read
    ``reads`` (age, bin) pairs. Returns ``(frames, len(reads))`` words."""
    clk, reset = Signal(bool(0)), ResetSignal(0, active=1, isasync=False)
    port, write = ContextPort(), context_write_port()
    got = []

    def body():
        for t, frame in enumerate(mags):
            port.clear.next = t == clear_at
            yield clk.posedge
            port.clear.next = 0
            port.advance.next = 1
            yield clk.posedge
            port.advance.next = 0
            yield from write.write(clk, enumerate(frame))
            words = []
            for age, b in reads:
                port.age.next, port.bin.next = int(age), int(b)
                yield clk.posedge
                yield clk.negedge
                words.append(int(port.data))
            got.append(words)

    args = (clk, reset, port, write)
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
