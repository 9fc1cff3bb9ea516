"""Resampling block by block: scipy.signal.resample_poly's samples bit for bit, whatever the blocks."""

from math import gcd

import numpy as np
import pytest
from scipy.signal import firwin, resample_poly

from lutdnn.core.resampler import HALF_LENGTH, KAISER_BETA, StreamResampler, kaiser_lowpass, resample_blocks

RATES = [(48000, 8000), (8000, 48000), (44100, 8000), (8000, 44100), (16000, 8000), (8000, 22050), (12000, 8000)]


def reference(x, rate_in, rate_out):
    g = gcd(rate_in, rate_out)
    return resample_poly(x, rate_out // g, rate_in // g)


def signal_with_silence(n, seed=0):
    """Noise after digital silence: the zeros' signs must come out as resample_poly's too."""
    x = np.random.default_rng(seed).standard_normal(n)
    x[:min(n, 400)] = 0.0
    return x


def assert_bits_equal(got, want):
    assert got.shape == want.shape
    assert np.array_equal(got, want) and np.array_equal(np.signbit(got), np.signbit(want))


@pytest.mark.parametrize("rate_in, rate_out", RATES)
@pytest.mark.parametrize("length", [1, 333, 20011])
def test_blocks_of_any_size_give_resample_polys_samples(rate_in, rate_out, length):
    x = signal_with_silence(length)
    want = reference(x, rate_in, rate_out)
    for pieces in (1, 7, 1000):   # 1000 pieces of a short signal: empty blocks too
        got = np.concatenate(list(resample_blocks(np.array_split(x, pieces), rate_in, rate_out)))
        assert_bits_equal(got, want)


@pytest.mark.parametrize("rate_in, rate_out", RATES)
def test_the_live_stream_is_resample_poly_delayed(rate_in, rate_out):
    x = signal_with_silence(rate_in // 4, seed=1)
    r = StreamResampler(rate_in, rate_out)
    whole = r.process(x)
    r.reset()
    pieces = np.concatenate([r.process(b) for b in np.array_split(x, 37)] + [r.process(x[:0])])
    assert_bits_equal(pieces, whole)
    assert len(whole) == -(-len(x) * r.up // r.down)    # every output whose newest input has arrived
    want = reference(x, rate_in, rate_out)
    assert_bits_equal(whole[r.delay_out:], want[:len(whole) - r.delay_out])


@pytest.mark.parametrize("rate", [11025, 16000, 22050, 32000, 44100, 48000, 96000, 7999])
def test_the_filter_is_firwins(rate):
    widest = max(rate, 8000) // gcd(rate, 8000)
    numtaps = 2 * HALF_LENGTH * widest + 1
    want = firwin(numtaps, 1.0 / widest, window=("kaiser", KAISER_BETA))
    assert_bits_equal(kaiser_lowpass(numtaps, 1.0 / widest, KAISER_BETA), want)


def test_equal_rates_pass_through():
    x = np.arange(10.0)
    assert np.array_equal(StreamResampler(8000, 8000).process(x), x)
    assert np.array_equal(np.concatenate(list(resample_blocks([x[:3], x[3:]], 8000, 8000))), x)
