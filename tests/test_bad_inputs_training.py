"""Hardening catalogue: ``data``, ``train``, ``eval`` and ``quantize`` options and files (docs/errors.md)."""

import json
import shutil

import numpy as np
import pytest
import soundfile as sf
import torch

from lutdnn.host.cli import main
from lutdnn.model import train as train_module
from lutdnn.model.data.data_split import DataError, read_wav


@pytest.mark.parametrize("argv, message", [
    (["train", "--data", "d", "-o", "m.pt", "--epochs", "0"], "--epochs: invalid int >= 1 value: '0'"),
    (["train", "--data", "d", "-o", "m.pt", "--mixtures", "0"], "--mixtures: invalid int >= 1 value"),
    (["train", "--data", "d", "-o", "m.pt", "--patience", "-1"], "--patience: invalid int >= 1 value"),
    (["train", "--data", "d", "-o", "m.pt", "--speech-mix", "voices=1"], "--speech-mix: invalid NAME=SHARE"),
    (["train", "--data", "d", "-o", "m.pt", "--speech-mix", "fsdd=-1"], "--speech-mix: invalid NAME=SHARE"),
    (["train", "--data", "d", "-o", "m.pt", "--noise-mix", "music=1"], "--noise-mix: invalid NAME=SHARE"),
    (["train", "--data", "d", "-o", "m.pt", "--learning-rate", "nan"], "--learning-rate: invalid float >= 1e-07"),
    (["train", "--data", "d", "-o", "m.pt", "--weight-decay", "inf"], "--weight-decay: invalid float >= 0.0"),
    (["train", "--data", "d", "-o", "m.pt", "--stoi-weight", "-1"], "--stoi-weight: invalid float >= 0.0"),
    (["train", "--data", "d", "-o", "m.pt", "--estoi-weight", "nan"], "--estoi-weight: invalid float >= 0.0"),
    (["train", "--data", "d", "-o", "m.pt", "--batch-mixtures", "0"], "--batch-mixtures: invalid int >= 1"),
    (["eval", "--data", "d", "--limit", "0"], "--limit: invalid int >= 1 value: '0'"),
    (["eval", "--data", "d", "--limit", "-3"], "--limit: invalid int >= 1 value: '-3'"),
    (["quantize", "m.pt", "--scheme", "8u", "-o", "w.img", "--calibration-mixtures", "-1"],
     "--calibration-mixtures: invalid int >= 1 value"),
    (["quantize", "m.pt", "--scheme", "8u", "-o", "w.img", "--lanes", "0"], "--lanes: invalid int >= 1 value"),
])
def test_out_of_range_counts_are_refused_by_the_parser(capsys, argv, message):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2 and message in capsys.readouterr().err


@pytest.mark.parametrize("level", ["200", "nan", "-inf"])
def test_train_refuses_a_level_no_image_could_carry(tmp_path, capsys, level):
    assert main(["train", "--data", str(tmp_path), "-o", str(tmp_path / "m.npz"), f"--level-dbfs={level}"]) == 2
    assert "bad network option: level_dbfs must be None or a number in [-80, 0] dBFS" in capsys.readouterr().err


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_data_refuses_non_finite_audio(tmp_path, bad):
    x = np.zeros(800, np.float32)
    x[100] = bad
    sf.write(tmp_path / "speech.wav", x, 8000, subtype="FLOAT")
    with pytest.raises(DataError, match="speech.wav holds non-finite samples"):
        read_wav(tmp_path / "speech.wav")


def test_eval_of_a_split_without_mixtures_is_an_error(small_mixtures, random_model, tmp_path, capsys):
    data = tmp_path / "mixtures"
    shutil.copytree(small_mixtures, data)
    manifest = json.loads((data / "manifest.json").read_text())
    manifest["splits"]["test"]["items"] = []
    (data / "manifest.json").write_text(json.dumps(manifest))
    assert main(["eval", "--data", str(data), "--model", str(random_model)]) == 2
    assert "holds no mixtures to score" in capsys.readouterr().err


def train(data, out, *extra):
    return main(["train", "--data", str(data), "-o", str(out), "--mixtures", "4", *extra])


@pytest.fixture
def one_epoch(small_mixtures, tmp_path):
    """A model trained one epoch and its checkpoint (``OUT.ckpt``)."""
    out = tmp_path / "m.pt"
    assert train(small_mixtures, out, "--epochs", "1") == 0
    return out, out.with_name("m.pt.ckpt")


@pytest.mark.parametrize("changed, field", [
    (["--level-dbfs", "-30"], "level_dbfs"),
    (["--output", "magnitude"], "output"),
    (["--seed", "3"], "seed"),
    (["--floor-strength", "0.5"], "floor_strength"),
    (["--weight-decay", "0.1"], "weight_decay"),
    (["--stoi-weight", "1"], "stoi_weight"),
    (["--estoi-weight", "1"], "estoi_weight"),
    (["--learning-rate", "1e-4"], "learning_rate"),
    (["--speech-mix", "fsdd=1"], "recipe.speech_shares"),
])
def test_resume_under_other_options_is_refused(small_mixtures, one_epoch, capsys, changed, field):
    out, ckpt = one_epoch
    before = ckpt.read_bytes()
    assert train(small_mixtures, out, "--epochs", "2", "--resume", *changed) == 2
    err = capsys.readouterr().err
    assert "cannot resume" in err and field in err
    assert ckpt.read_bytes() == before


def test_a_checkpoint_from_before_the_later_options_resumes_with_them_off(small_mixtures, one_epoch, capsys):
    out, ckpt = one_epoch
    blob = torch.load(ckpt, weights_only=False)
    del blob["net_config"]["floor_strength"]
    for key in ("weight_decay", "learning_rate", "stoi_weight", "estoi_weight", "batch_mixtures",
                "init"):
        del blob["train_config"][key]
    torch.save(blob, ckpt)
    assert train(small_mixtures, out, "--epochs", "2", "--resume") == 0
    assert "resumed from" in capsys.readouterr().out


@pytest.mark.parametrize("damage", [lambda b: b[:len(b) // 2], lambda b: b"\0" * 64])
def test_resume_from_a_damaged_checkpoint_is_refused(small_mixtures, one_epoch, capsys, damage):
    out, ckpt = one_epoch
    ckpt.write_bytes(damage(ckpt.read_bytes()))
    assert train(small_mixtures, out, "--epochs", "2", "--resume") == 2
    assert f"cannot resume: {ckpt} is damaged" in capsys.readouterr().err


def test_a_non_finite_loss_stops_training_and_keeps_the_last_good_checkpoint(
        small_mixtures, one_epoch, capsys, monkeypatch):
    out, ckpt = one_epoch
    model_before = out.read_bytes()
    finite_loss = train_module.training_loss
    # fault injection: the loss diverges in epoch 2, as a blown-up network's would
    monkeypatch.setattr(train_module, "training_loss", lambda *a, **k: finite_loss(*a, **k) * float("nan"))
    assert train(small_mixtures, out, "--epochs", "2", "--resume") == 2
    assert "the training loss became nan in epoch 2" in capsys.readouterr().err
    blob = torch.load(ckpt, weights_only=False)
    assert blob["epoch"] == 1 and all(torch.isfinite(v).all() for v in blob["net"].values())
    assert out.read_bytes() == model_before


def test_resume_refuses_a_checkpoint_with_non_finite_weights(small_mixtures, one_epoch, capsys):
    out, ckpt = one_epoch
    blob = torch.load(ckpt, weights_only=False)
    blob["net"]["fc1.bias"][0] = float("nan")
    torch.save(blob, ckpt)
    assert train(small_mixtures, out, "--epochs", "2", "--resume") == 2
    assert "holds non-finite weights" in capsys.readouterr().err


@pytest.mark.parametrize("options, message", [
    (["--speech-mix", "librispeech=1"], "draws librispeech speech but the pool has none"),
    (["--noise-folders", "street"], "no noise folder street in the data"),
    (["--recorded-reverb", "0.5"], "measured room responses but none were given"),
    (["--speech-mix", "fsdd=0"], "shares must be >= 0 with a positive sum"),
    (["--reverb", "1.5"], "reverb is a probability in [0, 1], got 1.5"),
])
def test_train_refuses_data_the_folder_does_not_hold(small_mixtures, tmp_path, capsys, options, message):
    assert train(small_mixtures, tmp_path / "m.npz", *options) == 2
    err = capsys.readouterr().err
    assert "cannot use training data" in err and message in err
    assert not (tmp_path / "m.npz").exists()
