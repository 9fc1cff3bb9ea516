"""The shift build's LUT entry: a weight ``+-2**e`` or 0 as (zero, negative, exponent).

A power-of-two LUT (every value 0 or ``+-2**a``, as the p2 quantization
scheme makes) decodes to weights ``value << (KMAX - K) = +-2**e`` with
``e = a + KMAX - K`` in 0..15 (``-128`` at ``K = 0`` gives ``-2**15``).  The
shift build stores that as 6 bits and its MAC lanes shift the input word by
``e`` instead of multiplying (docs/arithmetic.md section 8).  This module is
the format's Python model: the host uses it to check an image, the tests to
drive and read the blocks.

    bits 3:0  exponent e
    bit  4    negative (the weight is -2**e)
    bit  5    zero (the weight is 0; the other bits are then meaningless)
"""

import numpy as np

from lutdnn.model.reference.formats import WEIGHT_FRAC, decode_lut

EXPONENT_BITS = 4
NEGATIVE_BIT = EXPONENT_BITS
ZERO_BIT = EXPONENT_BITS + 1
ENTRY_BITS = EXPONENT_BITS + 2


def representable(values):
    """Element-wise: is a LUT value 0 or ``+-2**a`` (what the shift build can decode)?"""
    magnitude = np.abs(np.asarray(values, np.int64))
    return (magnitude & (magnitude - 1)) == 0


def encode(values, shifts):
    """LUT entries ``(value s8, shift K)`` -> shift-build entries (ints); ValueError unless representable."""
    values = np.asarray(values, np.int64)
    weights = decode_lut(values, shifts)
    if not representable(values).all():
        raise ValueError(f"LUT values {sorted(set(values[~representable(values)].tolist()))} "
                         "are not 0 or a power of two")
    magnitude = np.abs(weights)
    exponent = np.where(magnitude > 0, np.log2(np.maximum(magnitude, 1)).astype(np.int64), 0)
    return np.where(magnitude == 0, 1 << ZERO_BIT, exponent | ((weights < 0).astype(np.int64) << NEGATIVE_BIT))


def weights(entries):
    """Shift-build entries -> the s16 weights they stand for (``decode_lut``'s units)."""
    entries = np.asarray(entries, np.int64)
    magnitude = np.int64(1) << (entries & ((1 << EXPONENT_BITS) - 1))
    signed = np.where((entries >> NEGATIVE_BIT) & 1, -magnitude, magnitude)
    return np.where((entries >> ZERO_BIT) & 1, 0, signed)


assert WEIGHT_FRAC < 1 << EXPONENT_BITS, "the largest exponent must fit the exponent field"
