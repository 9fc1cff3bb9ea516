"""A layer's codebook: ``2**M`` LUT entries and the intervals that select them.

Every scheme ends in this one form.  Interval ``c`` is ``[edges[c], edges[c+1])``
(the outer intervals extend to infinity when assigning), a weight gets the code
of the interval that holds it, and the code's LUT entry ``(value, shift)`` is its
quantised level.  Nearest-level codebooks (power of two, k-means) are the same
thing with edges at the midpoints between sorted levels.
"""

from dataclasses import dataclass, field

import numpy as np

from lutdnn.model.quantize import vbs


@dataclass
class Codebook:
    edges: np.ndarray          # 2**M + 1 ascending floats
    values: np.ndarray         # 2**M LUT values (s8)
    shifts: np.ndarray         # 2**M LUT shifts (0..KMAX)
    knobs: dict = field(default_factory=dict)   # the choices that made it, for reports

    def __post_init__(self):
        self.edges = np.asarray(self.edges, np.float64)
        self.values = np.asarray(self.values, np.int64)
        self.shifts = np.asarray(self.shifts, np.int64)
        n = len(self.values)
        if n & (n - 1) or n < 2 or self.shifts.shape != (n,) or self.edges.shape != (n + 1,):
            raise ValueError("a codebook needs 2**M entries and 2**M + 1 edges")
        if np.any(np.diff(self.edges) < 0):
            raise ValueError("codebook edges must be ascending")

    @property
    def levels(self):
        return vbs.decode(self.values, self.shifts)

    def assign(self, w):
        """Codes of the intervals holding ``w`` (any shape)."""
        return np.searchsorted(self.edges[1:-1], w, side="right")

    def quantize(self, w):
        return self.levels[self.assign(w)]


def interval_codebook(w, edges, max_shift, knobs=None):
    """The paper's levels: each interval's mean weight (its midpoint when empty),
    quantised to one LUT entry (:func:`vbs.encode_in_interval`)."""
    w = np.ravel(w)
    n = len(edges) - 1
    codes = np.searchsorted(edges[1:-1], w, side="right")
    counts = np.bincount(codes, minlength=n)
    sums = np.bincount(codes, weights=w, minlength=n)
    mids = 0.5 * (edges[:-1] + edges[1:])
    means = np.where(counts > 0, sums / np.maximum(counts, 1), mids)
    values, shifts = vbs.encode_in_interval(means, edges[:-1], edges[1:], max_shift)
    return Codebook(edges, values, shifts, dict(knobs or {}))


def nearest_level_codebook(levels, max_shift, knobs=None, lo=-1.0, hi=1.0):
    """A codebook from free float levels: each rounded to a LUT entry, sorted,
    weights assigned to the nearest decoded level."""
    values, shifts = vbs.encode(np.asarray(levels, np.float64), max_shift)
    order = np.argsort(vbs.decode(values, shifts), kind="stable")
    values, shifts = values[order], shifts[order]
    decoded = vbs.decode(values, shifts)
    edges = np.concatenate([[min(lo, decoded[0])], 0.5 * (decoded[1:] + decoded[:-1]),
                            [max(hi, decoded[-1])]])
    return Codebook(edges, values, shifts, dict(knobs or {}))
