"""Virtual bit shift (VBS): a float level as one LUT entry ``(value s8, shift K)``.

The entry means ``value * 2**-(7 + K)`` (docs/arithmetic.md section 4).  With
VBS a level is quantised with ``8 + K`` bits and only the 8 least significant
bits are stored; that is lossless exactly when the dropped high bits are copies
of the sign, i.e. when the ``(8 + K)``-bit word still fits in ``s8``.  The
largest such ``K`` (capped by a per-layer ``max_shift``) gives the finest grid.

The paper counts ``K`` on an unsigned ``Q0.N`` fraction with the sign kept in the
code; our ``value`` is a signed ``Q0.7``, so the same stored byte carries one
more shift here (its Table 2 example 86/4096, stored ``01010110`` with the
paper's ``K = 4``, is ``(86, K = 5)`` in this format).
"""

import numpy as np

from lutdnn.model.reference.formats import KMAX, LUT_VALUE_BITS

VALUE_MIN = -(1 << (LUT_VALUE_BITS - 1))
VALUE_MAX = (1 << (LUT_VALUE_BITS - 1)) - 1


def step(shifts):
    """Weight step of an entry with shift ``K``: ``2**-(7 + K)``."""
    return np.ldexp(1.0, -(LUT_VALUE_BITS - 1) - np.asarray(shifts, np.int64))


def decode(values, shifts):
    """LUT entries -> float weights."""
    return np.asarray(values, np.float64) * step(shifts)


def _round_half_up(x):
    return np.floor(np.asarray(x, np.float64) + 0.5)


def encode(levels, max_shift=KMAX):
    """Float levels -> ``(values, shifts)``: the largest ``K <= max_shift`` whose
    ``(8 + K)``-bit rounding of the level still fits in ``s8`` (``K = 0`` is
    plain 8-bit fixed point, saturated)."""
    if not 0 <= max_shift <= KMAX:
        raise ValueError(f"max_shift must lie in 0..{KMAX}, got {max_shift}")
    levels = np.asarray(levels, np.float64)
    values = np.clip(_round_half_up(levels / step(0)), VALUE_MIN, VALUE_MAX)
    shifts = np.zeros(levels.shape, np.int64)
    for k in range(1, max_shift + 1):
        v = _round_half_up(levels / step(k))
        fits = (v >= VALUE_MIN) & (v <= VALUE_MAX)
        values = np.where(fits, v, values)
        shifts = np.where(fits, k, shifts)
    return values.astype(np.int64), shifts


def encode_in_interval(levels, lows, highs, max_shift=KMAX):
    """Like :func:`encode`, then moved to the nearest representable value inside
    ``[low, high]`` when rounding pushed it out and the interval holds one, so
    decoded levels stay in their intervals (and the LUT stays monotone)."""
    values, shifts = encode(levels, max_shift)
    s = step(shifts)
    first = np.maximum(np.ceil(np.asarray(lows) / s), VALUE_MIN)
    last = np.minimum(np.floor(np.asarray(highs) / s), VALUE_MAX)
    inside = first <= last
    values = np.where(inside, np.clip(values, first, last), values)
    return values.astype(np.int64), shifts


# The per-layer knob: the largest K a LUT entry may use.  0 (VBS unused) stays
# a choice, so a VBS scheme is never judged worse than its plain counterpart.
SHIFT_CAPS = (0, 2, 4, 6, KMAX)


def shift_caps(virtual_shift):
    """Caps to try when choosing a layer's knobs: ``K = 0`` only without VBS."""
    return SHIFT_CAPS if virtual_shift else (0,)
