"""The accelerator model's fast paths give the reference's words bit for bit.

model.reference.cordic and IntLayer.forward define the arithmetic (the RTL is
checked against them); the accelerator runs cordic_fast and DecodedLayer
(decoded once) frame after frame.  Every phase word, random and extreme words,
other CORDIC widths and whole pipelines are compared, with cordic_fast's
numpy kernels and with its C kernels (cordic_native).
"""

import numpy as np
import pytest

from lutdnn.core.framing import BINS, stack_context
from lutdnn.model.reference import cordic, cordic_fast, cordic_native
from lutdnn.model.reference.accelerator import Accelerator
from lutdnn.model.reference.cordic import CordicParams
from lutdnn.model.reference.dnn import output_stage
from lutdnn.model.reference.formats import S16_MAX, S16_MIN
from lutdnn.model.reference.formats import WORD_MAX as U16_MAX
from lutdnn.model.weight_image import resolve

EDGES = np.array([S16_MIN, S16_MIN + 1, -4097, -1, 0, 1, 4096, S16_MAX - 1, S16_MAX])
OTHER_PARAMS = [CordicParams(iterations=12, guard_bits=2, phase_bits=12, phase_guard_bits=2, gain_frac_bits=14),
                CordicParams(iterations=24, guard_bits=6, phase_bits=20, phase_guard_bits=5, gain_frac_bits=20)]


@pytest.fixture(params=["numpy", "C"], autouse=True)
def kernels(request, monkeypatch, tmp_path_factory):
    """Every test runs with each pair of kernels (the C ones built into a fresh cache)."""
    if request.param == "numpy":
        chosen = cordic_fast.NUMPY_KERNELS
    else:
        chosen = cordic_native.load(tmp_path_factory.mktemp("cache"))
        if chosen is None:
            pytest.skip("no working C compiler (cc or $CC): cordic_fast runs its numpy kernels")
    monkeypatch.setattr(cordic_fast, "kernels", lambda: chosen)
    return chosen


def assert_same_words(got, want):
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype and g.shape == w.shape
        assert np.array_equal(g, w)


def random_words(rng, n):
    re, im = rng.integers(S16_MIN, S16_MAX + 1, (2, n))
    small = rng.integers(-64, 65, (2, n // 4))     # quiet bins: the low bits matter most
    re[:n // 4], im[:n // 4] = small
    return re, im


def test_vectoring_random_and_extreme_words():   # 100081 words: several chunks
    rng = np.random.default_rng(11)
    re, im = random_words(rng, 100_000)
    edge_re, edge_im = (a.reshape(-1) for a in np.meshgrid(EDGES, EDGES))   # axes, diagonals, full scale
    re, im = np.concatenate([re, edge_re]), np.concatenate([im, edge_im])
    assert_same_words(cordic_fast.vectoring(re, im), cordic.vectoring(re, im))


def test_rotation_every_phase_word_at_zero_full_and_random_magnitudes():
    half = 1 << (cordic.DEFAULT_PARAMS.phase_bits - 1)
    phase = np.arange(-half, half)
    rng = np.random.default_rng(12)
    for mag in (np.zeros_like(phase), np.full_like(phase, U16_MAX),   # U16_MAX saturates re/im
                rng.integers(0, U16_MAX + 1, len(phase))):
        assert_same_words(cordic_fast.rotation(mag, phase), cordic.rotation(mag, phase))


@pytest.mark.parametrize("params", OTHER_PARAMS, ids=["narrow", "wide"])
def test_other_widths(params):
    rng = np.random.default_rng(13)
    re, im = random_words(rng, 20_000)
    assert_same_words(cordic_fast.vectoring(re, im, params), cordic.vectoring(re, im, params))
    half = 1 << (params.phase_bits - 1)
    mag, phase = rng.integers(0, U16_MAX + 1, 20_000), rng.integers(-half, half, 20_000)
    mag[:100] = U16_MAX
    assert_same_words(cordic_fast.rotation(mag, phase, params), cordic.rotation(mag, phase, params))


def test_any_shape_and_the_same_refusals():
    rng = np.random.default_rng(14)
    re, im = rng.integers(S16_MIN, S16_MAX + 1, (2, 3, 5, 7))
    assert_same_words(cordic_fast.vectoring(re, im), cordic.vectoring(re, im))
    mag, phase = cordic.vectoring(re, im)
    assert_same_words(cordic_fast.rotation(mag, phase), cordic.rotation(mag, phase))
    empty = np.zeros((0, 129), np.int64)
    assert_same_words(cordic_fast.vectoring(empty, empty), cordic.vectoring(empty, empty))
    assert_same_words(cordic_fast.rotation(empty, empty), cordic.rotation(empty, empty))
    for fast, ref, args in [(cordic_fast.vectoring, cordic.vectoring, (np.array([S16_MAX + 1]), np.array([0]))),
                            (cordic_fast.rotation, cordic.rotation, (np.array([1.0]), np.array([0])))]:
        with pytest.raises((ValueError, TypeError)) as want:
            ref(*args)
        with pytest.raises(type(want.value), match=str(want.value).replace("(", r"\(").replace(")", r"\)")):
            fast(*args)


def reference_accelerator(image, re, im):
    """The accelerator's pipeline written with the defining pieces only (docs/arithmetic.md section 7)."""
    mag, phase = cordic.vectoring(re, im)
    y = stack_context(mag)
    for layer in image.layers:
        y = layer.forward(y)
    enhanced = output_stage(y, mag, image.output_mode, image.layers[-1].out_frac, image.mask_floor)
    return cordic.rotation(enhanced, phase)


def test_accelerator_equals_the_reference_pieces_frame_by_frame_and_in_blocks():
    image = resolve(None)
    rng = np.random.default_rng(15)
    frames = 40
    re, im = rng.integers(S16_MIN, S16_MAX + 1, (2, frames, BINS))
    re[10:20] //= 256                                   # quiet frames among loud ones
    re[25:28], im[25:28] = S16_MIN, S16_MAX             # full-scale frames: saturating outputs
    want = reference_accelerator(image, re, im)
    acc = Accelerator(image)
    by_frame = [acc.process(re[t:t + 1], im[t:t + 1]) for t in range(frames)]
    assert_same_words([np.concatenate(part) for part in zip(*by_frame)], want)
    acc.reset()
    blocks = [acc.process(re[t:t + 7], im[t:t + 7]) for t in range(0, frames, 7)]
    assert_same_words([np.concatenate(part) for part in zip(*blocks)], want)


def test_the_c_kernels_take_any_layout_and_refuse_mismatched_arrays(kernels):
    rng = np.random.default_rng(16)
    re, im = rng.integers(S16_MIN, S16_MAX + 1, (2, 64))
    want = cordic.vectoring(re[::2], im[::2])
    assert_same_words(kernels.vectoring(re[::2], im[::2], cordic.DEFAULT_PARAMS), want)
    if kernels is not cordic_fast.NUMPY_KERNELS:   # the C side trusts its arrays: the binding checks them
        with pytest.raises(ValueError, match="two flat arrays of one length"):
            kernels.rotation(np.zeros(8, np.int64), np.zeros(7, np.int64), cordic.DEFAULT_PARAMS)
