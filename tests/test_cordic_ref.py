"""The integer CORDIC reference: error bounds against float, edge words, input checks."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lutdnn.model.reference.cordic import DEFAULT_PARAMS, CordicParams, rotation, vectoring, wrap

S16 = st.integers(-32768, 32767)
HALF_TURN = 1 << (DEFAULT_PARAMS.phase_bits - 1)


def angle_error(phase, re, im):
    return np.angle(np.exp(1j * (DEFAULT_PARAMS.phase_to_radians(phase) - np.arctan2(im, re))))


def test_default_constants():
    p = DEFAULT_PARAMS
    assert p.gain_compensation == round(2 ** 17 / p.gain) == 79594
    assert p.atan_table[0] == 1 << (p.z_frac_bits - 3)       # atan(1) is an eighth of a turn
    assert p.gain_compensation < 1 << 17                # fits a DSP48E1 18-bit signed port


def test_random_words_within_measured_bounds():
    rng = np.random.default_rng(7)
    re = rng.integers(-32768, 32768, 50_000)
    im = rng.integers(-32768, 32768, 50_000)
    mag, phase = vectoring(re, im)
    assert np.max(np.abs(mag - np.hypot(re, im))) < 1.0
    big = np.hypot(re, im) >= 256
    assert np.max(np.abs(angle_error(phase, re, im)[big])) < 2e-3
    back_re, back_im = rotation(mag, phase)
    assert np.max(np.abs(back_re - re)) <= 2 and np.max(np.abs(back_im - im)) <= 2


@pytest.mark.parametrize("re, im, mag, angle", [
    (32767, 0, 32767, 0.0),
    (0, 32767, 32767, math.pi / 2),
    (-32768, 0, 32768, -math.pi),            # -pi is the phase word's own minimum
    (0, -32768, 32768, -math.pi / 2),
    (-32768, -32768, 46341, -3 * math.pi / 4),
    (32767, -32768, 46340, math.atan2(-32768, 32767)),
    (-32768, 32767, 46340, math.atan2(32767, -32768)),
])
def test_full_scale_axes_and_diagonals(re, im, mag, angle):
    got_mag, got_phase = vectoring(np.array([re]), np.array([im]))
    assert got_mag[0] == mag
    assert abs(DEFAULT_PARAMS.phase_to_radians(got_phase[0]) - angle) < 2.5e-5   # about one phase LSB
    back_re, back_im = rotation(got_mag, got_phase)
    assert abs(back_re[0] - re) <= 1 and abs(back_im[0] - im) <= 1


def test_zero_bin_and_zero_magnitude():
    mag, phase = vectoring(np.zeros(3, np.int64), np.zeros(3, np.int64))
    assert np.all(mag == 0)
    re, im = rotation(np.zeros(5, np.int64), np.array([-HALF_TURN, -1, 0, 1, HALF_TURN - 1]))
    assert np.all(re == 0) and np.all(im == 0)


def test_rotation_saturates_instead_of_wrapping():
    phases = DEFAULT_PARAMS.radians_to_phase(np.array([0.0, math.pi / 2, -math.pi / 2, math.pi * 0.999,
                                                       math.pi / 4]))
    re, im = rotation(np.full(5, 65535), phases)
    assert list(re[:4]) == [32767, 0, 0, -32768] and list(im[:3]) == [0, 32767, -32768]
    assert re[4] == 32767 and im[4] == 32767        # 65535 / sqrt(2) = 46341 clips


@settings(max_examples=300, deadline=None)
@given(S16, S16)
def test_vectoring_matches_float_everywhere(re, im):
    mag, phase = vectoring(np.array([re]), np.array([im]))
    assert abs(mag[0] - math.hypot(re, im)) < 1.0
    if math.hypot(re, im) >= 64:
        assert abs(angle_error(phase, np.array([re]), np.array([im]))[0]) < 0.05 / math.hypot(re, im) * 64


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 65535), st.integers(-HALF_TURN, HALF_TURN - 1))
def test_rotation_matches_float_everywhere(mag, phase):
    re, im = rotation(np.array([mag]), np.array([phase]))
    ang = DEFAULT_PARAMS.phase_to_radians(phase)
    assert abs(re[0] - np.clip(mag * math.cos(ang), -32768, 32767)) < 2.0
    assert abs(im[0] - np.clip(mag * math.sin(ang), -32768, 32767)) < 2.0


def test_vectorised_over_any_shape():
    rng = np.random.default_rng(3)
    re = rng.integers(-32768, 32768, (4, 129))
    im = rng.integers(-32768, 32768, (4, 129))
    mag, phase = vectoring(re, im)
    assert mag.shape == phase.shape == (4, 129)
    flat_mag, flat_phase = vectoring(re.ravel(), im.ravel())
    assert np.array_equal(mag.ravel(), flat_mag) and np.array_equal(phase.ravel(), flat_phase)


def test_other_widths_still_accurate():
    params = CordicParams(iterations=16, guard_bits=2, phase_bits=16, phase_guard_bits=2, gain_frac_bits=16)
    rng = np.random.default_rng(5)
    re = rng.integers(-32768, 32768, 10_000)
    im = rng.integers(-32768, 32768, 10_000)
    mag, _ = vectoring(re, im, params)
    assert np.max(np.abs(mag - np.hypot(re, im))) < 3.0


def test_wrap_is_modular():
    assert list(wrap(np.array([-5, -4, 3, 4, 11]), 3)) == [3, -4, 3, -4, 3]


@pytest.mark.parametrize("call, message", [
    (lambda: vectoring(np.array([32768]), np.array([0])), "re must lie in"),
    (lambda: vectoring(np.array([0]), np.array([-32769])), "im must lie in"),
    (lambda: vectoring(np.array([0.5]), np.array([0])), "integer array"),
    (lambda: vectoring(np.array([0, 1]), np.array([0])), "differ in shape"),
    (lambda: rotation(np.array([-1]), np.array([0])), "mag must lie in"),
    (lambda: rotation(np.array([1]), np.array([HALF_TURN])), "phase must lie in"),
    (lambda: CordicParams(iterations=2), "iterations"),
    (lambda: CordicParams(guard_bits=0), "guard_bits"),
])
def test_bad_input_is_refused(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
