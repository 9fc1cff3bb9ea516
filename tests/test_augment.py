"""Augmentations and generated noise: filter responses, reverberation decay, noise colours, sentences."""

import numpy as np
import pytest
from scipy.signal import sosfreqz, welch

from lutdnn.model.data import noise_synthesis, synthetic_speech
from lutdnn.model.data.augment import high_shelf_biquad, peaking_biquad, random_eq, reverberate, room_impulse_response
from lutdnn.model.data.data_split import SAMPLE_RATE


def gain_db(section, hz):
    _, response = sosfreqz(np.asarray(section)[None], worN=[hz], fs=SAMPLE_RATE)
    return 20 * np.log10(abs(response[0]))


@pytest.mark.parametrize("centre,gain,q", [(300.0, 6.0, 1.0), (2000.0, -9.0, 2.0), (120.0, 3.0, 0.5)])
def test_peaking_filter_has_its_gain_at_the_centre_and_none_far_away(centre, gain, q):
    section = peaking_biquad(centre, gain, q)
    assert gain_db(section, centre) == pytest.approx(gain, abs=0.01)
    assert abs(gain_db(section, 1.0)) < 0.2 and abs(gain_db(section, 3999.0)) < 0.2


@pytest.mark.parametrize("gain", [-8.0, 5.0])
def test_high_shelf_lifts_treble_only(gain):
    section = high_shelf_biquad(1000.0, gain)
    assert abs(gain_db(section, 20.0)) < 0.1
    assert gain_db(section, 1000.0) == pytest.approx(gain / 2, abs=0.01)
    assert gain_db(section, 3999.0) == pytest.approx(gain, abs=0.3)


def test_random_eq_keeps_length_and_is_finite():
    rng = np.random.default_rng(0)
    x = rng.standard_normal(24000).astype(np.float32)
    y = random_eq(rng, x)
    assert y.shape == x.shape and y.dtype == np.float32 and np.all(np.isfinite(y))
    assert not np.allclose(x, y)


@pytest.mark.parametrize("rt60", [0.15, 0.4, 0.7])
def test_room_response_decays_60_db_in_rt60(rt60):
    rir = room_impulse_response(np.random.default_rng(1), rt60)
    assert rir[0] == 1.0 and len(rir) == int(rt60 * SAMPLE_RATE)
    tail = rir[int(0.02 * SAMPLE_RATE):]
    remaining = np.cumsum(tail[::-1] ** 2)[::-1]  # Schroeder backward integral
    decay_db = 10 * np.log10(remaining / remaining[0])
    t = np.arange(len(tail)) / SAMPLE_RATE
    fit = slice(int(0.05 * len(tail)), int(0.5 * len(tail)))  # away from the truncated end
    slope = np.polyfit(t[fit], decay_db[fit], 1)[0]
    assert -60 / slope == pytest.approx(rt60, rel=0.15)


def test_reverberation_keeps_length_and_direct_path():
    rng = np.random.default_rng(2)
    x = np.zeros(8000, dtype=np.float32)
    x[100] = 1.0
    y = reverberate(rng, x, rt60=0.3)
    assert y.shape == x.shape and y[100] == pytest.approx(1.0, abs=1e-6)
    assert np.max(np.abs(y[:100])) < 1e-6  # causal: nothing before the sound
    assert np.sum(y[101:] ** 2) > 0.01


def spectral_slope(x):
    f, psd = welch(x, fs=SAMPLE_RATE, nperseg=1024)
    band = (f >= 60) & (f <= 3000)
    return np.polyfit(np.log10(f[band]), np.log10(psd[band]), 1)[0]


@pytest.mark.parametrize("exponent", [-2.0, -1.0, 0.0, 1.0, 2.0])
def test_coloured_noise_has_its_spectral_exponent(exponent):
    noise = noise_synthesis.coloured_noise(np.random.default_rng(3), 80000, exponent)
    assert np.sqrt(np.mean(noise.astype(np.float64) ** 2)) == pytest.approx(1.0, abs=1e-4)
    assert spectral_slope(noise) == pytest.approx(exponent, abs=0.15)


def frame_rms(x, frame=800):
    return np.sqrt(np.mean(x[: len(x) // frame * frame].reshape(-1, frame) ** 2, axis=1))


def test_modulation_makes_noise_non_stationary():
    rng = np.random.default_rng(4)
    white = noise_synthesis.coloured_noise(rng, 48000, 0.0)
    spread = [np.std(frame_rms(noise_synthesis.modulate(rng, white))) for _ in range(8)]
    assert np.std(frame_rms(white)) < 0.05 and min(spread) > 0.1


def test_babble_sums_several_talkers():
    calls = []

    def talker(rng, length):
        calls.append(length)
        return rng.standard_normal(length)
    out = noise_synthesis.babble(np.random.default_rng(5), 1000, talker)
    low, high = noise_synthesis.BABBLE_TALKERS
    assert low <= len(calls) <= high and set(calls) == {1000}
    assert np.sqrt(np.mean(out.astype(np.float64) ** 2)) == pytest.approx(1.0, abs=1e-4)


def test_music_is_tonal_unlike_noise():
    rng = np.random.default_rng(6)
    tune = noise_synthesis.music(rng, 24000)
    assert tune.shape == (24000,) and np.all(np.isfinite(tune))

    def flatness(x):
        _, psd = welch(x, fs=SAMPLE_RATE, nperseg=512)
        return np.exp(np.mean(np.log(psd + 1e-20))) / np.mean(psd)
    assert flatness(tune) < 0.05 < flatness(noise_synthesis.coloured_noise(rng, 24000, 0.0))


def test_engine_noise_is_low_nearly_stationary_and_harmonic():
    for seed in range(6):
        noise = noise_synthesis.engine(np.random.default_rng(seed), 24000).astype(np.float64)
        f, psd = welch(noise, fs=SAMPLE_RATE, nperseg=1024)
        assert np.sqrt(np.mean(noise ** 2)) == pytest.approx(1.0, abs=1e-4)
        assert psd[f < 500].sum() > 0.6 * psd.sum()                 # its energy lies low (white: 0.12)
        assert np.std(frame_rms(noise)) < 0.25                      # no bursts, no tremolo
        peaks = psd[(f > 20) & (f < 1000)]
        assert peaks.max() > 5 * np.median(peaks)                   # harmonics stand out of the rumble


def test_sentences_are_varied_english_words():
    rng = np.random.default_rng(7)
    sentences = [synthetic_speech.random_sentence(rng) for _ in range(200)]
    assert len(set(sentences)) > 190
    assert all(s[0].isupper() and s[-1] in ".?" and 3 <= len(s.split()) <= 12 for s in sentences)
    assert synthetic_speech._add_s("box") == "boxes" and synthetic_speech._add_s("city") == "cities"
    assert synthetic_speech._plural("child") == "children"
