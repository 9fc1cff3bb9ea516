"""Elaboration-time checks that a block's port signals have the ranges it was written for."""


def require_range(block_name, port_name, signal, lo, hi):
    """ValueError naming the port unless ``signal`` holds exactly ``lo..hi`` (intbv min/max)."""
    got_lo, got_hi = signal.min, None if signal.max is None else signal.max - 1
    if (got_lo, got_hi) != (lo, hi):
        raise ValueError(f"{block_name}: port {port_name} must hold {lo}..{hi}, "
                         f"got a signal holding {got_lo}..{got_hi}")
