"""``lutdnn enhance`` streams a recording block by block: the same samples as the whole-file path, bounded memory.

The reference below is the whole-recording path enhance took before it
streamed (read it all, resample_poly, the engine over the padded recording in
FILE_BLOCK_HOPS-hop blocks, resample_poly back, cut to length, write): the
streamed files must hold exactly its samples.
"""

import argparse
import subprocess
import sys
from math import gcd

import numpy as np
import pytest
import soundfile as sf
from scipy.signal import resample_poly

from lutdnn.core import audio
from lutdnn.core.atomic_write import is_temporary
from lutdnn.core.framing import HOP, SAMPLE_RATE
from lutdnn.host import cli
from lutdnn.host.backends import open_backend
from lutdnn.host.stream import DELAY, FILE_BLOCK_HOPS, StreamEngine

READ_BLOCK = 5000     # frames per read in these tests: divides none of the lengths below


def whole_file_enhance(path, backend):
    data, rate = sf.read(str(path), dtype="float64", always_2d=True)
    g = gcd(rate, SAMPLE_RATE)
    mono = data.mean(axis=1)
    signal = mono if rate == SAMPLE_RATE else resample_poly(mono, SAMPLE_RATE // g, rate // g)
    engine = StreamEngine(open_backend(backend))
    padded = np.zeros(-(-(len(signal) + DELAY) // HOP) * HOP)
    padded[:len(signal)] = signal
    step = FILE_BLOCK_HOPS * HOP
    for i in range(0, len(padded), step):
        padded[i:i + step] = engine.process(padded[i:i + step])
    enhanced = padded[DELAY:DELAY + len(signal)]
    back = enhanced if rate == SAMPLE_RATE else resample_poly(enhanced, rate // g, SAMPLE_RATE // g)
    out = np.zeros(len(data))
    out[:min(len(back), len(out))] = back[:len(out)]
    return out, rate


def speech_like(rate, frames, channels, seed):
    t = np.arange(frames) / rate
    rng = np.random.default_rng(seed)
    x = 0.2 * np.sin(2 * np.pi * 440 * t) * (np.sin(2 * np.pi * 1.5 * t) > 0) + 0.03 * rng.standard_normal(frames)
    x[:500] = 0.0                            # digital silence first
    return np.stack([x, -0.5 * x], axis=1) if channels == 2 else x


CASES = {   # name: rate, channels, subtype, frames (two engine blocks and a tail at 8 kHz; odd lengths)
    "8k.wav": (8000, 1, "PCM_16", 2 * FILE_BLOCK_HOPS * HOP + 1234),
    "44k_stereo.wav": (44100, 2, "PCM_24", 3 * 44100 + 777),
    "48k.flac": (48000, 1, "PCM_16", 2 * 48000 + 11),
    "22k_loud.wav": (22050, 1, "FLOAT", 22050 + 1),      # float output: no clipping, values beyond 1
}


@pytest.mark.parametrize("backend", ["float", "sim"])
@pytest.mark.parametrize("name", CASES)
def test_streamed_output_holds_the_whole_file_paths_samples(tmp_path, monkeypatch, backend, name):
    rate, channels, subtype, frames = CASES[name]
    src, dst = tmp_path / name, tmp_path / f"out_{name}"
    x = speech_like(rate, frames, channels, seed=len(name))
    sf.write(src, 8 * x if "loud" in name else x, rate, subtype=subtype)
    monkeypatch.setattr(audio, "BLOCK_FRAMES", READ_BLOCK)
    assert cli.main(["enhance", str(src), "-o", str(dst), "--backend", backend]) == 0
    want, _ = whole_file_enhance(src, backend)
    expected = tmp_path / f"expected_{name}"
    sf.write(expected, want if subtype in ("FLOAT", "DOUBLE") else np.clip(want, -1.0, 1.0 - 2.0 ** -15),
             rate, subtype=sf.info(dst).subtype)
    got, got_rate = sf.read(dst, dtype="float64")
    assert got_rate == rate and sf.info(dst).subtype == sf.info(expected).subtype
    assert np.array_equal(got, sf.read(expected, dtype="float64")[0])


def test_an_error_in_a_late_block_leaves_the_old_output_and_no_temporary(tmp_path, monkeypatch, capsys):
    src, dst = tmp_path / "in.wav", tmp_path / "out.wav"
    x = speech_like(8000, 40_000, 1, seed=3)
    x[-10] = np.nan                           # read long after the output file was begun
    sf.write(src, x, 8000, subtype="FLOAT")
    dst.write_bytes(b"an earlier result")
    monkeypatch.setattr(audio, "BLOCK_FRAMES", READ_BLOCK)
    assert cli.main(["enhance", str(src), "-o", str(dst), "--backend", "sim"]) == 2
    assert "in.wav: the recording contains non-finite samples" in capsys.readouterr().err
    assert dst.read_bytes() == b"an earlier result"
    assert not [p for p in tmp_path.iterdir() if is_temporary(p)]


def test_the_command_table_names_each_commands_module():
    for module in cli.COMMAND_MODULES:
        sub = argparse.ArgumentParser().add_subparsers()
        __import__(module, fromlist=["register"]).register(sub)
        assert {name: cli.COMMAND_MODULE.get(name) for name in sub.choices} == dict.fromkeys(sub.choices, module)
    assert set(cli.COMMAND_MODULE.values()) == set(cli.COMMAND_MODULES)


@pytest.mark.parametrize("backend", ["float", "sim"])
def test_enhance_loads_neither_torch_nor_scipy_signal(tmp_path, backend):
    """What keeps a 10-minute recording under 150 MB (benchmarks/enhance_memory.py measures it)."""
    src = tmp_path / "in.wav"
    sf.write(src, speech_like(48000, 48000, 1, seed=4), 48000)   # resampled both ways
    probe = ("import sys; from lutdnn.host.cli import main; "
             "assert main(sys.argv[1:]) == 0; "
             "print(sorted(m for m in ('torch', 'scipy.signal') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe, "enhance", str(src), "-o", str(tmp_path / "o.wav"),
                           "--backend", backend], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"
