"""Reading and writing recordings at the accelerator's 8 kHz, block by block.

Any sample rate, channel count and the wav sample formats soundfile reads
(8/16/24/32-bit PCM, float) come in; the signal is downmixed to mono and
resampled to 8 kHz, and the enhanced result goes back to the input's rate and
length.  :func:`stream_recording` and :func:`audio_writer` hold one block at a
time, so a recording of any length takes the same memory (``lutdnn
enhance``); the resampling is resample_poly's, bit for bit, whatever the
blocks (host.resampler).  :func:`read_recording` and :func:`write_audio` are
the whole-signal forms for clips.
"""

import re
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from math import gcd
from pathlib import Path

import numpy as np
import soundfile as sf

from lutdnn.core.atomic_write import atomic_path
from lutdnn.core.framing import SAMPLE_RATE, WINDOW
from lutdnn.core.resampler import resample_blocks

BLOCK_FRAMES = 1 << 16   # frames read or written at once, at the file's rate

# output containers by file-name suffix, with the sample formats each can hold
OUTPUT_FORMATS = {".wav": ("WAV", ("PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE")),
                  ".flac": ("FLAC", ("PCM_16", "PCM_24")),
                  ".ogg": ("OGG", ("VORBIS",))}
# libsndfile's own diagnosis of a data chunk that claims more bytes than the file holds
_SHORT_DATA = re.compile(r"^data\s*:\s*(\d+)\s*\(should be (\d+)\)", re.MULTILINE)


class AudioError(ValueError):
    """A recording that cannot be enhanced; the message names the file."""


@dataclass
class Recording:
    path: Path
    signal: np.ndarray      # mono float64 at SAMPLE_RATE (None while streamed: stream_recording)
    rate: int               # the file's own rate
    length: int             # samples at the file's own rate
    channels: int
    subtype: str
    warnings: list = field(default_factory=list)   # what a user should know, each naming the file


def resample(x, rate_in, rate_out):
    """A whole signal at another rate: scipy.signal.resample_poly's samples (host.resampler)."""
    return np.concatenate(list(resample_blocks([np.asarray(x, dtype=np.float64)], rate_in, rate_out)))


def resampled_length(length, rate_in, rate_out):
    """Samples resample_poly makes of ``length`` samples."""
    g = gcd(int(rate_in), int(rate_out))
    return -(-length * (rate_out // g) // (rate_in // g))


@contextmanager
def stream_recording(path):
    """Open ``path``, refusing what cannot be enhanced; yields ``(Recording, blocks)``.

    ``blocks`` iterates the mono 8 kHz signal; a block with non-finite
    samples raises AudioError when it is reached.
    """
    path = Path(path)
    try:
        audio = sf.SoundFile(str(path))
    except (RuntimeError, sf.LibsndfileError, OSError) as err:
        raise AudioError(f"{path}: cannot read as audio ({err})") from err
    with audio:
        rec = Recording(path, None, audio.samplerate, audio.frames, audio.channels, audio.subtype)
        if rec.length == 0:
            raise AudioError(f"{path}: the recording is empty")
        if resampled_length(rec.length, rec.rate, SAMPLE_RATE) < WINDOW:
            raise AudioError(f"{path}: too short ({rec.length} samples at {rec.rate} Hz; "
                             f"at least one {WINDOW}-sample window at {SAMPLE_RATE} Hz is needed)")
        short = _SHORT_DATA.search(audio.extra_info)
        if short:
            declared = int(short.group(1)) // max(1, rec.channels * _sample_bytes(rec.subtype))
            rec.warnings.append(f"{path}: truncated file: its header declares {declared} samples, "
                                f"only {rec.length} are present; enhancing those")
        yield rec, resample_blocks(_mono_blocks(audio, path), rec.rate, SAMPLE_RATE)


def _mono_blocks(audio, path):
    for data in audio.blocks(BLOCK_FRAMES, dtype="float64", always_2d=True):
        if not np.all(np.isfinite(data)):
            raise AudioError(f"{path}: the recording contains non-finite samples (NaN or inf)")
        yield data.mean(axis=1)


def read_recording(path):
    """Read ``path`` as a mono 8 kHz :class:`Recording`, refusing what cannot be enhanced."""
    with stream_recording(path) as (rec, blocks):
        rec.signal = np.concatenate(list(blocks))
    return rec


def _sample_bytes(subtype):
    bits = re.search(r"(\d+)$", subtype)
    return int(bits.group(1)) // 8 if bits else {"FLOAT": 4, "DOUBLE": 8}.get(subtype, 1)


def to_file_rate(signal, recording):
    """An 8 kHz signal back at ``recording``'s rate and exact length."""
    return np.concatenate(list(file_rate_blocks([signal], recording)))


def file_rate_blocks(blocks, recording):
    """8 kHz blocks -> blocks at ``recording``'s rate, cut or zero-padded to its exact length."""
    left = recording.length
    for y in resample_blocks(blocks, SAMPLE_RATE, recording.rate):
        yield y[:left]
        left -= min(left, len(y))
    yield np.zeros(left)


def output_format(path, subtype="PCM_16"):
    """``(container, subtype)`` the name of ``path`` asks for; AudioError for a name we cannot write."""
    suffix = Path(path).suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        raise AudioError(f"{path}: cannot write '{suffix or 'no suffix'}' audio; "
                         f"name the output {', '.join(OUTPUT_FORMATS)}")
    container, subtypes = OUTPUT_FORMATS[suffix]
    return container, subtype if subtype in subtypes else subtypes[0]


class AudioWriter:
    """Mono blocks appended to an open sound file; integer formats hold [-1, 1): beyond is clipped and counted."""

    def __init__(self, audio, path):
        self.audio, self.path = audio, path
        self.integer = audio.subtype not in ("FLOAT", "DOUBLE")
        self.clipped = 0    # samples clipped so far, so the caller can say so
        self.written = 0

    def write(self, block):
        block = np.asarray(block, dtype=np.float64)
        if self.integer:
            top = 1.0 - 2.0 ** -15
            self.clipped += int(np.count_nonzero((block > top) | (block < -1.0)))
            block = np.clip(block, -1.0, top)
        with _write_errors(self.path):
            self.audio.write(block)
        self.written += len(block)


@contextmanager
def _write_errors(path):
    try:
        yield
    except (OSError, sf.LibsndfileError) as err:
        raise AudioError(f"{path}: cannot write ({getattr(err, 'strerror', None) or err})") from err


@contextmanager
def audio_writer(path, rate, subtype="PCM_16"):
    """Yield an :class:`AudioWriter` for mono audio in the format ``path``'s suffix names.

    It writes a temporary beside ``path`` that becomes ``path`` only when the
    block ends normally (host.atomic_write): an error or Ctrl-C leaves no file.
    """
    container, subtype = output_format(path, subtype)
    with ExitStack() as files:
        with _write_errors(path):
            tmp = files.enter_context(atomic_path(path))
            audio = files.enter_context(sf.SoundFile(str(tmp), "w", int(rate), 1, subtype, format=container))
        yield AudioWriter(audio, path)
        with _write_errors(path):
            audio.close()   # before the rename: the header is complete


def write_audio(path, signal, rate, subtype="PCM_16"):
    """Write mono audio atomically in the format ``path``'s suffix names; returns the samples clipped."""
    with audio_writer(path, rate, subtype) as out:
        out.write(signal)
    return out.clipped
