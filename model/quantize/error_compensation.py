"""Error-compensating rounding (GPTQ / OBQ) on top of any codebook.

Input columns are quantised one at a time (largest ``H_jj`` first); each
column's rounding error, scaled by the inverse Hessian's Cholesky factor, is
pushed onto the columns not yet quantised, so later roundings cancel it in the
layer's output (``H = X^T X / n`` from validation inputs).  Lazy block updates
keep it a few matrix products per block.  The codebook itself is unchanged.
"""

import numpy as np
import scipy.linalg

DAMPING = 0.01   # fraction of the mean diagonal added to H (GPTQ's default)
BLOCK = 128


def upper_inverse_cholesky(hessian, damping=DAMPING):
    h = np.array(hessian, np.float64)
    diag = np.diag(h).copy()
    dead = diag <= 0
    h[dead, dead] = 1.0
    h[np.diag_indices_from(h)] += damping * np.mean(diag[~dead]) if np.any(~dead) else damping
    return scipy.linalg.cholesky(scipy.linalg.cho_solve(scipy.linalg.cho_factor(h), np.eye(len(h))))


def compensated_codes(w, hessian, codebook, block=BLOCK):
    """Codes ``(outputs, inputs)`` for ``w`` with GPTQ error feedback."""
    w = np.array(w, np.float64)
    order = np.argsort(-np.diag(hessian), kind="stable")
    w = w[:, order]
    u = upper_inverse_cholesky(np.asarray(hessian)[np.ix_(order, order)])
    levels = codebook.levels
    codes = np.zeros(w.shape, np.int64)
    for start in range(0, w.shape[1], block):
        stop = min(start + block, w.shape[1])
        wb = w[:, start:stop]
        ub = u[start:stop, start:stop]
        errors = np.zeros_like(wb)
        for i in range(stop - start):
            c = codebook.assign(wb[:, i])
            codes[:, start + i] = c
            errors[:, i] = (wb[:, i] - levels[c]) / ub[i, i]
            wb[:, i + 1:] -= np.outer(errors[:, i], ub[i, i + 1:])
        w[:, stop:] -= errors @ u[start:stop, stop:]
    out = np.empty_like(codes)
    out[:, order] = codes
    return out
