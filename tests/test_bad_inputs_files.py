"""Hardening catalogue: ``enhance`` inputs, outputs, folder runs and interruptions (docs/errors.md).

Every case ends in a clear error naming the file (exit 2), a per-file report in a folder run
(exit 1, the other files done) or a correct result with a warning; never a traceback, a
partial file or a stray temporary.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from lutdnn.core import atomic_write
from lutdnn.core.audio import write_audio
from lutdnn.host.backends import open_backend
from lutdnn.host.cli import main
from lutdnn.host.stream import enhance_signal

REPO = Path(__file__).resolve().parents[1]


def tone(seconds=0.5, rate=8000, amplitude=0.3):
    t = np.arange(int(rate * seconds)) / rate
    return amplitude * np.sin(2 * np.pi * 440 * t)


def enhance(src, dst, model, *extra):
    return main(["enhance", str(src), "-o", str(dst), "--model", str(model), *extra])


def temporaries(folder):
    return [p for p in Path(folder).rglob("*") if atomic_write.is_temporary(p)]


@pytest.fixture
def wav(tmp_path):
    path = tmp_path / "in.wav"
    sf.write(path, tone(), 8000)
    return path


def fifo(path):
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("output, message", [
    (lambda d, src: d / "afile" / "out.wav", "is a file, not a folder"),
    (lambda d, src: Path("/proc/lutdnn-out.wav"), "cannot write"),
    (lambda d, src: fifo(d / "pipe.wav"), "not a regular file"),
    (lambda d, src: Path("/dev/null"), "cannot write 'no suffix' audio"),
    (lambda d, src: src, "is the input"),
    (lambda d, src: src.parent, "is the input"),   # a folder: the output would be IN/in.wav
    (lambda d, src: d / "out.mp3", "cannot write '.mp3' audio"),
], ids=["under-a-file", "proc", "fifo", "device", "the-input", "the-input-folder", "mp3"])
def test_bad_output_names_are_clear_errors(tmp_path, wav, random_model, capsys, output, message):
    (tmp_path / "afile").write_text("a regular file")
    before = wav.read_bytes()
    dst = output(tmp_path, wav)
    assert enhance(wav, dst, random_model) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert wav.read_bytes() == before and not temporaries(tmp_path)


def test_a_device_with_a_wav_name_is_not_replaced(tmp_path, wav, random_model, capsys):
    device = tmp_path / "null.wav"
    os.symlink("/dev/null", device)
    assert enhance(wav, device, random_model) == 2
    assert "not a regular file" in capsys.readouterr().err
    assert os.readlink(device) == "/dev/null" and Path("/dev/null").is_char_device()


@pytest.mark.parametrize("suffix, container", [(".wav", "WAV"), (".flac", "FLAC"), (".ogg", "OGG"),
                                                (".FLAC", "FLAC")])
def test_the_output_name_chooses_the_format(tmp_path, wav, random_model, suffix, container):
    dst = tmp_path / f"out{suffix}"
    assert enhance(wav, dst, random_model) == 0
    info = sf.info(dst)
    assert info.format == container and info.frames == sf.info(wav).frames


def test_a_truncated_wav_is_enhanced_with_a_warning(tmp_path, random_model, capsys):
    full, cut = tmp_path / "full.wav", tmp_path / "cut.wav"
    sf.write(full, tone(1.0), 8000, subtype="PCM_16")
    data = full.read_bytes()
    cut.write_bytes(data[:len(data) // 2])
    assert enhance(cut, tmp_path / "out.wav", random_model) == 0
    err = capsys.readouterr().err
    present = sf.info(cut).frames
    assert f"cut.wav: truncated file: its header declares 8000 samples, only {present} are present" in err
    assert sf.info(tmp_path / "out.wav").frames == present


def test_links_that_lead_nowhere_are_named(tmp_path, random_model, capsys):
    loop, dangling = tmp_path / "loop.wav", tmp_path / "dangling.wav"
    os.symlink(loop, loop)
    os.symlink(tmp_path / "gone.wav", dangling)
    assert enhance(loop, tmp_path / "o.wav", random_model) == 2
    assert "loop.wav: symbolic link loop" in capsys.readouterr().err
    assert enhance(dangling, tmp_path / "o.wav", random_model) == 2
    assert "dangling.wav: dangling symbolic link" in capsys.readouterr().err


def test_folder_run_reports_every_failure_and_does_the_rest(tmp_path, random_model, capsys):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for name in ("a.wav", "c.wav", "e.wav"):
        sf.write(src / name, tone(), 8000)
    (src / "b.wav").write_bytes(b"not audio")                      # read error
    (out / "c.wav").mkdir(parents=True)                             # write error: the name is a folder
    os.symlink(src / "gone.wav", src / "d.wav")                    # dangling link
    os.symlink(src / "loop.wav", src / "loop.wav")                 # link loop
    (src / "sub").mkdir()
    sf.write(src / "x.flac", tone(), 8000)
    (src / "notes.txt").write_text("")
    assert enhance(src, out, random_model) == 1
    err = capsys.readouterr().err
    for problem in ("b.wav: cannot read", "c.wav: is a folder", "d.wav: dangling symbolic link",
                    "loop.wav: symbolic link loop"):
        assert problem in err
    assert "skipped in" in err and "1 subfolder (sub)" in err and "2 non-wav files (notes.txt, x.flac)" in err
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == ["a.wav", "e.wav"]
    assert not temporaries(tmp_path) and "Traceback" not in err


def test_folder_run_refuses_its_own_input_as_output(tmp_path, random_model, capsys):
    sf.write(tmp_path / "a.wav", tone(), 8000)
    before = (tmp_path / "a.wav").read_bytes()
    assert enhance(tmp_path, tmp_path, random_model) == 2
    assert "is the input folder" in capsys.readouterr().err
    assert (tmp_path / "a.wav").read_bytes() == before


def test_a_later_run_removes_temporaries_an_interrupted_one_left(tmp_path, random_model, capsys):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    out.mkdir()
    sf.write(src / "a.wav", tone(), 8000)
    stale = atomic_write.temporary_path(out / "old.wav")
    stale.write_bytes(b"half a file")
    (out / ".notes.tmp").write_text("the user's own")
    assert enhance(src, out, random_model) == 0
    assert f"removed {stale}" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == [".notes.tmp", "a.wav"]


@pytest.mark.parametrize("target", ["a.wav", "out", "m.pt.ckpt", ".hidden.flac", "x.tmp"])
def test_temporary_names_map_back_to_their_target(tmp_path, target):
    tmp = atomic_write.temporary_path(tmp_path / target)
    assert atomic_write.target_of(tmp) == tmp_path / target
    assert atomic_write.target_of(tmp_path / target) is None


@pytest.mark.parametrize("subtype, clipped", [("PCM_16", 2), ("FLOAT", 0)])
def test_clipping_is_counted_where_the_format_clips(tmp_path, subtype, clipped):
    assert write_audio(tmp_path / "x.wav", np.array([0.0, 1.5, -1.2, 0.99]), 8000, subtype) == clipped


@pytest.mark.parametrize("backend", ["float", "sim"])
def test_a_full_scale_square_wave_is_not_clipped_silently(tmp_path, capsys, backend):
    t = np.arange(16000) / 8000
    sf.write(tmp_path / "square.wav", np.where(np.sin(2 * np.pi * 200 * t) >= 0, 1.0, -1.0) * (1 - 2 ** -15),
             8000, subtype="PCM_16")
    assert main(["enhance", str(tmp_path / "square.wav"), "-o", str(tmp_path / "out.wav"), "--backend", backend]) == 0
    err = capsys.readouterr().err
    # the enhanced samples beyond the 16-bit range are the clipped ones; a sample just inside it may
    # still round onto a rail, so the file's rail count is a bound, not the figure
    enhanced = enhance_signal(sf.read(tmp_path / "square.wav")[0], open_backend(backend))
    beyond = np.count_nonzero((enhanced > 1 - 2 ** -15) | (enhanced < -1))
    assert (f"{beyond} of {len(enhanced)} samples" in err) if beyond else "clipped" not in err
    out = sf.read(tmp_path / "out.wav", dtype="int16")[0]
    assert np.count_nonzero((out == 32767) | (out == -32768)) >= beyond


# --- interruptions ---------------------------------------------------------------------------

WRITER = """
import sys, time
from lutdnn.core.atomic_write import atomic_path, terminate_cleanly
terminate_cleanly()
try:
    with atomic_path(sys.argv[1]) as tmp:
        with open(tmp, "wb") as f:
            f.write(b"partial")
            f.flush()
            print("writing", flush=True)
            time.sleep(60)
except KeyboardInterrupt:
    sys.exit(130)
"""


def command(*argv):
    return [sys.executable, *argv]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_during_a_write_leaves_the_old_file_and_no_temporary(tmp_path, signum):
    target = tmp_path / "result.bin"
    target.write_bytes(b"previous result")
    child = subprocess.Popen(command("-c", WRITER, str(target)), stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "writing\n"
        assert atomic_write.temporary_path(target).exists()
        child.send_signal(signum)
        assert child.wait(timeout=30) == 130
    finally:
        child.kill()
    assert target.read_bytes() == b"previous result" and not temporaries(tmp_path)


MOMENTS = {   # when the signal is sent: while the first output is being written, or after it is done
    "while-writing": lambda out: any(atomic_write.is_temporary(p) for p in out.iterdir()),
    "between-files": lambda out: any(not atomic_write.is_temporary(p) for p in out.iterdir()),
}


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_folder_run_killed_midway_leaves_whole_files_only(tmp_path, random_model, signum, status, moment):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for n in range(8):
        sf.write(src / f"{n:02d}.wav", tone(20.0, rate=48000), 48000, subtype="FLOAT")
    child = subprocess.Popen(command("-m", "lutdnn.host.cli", "enhance", str(src), "-o", str(out),
                                     "--model", str(random_model)),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not (out.is_dir() and MOMENTS[moment](out)) and time.monotonic() < deadline:
            time.sleep(0.001)
        child.send_signal(signum)
        assert child.wait(timeout=60) == status
    finally:
        child.kill()
    assert "interrupted" in child.stderr.read()
    written = list(out.iterdir())
    assert len(written) < 8 and not temporaries(tmp_path)
    for path in written:
        assert sf.info(path).frames == 20 * 48000
        assert np.isfinite(sf.read(path)[0]).all()


def test_quantize_refuses_a_folder_as_its_output(random_model, tmp_path, capsys):
    assert main(["quantize", str(random_model), "--scheme", "8u", "--fraction-bits", "12,13",
                 "-o", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err and not temporaries(tmp_path)


@pytest.mark.parametrize("argv", [
    lambda d, model, data: ["eval", "--data", str(data()), "--limit", "1", "--model", str(model),
                            "--json", str(d / "afile" / "r.json")],
    lambda d, model, data: ["demo", "-o", str(d / "afile"), "--model", str(model)],
], ids=["eval-json", "demo"])
def test_other_commands_name_an_output_they_cannot_write(tmp_path, random_model, capsys, request, argv):
    (tmp_path / "afile").write_text("a regular file")
    assert main(argv(tmp_path, random_model, lambda: request.getfixturevalue("small_mixtures"))) == 2
    err = capsys.readouterr().err
    assert "afile" in err and "Traceback" not in err
