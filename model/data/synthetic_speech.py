"""Synthetic English speech from espeak-ng: many voices, both genders, random sentences.

FSDD is six male voices saying digits; a model trained on it alone harms
speech it has never heard.  This module renders random sentences with
espeak-ng in many accents (base voices) and voice variants, at random speaking
rate and pitch, resampled to 8 kHz.

Voices are split in two disjoint sets on *both* axes (docs/data.md):

- training: bases :data:`TRAIN_BASES` x variants :data:`TRAIN_VARIANTS`
- out-of-domain check (``ood`` split): bases :data:`OOD_BASES` x variants
  :data:`OOD_VARIANTS`; no base and no variant of these is heard in training.

Sentences come from a small grammar over word lists defined here (no outside
text), so no two renders are likely to say the same thing.

:func:`render_corpus` writes one wav per sentence and returns their manifest
entries; it needs the ``espeak-ng`` program.
"""

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lutdnn.model.data.data_split import SAMPLE_RATE, DataError, read_wav, write_wav

ESPEAK = "espeak-ng"
ESPEAK_TIMEOUT_S = 30
RATE_WPM = (120, 200)
PITCH = (20, 80)  # espeak-ng -p: 0-99, 50 is the voice's own
TRIM_BELOW_PEAK_DB = -45.0
EDGE_SILENCE_S = 0.02

TRAIN_BASES = ("en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-029")
OOD_BASES = ("en-us-nyc", "en-gb-x-gbcwmd", "en-gb-x-gbclan")
TRAIN_VARIANTS = {
    "female": ("f1", "f2", "f3", "Alicia", "Andrea", "Annie", "aunty", "belinda", "steph", "steph3",
               "grandma"),
    "male": ("m1", "m2", "m3", "m4", "m5", "adam", "Alex", "Andy", "benjamin", "caleb", "david",
             "edward", "john", "max", "Michael", "paul", "rob", "travis", "victor", "klatt", "klatt2"),
}
OOD_VARIANTS = {
    "female": ("f4", "f5", "linda", "steph2", "anika"),
    "male": ("m6", "m7", "m8", "norbert", "quincy", "klatt3"),
}

_WORDS = {
    "det": "the a this that every one some my your our their his her".split(),
    "adj": (
        "old new small large quiet loud bright dark warm cold quick slow green red blue yellow "
        "heavy light early late happy tired careful strange simple busy empty wooden narrow gentle "
        "famous hungry clever young tall short soft round sharp"
    ).split(),
    "noun": (
        "man woman child teacher doctor driver farmer friend neighbour sister brother dog cat horse "
        "bird fish train car boat bridge river garden window door table chair kitchen letter book "
        "song story picture market city village island mountain forest road station morning evening "
        "winter summer coffee bread apple orange bottle box key phone radio computer engine machine "
        "storm cloud rain light candle clock ticket message"
    ).split(),
    "verb": (
        "see find take make bring hold open close carry watch need want paint build clean move "
        "follow read write sell buy fix push pull leave remember forget answer call visit"
    ).split(),
    "intransitive": (
        "wait sleep laugh walk run sing listen arrive return work rest smile talk travel wonder"
    ).split(),
    "adverb": (
        "quickly slowly quietly carefully suddenly often never always again today tomorrow "
        "yesterday together outside upstairs"
    ).split(),
    "prep": "in on under near behind beside across through into over after before with".split(),
    "number": (
        "two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty "
        "hundred"
    ).split(),
}


@dataclass(frozen=True)
class Voice:
    """An espeak-ng base voice (accent) with a variant (timbre, gender)."""

    base: str
    variant: str
    gender: str

    @property
    def name(self):
        return f"{self.base}+{self.variant}"


def voices(bases, variants):
    """``{gender: [Voice, ...]}`` for every base x variant pair."""
    return {
        gender: [Voice(base, variant, gender) for base in bases for variant in names]
        for gender, names in variants.items()
    }


TRAIN_VOICES = voices(TRAIN_BASES, TRAIN_VARIANTS)
OOD_VOICES = voices(OOD_BASES, OOD_VARIANTS)


def _pick(rng, kind):
    words = _WORDS[kind]
    return words[rng.integers(len(words))]


def _noun_phrase(rng):
    words = [_pick(rng, "det")]
    if rng.random() < 0.5:
        words.append(_pick(rng, "adj"))
    words.append(_pick(rng, "noun"))
    return words


_IRREGULAR_PLURALS = {"man": "men", "woman": "women", "child": "children", "fish": "fish"}


def _add_s(word):
    """English -s ending: boxes, watches, cities, birds."""
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _plural(noun):
    return _IRREGULAR_PLURALS.get(noun) or _add_s(noun)


def random_sentence(rng):
    """A random, roughly grammatical English sentence of about 3-12 words."""
    form = rng.integers(4)
    if form == 0:
        words = _noun_phrase(rng) + [_add_s(_pick(rng, "verb"))] + _noun_phrase(rng)
    elif form == 1:
        words = _noun_phrase(rng) + [_add_s(_pick(rng, "intransitive")), _pick(rng, "prep")]
        words += _noun_phrase(rng)
    elif form == 2:
        words = [_pick(rng, "number"), _pick(rng, "adj"), _plural(_pick(rng, "noun")),
                 _pick(rng, "intransitive"), _pick(rng, "adverb")]
    else:
        words = ["does"] + _noun_phrase(rng) + [_pick(rng, "verb")] + _noun_phrase(rng)
    if rng.random() < 0.3:
        words.append(_pick(rng, "adverb"))
    text = " ".join(words)
    return text[0].upper() + text[1:] + ("?" if form == 3 else ".")


def espeak_version():
    """The ``espeak-ng --version`` line; raises :class:`DataError` if espeak-ng is missing."""
    if shutil.which(ESPEAK) is None:
        raise DataError(
            f"{ESPEAK} is not installed (apt install espeak-ng), or pass --synthetic-minutes 0 --ood-items 0"
        )
    return _run([ESPEAK, "--version"]).stdout.strip()


def available_variants():
    """Variant file names espeak-ng knows (it silently ignores unknown ones, so check first)."""
    listing = _run([ESPEAK, "--voices=variant"]).stdout.splitlines()[1:]
    return {line.split("!v/")[1].strip().split(" (")[0] for line in listing if "!v/" in line}


def check_voices(voice_sets):
    """Raise :class:`DataError` if a variant of ``voice_sets`` is unknown to espeak-ng."""
    known = available_variants()
    wanted = {v.variant for voice_set in voice_sets for group in voice_set.values() for v in group}
    missing = sorted(wanted - known)
    if missing:
        raise DataError(f"{ESPEAK} lacks the voice variants {', '.join(missing)}")


def _run(command):
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=ESPEAK_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise DataError(f"{' '.join(command[:3])} ... took more than {ESPEAK_TIMEOUT_S} s") from None
    if result.returncode != 0:
        raise DataError(f"{' '.join(command[:3])} ... failed: {result.stderr.strip()}")
    return result


def render(text, voice, rate_wpm, pitch, scratch):
    """``text`` spoken by ``voice``: float32 at 8 kHz, edge silence trimmed."""
    wav = Path(scratch) / "espeak.wav"
    _run([ESPEAK, "-v", voice.name, "-s", str(rate_wpm), "-p", str(pitch), "-w", str(wav), text])
    samples = read_wav(wav)
    if not np.any(samples):
        raise DataError(f"{ESPEAK} -v {voice.name} rendered silence for {text!r}")
    return trim_silence(samples)


def trim_silence(x):
    """``x`` without leading/trailing samples far below its peak (keeps a 20 ms margin)."""
    loud = np.flatnonzero(np.abs(x) > np.max(np.abs(x)) * 10 ** (TRIM_BELOW_PEAK_DB / 20))
    margin = int(EDGE_SILENCE_S * SAMPLE_RATE)
    return x[max(0, loud[0] - margin): loud[-1] + 1 + margin]


def random_voice(rng, voice_set):
    """A voice of ``voice_set``: gender first (even odds), then a voice of that gender."""
    genders = sorted(voice_set)
    group = voice_set[genders[rng.integers(len(genders))]]
    return group[rng.integers(len(group))]


def render_corpus(out_dir, subdir, voice_set, seconds, rng):
    """Render random sentences into ``out_dir/subdir/NNNN.wav`` until ``seconds`` of speech.

    Returns one manifest entry per file: file (relative to ``out_dir``),
    voice, gender, rate_wpm, pitch, text, samples.
    """
    folder = Path(out_dir) / subdir
    folder.mkdir(parents=True, exist_ok=True)
    entries, total = [], 0
    with tempfile.TemporaryDirectory() as scratch:
        while total < seconds * SAMPLE_RATE:
            voice = random_voice(rng, voice_set)
            rate, pitch = int(rng.integers(*RATE_WPM)), int(rng.integers(*PITCH))
            text = random_sentence(rng)
            samples = render(text, voice, rate, pitch, scratch)
            name = f"{subdir}/{len(entries):04d}.wav"
            write_wav(Path(out_dir) / name, samples)
            entries.append({"file": name, "voice": voice.name, "gender": voice.gender,
                            "rate_wpm": rate, "pitch": pitch, "text": text,
                            "samples": len(samples)})
            total += len(samples)
    return entries
