"""Quantized tensor decomposition: a layer rebuilt from a few quantized principal vectors.

Decision (docs/quantization.md): decomposition is a *storage* scheme.  The
accelerator is unchanged: the rebuilt matrix is re-expanded to full shape and
coded with an ordinary LUT scheme, so the stream and the weight image keep their
layout.  What shrinks is what has to be stored or shipped to rebuild that image:
the quantized factors (``storage_bytes``).

- Low rank (``@rR``): ``W ~ A B`` with rank ``R``, fitted to the layer's output
  on calibration inputs (SVD of ``W L`` with ``H = L L^T``), so directions the
  inputs never excite are not paid for.
- Tucker (``@tRoxRtxRb``, layer 1 only): ``W`` seen as ``outputs x 8 frames x 129
  bins`` is a core ``Ro x Rt x Rb`` times three factor matrices (HOSVD).

Every factor is stored as ``s8`` per vector with one ``float16`` scale per vector
(the core: one scale for all of it).
"""

from dataclasses import dataclass

import numpy as np
import scipy.linalg

from lutdnn.core.framing import BINS, CONTEXT
from lutdnn.model.quantize.error_compensation import DAMPING

VALUE_MAX = 127
SCALE_BYTES = 2


@dataclass
class Rebuilt:
    weights: np.ndarray      # full-shape float weights rebuilt from the quantized factors
    storage_bytes: int       # bytes of the quantized factors and their scales
    description: str


def quantize_vectors(m, axis):
    """``s8`` per vector along ``axis`` with a float16 scale each -> (dequantized, scales)."""
    peak = np.max(np.abs(m), axis=axis, keepdims=True)
    scale = np.where(peak > 0, peak / VALUE_MAX, 1.0).astype(np.float16).astype(np.float64)
    q = np.clip(np.round(m / scale), -VALUE_MAX, VALUE_MAX)
    return q * scale, scale.size


def _input_factor(hessian, n):
    if hessian is None:
        return np.eye(n)
    h = np.array(hessian, np.float64)
    h[np.diag_indices_from(h)] += DAMPING * max(np.mean(np.diag(h)), 1e-12)
    return scipy.linalg.cholesky(h, lower=True)


def low_rank(w, rank, hessian=None):
    outputs, inputs = w.shape
    if not 1 <= rank <= min(outputs, inputs):
        raise ValueError(f"rank must lie in 1..{min(outputs, inputs)}, got {rank}")
    lower = _input_factor(hessian, inputs)
    u, s, vt = np.linalg.svd(w @ lower, full_matrices=False)
    a = u[:, :rank] * s[:rank]
    b = scipy.linalg.solve_triangular(lower, vt[:rank].T, lower=True, trans="T").T
    aq, a_scales = quantize_vectors(a, axis=0)
    bq, b_scales = quantize_vectors(b, axis=1)
    size = rank * (outputs + inputs) + SCALE_BYTES * (a_scales + b_scales)
    return Rebuilt(aq @ bq, size, f"rank {rank}")


def _mode_factor(t, mode, rank):
    unfolded = np.moveaxis(t, mode, 0).reshape(t.shape[mode], -1)
    return np.linalg.svd(unfolded, full_matrices=False)[0][:, :rank]


def tucker(w, ranks):
    """HOSVD of layer 1 as ``outputs x CONTEXT x BINS``."""
    outputs, inputs = w.shape
    if inputs != CONTEXT * BINS:
        raise ValueError(f"Tucker needs the {CONTEXT} x {BINS} input layout of layer 1, got {inputs} inputs")
    t = w.reshape(outputs, CONTEXT, BINS)
    dims = t.shape
    if any(not 1 <= r <= d for r, d in zip(ranks, dims)):
        raise ValueError(f"Tucker ranks {ranks} must lie within {dims}")
    factors = [_mode_factor(t, mode, r) for mode, r in enumerate(ranks)]
    core = np.einsum("oth,oi,tj,hk->ijk", t, *factors, optimize=True)
    quantized = [quantize_vectors(f, axis=0) for f in factors]
    peak = np.max(np.abs(core))
    core_scale = np.float64(np.float16(peak / VALUE_MAX)) if peak > 0 else 1.0
    core_q = np.clip(np.round(core / core_scale), -VALUE_MAX, VALUE_MAX) * core_scale
    rebuilt = np.einsum("ijk,oi,tj,hk->oth", core_q, *(f for f, _ in quantized), optimize=True)
    size = core.size + SCALE_BYTES + sum(f.size + SCALE_BYTES * n for (f, n) in
                                         zip(factors, (n for _, n in quantized)))
    return Rebuilt(rebuilt.reshape(outputs, inputs), int(size), "Tucker " + "x".join(map(str, ranks)))
