"""Sample-rate conversion block after block, bit for bit scipy.signal.resample_poly.

Recordings (host.audio, ``lutdnn enhance``) and sound cards (``lutdnn live``)
at any rate meet the accelerator's 8 kHz here.  The filter is resample_poly's
(a Kaiser-windowed low-pass, zero-padded so output samples fall on the
filter's centre) and each output sample is summed as scipy's upfirdn sums it:
``0.0 + x[oldest] * h[...] + ... + x[newest] * h[...]``, in that order.  So a
recording resampled in blocks equals resample_poly over the whole recording
bit for bit, whatever the block sizes (tests/test_resampler.py), while only
the last input samples the filter still reaches are kept between calls.
The filter is computed here as firwin computes it (:func:`kaiser_lowpass`):
importing scipy.signal would take 50 MB of the 150 MB ``lutdnn enhance`` may use.
"""

from math import gcd

import numpy as np
from scipy.special import i0

HALF_LENGTH = 10      # filter half-length in periods of the faster rate, as resample_poly
KAISER_BETA = 5.0     # resample_poly's window
CHUNK_OUTPUTS = 4096  # output samples computed at once: bounds the (taps, outputs) work arrays


def kaiser_lowpass(numtaps, cutoff, beta):
    """``scipy.signal.firwin(numtaps, cutoff, window=("kaiser", beta))``, step for step (the same floats)."""
    m = np.arange(0, numtaps, dtype=np.float64) - 0.5 * (numtaps - 1)
    h = 0 + cutoff * np.sinc(cutoff * m)      # the pass band [0, cutoff]; its left edge adds exactly 0
    alpha = (numtaps - 1) / 2.0
    n = np.arange(0, numtaps, dtype=np.float64)
    h *= i0(beta * np.sqrt(1 - ((n - alpha) / alpha) ** 2.0)) / i0(np.asarray(beta, dtype=np.float64))
    return h / np.sum(h)   # unit gain at 0 Hz


class StreamResampler:
    """Causal: :meth:`process` returns every output sample whose newest input has arrived.

    Output ``k`` of the stream is resample_poly's output ``k - delay_out``:
    the first :attr:`delay_out` samples are the filter filling up.
    """

    def __init__(self, rate_in, rate_out):
        g = gcd(int(rate_in), int(rate_out))
        self.up, self.down = int(rate_out) // g, int(rate_in) // g
        widest = max(self.up, self.down)
        half = HALF_LENGTH * widest
        taps = kaiser_lowpass(2 * half + 1, 1.0 / widest, KAISER_BETA) * self.up
        pre_pad = self.down - half % self.down      # resample_poly's: puts outputs on the centre tap
        self.delay_out = (half + pre_pad) // self.down
        self.taps_per_phase = -(-(pre_pad + len(taps)) // self.up)
        padded = np.zeros(self.taps_per_phase * self.up)
        padded[pre_pad:pre_pad + len(taps)] = taps
        # phases[p, j]: the weight of input sample m - (taps_per_phase - 1) + j (oldest first)
        # for an output at upsampled time m * up + p, as upfirdn orders its sum
        self.phases = padded.reshape(self.taps_per_phase, self.up).T[:, ::-1].copy()
        self.reset()

    def reset(self):
        self._history = np.zeros(self.taps_per_phase - 1)   # zeros before the stream: upfirdn skips them
        self._consumed = 0          # input samples seen
        self.produced = 0           # output samples returned (the index of the next)

    def process(self, x):
        """Input samples (any count) -> every output sample they complete."""
        x = np.asarray(x, dtype=np.float64).reshape(-1)
        if self.up == self.down:
            return x
        buf = np.concatenate([self._history, x])
        base = self._consumed - len(self._history)      # input index of buf[0]
        self._consumed += len(x)
        last = (self._consumed * self.up - 1) // self.down    # last output whose newest input has arrived
        outs = np.arange(self.produced, last + 1)
        self.produced = last + 1
        self._history = buf[len(buf) - (self.taps_per_phase - 1):]
        return np.concatenate([self._outputs(buf, base, outs[i:i + CHUNK_OUTPUTS])
                               for i in range(0, len(outs), CHUNK_OUTPUTS)] or [np.zeros(0)])

    def _outputs(self, buf, base, outs):
        t = outs * self.down
        oldest = t // self.up - base - (self.taps_per_phase - 1)
        reach = np.arange(self.taps_per_phase)[:, None]
        terms = buf[oldest[None, :] + reach] * self.phases[t % self.up].T   # (taps, outputs), oldest first
        # a reduction over the first axis adds row after row: upfirdn's order, from 0.0
        return np.add.reduce(terms, axis=0, initial=0.0)


def resample_blocks(blocks, rate_in, rate_out):
    """resample_poly(concatenated ``blocks``, ...) block by block: the same samples, bit for bit.

    Yields arrays (some may be empty); the last ones come once ``blocks`` is
    exhausted (the filter's reach past the end counts as zeros, as in
    resample_poly).
    """
    resampler = StreamResampler(rate_in, rate_out)
    if resampler.up == resampler.down:
        yield from (np.asarray(b, dtype=np.float64) for b in blocks)
        return
    skip, length = resampler.delay_out, 0
    for block in blocks:
        length += len(block)
        out = resampler.process(block)
        yield out[skip:]
        skip = max(0, skip - len(out))
    wanted = -(-length * resampler.up // resampler.down) + resampler.delay_out   # resample_poly's length
    missing = wanted - resampler.produced
    if missing > 0:   # the filter's reach past the end: zeros, as resample_poly pads
        newest = (wanted - 1) * resampler.down // resampler.up
        yield resampler.process(np.zeros(newest + 1 - length))[:missing][skip:]
