"""The CORDIC of :mod:`cordic`, rearranged for speed: same words out, far fewer numpy calls.

:mod:`cordic` is the definition (the hardware is checked against it); this
module gives the same results bit for bit (tests/test_reference_fast.py
tries every phase word and random and extreme words) and is what the accelerator
model runs frame after frame.  A live hop is one frame of 129 bins, so the
cost is the number of numpy calls, not the arithmetic; three rearrangements
cut it:

- each iteration's decision is a sign ``d = +-1`` and both micro-rotation
  updates are ``d * (v >> i)``: no np.where, and every step writes in place
  into buffers allocated once per call;
- vectoring's angle ``z`` never feeds back into the decisions, so the signs are
  kept and ``z`` is summed once at the end: ``z0 + sum_i d_i * atan_i``;
- rotation's decisions depend on the phase word alone, so the signs of every
  one of the ``2**phase_bits`` words are tabulated once per parameter set.

Large batches (file mode) go :data:`CHUNK` elements at a time, which bounds
the memory of the per-iteration sign arrays.  Even so a frame costs about 250
numpy calls; the same kernels in C (cordic_native, built on first use where a
C compiler is found) replace them, so these numpy kernels are what runs
without one.
"""

from functools import lru_cache

import numpy as np

from lutdnn.model.reference import cordic_native
from lutdnn.model.reference.cordic import DEFAULT_PARAMS, rotation_inputs, vectoring_inputs, wrap
from lutdnn.model.reference.formats import S16_MAX, S16_MIN
from lutdnn.model.reference.formats import WORD_MAX as U16_MAX
from lutdnn.model.reference.formats import rshift_round, saturate

CHUNK = 1 << 14   # elements at once (127 frames): the work arrays stay near 2 MB in file mode


def numpy_micro_rotations(x, y, signs, sign_of_y=False):
    """The iterations on ``x``, ``y`` in place: ``x += d*(y>>i)``, ``y -= d*(x>>i)``.

    ``signs`` ``(iterations, n)``: the decisions ``d``, or (``sign_of_y``)
    a buffer to fill with vectoring's ``d = -1 if y < 0 else +1``.
    """
    sx, sy = np.empty_like(x), np.empty_like(y)
    for i, d in enumerate(signs):
        if sign_of_y:
            np.right_shift(y, 63, out=d)    # -1 where y < 0, else 0
            np.bitwise_or(d, 1, out=d)
        np.right_shift(x, i, out=sx)
        np.right_shift(y, i, out=sy)
        np.multiply(sx, d, out=sx)
        np.multiply(sy, d, out=sy)
        np.add(x, sy, out=x)
        np.subtract(y, sx, out=y)


def vectoring(re, im, params=DEFAULT_PARAMS):
    """:func:`cordic.vectoring`, the same words."""
    return _flat(kernels().vectoring, *vectoring_inputs(re, im), params)


def rotation(mag, phase, params=DEFAULT_PARAMS):
    """:func:`cordic.rotation`, the same words."""
    return _flat(kernels().rotation, *rotation_inputs(mag, phase, params), params)


def _flat(kernel, a, b, params):
    """``kernel`` on ``a``, ``b`` flattened; its two outputs in their shape."""
    return tuple(part.reshape(a.shape) for part in kernel(a.reshape(-1), b.reshape(-1), params))


@lru_cache(maxsize=1)
def kernels():
    """cordic_native's C kernels where they can be built (once per machine), else :data:`NUMPY_KERNELS`."""
    return cordic_native.load() or NUMPY_KERNELS


def _in_chunks(run):
    """``run`` on flat arrays as a kernel: over chunks of :data:`CHUNK` elements, its outputs joined."""
    def kernel(a, b, params):
        parts = [run(a[i:i + CHUNK], b[i:i + CHUNK], params) for i in range(0, max(len(a), 1), CHUNK)]
        return tuple(np.concatenate(out) for out in zip(*parts))
    return kernel


def _vectoring(re, im, params):
    g = params.guard_bits
    left = re < 0
    x, y = re << g, im << g
    np.negative(x, out=x, where=left)      # the half turn into the right half plane
    np.negative(y, out=y, where=left)
    signs = np.empty((params.iterations, len(x)), np.int64)
    numpy_micro_rotations(x, y, signs, sign_of_y=True)
    z = np.asarray(params.atan_table, np.int64) @ signs
    z -= left * (1 << (params.z_frac_bits - 1))
    mag = saturate(rshift_round(x * params.gain_compensation, params.gain_frac_bits + g), 0, U16_MAX)
    return mag, wrap(rshift_round(z, params.phase_guard_bits), params.phase_bits)


@lru_cache(maxsize=4)
def _rotation_signs(params):
    """``(2**phase_bits, iterations)`` int8 decisions of rotation for every phase word (offset by half a turn)."""
    half = 1 << (params.phase_bits - 1)
    phase = np.arange(-half, half, dtype=np.int64)
    back = (phase >= (half >> 1)) | (phase < -(half >> 1))
    z = wrap(np.where(back, phase + half, phase), params.phase_bits) << params.phase_guard_bits
    signs = np.empty((len(phase), params.iterations), np.int8)   # 4.7 MB at 18 bits; a word's signs together
    for i, atan in enumerate(params.atan_table):
        clockwise = z < 0   # as cordic.rotation
        signs[:, i] = np.where(clockwise, 1, -1)
        z += np.where(clockwise, atan, -atan)
    return signs


def _rotation(mag, phase, params):
    g, half = params.guard_bits, 1 << (params.phase_bits - 1)
    m = rshift_round(mag * params.gain_compensation, params.gain_frac_bits - g)
    back = (phase >= (half >> 1)) | (phase < -(half >> 1))
    x, y = np.where(back, -m, m), np.zeros_like(m)
    numpy_micro_rotations(x, y, np.ascontiguousarray(_rotation_signs(params)[phase + half].T, np.int64))
    return saturate(rshift_round(x, g), S16_MIN, S16_MAX), saturate(rshift_round(y, g), S16_MIN, S16_MAX)


NUMPY_KERNELS = cordic_native.Kernels(_in_chunks(_vectoring), _in_chunks(_rotation))
