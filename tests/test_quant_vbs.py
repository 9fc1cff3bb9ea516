"""Virtual bit shift: the paper's Table 2 example and the sign-extension property."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from lutdnn.model.quantize import vbs
from lutdnn.model.reference.formats import KMAX, decode_lut

levels = st.floats(min_value=-0.99, max_value=0.99, allow_nan=False)


def test_paper_table2_example():
    value, shift = vbs.encode([0.02099609], KMAX)
    assert format(int(value[0]) & 0xFF, "08b") == "01010110"
    # the paper counts K on an unsigned Q0.8 fraction; our s8 is Q0.7, one bit more shift
    assert int(shift[0]) - 1 == 4
    assert vbs.decode(value, shift)[0] == 86 / 4096


def test_without_vbs_levels_sit_on_the_8_bit_grid():
    values, shifts = vbs.encode([0.02099609, -0.5, 0.999], 0)
    assert shifts.tolist() == [0, 0, 0]
    assert values.tolist() == [3, -64, 127]


@given(level=levels, cap=st.integers(0, KMAX))
def test_dropped_bits_are_pure_sign_extension(level, cap):
    value, shift = (int(v[0]) for v in vbs.encode([level], cap))
    full = int(np.floor(level * 2.0 ** (7 + shift) + 0.5))   # the (8 + K)-bit quantised level
    if -128 <= full <= 127:
        # storing the 8 LSBs and sign-extending gives the full word back
        low = full & 0xFF
        assert (low - 256 if low & 0x80 else low) == full == value
    else:                     # only possible without room to shift: K = 0, saturated
        assert shift == 0 and value in (-128, 127)


@given(level=levels, cap=st.integers(0, KMAX))
def test_encoding_is_the_finest_fitting_grid(level, cap):
    value, shift = (int(v[0]) for v in vbs.encode([level], cap))
    assert abs(vbs.decode(value, shift) - level) <= 2.0 ** -(8 + shift) + 1e-12 or shift == 0
    if shift < cap:
        finer = np.floor(level * 2.0 ** (8 + shift) + 0.5)
        assert not -128 <= finer <= 127


@given(level=levels)
def test_decode_matches_the_hardware_decoder(level):
    value, shift = vbs.encode([level], KMAX)
    assert decode_lut(value, shift)[0] == vbs.decode(value, shift)[0] * 2 ** 15
