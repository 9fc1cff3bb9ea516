import numpy as np
import pytest

from lutdnn.core.framing import BINS, HOP, SAMPLE_RATE, analyze
from lutdnn.core.noise_floor import GAIN_RANGE, PEAK_MAGNITUDE, NoiseFloorGains, check_floor_strength, scaled_spectra
from lutdnn.host.stream import enhance_signal

LEVEL = -25.0
RNG = np.random.default_rng(0)


def coloured_noise(seconds, tilt_db_per_bin, level_dbfs):
    """Stationary noise whose spectrum falls by ``tilt_db_per_bin`` per bin, at an RMS of ``level_dbfs``."""
    n = int(seconds * SAMPLE_RATE)
    spectrum = np.fft.rfft(RNG.standard_normal(n)) * 10 ** (-tilt_db_per_bin * np.linspace(0, BINS, n // 2 + 1) / 20)
    x = np.fft.irfft(spectrum, n)
    return x * 10 ** (level_dbfs / 20) / np.sqrt(np.mean(x ** 2))


def posterior_power_db(signal, strength=1.0):
    """Each bin's median scaled power over the last second, in dB."""
    spectra, _ = scaled_spectra(signal, LEVEL, strength)
    return 10 * np.log10(np.median(np.abs(spectra[-SAMPLE_RATE // HOP:]) ** 2, axis=0))


def test_at_full_strength_every_noise_lands_at_one_level_whatever_its_colour():
    # steep and flat noises reach the model at one level: without the floor their bins differ by up to 26 dB
    flat, steep = coloured_noise(4, 0.0, -30), coloured_noise(4, 0.2, -10)
    assert np.ptp(posterior_power_db(flat, 0.0) - posterior_power_db(steep, 0.0)) > 20
    assert np.max(np.abs(posterior_power_db(flat) - posterior_power_db(steep))[1:-1]) < 3


def test_a_word_on_the_noise_does_not_raise_the_floor():
    noise = coloured_noise(4, 0.1, -30)
    t = np.arange(len(noise)) / SAMPLE_RATE
    word = 0.3 * np.sin(2 * np.pi * 500 * t) * ((t > 3.0) & (t < 3.6))
    quiet, spoken = (NoiseFloorGains(1.0, LEVEL).gains(analyze(x)) for x in (noise, noise + word))
    during = slice(int(3.1 * SAMPLE_RATE / HOP), int(3.6 * SAMPLE_RATE / HOP))
    bin_500 = round(500 / SAMPLE_RATE * 256)
    # the tone's own bin keeps its gain (the minimum looks back past the word's start) ...
    assert np.allclose(spoken[during, bin_500 + 8], quiet[during, bin_500 + 8], rtol=0.05)
    assert np.median(spoken[during, bin_500] / quiet[during, bin_500]) > 0.9
    # ... but the peak guard never lets it past PEAK_MAGNITUDE
    assert np.all(np.abs(analyze(noise + word)) * spoken <= PEAK_MAGNITUDE + 1e-9)


def test_gains_are_causal_bounded_and_the_same_for_any_split_into_blocks():
    x = coloured_noise(3, 0.05, -40)
    x[8000:9000] += 0.5 * RNG.standard_normal(1000)
    spectra = analyze(x)
    whole = NoiseFloorGains(0.75, LEVEL).gains(spectra)
    stream = NoiseFloorGains(0.75, LEVEL)
    blocks = np.split(spectra, [1, 2, 50, 51, 200, 301])
    assert np.array_equal(np.concatenate([stream.gains(b) for b in blocks]), whole)
    later = spectra.copy()
    later[200:] *= 10
    assert np.array_equal(NoiseFloorGains(0.75, LEVEL).gains(later)[:200], whole[:200])
    assert GAIN_RANGE[0] <= whole.min() and whole.max() <= GAIN_RANGE[1]
    assert np.array_equal(NoiseFloorGains(0.0, LEVEL).gains(spectra), np.ones(spectra.shape))


@pytest.mark.parametrize("strength", [-0.5, 0.3, 1.5, float("nan")])
def test_a_strength_off_the_grid_is_refused(strength):
    with pytest.raises(ValueError, match="multiple of 1/256"):
        check_floor_strength(strength, LEVEL)


def test_a_strength_without_an_input_level_is_refused_and_none_needs_none():
    with pytest.raises(ValueError, match="needs an input level"):
        check_floor_strength(0.5, None)
    check_floor_strength(0.0, None)


class PassThrough:
    """A backend that returns its spectra unchanged and keeps the largest magnitude it was given."""
    name = "pass-through"

    def __init__(self, floor_strength):
        self.level_dbfs, self.floor_strength, self.peak = LEVEL, floor_strength, 0.0

    def reset(self):
        pass

    def process(self, spectra):
        self.peak = max(self.peak, np.abs(spectra).max())
        return spectra


def test_the_stream_undoes_the_gains_exactly_and_never_feeds_a_bin_past_the_peak():
    x = coloured_noise(3, 0.05, -50)
    x[12000:16000] += 0.9 * np.sign(np.sin(np.arange(4000) / 3))   # a loud burst in a quiet room
    backend = PassThrough(1.0)
    assert np.allclose(enhance_signal(x, backend), x, atol=1e-9)
    assert backend.peak <= PEAK_MAGNITUDE + 1e-9
