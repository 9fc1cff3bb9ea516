"""cordic_fast's vectoring and rotation in C, compiled once per machine and cached.

A live hop is one frame of 129 bins, so numpy's CORDIC costs its calls, not its
arithmetic: even rearranged (cordic_fast) a frame takes about 40 calls around
the iterations.  :data:`SOURCE` does each bin's whole CORDIC in C: the half
turn, the iterations, the gain, the rounding, the saturation and the phase
wrap, in the order cordic_fast's numpy does them, with every width and bound
passed in from :class:`cordic.CordicParams` and :mod:`formats` (nothing is
restated here).  It is built with the system C compiler (``$CC`` or ``cc``)
into the build cache (core/build_cache.py) on first use; where no compiler
works or the cache cannot be written, :func:`load` returns None and
cordic_fast runs its numpy kernels: the same words either way
(tests/test_reference_fast.py runs both against model.reference.cordic).
"""

import ctypes
import hashlib
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from lutdnn.core.build_cache import build_once, default_cache_dir
from lutdnn.core.tools import ToolError, run_tool
from lutdnn.model.reference.formats import S16_MAX, S16_MIN, WORD_MAX

BUILD_TIMEOUT_S = 60

# >> on a negative int64 is an arithmetic (floor) shift in GCC and Clang, as in numpy;
# left shifts of signed values are written as products (a negative << is undefined in C)
SOURCE = r"""
#include <stdint.h>

enum { ITERATIONS, GUARD, PHASE_BITS, PHASE_GUARD, GAIN_FRAC, GAIN, WORD_MAX, S16_MIN, S16_MAX };

static int64_t rshift_round(int64_t v, int64_t s) { return (v + ((int64_t)1 << (s - 1))) >> s; }
static int64_t clamp(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }
static int64_t wrap(int64_t v, int64_t bits)
{
    int64_t half = (int64_t)1 << (bits - 1);
    return ((v + half) & (((int64_t)1 << bits) - 1)) - half;
}

void vectoring(const int64_t *re, const int64_t *im, int64_t *mag, int64_t *phase, int64_t n,
               const int64_t *atan, const int64_t *p)
{
    int64_t up = (int64_t)1 << p[GUARD], half_turn = (int64_t)1 << (p[PHASE_BITS] + p[PHASE_GUARD] - 1);
    for (int64_t k = 0; k < n; k++) {
        int64_t left = re[k] < 0 ? -1 : 1;        /* the half turn into the right half plane */
        int64_t x = left * re[k] * up, y = left * im[k] * up, z = left < 0 ? -half_turn : 0;
        for (int64_t i = 0; i < p[ITERATIONS]; i++) {
            int64_t d = y < 0 ? -1 : 1, xs = x >> i, ys = y >> i;
            x += d * ys;
            y -= d * xs;
            z += d * atan[i];
        }
        mag[k] = clamp(rshift_round(x * p[GAIN], p[GAIN_FRAC] + p[GUARD]), 0, p[WORD_MAX]);
        phase[k] = wrap(rshift_round(z, p[PHASE_GUARD]), p[PHASE_BITS]);
    }
}

void rotation(const int64_t *mag, const int64_t *phase, int64_t *re, int64_t *im, int64_t n,
              const int64_t *atan, const int64_t *p)
{
    int64_t half = (int64_t)1 << (p[PHASE_BITS] - 1), quarter = half >> 1;
    for (int64_t k = 0; k < n; k++) {
        int64_t back = phase[k] >= quarter || phase[k] < -quarter;
        int64_t m = rshift_round(mag[k] * p[GAIN], p[GAIN_FRAC] - p[GUARD]);
        int64_t x = back ? -m : m, y = 0;
        int64_t z = wrap(back ? phase[k] + half : phase[k], p[PHASE_BITS]) * ((int64_t)1 << p[PHASE_GUARD]);
        for (int64_t i = 0; i < p[ITERATIONS]; i++) {
            int64_t d = z < 0 ? 1 : -1, xs = x >> i, ys = y >> i;
            z += d * atan[i];
            x += d * ys;
            y -= d * xs;
        }
        re[k] = clamp(rshift_round(x, p[GUARD]), p[S16_MIN], p[S16_MAX]);
        im[k] = clamp(rshift_round(y, p[GUARD]), p[S16_MIN], p[S16_MAX]);
    }
}
"""


class Kernels(NamedTuple):
    """``vectoring(re, im, params) -> (mag, phase)`` and ``rotation(mag, phase, params) -> (re, im)``.

    Both take flat int64 arrays already checked by cordic's ``*_inputs``.
    """

    vectoring: object
    rotation: object


@lru_cache(maxsize=8)
def _constants(params):
    """The addresses of the atan table and of the parameter block of :data:`SOURCE`'s enum, and their arrays."""
    block = [params.iterations, params.guard_bits, params.phase_bits, params.phase_guard_bits,
             params.gain_frac_bits, params.gain_compensation, WORD_MAX, S16_MIN, S16_MAX]
    arrays = np.array(params.atan_table, np.int64), np.array(block, np.int64)   # kept alive by the cache
    return tuple(_address(a) for a in arrays), arrays


def _address(a):
    return a.__array_interface__["data"][0]


def _binding(function):
    """``function`` of :data:`SOURCE` as ``(a, b, params) -> (c, d)`` on flat int64 arrays."""
    function.argtypes = [ctypes.c_void_p] * 4 + [ctypes.c_int64] + [ctypes.c_void_p] * 2
    function.restype = None

    def run(a, b, params):
        if a.ndim != 1 or a.shape != b.shape:
            raise ValueError(f"the C CORDIC takes two flat arrays of one length, got {a.shape} and {b.shape}")
        # one contiguous int64 block for inputs and outputs: the layout the C side trusts, at one
        # address lookup (each costs about a microsecond, as much as the CORDIC of 30 bins)
        n = len(a)
        rows = np.empty((4, n), np.int64)
        rows[0], rows[1] = a, b
        (atan, block), _ = _constants(params)
        start = _address(rows)
        function(start, start + 8 * n, start + 16 * n, start + 24 * n, n, atan, block)
        return rows[2], rows[3]

    return run


def _build(compiler, target):
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        source, library = Path(tmp, "cordic.c"), Path(tmp, "cordic.so")
        source.write_text(SOURCE)
        run_tool([compiler, "-O2", "-shared", "-fPIC", "-o", library, source], BUILD_TIMEOUT_S, cwd=tmp)
        os.replace(library, target)


def load(cache_dir=None):
    """:class:`Kernels` in C, or None where they cannot be built."""
    compiler = shutil.which(os.environ.get("CC", "cc"))
    if compiler is None:
        return None
    key = hashlib.sha256((compiler + SOURCE).encode()).hexdigest()[:16]
    target = Path(cache_dir or default_cache_dir()) / f"cordic-{key}" / "cordic.so"
    try:
        library = ctypes.CDLL(str(build_once(target, lambda t: _build(compiler, t), BUILD_TIMEOUT_S)))
    except (ToolError, OSError):
        return None
    return Kernels(_binding(library.vectoring), _binding(library.rotation))
