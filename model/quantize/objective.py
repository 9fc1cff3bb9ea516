"""What a layer's quantization is judged by: its output error on calibration inputs.

With ``H = X^T X / n`` (the layer input's second moment on validation frames)
the mean squared output error of weights ``Wq`` is ``tr((W - Wq) H (W - Wq)^T)``
per frame.  Without calibration data ``H`` is the identity (weight MSE).
"""

import numpy as np


def second_moment(x):
    """``X^T X / n`` of layer inputs ``(frames, inputs)``."""
    x = np.asarray(x, np.float64)
    if x.ndim != 2 or not len(x):
        raise ValueError(f"calibration inputs must be a non-empty (frames, inputs) array, got {x.shape}")
    return x.T @ x / len(x)


def output_error(w, wq, hessian=None):
    d = np.asarray(w, np.float64) - wq
    if hessian is None:
        return float(np.sum(d * d))
    # float32 halves the time of the knob search; its rounding is far below the
    # differences between candidates
    d = d.astype(np.float32)
    return float(np.einsum("ij,ij->", d @ np.asarray(hessian, np.float32), d, dtype=np.float64))


def best(w, codebooks, hessian=None):
    """``(codebook, error)`` of the candidate with the least output error."""
    chosen, least = None, np.inf
    for cb in codebooks:
        err = output_error(w, cb.quantize(w), hessian)
        if err < least:
            chosen, least = cb, err
    if chosen is None:
        raise ValueError("no codebook candidates")
    return chosen, least
