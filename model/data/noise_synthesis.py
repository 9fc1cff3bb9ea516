"""Noise made by program, to widen training beyond six recorded noises.

- :func:`coloured_noise`: Gaussian noise whose power spectrum goes as
  ``f ** exponent`` (white 0, pink -1, brown -2, blue +1, violet +2; any real
  exponent in between).
- :func:`modulate`: a slow amplitude envelope (sinusoidal tremolo or smoothed
  random bursts), so that noise is not stationary.
- :func:`babble`: a sum of several talkers, each a stream of utterances.
- :func:`engine`: vehicle-like noise, a low harmonic series on a slowly
  drifting fundamental over a steep low-frequency rumble, nearly stationary
  (the recorded folders hold little of this kind: their energy lies mostly
  above 1 kHz).
- :func:`music`: notes with harmonic partials and decaying envelopes.  This
  type is held out: training never uses it, the ``ood`` split does (see
  docs/data.md).

Every generator takes a ``numpy.random.Generator`` and a length in samples and
returns float32 at 8 kHz with unit RMS (the mixer sets the level).
"""

import numpy as np

from lutdnn.model.data.data_split import SAMPLE_RATE

COLOUR_EXPONENTS = (-2.0, 2.0)
TREMOLO_HZ = (0.2, 8.0)
BURST_HZ = (0.5, 4.0)
MODULATION_DEPTH = (0.3, 0.95)
ENGINE_F0_HZ = (25.0, 120.0)       # idling to cruising engines' firing frequencies
ENGINE_TOP_HZ = 1000.0             # the harmonic series stops here
ENGINE_RUMBLE_EXPONENTS = (-3.0, -1.0)
ENGINE_RUMBLE_KNEE_HZ = 40.0
ENGINE_HUM_DB = (-15.0, 5.0)       # the harmonics against the rumble
BABBLE_TALKERS = (3, 8)
MUSIC_BPM = (70, 170)
MUSIC_LOWEST_HZ, MUSIC_HIGHEST_HZ = 110.0, 880.0
MAJOR_SCALE = (0, 2, 4, 5, 7, 9, 11)


def unit_rms(x):
    """``x`` scaled to RMS 1 (float32); all-zero input is returned unchanged."""
    rms = np.sqrt(np.mean(np.square(x, dtype=np.float64)))
    return (x / rms if rms > 0 else x).astype(np.float32)


def coloured_noise(rng, length, exponent, knee_hz=None):
    """Gaussian noise with power spectral density proportional to ``f ** exponent``.

    ``knee_hz``: below it the density stays at the knee's (steep red noise
    would otherwise put its power into a few sub-audible bins).
    """
    spectrum = np.fft.rfft(rng.standard_normal(length))
    bins = np.arange(len(spectrum), dtype=np.float64)
    bins[0] = 1.0  # keeps DC finite for the red colours
    if knee_hz is not None:
        bins = np.maximum(bins, knee_hz * length / SAMPLE_RATE)
    spectrum *= bins ** (exponent / 2.0)
    return unit_rms(np.fft.irfft(spectrum, length))


def random_coloured_noise(rng, length):
    """Coloured noise of a random exponent, half the time amplitude-modulated."""
    noise = coloured_noise(rng, length, rng.uniform(*COLOUR_EXPONENTS))
    return modulate(rng, noise) if rng.random() < 0.5 else noise


def modulate(rng, x):
    """``x`` times a random slow envelope: a tremolo or smoothed random bursts."""
    t = np.arange(len(x)) / SAMPLE_RATE
    depth = rng.uniform(*MODULATION_DEPTH)
    if rng.random() < 0.5:
        shape = 0.5 + 0.5 * np.sin(2 * np.pi * rng.uniform(*TREMOLO_HZ) * t + rng.uniform(0, 2 * np.pi))
    else:
        shape = _bursts(rng, len(x), rng.uniform(*BURST_HZ))
    return unit_rms(x * (1.0 - depth + depth * shape))


def _bursts(rng, length, rate_hz):
    """An envelope in [0, 1] switching on and off at random about ``rate_hz`` times a second."""
    hop = max(1, int(SAMPLE_RATE / rate_hz))
    steps = rng.random(length // hop + 2) < 0.5
    held = np.repeat(steps.astype(np.float64), hop)[:length]
    ramp = np.hanning(max(3, hop // 4))
    return np.convolve(held, ramp / ramp.sum(), mode="same")


def babble(rng, length, draw_talker):
    """The sum of a random number of talkers; ``draw_talker(rng, length)`` gives one."""
    talkers = rng.integers(BABBLE_TALKERS[0], BABBLE_TALKERS[1] + 1)
    total = np.zeros(length, dtype=np.float64)
    for _ in range(talkers):
        total += unit_rms(draw_talker(rng, length)) * 10 ** (rng.uniform(-3, 3) / 20)
    return unit_rms(total)


def engine(rng, length):
    """A harmonic series of a fundamental drifting by a few percent, over steep red noise."""
    t = np.arange(length) / SAMPLE_RATE
    drift = 1.0 + 0.05 * np.sin(2 * np.pi * rng.uniform(0.05, 0.5) * t + rng.uniform(0, 2 * np.pi))
    f0 = rng.uniform(*ENGINE_F0_HZ) * drift
    phase = 2 * np.pi * np.cumsum(f0) / SAMPLE_RATE
    partials = np.arange(1, int(ENGINE_TOP_HZ / f0.max()) + 1)
    weights = partials ** -rng.uniform(0.5, 1.5) * rng.uniform(0.3, 1.0, len(partials))
    hum = np.sin(np.outer(phase, partials) + rng.uniform(0, 2 * np.pi, len(partials))) @ weights
    rumble = coloured_noise(rng, length, rng.uniform(*ENGINE_RUMBLE_EXPONENTS), ENGINE_RUMBLE_KNEE_HZ)
    return unit_rms(unit_rms(hum) * 10 ** (rng.uniform(*ENGINE_HUM_DB) / 20) + rumble)


def music(rng, length):
    """A melody with chords: harmonic notes on a major scale with decaying envelopes."""
    beat = int(SAMPLE_RATE * 60 / rng.uniform(*MUSIC_BPM))
    root = rng.uniform(np.log2(MUSIC_LOWEST_HZ), np.log2(MUSIC_HIGHEST_HZ) - 1)
    brightness = rng.uniform(0.8, 2.0)
    total = np.zeros(length + 4 * beat, dtype=np.float64)
    for start in range(0, length, beat):
        for _ in range(rng.integers(1, 4)):
            degree = rng.integers(0, 2 * len(MAJOR_SCALE))
            octave, step = divmod(int(degree), len(MAJOR_SCALE))
            f0 = 2 ** (root + octave + MAJOR_SCALE[step] / 12)
            duration = beat * int(rng.integers(1, 4))
            total[start:start + duration] += _note(f0, duration, brightness)
    return unit_rms(total[:length])


def _note(f0, duration, brightness):
    """One note: partials below Nyquist, amplitude ``1 / k**brightness``, exponential decay."""
    t = np.arange(duration) / SAMPLE_RATE
    partials = np.arange(1, int(0.95 * SAMPLE_RATE / 2 / f0) + 1)
    tone = np.sin(2 * np.pi * f0 * np.outer(t, partials)) @ (1.0 / partials**brightness)
    attack = np.minimum(1.0, t / 0.01)
    return tone * attack * np.exp(-t * 6.0 / max(t[-1], 1e-3))
