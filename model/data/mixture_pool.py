"""Fresh (clean, noisy) training pairs, mixed on the fly from a split's pool.

Training calls::

    pool = MixturePool.from_manifest(out_dir, "train")        # out_dir: written by `lutdnn data`
    clean, noisy = pool.pairs(rng, count)                     # rng: numpy.random.Generator
    # float32 arrays of shape (count, 24000): 3 s at 8 kHz

Each pair (:meth:`MixturePool.pair`), with the probabilities of :class:`Recipe`:

1. speech: espeak-ng sentences (training voices) or FSDD utterances of the
   split, concatenated with 50-300 ms gaps into a 3 s segment;
2. speech augmentation: random EQ, then reverberation (the reverberant speech
   is the clean target: the model is taught to remove noise, not the room);
3. noise: a random excerpt of the split's part of a recorded noise file,
   coloured noise (random spectral exponent, maybe amplitude-modulated), or
   babble of 3-8 talkers drawn from the same speech pool; then maybe EQ;
4. mixing at an SNR uniform in ``snr_db``, clean RMS uniform in
   ``level_dbfs``, both scaled down together if a peak would pass 0.99.

Only the split's own material is used, so the train pool never touches a
validation or test speaker, noise range or held-out voice.  One core makes
about 2000 pairs in well under a minute (benchmarks/mixture_pool.py).
"""

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lutdnn.model.data.augment import random_eq, reverberate
from lutdnn.model.data.data_split import SPLITS, DataError, read_wav
from lutdnn.model.data.mixing import LEVEL_DBFS, SEGMENT_SAMPLES, layouts, mix, render
from lutdnn.model.data.mixtures import load_manifest
from lutdnn.model.data.noise_synthesis import babble, random_coloured_noise

NOISE_KINDS = ("recorded", "coloured", "babble")


@dataclass(frozen=True)
class Recipe:
    """How training pairs are drawn; every field is a probability or a uniform range."""

    synthetic_share: float = 0.5
    noise_shares: tuple = (0.5, 0.25, 0.25)  # in the order of NOISE_KINDS
    snr_db: tuple = (-5.0, 20.0)
    level_dbfs: tuple = LEVEL_DBFS
    speech_eq: float = 0.5
    reverb: float = 0.3
    noise_eq: float = 0.5


class MixturePool:
    """The speech and noise of one split, and a recipe for mixing them."""

    def __init__(self, speech, synthetic, recorded_noise, recipe=Recipe(), segment_samples=SEGMENT_SAMPLES):
        if not speech:
            raise ValueError("a mixture pool needs speech")
        if recipe.noise_shares[0] > 0 and not recorded_noise:
            raise ValueError("the recipe draws recorded noise but the pool has none")
        if any(len(n) < segment_samples for n in recorded_noise):
            raise ValueError(f"every recorded noise must hold at least {segment_samples} samples")
        self.speech, self.synthetic, self.recorded_noise = speech, synthetic, recorded_noise
        self.recipe, self.segment_samples = recipe, segment_samples
        self._talkers = speech + synthetic

    @classmethod
    def from_manifest(cls, out_dir, split="train", recipe=Recipe()):
        """The pool of ``split`` in the mixture folder ``out_dir`` (sources re-read from disk)."""
        if split not in SPLITS:
            raise DataError(f"no mixture pool for split {split!r}; pools: {', '.join(SPLITS)}")
        manifest = load_manifest(out_dir)
        pool = manifest["splits"][split]
        sources = manifest["sources"]
        speech = [read_wav(Path(sources["speech"]) / u["file"]) for u in pool["speech"]]
        synthetic = [read_wav(Path(out_dir) / e["file"]) for e in pool.get("synthetic", [])]
        noise_files = {r["file"] for r in pool["noise"]}
        signals = {name: read_wav(Path(sources["noise"]) / name) for name in sorted(noise_files)}
        recorded = [signals[r["file"]][r["start"]:r["stop"]] for r in pool["noise"]]
        return cls(speech, synthetic, recorded, recipe, manifest["segment_samples"])

    def pairs(self, rng, count):
        """``(clean, noisy)``: float32 arrays of shape ``(count, segment_samples)``."""
        clean = np.empty((count, self.segment_samples), dtype=np.float32)
        noisy = np.empty_like(clean)
        for i in range(count):
            clean[i], noisy[i] = self.pair(rng)
        return clean, noisy

    def pair(self, rng):
        """One fresh ``(clean, noisy)`` pair, each float32 of ``segment_samples``."""
        r = self.recipe
        use_synthetic = bool(self.synthetic) and rng.random() < r.synthetic_share
        clean = self._speech_segment(rng, self.synthetic if use_synthetic else self.speech)
        if rng.random() < r.speech_eq:
            clean = random_eq(rng, clean)
        if rng.random() < r.reverb:
            clean = reverberate(rng, clean)
        noise = self._noise(rng)
        if rng.random() < r.noise_eq:
            noise = random_eq(rng, noise)
        mixture = mix(clean, noise, rng.uniform(*r.snr_db), rng.uniform(*r.level_dbfs))
        return mixture.clean, mixture.noisy

    def _speech_segment(self, rng, utterances, length=None):
        """Random utterances of ``utterances`` laid out in one segment of ``length``."""
        length = length or self.segment_samples
        draws = (int(rng.integers(len(utterances))) for _ in itertools.count())
        layout = next(layouts(((i, len(utterances[i])) for i in draws), rng, length))
        return render(layout, utterances, length)

    def _noise(self, rng):
        kind = NOISE_KINDS[rng.choice(len(NOISE_KINDS), p=self.recipe.noise_shares)]
        if kind == "recorded":
            source = self.recorded_noise[rng.integers(len(self.recorded_noise))]
            start = int(rng.integers(len(source) - self.segment_samples + 1))
            return source[start:start + self.segment_samples]
        if kind == "coloured":
            return random_coloured_noise(rng, self.segment_samples)
        return babble(rng, self.segment_samples, lambda r, n: self._speech_segment(r, self._talkers, n))
