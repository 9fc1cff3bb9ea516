"""A training loss on what STOI measures: band envelopes correlated over 384 ms windows.

STOI (Taal et al., 2011) sums the spectrum into 15 one-third-octave bands from
150 Hz and scores, per band, the correlation between the clean and the
enhanced envelope over 384 ms windows. A mask that stays nearly constant over
time in a band leaves that correlation where the noisy input had it, and a
per-bin loss does not see this: it weighs each bin's error alone. This term
asks for the envelopes' shape instead: ``1 - mean correlation`` over bands and
windows, invariant to each band's gain, as STOI's correlation is.

Kept simpler than STOI, so that it is smooth and cheap: our 8 kHz STFT
(core.framing) instead of STOI's 10 kHz one, so bands stop at 4 kHz and a
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


def envelope_correlation_loss(estimate, clean):
    """``1 -`` the mean correlation of band envelopes of two ``(mixtures, frames, BINS)`` magnitudes."""
    if estimate.shape[-2] < WINDOW_FRAMES:
        raise ValueError(f"the envelope loss needs mixtures of at least {WINDOW_FRAMES} frames "
                         f"({WINDOW_FRAMES * HOP / SAMPLE_RATE:.3f} s), got {estimate.shape[-2]}")
    windows = [torch.sqrt(m ** 2 @ BANDS + EPS).unfold(-2, WINDOW_FRAMES, WINDOW_STEP) for m in (estimate, clean)]
    est, ref = (w - w.mean(-1, keepdim=True) for w in windows)
    correlation = (est * ref).sum(-1) / (est.norm(dim=-1) * ref.norm(dim=-1) + EPS)
    return 1.0 - correlation.mean()
