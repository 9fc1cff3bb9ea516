"""Power-of-two codebooks: every level is ``+-2**-e`` (or 0), so a product is a shift.

In the LUT format a power of two is ``value = +-2**a`` with a shift, hence
exponents ``e = 1..15`` are representable.  Half the codes go to each sign: the
magnitudes ``2**-e0 .. 2**-(e0 + 2**(M-1) - 1)`` (capped at ``2**-15``); with
``zero`` the smallest negative magnitude becomes 0.  Knobs: ``e0``, ``zero``.
"""

import itertools

import numpy as np

from lutdnn.model.quantize.codebook import nearest_level_codebook
from lutdnn.model.reference.formats import KMAX, LUT_VALUE_BITS

SMALLEST_EXPONENT = LUT_VALUE_BITS - 1 + KMAX   # 2**-15 = value 1 at K = KMAX
LARGEST_EXPONENTS = range(1, 9)


def levels(bits, e0, zero):
    half = 1 << (bits - 1)
    mags = np.ldexp(1.0, -np.minimum(e0 + np.arange(half), SMALLEST_EXPONENT))
    neg = -mags
    if zero:
        neg[-1] = 0.0
    return np.concatenate([neg, mags])


def choose(w, bits, virtual_shift, pick):
    """The best largest exponent ``e0`` and zero option (the LUT format is shift-only anyway)."""
    return pick([nearest_level_codebook(levels(bits, e0, zero), KMAX, {"e0": e0, "zero": zero})
                 for e0, zero in itertools.product(LARGEST_EXPONENTS, (False, True))])
