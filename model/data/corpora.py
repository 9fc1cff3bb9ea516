"""The corpora added to FSDD (the data README's later split): LibriSpeech, voice prompts, more noise.

Speech, each recording a :class:`Recording` named relative to its corpus folder:

- LibriSpeech (``{speaker}-{chapter}-{utterance}.wav``, genders in ``SPEAKERS.tsv``): by
  speaker, speakers sorted by number; positions 9, 19, ... are test, 8, 18, ... validation,
  the rest train.
- prompts (one folder per voice, ``{lang}_{country}_{f|m}_{name}``): the voices of
  :data:`PROMPT_TEST_VOICES` are test; of every other voice the last
  :data:`PROMPT_VALIDATION_COUNT` prompts in sorted order are validation, the rest train.

Extra noise folders are cut in time like the first one (70 / 10 / 20 %), except the
held-out noise (:func:`held_out_noise`: the longest file of the extra folders), which no
training or validation range contains: all of it belongs to the out-of-domain split.
"""

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from lutdnn.model.data.data_split import NOISE_SPLIT_ENDS, SPLITS, DataError, NoiseRange, read_wav, wav_files

PROMPT_TEST_VOICES = ("it_IT_f_Menardi", "ru_RU_f_IvrvoiceRU")
PROMPT_VALIDATION_COUNT = 15
LIBRISPEECH_TEST_POSITION, LIBRISPEECH_VALIDATION_POSITION = 9, 8     # of every ten speakers
FSDD_GENDER = "M"          # the six FSDD speakers are all men (data README)
GENDERS = {"F": "F", "M": "M", "f": "F", "m": "M"}

_LIBRISPEECH_NAME = re.compile(r"^(\d+)-(\d+)-(\d+)\.wav$")


@dataclass(frozen=True)
class Recording:
    """One utterance of a corpus: ``file`` relative to the corpus folder, its speaker and gender."""

    corpus: str
    file: str
    speaker: str
    gender: str


def _librispeech_genders(folder):
    path = Path(folder) / "SPEAKERS.tsv"
    try:
        with open(path, newline="") as table:
            rows = list(csv.DictReader(table, delimiter="\t"))
        return {row["speaker"]: GENDERS[row["gender"]] for row in rows}
    except FileNotFoundError:
        raise DataError(f"LibriSpeech folder {folder} has no SPEAKERS.tsv (speaker<TAB>gender)") from None
    except (KeyError, TypeError, csv.Error) as err:
        raise DataError(f"{path}: expected columns speaker and gender (F or M): {err}") from None


def split_librispeech(folder):
    """``{split: [Recording, ...]}`` of a LibriSpeech folder, split by speaker."""
    genders = _librispeech_genders(folder)
    by_speaker = {}
    for path in wav_files(folder, "LibriSpeech"):
        match = _LIBRISPEECH_NAME.match(path.name)
        if match is None:
            raise DataError(f"LibriSpeech file {path.name}: expected a name like 103-1240-0000.wav")
        speaker = match.group(1)
        if speaker not in genders:
            raise DataError(f"LibriSpeech file {path.name}: speaker {speaker} is not in SPEAKERS.tsv")
        by_speaker.setdefault(speaker, []).append(Recording("librispeech", path.name, speaker, genders[speaker]))
    splits = {name: [] for name in SPLITS}
    for position, speaker in enumerate(sorted(by_speaker, key=int)):
        place = position % 10
        name = ("test" if place == LIBRISPEECH_TEST_POSITION else
                "validation" if place == LIBRISPEECH_VALIDATION_POSITION else "train")
        splits[name].extend(by_speaker[speaker])
    return splits


def voice_gender(voice):
    """F or M from a prompt voice folder name (``.._f_..`` / ``.._m_..``), else ``unknown``."""
    marks = {part for part in voice.split("_")} & set(GENDERS)
    return GENDERS[marks.pop()] if len(marks) == 1 else "unknown"


def split_prompts(folder):
    """``{split: [Recording, ...]}`` of a prompts folder (one sub-folder per voice), split by voice."""
    folder = Path(folder)
    voices = sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    if not voices:
        raise DataError(f"prompts folder {folder} does not exist or holds no voice folders")
    missing = set(PROMPT_TEST_VOICES) - {v.name for v in voices}
    if missing:
        raise DataError(f"prompts folder {folder} lacks the test voices {', '.join(sorted(missing))}")
    splits = {name: [] for name in SPLITS}
    for voice in voices:
        files = [f"{voice.name}/{p.name}" for p in wav_files(voice, "prompt voice")]
        records = [Recording("prompts", f, voice.name, voice_gender(voice.name)) for f in files]
        if voice.name in PROMPT_TEST_VOICES:
            splits["test"].extend(records)
        else:
            splits["train"].extend(records[:-PROMPT_VALIDATION_COUNT])
            splits["validation"].extend(records[-PROMPT_VALIDATION_COUNT:])
    return splits


def read_recordings(folder, recordings):
    """``{file: samples}`` of ``recordings`` (8 kHz float32)."""
    return {r.file: read_wav(Path(folder) / r.file) for r in recordings}


def held_out_noise(lengths):
    """The noise file held out of training: the longest of ``lengths`` (``{file: samples}``)."""
    return max(sorted(lengths), key=lambda file: lengths[file])


def extra_noise_cuts(file, length, min_length, held_out):
    """``{split: NoiseRange}`` of an extra noise file; parts shorter than ``min_length`` are left out.

    The held-out file is all ``ood``.
    """
    if file == held_out:
        return {"ood": NoiseRange(file, 0, length)} if length >= min_length else {}
    cuts, start = {}, 0
    for name in SPLITS:
        stop = int(length * NOISE_SPLIT_ENDS[name])
        if stop - start >= min_length:
            cuts[name] = NoiseRange(file, start, stop)
        start = stop
    return cuts
