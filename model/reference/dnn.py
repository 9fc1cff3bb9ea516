"""Integer DNN of the accelerator: LUT decode, MAC, bias, shift, ReLU, saturation.

Implements docs/arithmetic.md sections 3-6 for whole batches of frames with
numpy (the 48-bit accumulator never exceeds 2**42, so int64 and float64 sums are exact).
"""

from dataclasses import dataclass

import numpy as np

from lutdnn.model.reference.formats import (KMAX, MAG_FRAC, OUTPUT_MAGNITUDE, OUTPUT_MASK, WEIGHT_FRAC, WORD_MAX,
                                            decode_lut, rshift_round, saturate)


@dataclass
class IntLayer:
    """One quantized layer as the hardware holds it.

    codes: (outputs, inputs) ints in 0..2**M-1; lut_values/lut_shifts: 2**M
    entries; biases: s8 per output; in_frac/out_frac: fraction bits of the
    layer's input and output words.
    """

    codes: np.ndarray
    lut_values: np.ndarray
    lut_shifts: np.ndarray
    biases: np.ndarray
    in_frac: int
    out_frac: int

    @property
    def out_shift(self):
        return WEIGHT_FRAC + self.in_frac - self.out_frac

    def weights(self):
        """Decoded s16 weights, ``(outputs, inputs)``."""
        return decode_lut(self.lut_values, self.lut_shifts)[np.asarray(self.codes)]

    def forward(self, x):
        """u16 words ``(frames, inputs)`` -> u16 words ``(frames, outputs)``."""
        return DecodedLayer(self).forward(x)


class DecodedLayer:
    """An :class:`IntLayer` with its LUT decoded once, as the accelerator holds it after loading.

    Decoding the codes into the weight matrix costs more than a frame's MAC,
    so whoever runs many frames (the accelerator, frame after frame) decodes
    once here; a later change to the IntLayer needs a new DecodedLayer.
    """

    def __init__(self, layer):
        self.out_shift = layer.out_shift
        # float64 holds every partial sum exactly (|acc| < 2**42 < 2**53) and
        # its BLAS product is many times faster than numpy's integer one
        self.weights_t = np.ascontiguousarray(layer.weights().T, np.float64)
        self.bias = np.asarray(layer.biases, np.int64) << (KMAX + layer.in_frac)

    def forward(self, x):
        """u16 words ``(frames, inputs)`` -> u16 words ``(frames, outputs)``."""
        acc = (np.asarray(x, np.float64) @ self.weights_t).astype(np.int64)
        acc += self.bias
        return saturate(rshift_round(np.maximum(acc, 0), self.out_shift), 0, WORD_MAX)


def output_stage(y, mag, output_mode, out_frac, mask_floor):
    """Layer-2 words + input magnitudes -> enhanced magnitudes (u16, MAG_FRAC)."""
    y = np.asarray(y, np.int64)
    if output_mode == OUTPUT_MASK:
        gain = np.maximum(y, mask_floor)
        return saturate(rshift_round(gain * np.asarray(mag, np.int64), out_frac), 0, WORD_MAX)
    if output_mode == OUTPUT_MAGNITUDE:
        return saturate(rshift_round(y, out_frac - MAG_FRAC), 0, WORD_MAX)
    raise ValueError(f"unknown output mode {output_mode}")
