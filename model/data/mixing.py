"""Segments of concatenated utterances, and mixing them with noise at a given SNR.

A *layout* places utterances in a segment of fixed length: a gap of 50-300 ms
before each utterance, as many utterances as fit whole; only an utterance that
alone exceeds the segment is cropped.  The rest of the segment is silence.

:func:`mix` sets the clean speech to a level (RMS over the whole segment, in
dBFS), scales the noise to the SNR over the whole segment, and if the noisy or
clean peak would exceed :data:`PEAK_LIMIT` scales both by one gain (recorded
in the manifest), which leaves the SNR unchanged.
"""

from dataclasses import dataclass

import numpy as np

from lutdnn.model.data.data_split import SAMPLE_RATE, DataError

SEGMENT_SAMPLES = 3 * SAMPLE_RATE
GAP_S = (0.05, 0.3)
PEAK_LIMIT = 0.99
LEVEL_DBFS = (-35.0, -15.0)
EVALUATION_SNRS_DB = (0.0, 5.0)


@dataclass(frozen=True)
class Placement:
    """Utterance ``key`` occupies samples ``offset:offset + samples`` of the segment."""

    key: object
    offset: int
    samples: int


@dataclass(frozen=True)
class Mixture:
    clean: np.ndarray
    noisy: np.ndarray
    gain: float


def _gap(rng):
    return int(rng.uniform(*GAP_S) * SAMPLE_RATE)


def layouts(utterances, rng, length=SEGMENT_SAMPLES):
    """Yield layouts (lists of :class:`Placement`) of ``(key, samples)`` pairs taken in order.

    An utterance that does not fit starts the next segment, so a finite
    ``utterances`` is used exactly once; the last layout may be short of speech.
    """
    current, cursor = [], _gap(rng)
    for key, samples in utterances:
        if current and cursor + samples > length:
            yield current
            current, cursor = [], _gap(rng)
        current.append(Placement(key, cursor, min(samples, length - cursor)))
        cursor += samples + _gap(rng)
    if current:
        yield current


def render(layout, audio, length=SEGMENT_SAMPLES):
    """The clean segment of ``layout``; ``audio[key]`` holds each utterance's samples."""
    segment = np.zeros(length, dtype=np.float32)
    for p in layout:
        segment[p.offset:p.offset + p.samples] = audio[p.key][:p.samples]
    return segment


def rms(x):
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


def snr_db(clean, noise):
    """SNR of ``clean`` against ``noise`` over their whole length."""
    return 10 * np.log10(rms(clean) ** 2 / rms(noise) ** 2)


def mix(clean, noise, snr, level_dbfs):
    """Clean at ``level_dbfs`` RMS plus noise at ``snr`` dB below it, peak-limited together."""
    if rms(clean) == 0:
        raise DataError("clean segment is silent; cannot set its level")
    if rms(noise) == 0:
        raise DataError("noise excerpt is silent; cannot set an SNR")
    clean = clean * (10 ** (level_dbfs / 20) / rms(clean))
    noise = noise * (rms(clean) / rms(noise) * 10 ** (-snr / 20))
    noisy = clean + noise
    peak = max(np.max(np.abs(noisy)), np.max(np.abs(clean)))
    gain = min(1.0, PEAK_LIMIT / peak)
    return Mixture(clean=(clean * gain).astype(np.float32), noisy=(noisy * gain).astype(np.float32),
                   gain=float(gain))
