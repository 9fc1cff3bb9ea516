"""The weight image: round trip, byte counts, and refusal of damaged or mismatched files."""

import dataclasses
import struct
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lutdnn.core.framing import BINS, FEATURES
from lutdnn.model import weight_image
from lutdnn.model.network import HIDDEN
from lutdnn.model.reference.dnn import IntLayer
from lutdnn.model.reference.formats import OUTPUT_MASK
from lutdnn.model.reference.packing import pack_layer, unpack_layer
from lutdnn.model.weight_image import ImageError, WeightImage


def random_layer(rng, outputs, inputs, bits, in_frac, out_frac):
    return IntLayer(rng.integers(0, 1 << bits, (outputs, inputs)), rng.integers(-128, 128, 1 << bits),
                    rng.integers(0, 9, 1 << bits), rng.integers(-128, 128, outputs), in_frac, out_frac)


def random_image(bits=(4, 8), lanes=16, seed=0):
    rng = np.random.default_rng(seed)
    layers = [random_layer(rng, HIDDEN, FEATURES, bits[0], 11, 12), random_layer(rng, BINS, HIDDEN, bits[1], 12, 13)]
    return WeightImage(layers, list(bits), lanes, input_shift=2, output_mode=OUTPUT_MASK, mask_floor=819,
                       description="4rsvb/8u", level_dbfs=-26.5, floor_strength=0.625)


@pytest.fixture(scope="module")
def image_bytes():
    return random_image().to_bytes()


def test_round_trip_keeps_everything(image_bytes):
    image = random_image()
    back = weight_image.from_bytes(image_bytes)
    assert (back.lanes, back.input_shift, back.output_mode, back.mask_floor, back.description, back.level_dbfs,
            back.floor_strength) == (16, 2, OUTPUT_MASK, 819, "4rsvb/8u", -26.5, 0.625)
    assert back.code_bits == [4, 8]
    for a, b in zip(image.layers, back.layers):
        for name in ("codes", "lut_values", "lut_shifts", "biases"):
            assert np.array_equal(getattr(a, name), getattr(b, name)), name
        assert (a.in_frac, a.out_frac) == (b.in_frac, b.out_frac)
    for a, b in zip(image.beats, back.beats):
        assert np.array_equal(a, b)


@pytest.mark.parametrize("bits, expected", [((8, 8), 297216), ((4, 4), 148608), ((4, 8), 165120),
                                            ((3, 3), 111456), ((2, 2), 74304)])
def test_weight_bytes_match_the_paper(bits, expected):
    assert random_image(bits).weight_bytes == expected


def test_no_input_level_round_trips_as_none():
    image = random_image()
    image.level_dbfs, image.floor_strength = None, 0.0
    assert weight_image.from_bytes(image.to_bytes()).level_dbfs is None


@pytest.mark.parametrize("change, message", [(dict(floor_strength=0.3), "multiple of 1/256"),
                                             (dict(floor_strength=1.5), "multiple of 1/256"),
                                             (dict(floor_strength=0.5, level_dbfs=None), "needs an input level")])
def test_a_noise_floor_strength_no_host_could_apply_is_refused(change, message):
    with pytest.raises(ImageError, match=message):
        dataclasses.replace(random_image(), **change)


def test_total_bytes_are_the_file_size_and_layout_is_as_documented(tmp_path):
    image = random_image((4, 4))
    path = tmp_path / "w.img"
    image.save(path)
    data = path.read_bytes()
    assert image.total_bytes == len(data)
    # docs/weight_image.md: 32-byte header, description padded to 8, 2 x 16-byte layer records,
    # LUT + biases padded to 8 per layer, the beats, CRC32
    lut1 = -(-(16 * 2 + 256) // 8) * 8
    lut2 = -(-(16 * 2 + 129) // 8) * 8
    assert len(data) == 32 + 8 + 2 * 16 + lut1 + lut2 + (16512 + 2304) * 8 + 4
    assert data[:8] == b"LUTDNNWI"
    assert struct.unpack_from("<I", data, 20)[0] == len(data)
    assert zlib.crc32(data[:-4]) == struct.unpack("<I", data[-4:])[0]
    assert not list(tmp_path.glob(".*.tmp*"))


@settings(max_examples=40, deadline=None)
@given(position=st.integers(0, 10 ** 9), flip=st.integers(1, 255))
def test_any_flipped_byte_is_refused(image_bytes, position, flip):
    data = bytearray(image_bytes)
    data[position % len(data)] ^= flip
    with pytest.raises(ImageError):
        weight_image.from_bytes(bytes(data))


@settings(max_examples=20, deadline=None)
@given(keep=st.integers(0, 10 ** 9))
def test_truncated_images_are_refused(image_bytes, keep):
    with pytest.raises(ImageError, match="truncated"):
        weight_image.from_bytes(image_bytes[:keep % len(image_bytes)])


def with_crc(body):
    return body + struct.pack("<I", zlib.crc32(body))


def test_wrong_version_is_refused(image_bytes):
    data = bytearray(image_bytes[:-4])
    struct.pack_into("<H", data, 8, 2)
    with pytest.raises(ImageError, match="version 2 is not supported"):
        weight_image.from_bytes(with_crc(bytes(data)))


def test_wrong_shape_is_refused(image_bytes):
    with pytest.raises(ImageError, match="layer 1 is 256x1032.*needs 256x1000"):
        weight_image.from_bytes(image_bytes, shapes=((HIDDEN, 1000), (BINS, HIDDEN)))
    rng = np.random.default_rng(0)
    with pytest.raises(ImageError, match="layer 2 is 128x256"):
        WeightImage([random_layer(rng, HIDDEN, FEATURES, 4, 9, 10), random_layer(rng, 128, HIDDEN, 4, 10, 11)],
                    [4, 4])


def test_other_files_are_refused(tmp_path):
    with pytest.raises(ImageError, match="not a lutdnn weight image"):
        weight_image.from_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(FileNotFoundError):
        weight_image.load(tmp_path / "missing.img")


def test_bad_layer_contents_are_named():
    rng = np.random.default_rng(1)
    layer = random_layer(rng, HIDDEN, FEATURES, 4, 9, 30)
    with pytest.raises(ImageError, match="output shift"):
        WeightImage([layer, random_layer(rng, BINS, HIDDEN, 4, 30, 31)], [4, 4])


@settings(max_examples=30, deadline=None)
@given(bits=st.sampled_from([2, 3, 4, 8]), lanes=st.sampled_from([1, 3, 16, 21, 32]),
       outputs=st.integers(1, 40), inputs=st.integers(1, 12), seed=st.integers(0, 1000))
def test_pack_unpack_round_trip(bits, lanes, outputs, inputs, seed):
    codes = np.random.default_rng(seed).integers(0, 1 << bits, (outputs, inputs))
    beats = pack_layer(codes, bits, lanes)
    assert np.array_equal(unpack_layer(beats, outputs, inputs, bits, lanes), codes)
