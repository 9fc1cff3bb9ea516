"""Reading and writing recordings at the accelerator's 8 kHz.

Any sample rate, channel count and the wav sample formats soundfile reads
(8/16/24/32-bit PCM, float) come in; the signal is downmixed to mono and
resampled to 8 kHz, and the enhanced result goes back to the input's rate and
length.
"""

from dataclasses import dataclass
from math import gcd
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

from .framing import SAMPLE_RATE, WINDOW


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
    return Recording(path, signal, rate, data.shape[0], data.shape[1], info.subtype)


def to_file_rate(signal, recording):
    """An 8 kHz signal back at ``recording``'s rate and exact length."""
    y = resample(signal, SAMPLE_RATE, recording.rate)
    out = np.zeros(recording.length)
    n = min(len(y), recording.length)
    out[:n] = y[:n]
    return out


def write_wav(path, signal, rate, subtype="PCM_16"):
    """Write a mono wav atomically (temporary file, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    clipped = np.clip(signal, -1.0, 1.0 - 2.0 ** -15) if subtype.startswith("PCM") else signal
    sf.write(str(tmp), clipped, int(rate), subtype=subtype, format="WAV")
    tmp.replace(path)
