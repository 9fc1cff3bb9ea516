"""The ``sim`` backend: integer accelerator pipeline on a weight image."""

import numpy as np
import pytest
import torch

from lutdnn.core.framing import BINS, analyze, stack_context
from lutdnn.host.backends import open_backend
from lutdnn.host.stream import enhance_signal
from lutdnn.model.network import EnhancementNet, NetConfig, load_model, save_model
from lutdnn.model.quantize import calibrate, pipeline
from lutdnn.model.reference.accelerator import Accelerator
from lutdnn.model.reference.formats import spectrum_to_words


def noisy_signal(seed, seconds=1.0):
    """A tonal signal with bursts in noise: spectra with structure and silence."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(8000 * seconds)) / 8000
    tone = 0.3 * np.sin(2 * np.pi * 440 * t) * (np.sin(2 * np.pi * 3 * t) > 0)
    return tone + 0.05 * rng.normal(size=t.size)


@pytest.fixture(scope="module")
def quantized():
    torch.manual_seed(5)
    net = EnhancementNet(NetConfig(input_shift=1, mask_floor=0.05, level_dbfs=-20.0))
    with torch.no_grad():   # a mask near one: outputs in the range a trained model gives
        net.fc2.bias.fill_(0.5)
    calibration = calibrate.stacked_magnitudes([noisy_signal(s) for s in range(3)], net.config)
    return net, pipeline.quantize_model(net, "8u", calibration).image


def test_whole_recording_equals_frame_by_frame(quantized):
    _, image = quantized
    re, im = spectrum_to_words(analyze(noisy_signal(7, 0.3)))
    whole = Accelerator(image).process(re, im)
    acc = Accelerator(image)
    pieces = [acc.process(re[i:i + 5], im[i:i + 5]) for i in range(0, len(re), 5)]
    for part, full in zip(zip(*pieces), whole):
        assert np.array_equal(np.concatenate(part), full)


def test_the_context_continues_across_calls_until_reset(quantized):
    _, image = quantized
    spectra = analyze(noisy_signal(8, 0.3))
    sim = open_backend("sim", image=image)
    whole = sim.process(spectra)
    sim.reset()
    assert np.array_equal(np.concatenate([sim.process(spectra[:3]), sim.process(spectra[3:])]), whole)
    assert not np.array_equal(sim.process(spectra[:3]), whole[:3])   # the context was not cleared
    sim.reset()
    assert np.array_equal(sim.process(spectra), whole)


def test_sim_follows_the_float_model_of_the_quantized_weights(quantized):
    net, image = quantized
    spectra = analyze(noisy_signal(9))
    out = open_backend("sim", image=image).process(spectra)
    assert out.shape == spectra.shape and np.iscomplexobj(out)
    mag = np.abs(spectra)
    x = stack_context(mag) * 2.0 ** -net.config.input_shift
    for layer in image.layers:
        w = layer.weights() * 2.0 ** -15
        x = np.maximum(x @ w.T + layer.biases / 128, 0)
    expected = np.maximum(x, net.config.mask_floor) * mag
    loud = mag > 0.05 * mag.max()
    rel = np.abs(np.abs(out[loud]) - expected[loud]) / expected[loud]
    assert np.median(rel) < 0.01
    strong = np.abs(out) > 0.5    # >= 256 LSB: word rounding moves the angle by < 0.004 rad
    assert strong.sum() > 100
    phase_err = np.angle(out[strong] * np.conj(spectra[strong]))
    assert np.max(np.abs(phase_err)) < 0.01


def test_image_path_and_errors(quantized, tmp_path):
    _, image = quantized
    path = tmp_path / "w.img"
    image.save(path)
    sim = open_backend("sim", image=str(path))
    assert (sim.name, sim.level_dbfs) == ("sim", -20.0)   # the host normalises input as for the float model
    shipped = open_backend("sim")   # no image: the shipped 4-bit image of the shipped model
    assert shipped.image.code_bits == [4, 4] and shipped.level_dbfs == load_model().config.level_dbfs
    with pytest.raises(FileNotFoundError, match="weight image not found"):
        open_backend("sim", image=str(tmp_path / "missing.img"))
    with pytest.raises(ValueError, match=f"\\(frames, {BINS}\\)"):
        sim.process(np.zeros((4, 100), complex))


def test_a_noise_floor_model_carries_its_strength_to_sim_which_follows_float(tmp_path):
    torch.manual_seed(6)
    net = EnhancementNet(NetConfig(mask_floor=0.05, level_dbfs=-25.0, floor_strength=0.75))
    with torch.no_grad():
        net.fc2.bias.fill_(0.5)
    calibration = calibrate.stacked_magnitudes([noisy_signal(s, 2.0) for s in range(3)], net.config)
    image = pipeline.quantize_model(net, "8u", calibration).image
    save_model(net, tmp_path / "m.npz")
    sim, float_model = open_backend("sim", image=image), open_backend("float", model=tmp_path / "m.npz")
    assert sim.floor_strength == float_model.floor_strength == 0.75
    x = noisy_signal(9, 2.0)
    reference = enhance_signal(x, float_model)
    assert snr_db(reference, enhance_signal(x, sim)) > 25
    net.config.floor_strength = 0.0   # the same weights fed unscaled spectra: the strength is in use
    save_model(net, tmp_path / "plain.npz")
    assert snr_db(reference, enhance_signal(x, open_backend("float", model=tmp_path / "plain.npz"))) < 20


def snr_db(reference, other):
    return 10 * np.log10(np.sum(reference ** 2) / np.sum((reference - other) ** 2))
