"""Short-time analysis and synthesis fixed by the paper (DESIGN.md section 2).

8 kHz audio, periodic Hann window of 128 samples, hop 64, rFFT of 256 points
(the window zero-padded) giving 129 bins per frame.  The periodic Hann window
sums to exactly one at 50 % overlap, so synthesis is a plain overlap-add of the
first 128 samples of each inverse FFT: no synthesis window, no normalisation.

Feature layout (the one place it is defined; docs/features.md repeats it):
frame ``t`` gives magnitudes ``m[t, 0..128]``; the network input for frame
``t`` is the 8-frame causal context, oldest first::

    x[t, k * 129 + b] = m[t - 7 + k, b]     k = 0..7, b = 0..128

with ``m[t'] = 0`` for ``t' < 0`` (the context starts empty).
"""

import numpy as np

SAMPLE_RATE = 8000
WINDOW = 128
HOP = 64
NFFT = 256
BINS = NFFT // 2 + 1
CONTEXT = 8
FEATURES = CONTEXT * BINS

HANN = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(WINDOW) / WINDOW)


def frame_count(n_samples):
    """Frames that :func:`analyze` makes for a signal of ``n_samples``."""
    return -(-(n_samples + HOP) // HOP)


def analyze(x):
    """Complex spectra ``(frames, 129)`` of a 1-D signal.

    The signal is padded with one hop of zeros in front (so its first sample
    is covered by two windows) and with zeros at the end up to a whole frame,
    which makes :func:`synthesize` exact over the whole signal.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"analyze expects a 1-D signal, got shape {x.shape}")
    frames = frame_count(len(x))
    padded = np.zeros((frames + 1) * HOP)
    padded[HOP:HOP + len(x)] = x
    index = np.arange(WINDOW)[None, :] + HOP * np.arange(frames)[:, None]
    return np.fft.rfft(padded[index] * HANN, n=NFFT, axis=1)


def synthesize(spectra, length):
    """Overlap-add inverse of :func:`analyze`, trimmed to ``length`` samples."""
    spectra = np.asarray(spectra)
    if spectra.ndim != 2 or spectra.shape[1] != BINS:
        raise ValueError(f"synthesize expects (frames, {BINS}) spectra, got {spectra.shape}")
    frames = spectra.shape[0]
    if frame_count(length) > frames:
        raise ValueError(f"{frames} frames cannot give {length} samples")
    blocks = np.fft.irfft(spectra, n=NFFT, axis=1)[:, :WINDOW]
    out = np.zeros((frames + 1) * HOP)
    for half in range(2):
        seg = blocks[:, half * HOP:(half + 1) * HOP].reshape(-1)
        out[half * HOP:half * HOP + len(seg)] += seg
    return out[HOP:HOP + length]


def stack_context(magnitudes, frames=None):
    """Causal 8-frame context ``(len(frames), 1032)`` from magnitudes ``(T, 129)``.

    ``frames`` picks which frames' contexts to build (all of them when None).
    """
    m = np.asarray(magnitudes)
    if m.ndim != 2 or m.shape[1] != BINS:
        raise ValueError(f"stack_context expects (frames, {BINS}), got {m.shape}")
    if frames is None:
        frames = np.arange(m.shape[0])
    padded = np.concatenate([np.zeros((CONTEXT - 1, BINS), m.dtype), m])
    return padded[np.asarray(frames)[:, None] + np.arange(CONTEXT)].reshape(len(frames), FEATURES)


class StreamingSTFT:
    """Block-by-block analysis/synthesis for real-time use (one hop of delay).

    ``analyze_hops`` takes ``n * 64`` new samples and returns those ``n``
    frames' spectra; ``synthesize_hops`` takes ``n`` (processed) spectra and
    returns the ``n * 64`` output samples they complete.  Fed the same signal,
    the outputs equal the offline :func:`synthesize` delayed by one hop, and
    any split of the signal into blocks gives the same samples: each frame is
    transformed on its own, so a block is only a batch of frames.
    """

    def __init__(self):
        self.reset()

    def reset(self):
        self._last_hop = np.zeros(HOP)
        self._tail = np.zeros(HOP)

    def analyze_hops(self, samples):
        samples = np.asarray(samples, dtype=np.float64)
        if samples.ndim != 1 or len(samples) % HOP:
            raise ValueError(f"analyze_hops expects a 1-D multiple of {HOP} samples, got shape {samples.shape}")
        padded = np.concatenate([self._last_hop, samples])
        self._last_hop = padded[len(padded) - HOP:].copy()
        frames = len(samples) // HOP
        index = np.arange(WINDOW)[None, :] + HOP * np.arange(frames)[:, None]
        return np.fft.rfft(padded[index] * HANN, n=NFFT, axis=1)

    def synthesize_hops(self, spectra):
        blocks = np.fft.irfft(spectra, n=NFFT, axis=1)[:, :WINDOW]
        tails = np.concatenate([self._tail[None, :], blocks[:, HOP:]])
        self._tail = tails[-1].copy()
        return (tails[:-1] + blocks[:, :HOP]).reshape(-1)
