"""Clock enable for a pipeline that may hold still while it is empty."""

from myhdl import Signal, always_comb, always_seq, block, intbv


@block
def idle_gate(clk, reset, push, enable, depth):
    """``enable`` high while a beat enters (``push``) and for ``depth`` cycles after the last one.

    Ports:
        clk, reset: clock, synchronous reset (ResetSignal).
        push (in): a beat enters the pipeline this cycle.
        enable (out): the pipeline's stall input (high: advance).
    Parameters:
        depth: cycles a beat needs to leave the pipeline (its latency, or more).

    Why: an empty pipeline that is still clocked only shifts invalid words; held
    still it computes the same results, and its registers stop toggling (in
    hardware and in a cycle-based simulator, which then skips it).
    """
    if depth < 1:
        raise ValueError(f"idle_gate: depth must be at least 1, got {depth}")
    remaining = Signal(intbv(0, min=0, max=depth + 1))

    @always_seq(clk.posedge, reset=reset)
    def count_down():
        if push:
            remaining.next = depth
        elif remaining != 0:
            remaining.next = remaining - 1

    @always_comb
    def gate():
        enable.next = push or remaining != 0

    return count_down, gate
