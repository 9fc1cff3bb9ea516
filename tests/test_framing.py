import numpy as np
import pytest

from lutdnn.core import framing as f


def test_constants_are_the_papers():
    assert (f.SAMPLE_RATE, f.WINDOW, f.HOP, f.NFFT, f.BINS, f.FEATURES) == (8000, 128, 64, 256, 129, 1032)
    # periodic Hann at 50 % overlap sums to one: plain overlap-add is exact
    assert np.allclose(f.HANN[:64] + f.HANN[64:], 1.0)


@pytest.mark.parametrize("length", [128, 129, 1000, 8000, 8001])
def test_analysis_synthesis_round_trip(length):
    x = np.random.default_rng(length).uniform(-1, 1, length)
    X = f.analyze(x)
    assert X.shape == (f.frame_count(length), f.BINS)
    assert np.max(np.abs(f.synthesize(X, length) - x)) <= 1e-6


def test_spectrum_of_a_frame_is_rfft_of_hann_windowed_samples():
    x = np.random.default_rng(0).standard_normal(640)
    X = f.analyze(x)
    t = 5   # frame t covers samples 64t-64 .. 64t+63
    expected = np.fft.rfft(x[64 * t - 64:64 * t + 64] * f.HANN, 256)
    assert np.allclose(X[t], expected)


def test_streaming_matches_offline_after_one_hop():
    x = np.random.default_rng(2).uniform(-1, 1, 64 * 40)
    stream = f.StreamingSTFT()
    spectra, out = [], []
    for block in np.split(x, [64, 192, 640, 704]):   # blocks of 1, 2, 7, 1 and 29 hops
        spec = stream.analyze_hops(block)
        spectra.append(spec)
        out.append(stream.synthesize_hops(spec))
    assert np.allclose(np.concatenate(spectra), f.analyze(x)[:40])
    y = np.concatenate(out)
    assert np.max(np.abs(y[64:] - x[:-64])) <= 1e-6   # one hop of latency


def test_context_layout_oldest_first_zero_before_start():
    m = np.arange(10 * 129, dtype=float).reshape(10, 129) + 1
    s = f.stack_context(m)
    assert s.shape == (10, 1032)
    assert np.array_equal(s[9, 7 * 129:], m[9])          # current frame last
    assert np.array_equal(s[9, :129], m[2])              # t-7 first
    assert np.all(s[3, :4 * 129] == 0) and np.array_equal(s[3, 4 * 129:5 * 129], m[0])


@pytest.mark.parametrize("bad", [np.zeros((2, 2)), np.zeros(5)])
def test_shape_errors_are_named(bad):
    with pytest.raises(ValueError, match="expects"):
        if bad.ndim == 2:
            f.analyze(bad)
        else:
            f.stack_context(bad)
