"""The split every figure uses (the data README), applied to a speech and a noise folder.

Speech (FSDD, files ``{digit}_{speaker}_{index}.wav``):

- train: speakers george, jackson, lucas, nicolas, indices 0-44
- validation: the same four speakers, indices 45-49
- test: speakers theo and yweweler, all indices (never heard in training)

Noise: every file is resampled to 8 kHz, then cut in time: the first 70 % is
train, the next 10 % validation, the last 20 % test.  A cut is a
:class:`NoiseRange` of sample indices in the 8 kHz signal, so a manifest can
prove that no excerpt crosses from one split into another.

Every wav is read through :func:`read_wav`, which returns mono float32 at
:data:`SAMPLE_RATE` and raises :class:`DataError` naming the file it could not
use, and written through :func:`write_wav`.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.io import wavfile

from lutdnn.core import audio
from lutdnn.core.framing import SAMPLE_RATE

SPLITS = ("train", "validation", "test")
TRAIN_SPEAKERS = ("george", "jackson", "lucas", "nicolas")
TEST_SPEAKERS = ("theo", "yweweler")
FIRST_VALIDATION_INDEX = 45
NOISE_SPLIT_ENDS = {"train": 0.7, "validation": 0.8, "test": 1.0}

_FSDD_NAME = re.compile(r"^(\d)_([a-z]+)_(\d+)\.wav$")


class DataError(ValueError):
    """A data folder or file that cannot be used; the message names it."""


@dataclass(frozen=True)
class Utterance:
    """One FSDD recording, named relative to the speech folder."""

    file: str
    speaker: str
    digit: int
    index: int


@dataclass(frozen=True)
class NoiseRange:
    """Samples ``start:stop`` of noise ``file`` (8 kHz), one split's share of it."""

    file: str
    start: int
    stop: int


def read_wav(path, rate=SAMPLE_RATE):
    """Mono float32 samples of ``path`` at ``rate`` (channels averaged, resampled)."""
    path = Path(path)
    try:
        samples, file_rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, TypeError) as err:
        raise DataError(f"cannot read wav {path}: {err}") from None
    if samples.shape[0] == 0:
        raise DataError(f"wav {path} holds no samples")
    if not np.all(np.isfinite(samples)):
        raise DataError(f"wav {path} holds non-finite samples (NaN or inf)")
    mono = samples.mean(axis=1)
    return resample(mono, file_rate, rate)


def write_wav(path, samples):
    """Write float32 samples at :data:`SAMPLE_RATE` as a float wav.

    scipy's writer, because libsndfile stamps float wavs with the time of
    writing (PEAK chunk) and the same seed must give the same bytes.
    """
    wavfile.write(str(path), SAMPLE_RATE, np.asarray(samples, dtype=np.float32))


def resample(samples, from_rate, to_rate):
    """Polyphase resampling between integer rates (float32 out)."""
    return np.ascontiguousarray(audio.resample(samples, from_rate, to_rate), dtype=np.float32)


def wav_files(folder, what):
    """Sorted ``*.wav`` files of ``folder``; ``what`` names the folder in errors."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"{what} folder {folder} does not exist or is not a folder")
    files = sorted(folder.glob("*.wav"))
    if not files:
        raise DataError(f"{what} folder {folder} holds no .wav files")
    return files


def parse_utterance(name):
    """The :class:`Utterance` an FSDD file name describes."""
    match = _FSDD_NAME.match(name)
    if match is None:
        raise DataError(f"speech file {name}: expected a name like 3_theo_12.wav")
    digit, speaker, index = match.groups()
    return Utterance(file=name, speaker=speaker, digit=int(digit), index=int(index))


def speech_split(utterance):
    """The split an utterance belongs to."""
    if utterance.speaker in TEST_SPEAKERS:
        return "test"
    if utterance.speaker in TRAIN_SPEAKERS:
        return "validation" if utterance.index >= FIRST_VALIDATION_INDEX else "train"
    raise DataError(
        f"speech file {utterance.file}: speaker {utterance.speaker!r} is in no split "
        f"(train/validation: {', '.join(TRAIN_SPEAKERS)}; test: {', '.join(TEST_SPEAKERS)})"
    )


def split_speech(speech_dir):
    """``{split: [Utterance, ...]}`` for every FSDD file of ``speech_dir`` (sorted by name)."""
    splits = {name: [] for name in SPLITS}
    for path in wav_files(speech_dir, "speech"):
        utterance = parse_utterance(path.name)
        splits[speech_split(utterance)].append(utterance)
    for name, utterances in splits.items():
        if not utterances:
            raise DataError(f"speech folder {speech_dir} holds no {name} utterances")
    return splits


def noise_cuts(file, length, min_length):
    """``{split: NoiseRange}`` of one noise file of ``length`` samples at 8 kHz."""
    cuts, start = {}, 0
    for name in SPLITS:
        stop = int(length * NOISE_SPLIT_ENDS[name])
        if stop - start < min_length:
            raise DataError(
                f"noise file {file} is too short: its {name} part has {stop - start} "
                f"samples at 8 kHz, a segment needs {min_length}"
            )
        cuts[name] = NoiseRange(file, start, stop)
        start = stop
    return cuts


def load_noise(noise_dir, min_length):
    """Every noise file of ``noise_dir`` at 8 kHz, and ``{split: [NoiseRange, ...]}``."""
    signals, ranges = {}, {name: [] for name in SPLITS}
    for path in wav_files(noise_dir, "noise"):
        signals[path.name] = read_wav(path)
        for name, cut in noise_cuts(path.name, len(signals[path.name]), min_length).items():
            ranges[name].append(cut)
    return signals, ranges
