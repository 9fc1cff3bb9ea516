"""Calibration of the integer formats on validation data.

- Inputs: noisy validation mixtures, brought to the model's input level and
  scaled towards their noise floors as the host does, -> stacked magnitudes (docs/features.md), at most
  :data:`MAX_FRAMES` frames evenly picked.
- Fraction bits: ``F_1 = MAG_FRAC + input_shift`` is fixed by the network's
  config; ``F_2`` and ``F_3`` are the largest that keep the quantized network's
  largest validation activation times :data:`HEADROOM` below the ``u16`` limit,
  within the limits of docs/arithmetic.md section 5 (``s_l >= 1``; ``F_3 >
  MAG_FRAC`` for magnitude outputs, ``F_3 >= 1`` for masks).
"""

import math

import numpy as np

from lutdnn.core.framing import stack_context
from lutdnn.core.noise_floor import scaled_spectra
from lutdnn.model.reference.formats import MAG_FRAC, WEIGHT_FRAC, WORD_MAX

MAX_FRAMES = 8000
HEADROOM = 2.0          # one spare bit above the largest activation seen on validation
MAX_FRAC = 255


class CalibrationError(ValueError):
    """Calibration that cannot give valid integer formats; the message says why."""


def stacked_magnitudes(signals, config, max_frames=MAX_FRAMES):
    """8 kHz signals -> stacked magnitudes ``(frames, 1032)`` in ``|X|`` units, each
    signal first brought to the model's input level and scaled towards its noise
    floor as the host does (core/level.py, core/noise_floor.py)."""
    stacked = np.concatenate([stack_context(np.abs(scaled_spectra(s, config.level_dbfs, config.floor_strength)[0]))
                              for s in signals])
    if len(stacked) > max_frames:
        stacked = stacked[np.linspace(0, len(stacked) - 1, max_frames).astype(np.int64)]
    return stacked


def validation_inputs(data_dir, config, max_frames=MAX_FRAMES, limit=None):
    """Stacked magnitudes of the noisy validation mixtures ``lutdnn data`` wrote in ``data_dir``
    as the host would hand them to a model of ``config`` (NetConfig)."""
    from lutdnn.model.data.mixtures import read_items
    items = read_items(data_dir, "validation")[:limit]
    if not items:
        raise CalibrationError(f"no validation mixtures in {data_dir}")
    return stacked_magnitudes([noisy for _, _, noisy in items], config, max_frames)


def input_frac(input_shift):
    frac = MAG_FRAC + input_shift
    if not 0 <= frac <= MAX_FRAC:
        raise CalibrationError(f"input_shift {input_shift} gives {frac} input fraction bits")
    return frac


def fraction_bits(peak, in_frac, least=0, headroom=HEADROOM):
    """Largest ``F`` with ``peak * headroom * 2**F <= WORD_MAX``, within ``[least, 15 + in_frac - 1]``."""
    most = WEIGHT_FRAC + in_frac - 1
    if peak <= 0:
        return most
    frac = min(math.floor(math.log2(WORD_MAX / (peak * headroom))), most)
    if frac < least:
        raise CalibrationError(f"activations up to {peak:.4g} need {frac} fraction bits; "
                               f"at least {least} are required")
    return frac


def output_least_frac(output_mask):
    return 1 if output_mask else MAG_FRAC + 1

