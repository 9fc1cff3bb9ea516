"""model/envelope_loss.py: the STOI- and ESTOI-like terms of ``lutdnn train --stoi-weight / --estoi-weight``."""

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the envelope loss is a training loss (extra 'train')")

from lutdnn.core.framing import BINS, NFFT, SAMPLE_RATE  # noqa: E402
from lutdnn.model.envelope_loss import BANDS, WINDOW_FRAMES, estoi_like_loss, stoi_like_loss  # noqa: E402


def speech_like(frames=200, seed=0):
    """Magnitudes whose bands rise and fall on their own (syllables), ``(1, frames, BINS)``."""
    rng = np.random.default_rng(seed)
    t = np.arange(frames)[:, None]
    envelope = 1.0 + np.sin(2 * np.pi * t / rng.uniform(20, 60, BINS) + rng.uniform(0, 6, BINS)) ** 2
    return torch.from_numpy((envelope * rng.uniform(0.5, 1.5, (frames, BINS)))[None].astype(np.float32))


def test_the_bands_are_disjoint_third_octaves_from_150_hz_up_to_4_khz():
    assert BANDS.shape == (BINS, 15)
    assert BANDS.sum(1).max() == 1                       # no bin in two bands
    freqs = np.arange(BINS) * SAMPLE_RATE / NFFT
    used = freqs[BANDS.sum(1).numpy() > 0]
    assert 150 * 2 ** (-1 / 6) <= used.min() < 150 * 2 ** (1 / 6) and used.max() < SAMPLE_RATE / 2


TERMS = [stoi_like_loss, estoi_like_loss]


@pytest.mark.parametrize("term", TERMS)
def test_the_clean_envelopes_score_zero_whatever_each_band_s_gain(term):
    clean = speech_like()
    gains = BANDS @ torch.linspace(0.1, 3.0, BANDS.shape[1])    # one gain per band, over all frames
    assert term(clean, clean).item() == pytest.approx(0.0, abs=1e-5)
    assert term(clean * gains, clean).item() == pytest.approx(0.0, abs=1e-5)


@pytest.mark.parametrize("term", TERMS)
def test_a_mask_constant_over_time_scores_as_the_noisy_input_and_the_ideal_mask_better(term):
    clean, noise = speech_like(seed=0), speech_like(seed=1).flip(1) * 1.5
    noisy = clean + noise
    loss = lambda est: term(est, clean).item()
    assert loss(noisy * 0.3) == pytest.approx(loss(noisy), abs=1e-5)
    assert loss(noisy) > 0.1
    assert loss(noisy * (clean / noisy)) < 1e-5


@pytest.mark.parametrize("term", TERMS)
def test_silence_gives_a_finite_gradient(term):
    est = torch.zeros(2, WINDOW_FRAMES, BINS, requires_grad=True)
    term(est * 1.0, speech_like(WINDOW_FRAMES).repeat(2, 1, 1)).backward()
    assert torch.isfinite(est.grad).all()


@pytest.mark.parametrize("term", TERMS)
def test_a_mixture_shorter_than_one_window_is_refused(term):
    short = torch.ones(1, WINDOW_FRAMES - 1, BINS)
    with pytest.raises(ValueError, match=f"at least {WINDOW_FRAMES} frames"):
        term(short, short)
