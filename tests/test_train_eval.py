"""``lutdnn train`` (checkpoint, resume, clamping), ``lutdnn eval`` and ``lutdnn demo`` end to end, small."""

import json
import shutil

import numpy as np
import pytest
import torch

from lutdnn.core.framing import HOP
from lutdnn.host.cli import main
from lutdnn.model.envelope_loss import WINDOW_FRAMES, estoi_like_loss, stoi_like_loss
from lutdnn.model.model_file import load_model_file
from lutdnn.model.network import CLAMP, EnhancementNet, load_model
from lutdnn.model.train import Trainer, TrainingError, _optimizer, magnitude_error, training_loss
from lutdnn.model.train_cli import TrainConfig


def train(data, out, epochs, *extra):
    return main(["train", "--data", str(data), "-o", str(out), "--epochs", str(epochs),
                 "--mixtures", "6", *extra])


def test_train_writes_a_clamped_model_and_resumes(small_mixtures, tmp_path, capsys):
    out = tmp_path / "m.npz"
    assert train(small_mixtures, out, 1) == 0
    net = load_model(out)
    assert all(p.abs().max().item() <= CLAMP for p in net.parameters())
    ckpt = torch.load(out.with_name("m.npz.ckpt"), weights_only=False)
    assert ckpt["epoch"] == 1
    assert train(small_mixtures, out, 2, "--resume") == 0
    assert "resumed from" in capsys.readouterr().out
    history = load_model_file(out).extra["history"]
    assert [h["epoch"] for h in history] == [1, 2]


def averaged_and_last(ckpt_path):
    ckpt = torch.load(ckpt_path, weights_only=False)
    return ckpt["average"]["module.fc1.weight"], ckpt["net"]["fc1.weight"]


@pytest.mark.parametrize("decay, same", [(0.0, True), (0.9, False)])
def test_ema_decay_zero_keeps_the_last_weights_and_above_zero_averages(small_mixtures, tmp_path, decay, same):
    out = tmp_path / "m.npz"
    assert train(small_mixtures, out, 2, "--ema", str(decay), "--patience", "9") == 0
    averaged, last = averaged_and_last(out.with_name("m.npz.ckpt"))
    assert torch.equal(averaged, last) is same


def test_weight_decay_shrinks_the_weights_but_not_the_biases():
    net = EnhancementNet()
    assert type(_optimizer(net, 0.0, TrainConfig.learning_rate)) is torch.optim.Adam
    optimizer = _optimizer(net, 0.5, TrainConfig.learning_rate)
    before = {name: p.detach().clone() for name, p in net.named_parameters()}
    for p in net.parameters():
        p.grad = torch.zeros_like(p)   # no gradient: only the decay moves anything
    optimizer.step()
    for name, p in net.named_parameters():
        shrink = 1 - 1e-3 * 0.5 if name.endswith("weight") else 1.0
        assert torch.allclose(p, before[name] * shrink), name
    assert not torch.equal(net.fc1.weight, before["fc1.weight"])


def test_suppression_weight_scales_only_the_error_below_the_target():
    target = torch.tensor([1.0, 1.0])
    below, above = torch.tensor([0.5, 1.0]), torch.tensor([1.5, 1.0])
    loss = lambda est, w: magnitude_error(est, None, target, suppression_weight=w).item()
    assert loss(below, 1.0) == pytest.approx(loss(above, 1.0)) == pytest.approx(0.125)
    assert loss(below, 4.0) == pytest.approx(4 * 0.125)
    assert loss(above, 4.0) == pytest.approx(0.125)


def test_the_model_file_records_the_loss_and_the_data_recipe(small_mixtures, tmp_path):
    out = tmp_path / "m.npz"
    assert train(small_mixtures, out, 1, "--loss-domain", "mask", "--speech-mix", "fsdd=1",
                 "--noise-mix", "coloured=1") == 0
    extra = load_model_file(out).extra
    assert extra["train_config"]["loss_domain"] == "mask"
    assert extra["recipe"]["speech_shares"] == [["fsdd", 1.0]] and extra["recipe"]["noise_shares"] == [0.0, 1.0, 0.0, 0.0]


def test_mask_loss_compares_masks_capped_at_one_whatever_the_level():
    noisy = torch.tensor([2.0, 0.5, 4.0])
    target = torch.tensor([1.0, 0.5, 8.0])          # ideal masks 0.5, 1 and 2 (capped at 1)
    est = torch.tensor([2.0, 0.25, 4.0])            # the estimate's masks 1, 0.5 and 1
    loss = lambda scale: magnitude_error(est * scale, noisy * scale, target * scale, domain="mask").item()
    assert loss(1.0) == pytest.approx((0.5 ** 2 + 0.5 ** 2 + 0.0) / 3, rel=1e-3)
    assert loss(100.0) == pytest.approx(loss(1.0), rel=1e-3)      # loud and quiet bins count alike
    magnitude = lambda scale: magnitude_error(est * scale, noisy * scale, target * scale).item()
    assert magnitude(100.0) == pytest.approx(1e4 * magnitude(1.0))


def test_the_envelope_weights_add_their_multiples_of_the_terms():
    torch.manual_seed(0)
    net = EnhancementNet()
    feats, noisy, target = torch.rand(2, 60, 1032), torch.rand(2, 60, 129) + 0.1, torch.rand(2, 60, 129)
    loss = lambda **weights: training_loss(net, feats, noisy, target, TrainConfig(**weights)).item()
    est = net.enhance_magnitude(feats, noisy)
    stoi, estoi = stoi_like_loss(est, target).item(), estoi_like_loss(est, target).item()
    assert stoi > 0.01 and estoi > 0.01
    assert loss(stoi_weight=2.0) == pytest.approx(loss() + 2 * stoi, rel=1e-5)
    assert loss(stoi_weight=2.0, estoi_weight=3.0) == pytest.approx(loss() + 2 * stoi + 3 * estoi, rel=1e-5)


def test_the_envelope_term_refuses_validation_mixtures_shorter_than_its_window(tmp_path):
    short = np.zeros(WINDOW_FRAMES * HOP // 2, dtype=np.float32)
    with pytest.raises(TrainingError, match=f"1 validation mixtures are shorter than .* {WINDOW_FRAMES} frames"):
        Trainer(None, [(short, short)], EnhancementNet(), TrainConfig(estoi_weight=1.0), tmp_path / "c.ckpt")


@pytest.fixture(scope="module")
def base_model(small_mixtures, tmp_path_factory):
    out = tmp_path_factory.mktemp("base") / "base.npz"
    assert train(small_mixtures, out, 1) == 0
    return out


def test_envelope_fine_tuning_starts_from_the_init_model_and_records_it(small_mixtures, base_model, tmp_path):
    out = tmp_path / "tuned.npz"
    assert train(small_mixtures, out, 1, "--init", str(base_model), "--stoi-weight", "2", "--estoi-weight", "1",
                 "--batch-mixtures", "3", "--learning-rate", "1e-6", "--ema", "0") == 0
    start, tuned = load_model(base_model), load_model(out)
    drift = max((a - b).abs().max().item() for a, b in zip(start.parameters(), tuned.parameters()))
    assert 0 < drift < 1e-4           # two small steps away from the init weights, not from random ones
    config = load_model_file(out).extra["train_config"]
    assert config["stoi_weight"] == 2 and config["estoi_weight"] == 1 and config["init"] == "base.npz"
    assert config["learning_rate"] == 1e-6


@pytest.mark.parametrize("options, message", [
    (["--mask-floor", "0.05"], "mask_floor=0.05"),
    (["--output", "magnitude"], "output='magnitude'"),
])
def test_init_from_a_model_of_other_network_settings_is_refused(small_mixtures, base_model, tmp_path, capsys,
                                                                options, message):
    out = tmp_path / "tuned.npz"
    assert train(small_mixtures, out, 1, "--init", str(base_model), *options) == 2
    err = capsys.readouterr().err
    assert f"cannot start from --init {base_model}" in err and message in err and not out.exists()


def test_init_from_a_missing_model_is_a_clear_error(small_mixtures, tmp_path, capsys):
    assert train(small_mixtures, tmp_path / "tuned.npz", 1, "--init", str(tmp_path / "none.npz")) == 2
    assert "model file not found" in capsys.readouterr().err


def test_train_refuses_a_folder_that_is_not_mixtures(tmp_path, capsys):
    assert train(tmp_path, tmp_path / "m.npz", 1) == 2
    assert "cannot use training data" in capsys.readouterr().err


def test_eval_prints_the_table_and_writes_json(small_mixtures, random_model, tmp_path, capsys):
    report = tmp_path / "r" / "eval.json"
    assert main(["eval", "--data", str(small_mixtures), "--model", str(random_model),
                 "--json", str(report)]) == 0
    out = capsys.readouterr().out
    assert "noisy" in out and "float" in out and ("STOI@0dB" in out or "STOI@5dB" in out)
    payload = json.loads(report.read_text())
    assert payload["split"] == "test" and payload["mixtures"] == 4
    for system in ("noisy", "float"):
        assert 0.0 < payload["systems"][system]["stoi"] <= 1.0
        assert payload["systems"][system]["per_snr"]


def test_eval_of_a_missing_split_is_a_clear_error(small_mixtures, random_model, capsys):
    assert main(["eval", "--data", str(small_mixtures), "--split", "nope", "--model", str(random_model)]) == 2
    assert "nope" in capsys.readouterr().err


def test_demo_writes_wavs_and_spectrogram(random_model, tmp_path, capsys):
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    out = tmp_path / "demo"
    assert main(["demo", "-o", str(out), "--model", str(random_model)]) == 0
    text = capsys.readouterr().out
    assert "STOI  noisy" in text and "espeak-ng" in text
    assert sorted(p.name for p in out.iterdir()) == ["clean.wav", "enhanced.wav", "noisy.wav", "spectrogram.png"]
