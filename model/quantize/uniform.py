"""Uniform quantization (the paper's U and UVBS).

The layer's range ``[min W, max W]`` is cut into ``2**M`` intervals of equal
width; each level is its interval's mean quantised to a LUT entry.  Without VBS
the levels sit on the plain 8-bit grid (``K = 0``); with VBS narrow intervals
near zero get finer levels.  This is the range split with the split turned off.
"""

import numpy as np

from lutdnn.model.quantize.codebook import interval_codebook
from lutdnn.model.quantize.vbs import shift_caps


def edges(w, bits):
    return np.linspace(np.min(w), np.max(w), (1 << bits) + 1)


def choose(w, bits, virtual_shift, pick):
    """The best of one codebook per VBS cap ``K`` (just ``K = 0`` without VBS)."""
    e = edges(w, bits)
    return pick([interval_codebook(w, e, cap, {"K": cap}) for cap in shift_caps(virtual_shift)])
