"""Reading and writing recordings at the accelerator's 8 kHz.

Any sample rate, channel count and the wav sample formats soundfile reads
(8/16/24/32-bit PCM, float) come in; the signal is downmixed to mono and
resampled to 8 kHz, and the enhanced result goes back to the input's rate and
length.
"""

import re
from dataclasses import dataclass, field
from math import gcd
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

from lutdnn.core.atomic_write import atomic_path
from lutdnn.core.framing import SAMPLE_RATE, WINDOW

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
    signal: np.ndarray      # mono float64 at SAMPLE_RATE
    rate: int               # the file's own rate
    length: int             # samples at the file's own rate
    channels: int
    subtype: str
    warnings: list = field(default_factory=list)   # what a user should know, each naming the file


def resample(x, rate_in, rate_out):
    if rate_in == rate_out:
        return np.asarray(x, dtype=np.float64)
    g = gcd(int(rate_in), int(rate_out))
    return resample_poly(np.asarray(x, dtype=np.float64), rate_out // g, rate_in // g)


def read_recording(path):
    """Read ``path`` as a mono 8 kHz :class:`Recording`, refusing what cannot be enhanced."""
    path = Path(path)
    try:
        data, rate = sf.read(str(path), dtype="float64", always_2d=True)
        info = sf.info(str(path))
    except (RuntimeError, sf.LibsndfileError, OSError) as err:
        raise AudioError(f"{path}: cannot read as audio ({err})") from err
    if data.shape[0] == 0:
        raise AudioError(f"{path}: the recording is empty")
    if not np.all(np.isfinite(data)):
        raise AudioError(f"{path}: the recording contains non-finite samples (NaN or inf)")
    mono = data.mean(axis=1)
    signal = resample(mono, rate, SAMPLE_RATE)
    if len(signal) < WINDOW:
        raise AudioError(f"{path}: too short ({data.shape[0]} samples at {rate} Hz; "
                         f"at least one {WINDOW}-sample window at {SAMPLE_RATE} Hz is needed)")
    rec = Recording(path, signal, rate, data.shape[0], data.shape[1], info.subtype)
    short = _SHORT_DATA.search(info.extra_info)
    if short:
        declared = int(short.group(1)) // max(1, info.channels * _sample_bytes(info.subtype))
        rec.warnings.append(f"{path}: truncated file: its header declares {declared} samples, "
                            f"only {data.shape[0]} are present; enhancing those")
    return rec


def _sample_bytes(subtype):
    bits = re.search(r"(\d+)$", subtype)
    return int(bits.group(1)) // 8 if bits else {"FLOAT": 4, "DOUBLE": 8}.get(subtype, 1)


def to_file_rate(signal, recording):
    """An 8 kHz signal back at ``recording``'s rate and exact length."""
    y = resample(signal, SAMPLE_RATE, recording.rate)
    out = np.zeros(recording.length)
    n = min(len(y), recording.length)
    out[:n] = y[:n]
    return out


def output_format(path, subtype="PCM_16"):
    """``(container, subtype)`` the name of ``path`` asks for; AudioError for a name we cannot write."""
    suffix = Path(path).suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        raise AudioError(f"{path}: cannot write '{suffix or 'no suffix'}' audio; "
                         f"name the output {', '.join(OUTPUT_FORMATS)}")
    container, subtypes = OUTPUT_FORMATS[suffix]
    return container, subtype if subtype in subtypes else subtypes[0]


def write_audio(path, signal, rate, subtype="PCM_16"):
    """Write mono audio atomically in the format ``path``'s suffix names; returns the samples clipped.

    Integer formats hold [-1, 1): samples beyond are clipped, and the count is
    returned so the caller can say so.
    """
    container, subtype = output_format(path, subtype)
    signal = np.asarray(signal, dtype=np.float64)
    clipped = 0
    if subtype not in ("FLOAT", "DOUBLE"):
        top = 1.0 - 2.0 ** -15
        clipped = int(np.count_nonzero((signal > top) | (signal < -1.0)))
        signal = np.clip(signal, -1.0, top)
    try:
        with atomic_path(path) as tmp:
            sf.write(str(tmp), signal, int(rate), subtype=subtype, format=container)
    except (OSError, sf.LibsndfileError) as err:
        raise AudioError(f"{path}: cannot write ({getattr(err, 'strerror', None) or err})") from err
    return clipped

