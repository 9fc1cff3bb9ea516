"""cordic_fast's micro-rotation loop in C, compiled once per machine and cached.

A live hop is one frame: numpy's CORDIC costs about 250 calls of about 0.6 us
on 129 bins, most of the sim backend's hop.  This loop does the same integer
steps per element in C (:data:`SOURCE`, 20 lines); everything around it (the
half turn, the gain, the rounding, the saturation) stays cordic_fast's numpy.
It is built with the system C compiler (``$CC`` or ``cc``) into the build
cache (core/build_cache.py) on first use; where no compiler works or the cache
cannot be written, :func:`load` returns None and cordic_fast keeps its numpy
loop: the same words either way (tests/test_reference_fast.py runs both).
"""

import ctypes
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from lutdnn.core.build_cache import build_once, default_cache_dir
from lutdnn.core.tools import ToolError, run_tool

BUILD_TIMEOUT_S = 60

# >> on a negative int64 is an arithmetic (floor) shift in GCC and Clang, as in numpy
SOURCE = r"""
#include <stdint.h>

/* For each element k and iteration i: x += d * (y >> i), y -= d * (x >> i) (both from the old x, y).
   d = signs[i][k]; or, when sign_of_y, d = -1 if y < 0 else +1, stored into signs[i][k]. */
void micro_rotations(int64_t *x, int64_t *y, int64_t *signs, int64_t n, int64_t iterations,
                     int64_t sign_of_y)
{
    for (int64_t k = 0; k < n; k++) {
        int64_t xk = x[k], yk = y[k];
        for (int64_t i = 0; i < iterations; i++) {
            int64_t d;
            if (sign_of_y) {
                d = yk < 0 ? -1 : 1;
                signs[i * n + k] = d;
            } else {
                d = signs[i * n + k];
            }
            int64_t xs = xk >> i, ys = yk >> i;
            xk += d * ys;
            yk -= d * xs;
        }
        x[k] = xk;
        y[k] = yk;
    }
}
"""


def _build(compiler, target):
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        source, library = Path(tmp, "cordic.c"), Path(tmp, "cordic.so")
        source.write_text(SOURCE)
        run_tool([compiler, "-O2", "-shared", "-fPIC", "-o", library, source], BUILD_TIMEOUT_S, cwd=tmp)
        os.replace(library, target)


def load(cache_dir=None):
    """``micro_rotations(x, y, signs, sign_of_y=False)`` in C, or None where it cannot be built."""
    compiler = shutil.which(os.environ.get("CC", "cc"))
    if compiler is None:
        return None
    key = hashlib.sha256((compiler + SOURCE).encode()).hexdigest()[:16]
    target = Path(cache_dir or default_cache_dir()) / f"cordic-{key}" / "cordic.so"
    try:
        library = ctypes.CDLL(str(build_once(target, lambda t: _build(compiler, t), BUILD_TIMEOUT_S)))
    except (ToolError, OSError):
        return None
    loop = library.micro_rotations
    loop.argtypes = [ctypes.c_void_p] * 3 + [ctypes.c_int64] * 3
    loop.restype = None

    def micro_rotations(x, y, signs, sign_of_y=False):
        for a in (x, y, signs):   # the C side trusts the layout: refuse anything else, never write astray
            if a.dtype != np.int64 or not a.flags.c_contiguous or not a.flags.writeable:
                raise ValueError("the C CORDIC loop takes writeable C-contiguous int64 arrays")
        if x.shape != y.shape or signs.shape != (signs.shape[0], len(x)):
            raise ValueError(f"the C CORDIC loop got x {x.shape}, y {y.shape}, signs {signs.shape}")
        loop(x.ctypes.data, y.ctypes.data, signs.ctypes.data, len(x), len(signs), int(sign_of_y))

    return micro_rotations
