"""Other enhancers scored beside ours by ``lutdnn eval --peers``, and the oracle ceiling.

Each peer maps an 8 kHz float signal to an enhanced 8 kHz signal of the same
length, sample-aligned with its input:

- ``rnnoise``: RNNoise (Valin 2018) through ``pyrnnoise``.  It runs at 48 kHz,
  so the signal is resampled 8 -> 48 -> 8 kHz (polyphase, as for recordings);
  its output is :data:`RNNOISE_DELAY` samples (at 8 kHz) late, which is cut.
- ``noisereduce``: spectral gating (Sainburg 2020), non-stationary, defaults.

:func:`oracle_mask` is not a peer but the ceiling: the ideal ratio mask
``sqrt(|S|^2 / (|S|^2 + |N|^2))`` computed from the clean speech and the noise
with this project's own STFT (:mod:`lutdnn.core.framing`), i.e. the best a
mask on our frames can do.

The peer packages are an optional extra (``pip install 'pynq-lutdnn[peers]'``);
asking for a peer without its package is a :class:`CommandError` naming the
pip command.
"""

import importlib

import numpy as np

from lutdnn.core.audio import resample
from lutdnn.core.errors import CommandError
from lutdnn.core.framing import SAMPLE_RATE, analyze, synthesize

RNNOISE_RATE = 48000
RNNOISE_SCALE = 32768.0          # RNNoise takes and gives floats on the int16 scale
RNNOISE_DELAY = 160              # samples at 8 kHz, measured (tests/test_peers.py)
PIP_HINT = "pip install 'pynq-lutdnn[peers]' (or: pip install {package})"
PACKAGES = {"rnnoise": "pyrnnoise==0.4.5", "noisereduce": "noisereduce==3.0.3", "pesq": "pesq==0.0.4"}
MODULES = {"rnnoise": "pyrnnoise.rnnoise", "noisereduce": "noisereduce", "pesq": "pesq"}


def _require(peer):
    """Import the module ``peer`` needs, or raise a :class:`CommandError` naming the pip command."""
    module = MODULES[peer]
    try:
        return importlib.import_module(module)
    except ImportError as err:
        hint = PIP_HINT.format(package=PACKAGES[peer])
        raise CommandError(f"{peer} needs the Python package {module!r} ({err}); install it with {hint}") from None


def rnnoise(signal):
    """RNNoise on an 8 kHz signal, resampled through 48 kHz and re-aligned with the input."""
    ffi = _require("rnnoise")
    up = resample(signal, SAMPLE_RATE, RNNOISE_RATE) * RNNOISE_SCALE
    tail = RNNOISE_DELAY * RNNOISE_RATE // SAMPLE_RATE     # flush the delayed end through
    frames = -(-(len(up) + tail) // ffi.FRAME_SIZE)
    buffer = np.zeros(frames * ffi.FRAME_SIZE, dtype=np.float32)
    buffer[:len(up)] = up
    state = ffi.create()
    try:
        for start in range(0, len(buffer), ffi.FRAME_SIZE):
            frame = buffer[start:start + ffi.FRAME_SIZE]      # a view: processed in place
            ffi.lib.rnnoise_process_frame(state, frame.ctypes.data_as(ffi.ctypes.POINTER(ffi.ctypes.c_float)),
                                          frame.ctypes.data_as(ffi.ctypes.POINTER(ffi.ctypes.c_float)))
    finally:
        ffi.destroy(state)
    down = resample(buffer / RNNOISE_SCALE, RNNOISE_RATE, SAMPLE_RATE)
    return down[RNNOISE_DELAY:RNNOISE_DELAY + len(signal)]


def noisereduce(signal):
    """noisereduce's non-stationary spectral gating with its default settings."""
    nr = _require("noisereduce")
    return np.asarray(nr.reduce_noise(y=np.asarray(signal, dtype=np.float64), sr=SAMPLE_RATE),
                      dtype=np.float64)[:len(signal)]


PEERS = {"rnnoise": rnnoise, "noisereduce": noisereduce}


def parse_peers(text):
    """``[(name, enhance), ...]`` of a comma-separated ``--peers`` list; a clear error for unknown names."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in PEERS]
    if unknown or not names:
        raise CommandError(f"unknown peer {', '.join(unknown) or repr(text)}; choose from {', '.join(PEERS)}")
    for name in [*names, "pesq"]:
        _require(name)
    return [(name, PEERS[name]) for name in names]


def oracle_mask(clean, noisy):
    """The ideal ratio mask on our STFT, applied to the noisy spectra (the ceiling)."""
    speech, noise = analyze(clean), analyze(np.asarray(noisy) - np.asarray(clean))
    power_s, power_n = np.abs(speech) ** 2, np.abs(noise) ** 2
    mask = np.sqrt(power_s / np.maximum(power_s + power_n, 1e-20))
    return synthesize(analyze(noisy) * mask, len(noisy))


def pesq_nb(clean, signal):
    """PESQ narrowband (ITU-T P.862, ``pesq`` package) at 8 kHz; NaN where it finds no utterance."""
    pesq = _require("pesq")
    try:
        return float(pesq.pesq(SAMPLE_RATE, np.asarray(clean, dtype=np.float64),
                               np.asarray(signal, dtype=np.float64), "nb"))
    except pesq.NoUtterancesError:
        return float("nan")
