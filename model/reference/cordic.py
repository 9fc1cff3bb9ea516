"""Bit-exact integer CORDIC: the definition the hardware in ``hw/rtl/cordic_*.py`` implements.

Vectoring turns a spectrum bin ``(re, im)`` (two ``s16`` words, docs/arithmetic.md
section 1) into a magnitude ``u16`` in the same units and a phase; rotation turns a
magnitude ``u16`` and a phase back into ``(re, im)`` ``s16``, saturated.

Phase format: ``s{phase_bits}`` binary angle, one unit is ``2*pi / 2**phase_bits``
rad, so the word covers ``[-pi, pi)`` and wraps modulo a full turn.

Datapath (every step below is one pipeline stage group in hardware):

- internal ``x``/``y`` carry ``guard_bits`` extra fraction bits and ``z`` carries
  ``phase_guard_bits`` extra fraction bits; micro-rotations shift with floor
  (arithmetic right shift), the hardware's free shift; ``z`` never wraps inside
  the iterations (it stays within ``[-pi - 1.75, 1.75]`` rad, see ``z_bits``),
  only the phase word does;
- vectoring: a bin with ``re < 0`` is first turned by a half turn (``x, y = -re, -im``,
  ``z = -pi``), so the iterations only see the right half plane (|angle| <= pi/2,
  inside CORDIC's convergence range of 1.74 rad); each iteration ``i`` drives ``y``
  to zero; the magnitude is ``x`` times the integer gain compensation constant
  ``round(2**gain_frac_bits / K)``, rounded (``rshift_round``) and saturated to u16;
- rotation: the magnitude is multiplied by the same constant first (one multiply
  instead of two at the end), keeping ``guard_bits`` fraction bits; a phase outside
  ``[-pi/2, pi/2)`` starts from ``-mag`` with the half turn removed (the phase's
  sign bit flipped); each iteration drives ``z`` to zero; ``re``/``im`` are
  rounded and saturated to s16.

A zero bin has magnitude 0 and a deterministic (meaningless) phase; rotating a
zero magnitude gives exactly (0, 0).
"""

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from lutdnn.model.reference.formats import S16_MAX, S16_MIN, SPECTRUM_BITS, WORD_MAX, rshift_round, saturate


@dataclass(frozen=True)
class CordicParams:
    """Iterations and widths of one CORDIC; every derived constant comes from here.

    The hardware elaborates from the same object, so reference and RTL cannot
    drift apart.
    """

    iterations: int = 18
    guard_bits: int = 4
    phase_bits: int = 18
    phase_guard_bits: int = 3
    gain_frac_bits: int = 17

    def __post_init__(self):
        if not 4 <= self.iterations <= 30:
            raise ValueError(f"CORDIC iterations must lie in 4..30, got {self.iterations}")
        if not 1 <= self.guard_bits <= 8:
            raise ValueError(f"CORDIC guard_bits must lie in 1..8, got {self.guard_bits}")
        if not 8 <= self.phase_bits <= 30:
            raise ValueError(f"CORDIC phase_bits must lie in 8..30, got {self.phase_bits}")
        if not 1 <= self.phase_guard_bits <= 8:
            raise ValueError(f"CORDIC phase_guard_bits must lie in 1..8, got {self.phase_guard_bits}")
        if not self.guard_bits < self.gain_frac_bits <= 24:
            raise ValueError("CORDIC gain_frac_bits must exceed guard_bits and be <= 24, "
                             f"got {self.gain_frac_bits}")

    @property
    def z_frac_bits(self):
        """Internal angle unit is ``2*pi / 2**z_frac_bits`` (phase word plus guard bits)."""
        return self.phase_bits + self.phase_guard_bits

    @property
    def z_bits(self):
        """Signed width of the internal angle ``z``: one turn either way, so it never wraps.

        Vectoring starts at 0 or -pi and adds at most sum(atan) = 1.74 rad either
        way; rotation starts within [-pi/2, pi/2) and only shrinks towards 0.
        """
        return self.z_frac_bits + 1

    @property
    def xy_bits(self):
        """Signed width of the internal x/y registers.

        |x|, |y| never exceed K * sqrt(2) * 2**15 < 2**17 (vectoring) or
        65535 * (1 + rounding) < 2**17 (rotation, gain removed up front), so
        17 integer bits + sign + guard bits hold every value.
        """
        return SPECTRUM_BITS + 2 + self.guard_bits

    @cached_property
    def atan_table(self):
        """``atan(2**-i)`` in internal angle units (``2*pi / 2**z_frac_bits``), rounded."""
        turn = 1 << self.z_frac_bits
        return tuple(int(round(math.atan(2.0 ** -i) / (2 * math.pi) * turn))
                     for i in range(self.iterations))

    @cached_property
    def gain(self):
        """CORDIC gain ``K = prod sqrt(1 + 2**-2i)`` of the chosen iterations (float)."""
        return math.prod(math.sqrt(1.0 + 2.0 ** (-2 * i)) for i in range(self.iterations))

    @cached_property
    def gain_compensation(self):
        """``round(2**gain_frac_bits / K)``: the integer constant that removes the gain."""
        return int(round((1 << self.gain_frac_bits) / self.gain))

    def phase_to_radians(self, phase):
        return np.asarray(phase, dtype=np.float64) * (2 * math.pi / (1 << self.phase_bits))

    def radians_to_phase(self, angle):
        """Nearest phase word of a float angle (wrapped into ``[-pi, pi)``)."""
        units = np.floor(np.asarray(angle, dtype=np.float64)
                         * ((1 << self.phase_bits) / (2 * math.pi)) + 0.5)
        return wrap(units.astype(np.int64), self.phase_bits)


DEFAULT_PARAMS = CordicParams()


def wrap(v, bits):
    """Two's complement wrap of int64 values to ``bits`` bits (angles are modular)."""
    half = 1 << (bits - 1)
    return ((np.asarray(v, dtype=np.int64) + half) & ((1 << bits) - 1)) - half


def _check_range(name, v, lo, hi):
    v = np.asarray(v)
    if v.dtype.kind not in "iu":   # np.issubdtype's answer (bool is not an integer here) in a tenth of its time
        raise TypeError(f"CORDIC {name} must be an integer array, got dtype {v.dtype}")
    if v.size and (v.min() < lo or v.max() > hi):
        raise ValueError(f"CORDIC {name} must lie in {lo}..{hi}, got {v.min()}..{v.max()}")
    return v.astype(np.int64)


def vectoring_inputs(re, im):
    """``re``, ``im`` as int64 arrays, refused unless s16 words of one shape."""
    re = _check_range("re", re, S16_MIN, S16_MAX)
    im = _check_range("im", im, S16_MIN, S16_MAX)
    if re.shape != im.shape:
        raise ValueError(f"CORDIC re and im differ in shape: {re.shape} vs {im.shape}")
    return re, im


def rotation_inputs(mag, phase, params):
    """``mag``, ``phase`` as int64 arrays, refused unless u16 and phase words of one shape."""
    mag = _check_range("mag", mag, 0, WORD_MAX)
    half = 1 << (params.phase_bits - 1)
    phase = _check_range("phase", phase, -half, half - 1)
    if mag.shape != phase.shape:
        raise ValueError(f"CORDIC mag and phase differ in shape: {mag.shape} vs {phase.shape}")
    return mag, phase


def vectoring(re, im, params=DEFAULT_PARAMS):
    """``(re, im)`` s16 -> ``(mag u16, phase s{phase_bits})``, int64 arrays of the same shape."""
    re, im = vectoring_inputs(re, im)
    g = params.guard_bits
    left = re < 0
    x = np.where(left, -re, re) << g
    y = np.where(left, -im, im) << g
    z = np.where(left, -(1 << (params.z_frac_bits - 1)), 0)
    for i, atan in enumerate(params.atan_table):
        up = y < 0   # rotate counter-clockwise while the vector lies below the axis
        x, y, z = (np.where(up, x - (y >> i), x + (y >> i)),
                   np.where(up, y + (x >> i), y - (x >> i)),
                   np.where(up, z - atan, z + atan))
    mag = saturate(rshift_round(x * params.gain_compensation, params.gain_frac_bits + g),
                   0, WORD_MAX)
    phase = wrap(rshift_round(z, params.phase_guard_bits), params.phase_bits)
    return mag, phase


def rotation(mag, phase, params=DEFAULT_PARAMS):
    """``(mag u16, phase s{phase_bits})`` -> ``(re, im)`` s16 (saturated), int64 arrays."""
    mag, phase = rotation_inputs(mag, phase, params)
    half = 1 << (params.phase_bits - 1)
    g = params.guard_bits
    m = rshift_round(mag * params.gain_compensation, params.gain_frac_bits - g)
    # Top two phase bits differ <=> the angle lies outside [-pi/2, pi/2).
    back = (phase >= (half >> 1)) | (phase < -(half >> 1))
    x = np.where(back, -m, m)
    y = np.zeros_like(x)
    z = wrap(np.where(back, phase + half, phase), params.phase_bits) << params.phase_guard_bits
    for i, atan in enumerate(params.atan_table):
        down = z < 0   # rotate clockwise while angle is left to remove below zero
        x, y, z = (np.where(down, x + (y >> i), x - (y >> i)),
                   np.where(down, y - (x >> i), y + (x >> i)),
                   np.where(down, z + atan, z - atan))
    re = saturate(rshift_round(x, g), S16_MIN, S16_MAX)
    im = saturate(rshift_round(y, g), S16_MIN, S16_MAX)
    return re, im
