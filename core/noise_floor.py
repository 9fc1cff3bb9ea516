"""Per-bin input gains from a causal noise-floor estimate, done on the host.

A network that sees linear magnitudes cannot tell a steady low hum from
steady low speech energy within its 64 ms of context.  Scaling each bin by
``(reference / floor) ** (strength / 2)``, where ``floor`` is that bin's
noise power, makes the input a posterior SNR (``strength`` 1) or part way to
one, so a noise the network never heard sits at the level every noise sat at
in training.  The output is divided by the same gains, so the network's mask
still multiplies the noisy spectrum itself; the accelerator never sees the
gains, and `sim`, `cosim` and `board` stay bit-exact with each other.
With the paper's network it costs more than it gains (docs/model.md, issue
10 round 4), so models are made with it off unless asked.

The floor is minimum statistics: each bin's power smoothed over
:data:`SMOOTHING_S` (bias-corrected as in level.RunningLevel), then its
minimum over the last :data:`WINDOW_S`.  It is taken after the input level
(level.py), so ``reference`` is the power a bin of white noise has at the
model's level.  The gains are bounded, and no gain lifts a bin past
:data:`PEAK_MAGNITUDE` so the spectrum words never saturate on its account.
"""

import numpy as np
from scipy.ndimage import minimum_filter1d

from lutdnn.core.framing import BINS, HANN, HOP, SAMPLE_RATE, analyze
from lutdnn.core.level import level_gain

SMOOTHING_S = 0.064                  # power smoothing before the minimum: 8 hops
WINDOW_S = 1.5                       # the minimum's span: longer than a word, so a word does not raise the floor
GAIN_RANGE = (2.0 ** -6, 2.0 ** 5)   # bounds on a bin's gain: -36..+30 dB
PEAK_MAGNITUDE = 16.0                # no gain lifts |X| above this (a quarter of the s16 word's range)
FEW_HOPS = 16                        # below this many hops a plain minimum per hop is faster than the filter
FLOOR_MIN = 1e-12                    # keeps digital silence from asking for an unbounded gain
STRENGTH_STEPS = 256                 # strengths are multiples of 1/256, so a weight image's u16 holds them exactly
WHITE_BIN_POWER = float(np.sum(np.square(HANN)))   # a bin's mean power for white noise of unit variance


def check_floor_strength(strength, level_dbfs):
    """ValueError unless ``strength`` is a multiple of 1/:data:`STRENGTH_STEPS` in [0, 1], with an input
    level (``level_dbfs`` not None) when it is above 0."""
    steps = strength * STRENGTH_STEPS
    if not 0.0 <= strength <= 1.0 or steps != round(steps):
        raise ValueError(f"the noise-floor strength must be a multiple of 1/{STRENGTH_STEPS} in [0, 1], "
                         f"got {strength}")
    if strength and level_dbfs is None:
        raise ValueError("a noise-floor strength needs an input level: the floor's reference is set there")


def reference_power(level_dbfs):
    """A bin's mean power for white noise at an RMS of ``level_dbfs``: where a floor gets gain 1."""
    return WHITE_BIN_POWER * 10.0 ** (level_dbfs / 10.0)


class NoiseFloorGains:
    """Causal per-bin gains, hop by hop, carrying their state between calls.

    ``strength`` 0 gives gains of 1 (no estimate is kept).
    """

    def __init__(self, strength, level_dbfs, hop_s=HOP / SAMPLE_RATE):
        check_floor_strength(strength, level_dbfs)
        self.strength = strength
        self.reference = reference_power(level_dbfs) if strength else None
        self.decay = float(np.exp(-hop_s / SMOOTHING_S))
        self.window = max(1, round(WINDOW_S / hop_s))
        self.reset()

    def reset(self):
        self._smoothed = np.zeros(BINS)
        self._count = 0
        self._history = np.full((self.window - 1, BINS), np.inf)   # the last smoothed powers; none yet

    def gains(self, spectra):
        """Per-bin gains ``(n, 129)`` for the spectra ``(n, 129)`` of the next ``n`` hops."""
        if not self.strength:
            return np.ones(spectra.shape)
        magnitude = np.abs(spectra)
        floor = self._floor(np.square(magnitude))
        gains = np.clip((self.reference / np.maximum(floor, FLOOR_MIN)) ** (self.strength / 2), *GAIN_RANGE)
        with np.errstate(divide="ignore"):
            return np.minimum(gains, PEAK_MAGNITUDE / magnitude)

    def _floor(self, power):
        """The noise floor of each hop: the minimum of the smoothed power over the window."""
        smoothed = np.empty_like(power)
        for i, p in enumerate(power):   # a recurrence: one hop after the other
            self._smoothed = self.decay * self._smoothed + (1.0 - self.decay) * p
            self._count += 1
            smoothed[i] = self._smoothed / (1.0 - self.decay ** self._count)   # the weight gathered so far
        recent = np.concatenate([self._history, smoothed])
        self._history = recent[len(recent) - len(self._history):]
        if len(power) > FEW_HOPS:
            return minimum_filter1d(recent, self.window, axis=0, origin=(self.window - 1) // 2,
                                    mode="nearest")[len(recent) - len(power):]
        start = len(recent) - len(power) - self.window + 1
        return np.array([recent[start + i:start + i + self.window].min(axis=0) for i in range(len(power))])


def scaled_spectra(signal, level_dbfs, floor_strength):
    """A whole recording as the host hands it to the accelerator offline: (spectra, gains).

    The recording's own level (level.level_gain), then each bin towards its
    noise floor; ``gains`` ``(frames, 129)`` are the two together, so
    ``analyze(signal) * gains`` are the spectra.
    """
    gain = level_gain(signal, level_dbfs)
    spectra = analyze(signal * gain)
    floor = NoiseFloorGains(floor_strength, level_dbfs).gains(spectra)
    return spectra * floor, gain * floor
