"""Range split (the paper's RS, and RSVB = the paper's "NU" with VBS).

With ``F`` the layer's empirical weight CDF, the internal partition
``[F^-1(p_L), F^-1(p_H)]`` (where the weights are dense) gets a share ``alpha``
of the ``2**M`` intervals, cut uniformly in value; the two tails (the external
partition) share the rest in proportion to their probability mass and are cut
uniformly in probability, i.e. at equally spaced quantiles.  Levels are the
interval means as LUT entries (:func:`codebook.interval_codebook`).
"""

import itertools

import numpy as np

from lutdnn.model.quantize.codebook import interval_codebook
from lutdnn.model.quantize.vbs import shift_caps

ALPHAS = (0.5, 0.625, 0.75, 0.875)
TAIL_MASSES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3)


def quantile(sorted_w, p):
    """Empirical ``F^-1(p)`` of sorted weights (``p`` in [0, 1], array or scalar)."""
    n = len(sorted_w)
    idx = np.clip(np.ceil(np.asarray(p) * n).astype(np.int64) - 1, 0, n - 1)
    return sorted_w[idx]


def interval_counts(bits, alpha, p_low, p_high):
    """(lower tail, internal, upper tail) interval counts; every part gets one at least."""
    n = 1 << bits
    inner = int(np.clip(round(alpha * n), 1, n - 2))
    outer = n - inner
    low_mass, high_mass = p_low, 1.0 - p_high
    low = int(np.clip(round(outer * low_mass / (low_mass + high_mass)), 1, outer - 1))
    return low, inner, outer - low


def edges(sorted_w, bits, alpha, p_low, p_high):
    if not 0.0 < p_low < p_high < 1.0:
        raise ValueError(f"range split needs 0 < p_L < p_H < 1, got {p_low}, {p_high}")
    low, inner, high = interval_counts(bits, alpha, p_low, p_high)
    lower_tail = quantile(sorted_w, np.linspace(0.0, p_low, low + 1))
    upper_tail = quantile(sorted_w, np.linspace(p_high, 1.0, high + 1))
    internal = np.linspace(lower_tail[-1], upper_tail[0], inner + 1)
    return np.concatenate([lower_tail[:-1], internal, upper_tail[1:]])


def _codebook(w, sorted_w, bits, alpha, p_low, p_high, cap):
    e = edges(sorted_w, bits, alpha, p_low, p_high)
    return interval_codebook(w, e, cap, {"alpha": alpha, "p_L": p_low, "p_H": p_high, "K": cap})


def choose(w, bits, virtual_shift, pick, alphas=ALPHAS, tail_masses=TAIL_MASSES):
    """Knobs in three stages, each keeping the best so far (``pick`` judges a list):
    ``alpha`` and symmetric tails ``p_H = 1 - p_L`` at the smallest and largest
    shift caps, then the cap ``K``, then ``p_H`` on its own (asymmetric tails)."""
    sorted_w = np.sort(np.ravel(w))
    caps = shift_caps(virtual_shift)
    ends = sorted({caps[0], caps[-1]})   # with and without VBS, so RSVB's search contains RS's
    best = pick([_codebook(w, sorted_w, bits, a, p, 1.0 - p, c)
                 for a, p, c in itertools.product(alphas, tail_masses, ends)])
    k = best.knobs
    best = pick([best] + [_codebook(w, sorted_w, bits, k["alpha"], k["p_L"], k["p_H"], c)
                          for c in caps if c != k["K"]])
    k = best.knobs
    return pick([best] + [_codebook(w, sorted_w, bits, k["alpha"], k["p_L"], 1.0 - p, k["K"])
                          for p in tail_masses])
