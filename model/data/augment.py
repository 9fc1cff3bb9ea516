"""Augmentations of training speech and noise: equalisation and reverberation.

- :func:`random_eq`: a few peaking filters (RBJ biquads) at random centre
  frequencies and gains, plus a random treble shelf, like different
  microphones and rooms colour a voice.
- :func:`reverberate`: convolution with a synthetic room impulse response, a
  direct path followed by exponentially decaying Gaussian noise whose decay
  time is ``rt60`` (the time the energy takes to fall by 60 dB).
- :func:`reverberate_recorded`: convolution with one of the measured room
  responses of :func:`load_room_responses` (the data's ``rirs/``).

Both keep the length of their input.  Levels are set later by the mixer, so
these functions do not care about absolute gain.
"""

import numpy as np
from scipy.signal import fftconvolve, sosfilt

from lutdnn.model.data.data_split import SAMPLE_RATE, DataError, read_wav, wav_files

EQ_BANDS = (1, 3)
EQ_CENTRE_HZ = (100.0, 3500.0)
EQ_GAIN_DB = (-9.0, 9.0)
EQ_Q = (0.5, 2.5)
SHELF_CORNER_HZ = 1000.0
SHELF_GAIN_DB = (-8.0, 8.0)
RT60_S = (0.1, 0.7)
PRE_DELAY_S = (0.002, 0.015)
DIRECT_TO_REVERB_DB = (-3.0, 9.0)


def peaking_biquad(centre_hz, gain_db, q):
    """Second-order section of an RBJ peaking equaliser (for ``sosfilt``)."""
    a = 10 ** (gain_db / 40)
    w0 = 2 * np.pi * centre_hz / SAMPLE_RATE
    alpha = np.sin(w0) / (2 * q)
    b = np.array([1 + alpha * a, -2 * np.cos(w0), 1 - alpha * a])
    den = np.array([1 + alpha / a, -2 * np.cos(w0), 1 - alpha / a])
    return np.concatenate([b / den[0], den / den[0]])


def high_shelf_biquad(corner_hz, gain_db):
    """Second-order section of an RBJ high shelf (slope 1): ``gain_db`` above ``corner_hz``."""
    a = 10 ** (gain_db / 40)
    w0 = 2 * np.pi * corner_hz / SAMPLE_RATE
    cos, two_root_a_alpha = np.cos(w0), np.sqrt(a) * np.sin(w0) * np.sqrt(2)
    b = a * np.array([(a + 1) + (a - 1) * cos + two_root_a_alpha, -2 * ((a - 1) + (a + 1) * cos),
                      (a + 1) + (a - 1) * cos - two_root_a_alpha])
    den = np.array([(a + 1) - (a - 1) * cos + two_root_a_alpha, 2 * ((a - 1) - (a + 1) * cos),
                    (a + 1) - (a - 1) * cos - two_root_a_alpha])
    return np.concatenate([b / den[0], den / den[0]])


def random_eq(rng, x):
    """``x`` through 1-3 random peaking filters and a random treble shelf."""
    sections = [
        peaking_biquad(
            np.exp(rng.uniform(*np.log(EQ_CENTRE_HZ))), rng.uniform(*EQ_GAIN_DB), rng.uniform(*EQ_Q)
        )
        for _ in range(rng.integers(EQ_BANDS[0], EQ_BANDS[1] + 1))
    ]
    sections.append(high_shelf_biquad(SHELF_CORNER_HZ, rng.uniform(*SHELF_GAIN_DB)))
    return sosfilt(np.array(sections), x).astype(np.float32)


def room_impulse_response(rng, rt60):
    """Direct path, a short pre-delay, then Gaussian noise decaying by 60 dB in ``rt60`` s."""
    length = int(rt60 * SAMPLE_RATE)
    delay = int(rng.uniform(*PRE_DELAY_S) * SAMPLE_RATE)
    t = np.arange(length - delay) / SAMPLE_RATE
    tail = rng.standard_normal(len(t)) * np.exp(-3 * np.log(10) * t / rt60)
    tail *= 10 ** (-rng.uniform(*DIRECT_TO_REVERB_DB) / 20) / np.sqrt(np.sum(tail**2))
    rir = np.zeros(length)
    rir[0] = 1.0
    rir[delay:] += tail
    return rir


def reverberate(rng, x, rt60=None):
    """``x`` convolved with a random room response (``rt60`` drawn if not given), same length."""
    rt60 = rng.uniform(*RT60_S) if rt60 is None else rt60
    return fftconvolve(x, room_impulse_response(rng, rt60))[: len(x)].astype(np.float32)


def direct_path_aligned(rir):
    """``rir`` from its strongest tap (the direct path) on, peak 1: convolving adds no delay."""
    peak = int(np.argmax(np.abs(rir)))
    return rir[peak:].astype(np.float64) / rir[peak]


def load_room_responses(folder):
    """The measured room responses of ``folder`` (wavs, resampled to 8 kHz), aligned to their direct path."""
    responses = []
    for path in wav_files(folder, "room response"):
        rir = read_wav(path)
        if not np.any(rir):
            raise DataError(f"room response {path} is silent")
        responses.append(direct_path_aligned(rir))
    return responses


def reverberate_recorded(rng, x, responses):
    """``x`` convolved with a random one of the measured ``responses``, same length."""
    rir = responses[rng.integers(len(responses))]
    return fftconvolve(x, rir)[: len(x)].astype(np.float32)
