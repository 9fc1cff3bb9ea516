"""``lutdnn quantize``: writes a loadable image, prints the accounting, names bad input."""

import argparse

import pytest

from lutdnn.core.errors import CommandError
from lutdnn.model import weight_image
from lutdnn.model.quantize import cli as quantize_cli


def run(argv):
    parser = argparse.ArgumentParser()
    quantize_cli.register(parser.add_subparsers())
    args = parser.parse_args(["quantize", *argv])
    return args.func(args)


def test_writes_an_image(random_model, tmp_path, capsys):
    out = tmp_path / "img" / "w.bin"
    assert run([str(random_model), "--scheme", "4rsvb/8u", "-o", str(out), "--fraction-bits", "12,13"]) == 0
    image = weight_image.load(out)
    assert image.description == "4rsvb/8u" and image.weight_bytes == 165120
    text = capsys.readouterr().out
    assert "weights only: 165120 bytes" in text and "alpha=" in text and f"image total: {out.stat().st_size}" in text


@pytest.mark.parametrize("argv, message", [
    (["--scheme", "5u", "--fraction-bits", "12,12"], "code bits"),
    (["--scheme", "4rsvb"], "--data"),
    (["--scheme", "4rsvb+ec", "--fraction-bits", "12,12"], "calibration"),
])
def test_user_errors_are_named(random_model, tmp_path, argv, message):
    with pytest.raises(CommandError, match=message):
        run([str(random_model), "-o", str(tmp_path / "w.bin"), *argv])
    assert not (tmp_path / "w.bin").exists()


def test_missing_model(tmp_path):
    with pytest.raises(CommandError, match="not found"):
        run([str(tmp_path / "none.pt"), "--scheme", "8u", "-o", str(tmp_path / "w.bin"), "--fraction-bits", "9,9"])


def test_calibrates_on_validation_mixtures(random_model, tmp_path, shared_data, capsys):
    from lutdnn.model.data.mixtures import build
    data = tmp_path / "mixtures"
    build(shared_data / "fsdd", shared_data / "noise", data, synthetic_minutes=0, ood_items=1, max_items=4)
    out = tmp_path / "w.bin"
    assert run([str(random_model), "--scheme", "4rsvb+ec", "-o", str(out), "--data", str(data)]) == 0
    assert "calibration: " in capsys.readouterr().out
    assert weight_image.load(out).weight_bytes == 148608
