"""``lutdnn enhance``: formats, rates, channels, exact length, and the error paths."""

import numpy as np
import pytest
import soundfile as sf

from lutdnn.host.cli import main


def tone(rate, seconds=0.5, channels=1):
    t = np.arange(int(rate * seconds)) / rate
    x = 0.3 * np.sin(2 * np.pi * 440 * t)
    return np.stack([x] * channels, axis=1) if channels > 1 else x


@pytest.mark.parametrize("rate,subtype,channels", [
    (8000, "PCM_16", 1), (16000, "PCM_24", 2), (44100, "FLOAT", 1), (22050, "PCM_32", 3), (8000, "PCM_U8", 1)])
def test_output_keeps_rate_and_length(tmp_path, random_model, rate, subtype, channels, capsys):
    src, dst = tmp_path / "in.wav", tmp_path / "out.wav"
    sf.write(src, tone(rate, channels=channels), rate, subtype=subtype)
    assert main(["enhance", str(src), "-o", str(dst), "--model", str(random_model)]) == 0
    info_in, info_out = sf.info(src), sf.info(dst)
    assert info_out.samplerate == rate and info_out.frames == info_in.frames and info_out.channels == 1
    if channels > 1:
        assert "downmixed" in capsys.readouterr().err


@pytest.mark.parametrize("make,message", [
    (lambda p: sf.write(p, np.zeros(0), 8000), "empty"),
    (lambda p: sf.write(p, np.zeros(100), 8000), "too short"),
    (lambda p: sf.write(p, np.full(4000, np.nan), 8000, subtype="FLOAT"), "non-finite"),
    (lambda p: p.write_bytes(b"RIFF....garbage"), "cannot read"),
])
def test_bad_input_named_in_error(tmp_path, random_model, make, message, capsys):
    src = tmp_path / "bad.wav"
    make(src)
    dst = tmp_path / "out.wav"
    assert main(["enhance", str(src), "-o", str(dst), "--model", str(random_model)]) == 2
    err = capsys.readouterr().err
    assert message in err and "bad.wav" in err
    assert not dst.exists() and not list(tmp_path.glob(".*.tmp*"))


def test_folder_mode_continues_past_bad_files(tmp_path, random_model, capsys):
    src = tmp_path / "in"
    src.mkdir()
    sf.write(src / "a.wav", tone(8000), 8000)
    (src / "b.wav").write_bytes(b"junk")
    sf.write(src / "c.wav", tone(16000), 16000)
    out = tmp_path / "out"
    assert main(["enhance", str(src), "-o", str(out), "--model", str(random_model)]) == 1
    assert sorted(p.name for p in out.iterdir()) == ["a.wav", "c.wav"]
    assert "b.wav" in capsys.readouterr().err


def test_missing_input_model_and_unknown_backend(tmp_path, random_model, capsys):
    assert main(["enhance", str(tmp_path / "nope.wav"), "-o", str(tmp_path / "o.wav")]) == 2
    assert "input not found" in capsys.readouterr().err
    src = tmp_path / "in.wav"
    sf.write(src, tone(8000), 8000)
    assert main(["enhance", str(src), "-o", str(tmp_path / "o.wav"), "--model", str(tmp_path / "m.npz")]) == 2
    assert "model file not found" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["enhance", str(src), "-o", str(tmp_path / "o.wav"), "--backend", "gpu"])
