"""Spec parsing, error compensation, decomposition and whole-model quantization."""

import numpy as np
import pytest
import torch

from lutdnn.model.network import EnhancementNet, NetConfig
from lutdnn.model.quantize import decomposition, objective, pipeline, schemes
from lutdnn.model.quantize.error_compensation import compensated_codes


def test_parse_specs():
    assert [str(s) for s in schemes.parse("4rsvb/8u")] == ["4rsvb", "8u"]
    assert [str(s) for s in schemes.parse("4NU")] == ["4rsvb", "4rsvb"]
    s = schemes.parse_layer("3km+ec@r32")
    assert (s.bits, s.method, s.compensate, s.decomposition) == (3, "km", True, ("r", 32))
    assert schemes.parse_layer("8u@t64x4x32").decomposition == ("t", (64, 4, 32))
    assert schemes.describe(schemes.parse("4p2")) == "4p2"


@pytest.mark.parametrize("bad, why", [("5u", "code bits"), ("4xyz", "unknown method"), ("u4", "cannot parse"),
                                      ("4u/4u/4u", "names 3 layers")])
def test_bad_specs_are_named(bad, why):
    with pytest.raises(schemes.SchemeError, match=why):
        schemes.parse(bad)


def correlated_inputs(rng, frames, inputs):
    mix = rng.normal(size=(inputs, inputs)) / np.sqrt(inputs)
    return np.abs(rng.normal(size=(frames, inputs)) @ mix + 0.5)


def test_error_compensation_lowers_the_output_error():
    rng = np.random.default_rng(0)
    w = np.clip(rng.laplace(0, 0.05, (64, 200)), -0.99, 0.99)
    h = objective.second_moment(correlated_inputs(rng, 2000, 200))
    for spec in ("4rsvb", "3km", "2rsvb"):
        scheme = schemes.parse_layer(spec)
        cb = schemes.choose_codebook(w, scheme, h)
        plain = objective.output_error(w, cb.quantize(w), h)
        ec = objective.output_error(w, cb.levels[compensated_codes(w, h, cb)], h)
        assert ec < 0.8 * plain, spec


def test_low_rank_is_exact_at_full_rank_and_storage_is_counted():
    rng = np.random.default_rng(1)
    w = rng.normal(0, 0.05, (20, 30)) @ np.diag(np.linspace(1, 0.01, 30))
    full = decomposition.low_rank(w, 20)
    assert np.max(np.abs(full.weights - w)) < 0.01 * np.max(np.abs(w))
    r4 = decomposition.low_rank(w, 4)
    assert r4.storage_bytes == 4 * (20 + 30) + 2 * (4 + 4)
    errors = [np.sum((decomposition.low_rank(w, r).weights - w) ** 2) for r in (2, 4, 8, 16)]
    assert errors == sorted(errors, reverse=True)


def test_tucker_needs_layer_one_layout():
    with pytest.raises(ValueError, match="input layout"):
        decomposition.tucker(np.zeros((4, 100)), (2, 2, 2))
    w = np.random.default_rng(2).normal(0, 0.05, (16, 1032))
    full = decomposition.tucker(w, (16, 8, 129))   # exact but for the 8-bit factors and core
    assert np.linalg.norm(full.weights - w) < 0.03 * np.linalg.norm(w)   # ~1 % per 8-bit tensor
    small = decomposition.tucker(w, (8, 4, 32))
    assert small.storage_bytes == 8 * 4 * 32 + 2 + 16 * 8 + 8 * 4 + 129 * 32 + 2 * (8 + 4 + 32)


@pytest.fixture(scope="module")
def small_net():
    torch.manual_seed(3)
    return EnhancementNet(NetConfig(input_shift=2, mask_floor=0.1))


@pytest.fixture(scope="module")
def calibration():
    rng = np.random.default_rng(4)
    return np.abs(rng.normal(0, 4, (600, 1032)))


@pytest.mark.parametrize("spec, weight_bytes", [("8u", 297216), ("4rsvb", 148608), ("4rsvb/8u", 165120),
                                                ("3km+ec", 111456), ("2p2/8u", 66048 + 33024)])
def test_model_quantization_writes_valid_images(small_net, calibration, spec, weight_bytes):
    q = pipeline.quantize_model(small_net, spec, calibration)
    image = q.image
    assert image.weight_bytes == weight_bytes
    assert image.description == schemes.describe(schemes.parse(spec))
    assert image.layers[0].in_frac == 9 + 2
    assert [l.out_shift >= 1 for l in image.layers] == [True, True]
    assert image.mask_floor == round(0.1 * 2 ** image.layers[1].out_frac)
    # the calibrated formats keep the largest calibration activation below saturation
    for layer, peak in zip(image.layers, q.peaks):
        assert peak * 2 ** layer.out_frac <= 65535


def test_decomposed_model_keeps_the_network_shape(small_net, calibration):
    q = pipeline.quantize_model(small_net, "8u@r16", calibration)
    assert q.image.shapes == [(256, 1032), (129, 256)]
    assert q.storage_bytes == 16 * (256 + 1032) + 2 * 32 + 16 * (129 + 256) + 2 * 32
    assert q.storage_bytes * 5 < 297216


def test_without_calibration_fraction_bits_are_required(small_net):
    with pytest.raises(ValueError, match="fraction bits"):
        pipeline.quantize_model(small_net, "4rsvb")
    q = pipeline.quantize_model(small_net, "4rsvb", fraction_bits=(12, 12))
    assert [l.out_frac for l in q.image.layers] == [12, 12]
    with pytest.raises(schemes.SchemeError, match="calibration"):
        pipeline.quantize_model(small_net, "4rsvb+ec", fraction_bits=(12, 12))


def test_kmeans_can_weight_by_input_energy():
    rng = np.random.default_rng(9)
    w = np.clip(rng.laplace(0, 0.05, (32, 120)), -0.99, 0.99)
    x = correlated_inputs(rng, 1000, 120) * np.linspace(0.05, 3, 120)   # a few loud inputs
    h = objective.second_moment(x)
    cb = schemes.choose_codebook(w, schemes.parse_layer("2km"), h)
    assert cb.knobs["weighting"] in ("none", "input energy")
    plain = schemes.choose_codebook(w, schemes.parse_layer("2km"), None)
    assert objective.output_error(w, cb.quantize(w), h) <= objective.output_error(w, plain.quantize(w), h)
