"""Streaming sample-rate conversion between a sound card's rate and the accelerator's 8 kHz.

A polyphase FIR filter (the same Kaiser-windowed low-pass that
scipy.signal.resample_poly designs) applied block after block: the last input
samples the filter still reaches are kept between calls, so any split of the
input gives the same output samples as one call over the whole signal.
"""

from math import gcd

import numpy as np
from scipy.signal import firwin

HALF_LENGTH = 10    # filter half-length in input/output periods, as resample_poly


class StreamResampler:
    def __init__(self, rate_in, rate_out):
        g = gcd(int(rate_in), int(rate_out))
        self.up, self.down = int(rate_out) // g, int(rate_in) // g
        widest = max(self.up, self.down)
        taps = np.ones(1) if widest == 1 else \
            firwin(2 * HALF_LENGTH * widest + 1, 1.0 / widest, window=("kaiser", 5.0)) * self.up
        self.taps_per_phase = -(-len(taps) // self.up)
        padded = np.zeros(self.taps_per_phase * self.up)
        padded[:len(taps)] = taps
        # phases[p, j] weighs input sample i - j for an output at upsampled time i * up + p
        self.phases = padded.reshape(self.taps_per_phase, self.up).T.copy()
        # the filter's centre, in output samples: how far the output lags the input
        self.delay_out = (len(taps) - 1) / 2 / self.down
        self.reset()

    def reset(self):
        self._history = np.zeros(self.taps_per_phase - 1)
        self._consumed = 0          # input samples seen before the current history's end
        self._next_out = 0          # index of the next output sample

    def process(self, x):
        """Input samples (any count) -> every output sample they complete."""
        x = np.asarray(x, dtype=np.float64).reshape(-1)
        if self.up == self.down:
            return x
        buf = np.concatenate([self._history, x])
        base = self._consumed - len(self._history)      # input index of buf[0]
        self._consumed += len(x)
        last = (self._consumed * self.up - 1) // self.down    # last output whose newest input has arrived
        outs = np.arange(self._next_out, last + 1)
        self._next_out = last + 1
        self._history = buf[len(buf) - (self.taps_per_phase - 1):]
        if not len(outs):
            return np.zeros(0)
        t = outs * self.down
        newest = t // self.up - base
        window = buf[np.clip(newest[:, None] - np.arange(self.taps_per_phase), 0, None)]
        window[newest[:, None] - np.arange(self.taps_per_phase) < 0] = 0.0   # before the stream began
        return np.einsum("ij,ij->i", window, self.phases[t % self.up])
