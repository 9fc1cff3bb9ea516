"""The torch-free model file: numpy inference agrees with torch, and a damaged file is refused on load."""

import json

import numpy as np
import pytest
import soundfile as sf
import torch

from lutdnn.core.framing import BINS, FEATURES
from lutdnn.host.cli import main
from lutdnn.model.float_net import FloatNet, load_float_net
from lutdnn.model.model_file import (CLAMP, DEFAULT_MODEL, HEADER, HIDDEN, ModelFileError, load_model_file,
                                     save_model_file)
from lutdnn.model.network import EnhancementNet, NetConfig, load_model, save_model

EPS32 = float(np.finfo(np.float32).eps)


def float32_bound(net, stacked, current):
    """Rounding bound of the float32 network against exact arithmetic (Higham's gamma_n per dot product).

    Each output of a length-n float32 dot product is within about n * eps32 of
    the sum of the absolute terms; the inputs' own float32 rounding adds one
    eps32.  Propagated through both layers with absolute values and scaled by
    the mask's multiplication, this bounds |torch - float64|.
    """
    (w1, b1), (w2, b2) = net.layer_parameters()
    x = np.abs(net.features(stacked))
    h = np.abs(w1) @ x.T + np.abs(b1)[:, None]
    y = np.abs(w2) @ h + np.abs(b2)[:, None]
    return (FEATURES + HIDDEN + 3) * EPS32 * y.T * current


@pytest.mark.parametrize("config", [NetConfig(mask_floor=0.1, level_dbfs=-25.0, floor_strength=0.5),
                                    NetConfig(input_shift=3, output="magnitude")])
def test_numpy_inference_matches_the_torch_network(tmp_path, config):
    torch.manual_seed(3)
    net = EnhancementNet(config)
    save_model(net, tmp_path / "m.npz")
    rng = np.random.default_rng(0)
    mag = rng.gamma(0.5, 20.0, size=(50, FEATURES))       # spectral magnitudes of s16-scaled audio
    current = mag[:, -BINS:]
    numpy_net = load_float_net(tmp_path / "m.npz")
    with torch.no_grad():
        expected = net.eval().enhance_magnitude(torch.from_numpy(mag).float(),
                                                torch.from_numpy(current).float()).double().numpy()
    got = numpy_net.enhance_magnitude(mag, current)
    scale = 1.0 if config.output == "mask" else 2.0 ** config.input_shift
    bound = float32_bound(numpy_net, mag, current if config.output == "mask" else scale)
    assert np.count_nonzero(got) > got.size // 4           # a live network, not all floors
    assert np.all(np.abs(got - expected) <= bound + EPS32 * np.abs(expected))


def test_shipped_model_loads_without_torch_and_matches_its_torch_twin():
    numpy_net, torch_net = load_float_net(), load_model()
    assert DEFAULT_MODEL.suffix == ".npz" and numpy_net.config == torch_net.config
    for (w, b), (tw, tb) in zip(numpy_net.layer_parameters(), torch_net.layer_parameters()):
        assert np.array_equal(w, tw) and np.array_equal(b, tb)


def write_damaged(path, change_arrays=None, change_header=None, drop_header=False):
    """The shipped model with its arrays and/or header altered (or the header left out), written to ``path``."""
    with np.load(DEFAULT_MODEL, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    header = json.loads(arrays.pop(HEADER).tobytes())
    if change_arrays:
        change_arrays(arrays)
    if change_header:
        change_header(header)
    if not drop_header:
        arrays[HEADER] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    with open(path, "wb") as f:
        np.savez(f, **arrays)
    return path


def set_value(name, index, value):
    def change(arrays):
        arrays[name] = arrays[name].copy()
        arrays[name][index] = value
    return change


DAMAGES = {
    "nan bias": (dict(change_arrays=set_value("fc1.bias", 7, np.nan)), "fc1.bias has 1 NaN/inf"),
    "inf weight": (dict(change_arrays=set_value("fc2.weight", (3, 4), np.inf)), "fc2.weight has 1 NaN/inf"),
    "weight outside the clamp": (dict(change_arrays=set_value("fc1.weight", (0, 0), 587.0)),
                                 "fc1.weight has 1 value.s. outside the clamp"),
    "missing array": (dict(change_arrays=lambda a: a.pop("fc2.bias")), r"missing \['fc2.bias'\]"),
    "extra array": (dict(change_arrays=lambda a: a.update(extra=np.zeros(3))), r"unexpected \['extra'\]"),
    "wrong shape": (dict(change_arrays=lambda a: a.update({"fc1.weight": a["fc1.weight"][:, :-1]})),
                    r"fc1.weight has shape \(256, 1031\), expected \(256, 1032\)"),
    "integer weights": (dict(change_arrays=lambda a: a.update({"fc2.bias": np.zeros(BINS, np.int16)})),
                        "fc2.bias has dtype int16"),
    "no header": (dict(drop_header=True), "no config"),
    "config missing a key": (dict(change_header=lambda h: h["config"].pop("mask_floor")), "config keys"),
    "floor strength off the 1/256 grid": (dict(change_header=lambda h: h["config"].update(floor_strength=0.3)),
                                          "floor strength must be a multiple of 1/256"),
    "config with an extra key": (dict(change_header=lambda h: h["config"].update(gain=2)), "config keys"),
    "config out of range": (dict(change_header=lambda h: h["config"].update(mask_floor=-1)), "mask_floor"),
    "other version": (dict(change_header=lambda h: h.update(version=99)), "model version 99"),
    "other format": (dict(change_header=lambda h: h.update(format="x")), "not a lutdnn model"),
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_model_file_is_refused_naming_the_file_and_problem(tmp_path, damage, capsys):
    kwargs, message = DAMAGES[damage]
    path = write_damaged(tmp_path / "damaged.npz", **kwargs)
    with pytest.raises(ModelFileError, match=message) as err:
        load_model_file(path)
    assert str(path) in str(err.value)
    wav = tmp_path / "in.wav"
    sf.write(wav, np.zeros(800), 8000)
    assert main(["enhance", str(wav), "-o", str(tmp_path / "out.wav"), "--model", str(path)]) == 2
    assert f"lutdnn: error: {path}" in capsys.readouterr().err
    assert not (tmp_path / "out.wav").exists()
    assert main(["quantize", str(path), "--scheme", "8u", "--fraction-bits", "9,9", "-o", str(tmp_path / "w.img")]) == 2
    assert not (tmp_path / "w.img").exists()


def test_saving_refuses_parameters_outside_the_clamp(tmp_path):
    net = EnhancementNet()
    with torch.no_grad():
        net.fc2.bias[0] = 2 * CLAMP
    with pytest.raises(ModelFileError, match="outside the clamp"):
        save_model(net, tmp_path / "m.npz")
    assert list(tmp_path.iterdir()) == []


def test_round_trip_keeps_parameters_config_and_extra(tmp_path):
    model = load_model_file()
    model.extra = {"note": "copy"}
    save_model_file(model, tmp_path / "copy.npz")
    back = load_model_file(tmp_path / "copy.npz")
    assert back.config == model.config and back.extra == {"note": "copy"}
    assert all(np.array_equal(back.parameters[n], model.parameters[n]) for n in model.parameters)
    assert isinstance(FloatNet(back).config, NetConfig)


def test_a_model_file_from_before_the_noise_floor_loads_with_it_off(tmp_path):
    path = write_damaged(tmp_path / "old.npz", change_header=lambda h: h["config"].pop("floor_strength", None))
    assert load_model_file(path).config.floor_strength == 0.0


@pytest.mark.parametrize("option", [["--level-dbfs", "5"], ["--mask-floor", "1.5"], ["--input-shift", "-1"],
                                    ["--floor-strength", "2"], ["--floor-strength", "0.3"]])
def test_train_refuses_network_options_no_model_file_could_hold(tmp_path, option, capsys):
    assert main(["train", "--data", str(tmp_path), "-o", str(tmp_path / "m.npz"), *option]) == 2
    assert "bad network option" in capsys.readouterr().err
    assert not (tmp_path / "m.npz").exists()
