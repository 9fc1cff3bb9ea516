"""Streaming resampling between device rates and 8 kHz."""

import numpy as np
import pytest
from scipy.signal import resample_poly

from lutdnn.core.resampler import StreamResampler


@pytest.mark.parametrize("rate_in, rate_out", [(48000, 8000), (8000, 48000), (44100, 8000), (16000, 8000)])
def test_any_split_gives_the_same_samples_as_resample_poly_delayed(rate_in, rate_out):
    x = np.random.default_rng(0).standard_normal(rate_in // 2)
    r = StreamResampler(rate_in, rate_out)
    whole = r.process(x)
    r.reset()
    pieces = np.concatenate([r.process(b) for b in np.array_split(x, 37)] + [r.process(x[:0])])
    assert np.array_equal(pieces, whole)
    assert len(whole) == len(x) * r.up // r.down
    delay = int(r.delay_out)   # integral for these rates
    reference = resample_poly(x, r.up, r.down)
    assert np.max(np.abs(whole[delay:] - reference[:len(reference) - delay])) < 1e-12


def test_equal_rates_pass_through():
    x = np.arange(10.0)
    assert np.array_equal(StreamResampler(8000, 8000).process(x), x)
