"""STOI band by band: where in frequency an enhancement gains or loses intelligibility.

STOI (pystoi) is the mean, over 15 one-third-octave bands and every 384 ms
window, of the correlation between the clean and the processed band
envelope.  :func:`band_correlations` follows pystoi's own steps (resampling
to 10 kHz, silent-frame removal, its STFT, band matrix, normalisation and
clipping) and stops before the mean over bands, so the mean of its 15
values is pystoi's STOI.  ``lutdnn eval --bands`` prints these per system
and per noise type (docs/model.md, issue 10 round 6, used it to find where
the held-out noise loses).
"""

import importlib

import numpy as np

from lutdnn.core.extras import require


def _stoi_module():
    require("STOI scoring", "pystoi")
    return importlib.import_module("pystoi.stoi")    # the package's ``stoi`` name is the function


def band_centres():
    """The 15 band centres (Hz) STOI uses."""
    stoi = _stoi_module()
    return stoi.utils.thirdoct(stoi.FS, stoi.NFFT, stoi.NUMBAND, stoi.MINFREQ)[1]


def _envelope_segments(stoi, spectrum):
    """``(windows, bands, N)``: each band's envelope over every window of ``N`` frames."""
    envelopes = np.sqrt(stoi.OBM @ np.square(np.abs(spectrum)))
    return np.array([envelopes[:, m - stoi.N:m] for m in range(stoi.N, envelopes.shape[1] + 1)])


def band_correlations(clean, processed, sample_rate):
    """STOI's mean correlation in each of the 15 bands; NaN in every band when too little speech is left."""
    stoi = _stoi_module()
    utils = stoi.utils
    if clean.shape != processed.shape:
        raise ValueError(f"clean and processed signals differ in length: {clean.shape} and {processed.shape}")
    if sample_rate != stoi.FS:
        clean, processed = (utils.resample_oct(x, stoi.FS, sample_rate) for x in (clean, processed))
    clean, processed = utils.remove_silent_frames(clean, processed, stoi.DYN_RANGE, stoi.N_FRAME,
                                                  stoi.N_FRAME // 2)
    x, y = (_envelope_segments(stoi, utils.stft(s, stoi.N_FRAME, stoi.NFFT, overlap=2).transpose())
            for s in (clean, processed))
    if len(x) == 0:
        return np.full(stoi.NUMBAND, np.nan)
    y = y * np.linalg.norm(x, axis=2, keepdims=True) / (np.linalg.norm(y, axis=2, keepdims=True) + utils.EPS)
    y = np.minimum(y, x * (1 + 10 ** (-stoi.BETA / 20)))
    x, y = (s - s.mean(axis=2, keepdims=True) for s in (x, y))
    x, y = (s / (np.linalg.norm(s, axis=2, keepdims=True) + utils.EPS) for s in (x, y))
    return np.sum(x * y, axis=2).mean(axis=0)
