"""Hardening catalogue: weight images with a valid CRC but impossible content, options a
backend does not use, and non-finite spectra at the backends' boundary (docs/errors.md)."""

import struct
import zlib

import numpy as np
import pytest
import soundfile as sf

from lutdnn.host.backends import open_backend
from lutdnn.host.cli import main
from lutdnn.model import weight_image
from lutdnn.model.weight_image import _HEADER, _LAYER, DEFAULT_IMAGE, ImageError, _pad

HEADER_FIELDS = ("magic", "version", "layers", "lanes", "value_bits", "kmax", "input_shift",
                 "output_mode", "mask_floor", "total", "desc_len", "level", "floor_steps")
LAYER_FIELDS = ("outputs", "inputs", "bits", "in_frac", "out_frac", "beats")


def patched(header=None, layer1=None):
    """The shipped image with header / first-layer fields replaced and the CRC made valid again."""
    data = bytearray(DEFAULT_IMAGE.read_bytes()[:-4])
    fields = dict(zip(HEADER_FIELDS, _HEADER.unpack_from(data)))
    fields.update(header or {})
    _HEADER.pack_into(data, 0, *fields.values())
    at = _HEADER.size + fields["desc_len"] + _pad(_HEADER.size + fields["desc_len"])
    layer = dict(zip(LAYER_FIELDS, _LAYER.unpack_from(data, at)))
    layer.update(layer1 or {})
    _LAYER.pack_into(data, at, *layer.values())
    return bytes(data) + struct.pack("<I", zlib.crc32(bytes(data)))


IMPOSSIBLE = [
    ({"lanes": 0}, None, "lanes must lie in"),
    ({"lanes": 65}, None, "lanes must lie in"),
    (None, {"in_frac": 250}, "fraction bits must lie in"),
    (None, {"out_frac": 32}, "fraction bits must lie in"),
    ({"input_shift": 40}, None, "input_shift"),
    ({"level": 200.0}, None, "input level"),
    ({"level": -300.0}, None, "input level"),
    ({"level": float("inf")}, None, "input level"),
    ({"floor_steps": 257}, None, "noise-floor strength"),
    ({"floor_steps": 128, "level": float("nan")}, None, "needs an input level"),
    ({"mask_floor": 0xFFFF}, None, "mask floor"),
    ({"output_mode": 7}, None, "output mode"),
]


@pytest.mark.parametrize("header, layer1, message", IMPOSSIBLE)
def test_impossible_header_fields_are_refused_on_load(tmp_path, header, layer1, message):
    path = tmp_path / "bad.img"
    path.write_bytes(patched(header, layer1))
    with pytest.raises(ImageError, match=message) as caught:
        weight_image.load(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("backend", ["sim", "cosim"])
@pytest.mark.parametrize("header, layer1, message", IMPOSSIBLE[::3])
def test_every_backend_refuses_the_same_images(tmp_path, capsys, backend, header, layer1, message):
    image, src = tmp_path / "bad.img", tmp_path / "in.wav"
    image.write_bytes(patched(header, layer1))
    sf.write(src, np.zeros(4000), 8000)
    assert main(["enhance", str(src), "-o", str(tmp_path / "out.wav"), "--backend", backend,
                 "--image", str(image)]) == 2
    err = capsys.readouterr().err
    assert message in err and "bad.img" in err and "Traceback" not in err


def test_the_unpatched_image_still_loads():
    assert weight_image.from_bytes(patched()).lanes == weight_image.load(DEFAULT_IMAGE).lanes


def test_image_that_is_a_folder_says_so(tmp_path, capsys):
    src = tmp_path / "in.wav"
    sf.write(src, np.zeros(4000), 8000)
    assert main(["enhance", str(src), "-o", str(tmp_path / "o.wav"), "--backend", "sim",
                 "--image", str(tmp_path)]) == 2
    assert "is a folder, not a weight image" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["--backend", "float", "--image", "x.img"], "--image is not used by the float backend"),
    (["--backend", "sim", "--model", "x.pt"], "--model is not used by the sim backend"),
    (["--backend", "cosim", "--model", "x.pt"], "--model is not used by the cosim backend"),
])
def test_an_option_the_backend_does_not_use_is_refused(tmp_path, capsys, argv, message):
    src = tmp_path / "in.wav"
    sf.write(src, np.zeros(4000), 8000)
    assert main(["enhance", str(src), "-o", str(tmp_path / "o.wav"), *argv]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "o.wav").exists()


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, complex(np.nan, 0), complex(0, np.inf)])
@pytest.mark.parametrize("backend", ["sim", "float"])
def test_backends_refuse_non_finite_spectra(backend, bad):
    spectra = np.ones((4, 129), complex)
    spectra[2, 7] = bad
    with pytest.raises(ValueError, match="non-finite"):
        open_backend(backend).process(spectra)
