"""Training losses on what STOI and ESTOI measure: band envelopes correlated over 384 ms windows.

STOI (Taal et al., 2011) sums the spectrum into 15 one-third-octave bands from
150 Hz and scores, per band, the correlation between the clean and the
enhanced envelope over 384 ms windows. A mask that stays nearly constant over
time in a band leaves that correlation where the noisy input had it, and a
per-bin loss does not see this: it weighs each bin's error alone.
:func:`stoi_like_loss` asks for the envelopes' shape instead: ``1 - mean
correlation`` over bands and windows, invariant to each band's gain, as STOI's
correlation is. ESTOI (Jensen and Taal, 2016) normalises each band's envelope
over the window and then correlates, frame by frame, the spectral shapes
across bands; :func:`estoi_like_loss` is ``1 -`` that mean correlation, so it
also asks that the bands keep their order against each other in every frame.

Kept simpler than the measures, so that they are smooth and cheap: our 8 kHz
STFT (core.framing) instead of their 10 kHz one, so bands stop at 4 kHz and a
window is 48 frames, stepped by 16; no clipping of the estimate and no
removal of silent frames.
"""

import numpy as np
import torch

from lutdnn.core.framing import BINS, HOP, NFFT, SAMPLE_RATE

LOWEST_CENTRE_HZ = 150.0
BAND_COUNT = 15
WINDOW_FRAMES = round(0.384 * SAMPLE_RATE / HOP)
WINDOW_STEP = WINDOW_FRAMES // 3
EPS = 1e-8   # keeps the square root's and the correlation's gradients finite in silence


def band_matrix():
    """``(BINS, bands)`` 0/1 matrix summing bin powers into one-third-octave bands below Nyquist."""
    freqs = np.arange(BINS) * SAMPLE_RATE / NFFT
    centres = LOWEST_CENTRE_HZ * 2.0 ** (np.arange(BAND_COUNT) / 3)
    rows = [(freqs >= c * 2 ** (-1 / 6)) & (freqs < min(c * 2 ** (1 / 6), SAMPLE_RATE / 2)) for c in centres]
    return torch.from_numpy(np.array([r for r in rows if r.any()], dtype=np.float32).T)


BANDS = band_matrix()


def band_windows(magnitudes):
    """Band envelopes of ``(mixtures, frames, BINS)`` magnitudes in windows: ``(mixtures, windows, bands, frames)``."""
    if magnitudes.shape[-2] < WINDOW_FRAMES:
        raise ValueError(f"the envelope losses need mixtures of at least {WINDOW_FRAMES} frames "
                         f"({WINDOW_FRAMES * HOP / SAMPLE_RATE:.3f} s), got {magnitudes.shape[-2]}")
    return torch.sqrt(magnitudes ** 2 @ BANDS + EPS).unfold(-2, WINDOW_FRAMES, WINDOW_STEP)


def normalised(x, dim):
    """``x`` less its mean along ``dim``, scaled to unit norm there."""
    x = x - x.mean(dim, keepdim=True)
    return x / (x.norm(dim=dim, keepdim=True) + EPS)


def stoi_like_loss(estimate, clean):
    """``1 -`` the mean correlation over time of each band's envelope, estimate against clean."""
    est, ref = (normalised(band_windows(m), -1) for m in (estimate, clean))
    return 1.0 - (est * ref).sum(-1).mean()


def estoi_like_loss(estimate, clean):
    """``1 -`` the mean correlation across bands of each frame, after each band is normalised over its window."""
    est, ref = (normalised(normalised(band_windows(m), -1), -2) for m in (estimate, clean))
    return 1.0 - (est * ref).sum(-2).mean()
