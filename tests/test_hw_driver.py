"""The host side of the shift build: its LUT entry format against the reference decoder,
and the driver refusing images it cannot run."""

import numpy as np
import pytest
from hw_bench import random_image

from lutdnn.accelerator import protocol
from lutdnn.model.reference import shift_entry
from lutdnn.model.reference.formats import KMAX, decode_lut


def test_shift_entries_stand_for_the_reference_weights_of_every_power_of_two_entry():
    magnitudes = 1 << np.arange(7)
    values = np.concatenate([[0, -128], magnitudes, -magnitudes])
    values, shifts = (a.ravel() for a in np.meshgrid(values, np.arange(KMAX + 1)))
    entries = shift_entry.encode(values, shifts)
    assert entries.max() < 1 << shift_entry.ENTRY_BITS
    assert np.array_equal(shift_entry.weights(entries), decode_lut(values, shifts))
    assert shift_entry.representable(values).all()
    others = np.setdiff1d(np.arange(-128, 128), values)
    assert len(others) == 256 - 16 and not shift_entry.representable(others).any()
    with pytest.raises(ValueError, match=r"\[3\] are not 0 or a power of two"):
        shift_entry.encode([4, 3], [0, 0])


def power_of_two_image():
    image = random_image(20)
    for layer in image.layers:
        layer.lut_values = np.where(layer.lut_values < 0, -1, 1) << (np.abs(layer.lut_values) % 7)
    return image


def test_shift_build_refuses_an_image_with_other_lut_values():
    image = power_of_two_image()
    protocol.check_image(image, 16, 4, shift_lanes=True)
    image.layers[1].lut_values[6] = 24
    image.layers[1].lut_values[9] = -7
    with pytest.raises(protocol.IncompatibleImage,
                       match=r"layer 2's LUT entry for code 6 has value 24, not 0 or a power of two \(2 such"):
        protocol.check_image(image, 16, 4, shift_lanes=True)
    protocol.check_image(image, 16, 4)          # the multiplier build runs any LUT


@pytest.mark.parametrize("words, message", [
    (np.full(129, 1 << 15), r"re holds values beyond s16 \(32768 \.\. 32768\)"),
    (np.full(129, -(1 << 15) - 1), r"re holds values beyond s16"),
    (np.full(129, 1.0), "re must be integer s16 words, got float64"),
    (np.full(129, np.nan), "re must be integer s16 words, got float64"),
    (np.full(129, 1 + 1j), "re must be integer s16 words, got complex128"),
])
def test_spectrum_beats_refuses_what_is_not_s16(words, message):
    with pytest.raises(ValueError, match=message):
        protocol.spectrum_beats(words, np.zeros(129, np.int64))


def test_spectrum_beats_keeps_the_s16_extremes_and_last_flags_needs_a_beat():
    extremes = np.resize([-(1 << 15), (1 << 15) - 1], 129)
    re, im = protocol.unpack_spectrum(protocol.spectrum_beats(extremes, -extremes - 1))
    assert np.array_equal(re, extremes) and np.array_equal(im, -extremes - 1)
    with pytest.raises(ValueError, match="a packet has at least one beat, got 0"):
        protocol.last_flags(0)
