"""k-means codebooks (Deep Compression style weight sharing).

One-dimensional Lloyd iterations on the layer's weights with ``2**M``
centroids, initialised uniformly over the range (Deep Compression's linear
initialisation) or at equally spaced quantiles; the centroids are then rounded
to LUT entries (with VBS) and weights go to the nearest rounded level.  With
calibration data each weight can also count in proportion to its input's
energy ``H_jj`` (a weight on a loud input costs more output error when it is
rounded), which is the diagonal of the output-error objective.
"""

import numpy as np

from lutdnn.model.quantize.codebook import nearest_level_codebook
from lutdnn.model.reference.formats import KMAX

ITERATIONS = 30
INITS = ("linear", "density")


def initial_centroids(sorted_w, k, init):
    if init == "linear":
        return np.linspace(sorted_w[0], sorted_w[-1], k)
    if init == "density":
        return np.quantile(sorted_w, (np.arange(k) + 0.5) / k)
    raise ValueError(f"unknown k-means init {init!r}")


def lloyd(sorted_w, centroids, importance=None, iterations=ITERATIONS):
    """1-D (weighted) k-means on sorted data: cells are cut at midpoints between centroids."""
    c = np.sort(centroids)
    k = len(c)
    mass = np.ones_like(sorted_w) if importance is None else importance
    for _ in range(iterations):
        cells = np.searchsorted(0.5 * (c[1:] + c[:-1]), sorted_w, side="right")
        counts = np.bincount(cells, weights=mass, minlength=k)
        sums = np.bincount(cells, weights=sorted_w * mass, minlength=k)
        new = np.where(counts > 0, sums / np.maximum(counts, 1), c)
        if np.allclose(new, c, rtol=0, atol=1e-12):
            break
        c = np.sort(new)
    return c


def choose(w, bits, virtual_shift, pick, input_energy=None):
    """The best initialisation and weighting (levels always use VBS).

    ``input_energy``: ``H_jj`` per input column of ``w``, or None (plain k-means).
    """
    order = np.argsort(np.ravel(w), kind="stable")
    sorted_w = np.ravel(w)[order]
    weightings = {"none": None}
    if input_energy is not None:
        weightings["input energy"] = np.broadcast_to(input_energy, np.shape(w)).ravel()[order]
    return pick([nearest_level_codebook(lloyd(sorted_w, initial_centroids(sorted_w, 1 << bits, init), mass),
                                        KMAX, {"init": init, "weighting": name})
                 for init in INITS for name, mass in weightings.items()])
