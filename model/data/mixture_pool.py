"""Fresh (clean, noisy) training pairs, mixed on the fly from a split's pool.

Training calls::

    pool = MixturePool.from_manifest(out_dir, "train", recipe, rirs=None)   # out_dir: written by `lutdnn data`
    clean, noisy = pool.pairs(rng, count)                     # rng: numpy.random.Generator
    # float32 arrays of shape (count, 24000): 3 s at 8 kHz

Each pair (:meth:`MixturePool.pair`), with the probabilities of :class:`Recipe`:

1. speech: a corpus drawn by ``speech_shares`` (FSDD, espeak-ng sentences of
   the training voices, LibriSpeech, voice prompts: the split's part of
   each), utterances of it concatenated with 50-300 ms gaps into a 3 s
   segment; an utterance longer than the segment gives a random 3 s excerpt;
2. speech augmentation: random EQ, then reverberation (a measured room
   response for a ``recorded_reverb`` share of them, else a synthetic one; the
   reverberant speech is the clean target: the model is taught to remove
   noise, not the room);
3. noise: a random excerpt of the split's part of a recorded noise file (of
   the folders named in ``noise_folders``), coloured noise (random spectral
   exponent, maybe amplitude-modulated), or babble of 3-8 talkers drawn from
   the same speech; then maybe EQ;
4. mixing at an SNR uniform in ``snr_db``, clean RMS uniform in
   ``level_dbfs``, both scaled down together if a peak would pass 0.99.

Only the split's own material is used, so the train pool never touches a
validation or test speaker, noise range or held-out voice or noise.  One core
makes about 2000 pairs in well under a minute (benchmarks/mixture_pool.py).
"""

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lutdnn.model.data.augment import load_room_responses, random_eq, reverberate, reverberate_recorded
from lutdnn.model.data.data_split import SPLITS, DataError, read_wav
from lutdnn.model.data.mixing import LEVEL_DBFS, SEGMENT_SAMPLES, layouts, mix, render
from lutdnn.model.data.mixtures import load_manifest
from lutdnn.model.data.noise_synthesis import babble, engine, random_coloured_noise

NOISE_KINDS = ("recorded", "coloured", "babble", "engine")
SPEECH_CORPORA = ("fsdd", "synthetic", "librispeech", "prompts")
FIRST_NOISE_FOLDER = "noise"     # the folder given as `lutdnn data --noise`; extra folders go by their names


@dataclass(frozen=True)
class Recipe:
    """How training pairs are drawn; every field is a probability, a uniform range or a choice of material.

    ``speech_shares``: ``((corpus, share), ...)`` over :data:`SPEECH_CORPORA`
    (shares are relative); ``noise_folders``: the recorded noise folders used,
    ``"noise"`` for the first one, the others by folder name.
    """

    speech_shares: tuple = (("fsdd", 0.5), ("synthetic", 0.5))
    noise_shares: tuple = (0.5, 0.25, 0.25, 0.0)  # in the order of NOISE_KINDS
    noise_folders: tuple = (FIRST_NOISE_FOLDER,)
    snr_db: tuple = (-5.0, 20.0)
    level_dbfs: tuple = LEVEL_DBFS
    speech_eq: float = 0.5
    reverb: float = 0.3
    recorded_reverb: float = 0.0   # of the reverberated pairs, the share given a measured room response
    noise_eq: float = 0.5

    def __post_init__(self):
        unknown = [c for c, _ in self.speech_shares if c not in SPEECH_CORPORA]
        if unknown:
            raise ValueError(f"unknown speech corpus {', '.join(unknown)}; corpora: {', '.join(SPEECH_CORPORA)}")
        shares = [share for _, share in self.speech_shares] + list(self.noise_shares)
        if any(not share >= 0 for share in shares) or not sum(s for _, s in self.speech_shares) > 0 \
                or not sum(self.noise_shares) > 0:
            raise ValueError("speech and noise shares must be >= 0 with a positive sum")
        for name in ("speech_eq", "reverb", "recorded_reverb", "noise_eq"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} is a probability in [0, 1], got {getattr(self, name)}")

    @property
    def corpora(self):
        """The speech corpora drawn from (share > 0), in the order given."""
        return tuple(c for c, share in self.speech_shares if share > 0)


def _probabilities(shares):
    shares = np.asarray(shares, dtype=float)
    return shares / shares.sum()


def _excerpt(rng, utterance, length):
    """``utterance``, or a random ``length`` of it if it is longer."""
    if len(utterance) <= length:
        return utterance
    start = int(rng.integers(len(utterance) - length + 1))
    return utterance[start:start + length]


class MixturePool:
    """The speech and noise of one split, and a recipe for mixing them."""

    def __init__(self, speech, recorded_noise, recipe=Recipe(), segment_samples=SEGMENT_SAMPLES,
                 room_responses=()):
        """``speech``: ``{corpus: [utterance samples, ...]}``; ``room_responses``: measured responses."""
        missing = [c for c in recipe.corpora if not speech.get(c)]
        if missing:
            raise ValueError(f"the recipe draws {', '.join(missing)} speech but the pool has none "
                             f"(build the data with that corpus, or give it no share)")
        if recipe.noise_shares[0] > 0 and not recorded_noise:
            raise ValueError("the recipe draws recorded noise but the pool has none")
        if any(len(n) < segment_samples for n in recorded_noise):
            raise ValueError(f"every recorded noise must hold at least {segment_samples} samples")
        if recipe.reverb > 0 and recipe.recorded_reverb > 0 and not room_responses:
            raise ValueError("the recipe asks for measured room responses but none were given (rirs folder)")
        self.speech = {c: speech[c] for c in recipe.corpora}
        self.recorded_noise, self.room_responses = recorded_noise, list(room_responses)
        self.recipe, self.segment_samples = recipe, segment_samples
        self._corpus_p = _probabilities([share for _, share in recipe.speech_shares if share > 0])
        self._talkers = [u for c in recipe.corpora for u in self.speech[c]]

    @classmethod
    def from_manifest(cls, out_dir, split="train", recipe=Recipe(), rirs=None):
        """The pool of ``split`` in the mixture folder ``out_dir`` (sources re-read from disk).

        Only the corpora and noise folders ``recipe`` draws from are read; ``rirs``
        is a folder of measured room responses (training augmentation only).
        """
        if split not in SPLITS:
            raise DataError(f"no mixture pool for split {split!r}; pools: {', '.join(SPLITS)}")
        manifest = load_manifest(out_dir)
        pool, sources = manifest["splits"][split], manifest["sources"]
        speech = {corpus: _read_corpus(corpus, pool, sources, out_dir) for corpus in recipe.corpora}
        recorded = _read_noise(recipe.noise_folders, pool, sources)
        responses = load_room_responses(rirs) if rirs is not None else ()
        return cls(speech, recorded, recipe, manifest["segment_samples"], responses)

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
        corpus = r.corpora[rng.choice(len(r.corpora), p=self._corpus_p)]
        clean = self._speech_segment(rng, self.speech[corpus])
        if rng.random() < r.speech_eq:
            clean = random_eq(rng, clean)
        if rng.random() < r.reverb:
            clean = (reverberate_recorded(rng, clean, self.room_responses) if rng.random() < r.recorded_reverb
                     else reverberate(rng, clean))
        noise = self._noise(rng)
        if rng.random() < r.noise_eq:
            noise = random_eq(rng, noise)
        mixture = mix(clean, noise, rng.uniform(*r.snr_db), rng.uniform(*r.level_dbfs))
        return mixture.clean, mixture.noisy

    def _speech_segment(self, rng, utterances, length=None):
        """Random utterances of ``utterances`` (long ones cut) laid out in one segment of ``length``."""
        length = length or self.segment_samples
        drawn = {}

        def draws():
            for key in itertools.count():
                drawn[key] = _excerpt(rng, utterances[int(rng.integers(len(utterances)))], length)
                yield key, len(drawn[key])

        return render(next(layouts(draws(), rng, length)), drawn, length)

    def _noise(self, rng):
        kind = NOISE_KINDS[rng.choice(len(NOISE_KINDS), p=_probabilities(self.recipe.noise_shares))]
        if kind == "recorded":
            return _excerpt(rng, self.recorded_noise[rng.integers(len(self.recorded_noise))], self.segment_samples)
        if kind == "coloured":
            return random_coloured_noise(rng, self.segment_samples)
        if kind == "engine":
            return engine(rng, self.segment_samples)
        return babble(rng, self.segment_samples, lambda r, n: self._speech_segment(r, self._talkers, n))


def _read_corpus(corpus, pool, sources, out_dir):
    """The utterances of ``corpus`` in the manifest's ``pool`` (a split)."""
    if corpus == "fsdd":
        return [read_wav(Path(sources["speech"]) / u["file"]) for u in pool["speech"]]
    if corpus == "synthetic":
        return [read_wav(Path(out_dir) / e["file"]) for e in pool.get("synthetic", [])]
    folder = sources.get(corpus)
    return [read_wav(Path(folder) / r["file"]) for r in pool.get("corpora", {}).get(corpus, [])] if folder else []


def _read_noise(folders, pool, sources):
    """The split's ranges of the recorded noise files in ``folders`` (``"noise"``: the first folder)."""
    extra = sources.get("extra_noise", {})
    unknown = [f for f in folders if f != FIRST_NOISE_FOLDER and f not in extra]
    if unknown:
        raise DataError(f"no noise folder {', '.join(unknown)} in the data; folders: "
                        f"{', '.join([FIRST_NOISE_FOLDER, *extra])}")
    if FIRST_NOISE_FOLDER in extra:
        raise DataError(f"an extra noise folder is named {FIRST_NOISE_FOLDER!r}, the name of the first one")
    ranges = [(Path(sources["noise"]) / r["file"], r) for r in pool["noise"]] if FIRST_NOISE_FOLDER in folders else []
    for r in pool.get("extra_noise", []):
        folder, name = r["file"].split("/", 1)
        if folder in folders:
            ranges.append((Path(extra[folder]) / name, r))
    signals = {path: read_wav(path) for path in sorted({path for path, _ in ranges})}
    return [signals[path][r["start"]:r["stop"]] for path, r in ranges]
