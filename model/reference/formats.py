"""Fixed-point formats shared by the reference model, the hardware and the host.

See docs/arithmetic.md for what each constant means.
"""

import numpy as np

SPECTRUM_BITS = 16
S16_MIN, S16_MAX = -(1 << (SPECTRUM_BITS - 1)), (1 << (SPECTRUM_BITS - 1)) - 1   # re, im words
SPECTRUM_FRAC = 9          # spectrum words are X * 2**9 (|Re X|, |Im X| <= 64)
MAG_FRAC = SPECTRUM_FRAC   # CORDIC magnitude: same units as the spectrum words
WORD_BITS = 16             # activations (layer inputs/outputs) are u16
WORD_MAX = (1 << WORD_BITS) - 1
CODE_WIDTHS = (2, 3, 4, 8)   # code widths M the LUTs, the weight image and the code stream support
LUT_VALUE_BITS = 8         # N: LUT values are s8, Q0.7
KMAX = 8                   # largest virtual bit shift a LUT entry may carry
WEIGHT_FRAC = LUT_VALUE_BITS - 1 + KMAX   # decoded weights are s16 in units of 2**-15
BIAS_BITS = 8              # biases are s8, Q0.7
BIAS_FRAC = BIAS_BITS - 1
ACC_BITS = 48
OUTPUT_MASK = 0
OUTPUT_MAGNITUDE = 1



def rshift_round(v, s):
    """``(v + 2**(s-1)) >> s`` on int64 arrays (halves round up); ``s >= 1``."""
    if s < 1:
        raise ValueError(f"rounding shift must be >= 1, got {s}")
    return (np.asarray(v, dtype=np.int64) + (1 << (s - 1))) >> s


def saturate(v, lo, hi):
    # minimum/maximum rather than np.clip: the same values, without clip's per-call overhead
    # (the accelerator model runs this on one frame per hop)
    return np.minimum(np.maximum(np.asarray(v, dtype=np.int64), lo), hi)


def spectrum_to_words(spectrum):
    """Complex spectrum -> (re, im) int64 arrays of s16 words (docs/arithmetic.md section 1)."""
    spectrum = np.asarray(spectrum)
    if not np.all(np.isfinite(spectrum)):
        # saturating NaN would send arbitrary words to the hardware
        raise ValueError("the spectrum holds non-finite values (NaN or inf)")
    scale = float(1 << SPECTRUM_FRAC)

    def word(part):
        return saturate(np.floor(part * scale + 0.5), S16_MIN, S16_MAX)

    return word(spectrum.real), word(spectrum.imag)


def words_to_spectrum(re, im):
    """(re, im) s16 words -> complex spectrum."""
    scale = 1.0 / (1 << SPECTRUM_FRAC)
    return (np.asarray(re, np.float64) + 1j * np.asarray(im, np.float64)) * scale


def decode_lut(values, shifts):
    """LUT entries ``(value s8, shift K)`` -> decoded s16 weights ``value << (KMAX - K)``."""
    values = np.asarray(values, dtype=np.int64)
    shifts = np.asarray(shifts, dtype=np.int64)
    if values.shape != shifts.shape:
        raise ValueError("LUT values and shifts differ in shape")
    if np.any(values < -128) or np.any(values > 127):
        raise ValueError("LUT values must be s8 (-128..127)")
    if np.any(shifts < 0) or np.any(shifts > KMAX):
        raise ValueError(f"LUT shifts must lie in 0..{KMAX}")
    return values << (KMAX - shifts)
