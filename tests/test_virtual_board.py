"""The board path on a virtual board: pynq's own Overlay, DMA driver and our DefaultIP
driver against a simulated device whose streams drive the Verilator-compiled RTL
(lutdnn.overlay.virtual_board).  Runs in the board environment (Python 3.10,
numpy 1.x, pynq; scripts/board_venv.sh, ``make test-board``); skipped elsewhere."""

import argparse
import shutil
from pathlib import Path

import numpy as np
import pytest

pynq = pytest.importorskip("pynq")
try:
    from lutdnn.model import weight_image
except ModuleNotFoundError as missing:   # the board environment has no torch, as a PYNQ board has none
    if missing.name != "torch":
        raise
    pytest.skip("this checkout's runtime still imports torch (the torch-free runtime of issue 8 is not merged)",
                allow_module_level=True)

from hw_testing import needs_tools  # noqa: E402

from lutdnn.accelerator.driver import StatusError  # noqa: E402
from lutdnn.accelerator.protocol import SPECTRUM_BEATS, IncompatibleImage  # noqa: E402
from lutdnn.accelerator.transport import AcceleratorError  # noqa: E402
from lutdnn.host import enhance  # noqa: E402
from lutdnn.model.reference.accelerator import Accelerator  # noqa: E402
from lutdnn.overlay.accelerator_ip import LutdnnAccelerator, LutdnnOverlay  # noqa: E402
from lutdnn.overlay.pynq_transport import DmaTimeout  # noqa: E402
from lutdnn.overlay.virtual_board import VirtualBoard, write_overlay  # noqa: E402

pytestmark = needs_tools("verilator", "make", "g++")
FSDD = Path(__file__).resolve().parents[2] / "shared" / "data" / "fsdd"


@pytest.fixture
def board():
    board = VirtualBoard()
    previous = pynq.Device._active_device if hasattr(pynq.Device, "_active_device") else None
    pynq.Device.active_device = board
    yield board
    pynq.Device.active_device = previous


@pytest.fixture(scope="module")
def image():
    return weight_image.resolve(None)


@pytest.fixture(scope="module")
def frames(image):
    """Frames of s16 words of a real recording, as the host sends them."""
    from lutdnn.core.audio import read_recording
    from lutdnn.core.framing import analyze
    from lutdnn.core.level import level_gain
    from lutdnn.model.reference.formats import spectrum_to_words
    if not FSDD.is_dir():
        pytest.skip("the shared speech data is not beside the repository")
    signal = read_recording(sorted(FSDD.glob("*.wav"))[0]).signal
    return spectrum_to_words(analyze(signal * level_gain(signal, image.level_dbfs)))


def open_driver(tmp_path, timeout_s=1.0, **overlay):
    return LutdnnOverlay(write_overlay(tmp_path, **overlay)).driver(timeout_s)


def run_enhance(argv):
    parser = argparse.ArgumentParser()
    enhance.register(parser.add_subparsers())
    args = parser.parse_args(["enhance", *argv])
    return args.func(args)


def test_pynq_binds_its_dma_driver_and_ours_by_vlnv(board, tmp_path):
    overlay = LutdnnOverlay(write_overlay(tmp_path))
    assert type(overlay.lutdnn_accelerator_0) is LutdnnAccelerator
    assert type(overlay.axi_dma) is pynq.lib.dma.DMA
    assert overlay.driver().build.lanes == 16
    registers = overlay.lutdnn_accelerator_0.register_map      # pynq's view of the register table
    assert int(registers.ID) == 0x4C555444 and int(registers.HW_PARAMS.LANES) == 16


def test_whole_recordings_through_the_board_backend_equal_sim(board, tmp_path):
    if not FSDD.is_dir():
        pytest.skip("the shared speech data is not beside the repository")
    recordings = tmp_path / "in"
    recordings.mkdir()
    for wav in sorted(FSDD.glob("*.wav"))[:2]:
        shutil.copy(wav, recordings)
    bit = write_overlay(tmp_path / "overlay")
    assert run_enhance([str(recordings), "-o", str(tmp_path / "board"), "--backend", "board",
                        "--overlay", str(bit)]) == 0
    assert run_enhance([str(recordings), "-o", str(tmp_path / "sim"), "--backend", "sim"]) == 0
    for wav in recordings.iterdir():
        assert (tmp_path / "board" / wav.name).read_bytes() == (tmp_path / "sim" / wav.name).read_bytes()
    assert board.frames_done > 100


def test_flush_before_every_send_and_invalidate_after_every_receive(board, tmp_path, image, frames):
    driver = open_driver(tmp_path)
    driver.load(image)
    board.ops.clear()
    driver.clear_context()
    driver.run_frames(frames[0][:3], frames[1][:3])
    spectrum, code, output = (driver.transport.buffer(name, count) for name, count in
                              [("spectrum", SPECTRUM_BEATS), ("code", len(driver._codes)),
                               ("output", SPECTRUM_BEATS)])
    per_frame = [("flush", spectrum.physical_address, spectrum.nbytes),
                 ("MM2S", spectrum.physical_address, spectrum.nbytes),
                 ("flush", code.physical_address, code.nbytes), ("MM2S", code.physical_address, code.nbytes),
                 ("S2MM", output.physical_address, output.nbytes),
                 ("invalidate", output.physical_address, output.nbytes)]
    assert board.ops == per_frame * 3
    assert code.nbytes == 150528


def test_a_dma_that_never_completes_times_out_naming_the_channel_then_recovers(board, tmp_path, image, frames):
    driver = open_driver(tmp_path, timeout_s=0.2)
    driver.load(image)
    board.hang_s2mm = True
    with pytest.raises(DmaTimeout, match=r"the S2MM channel of AXI DMA 'axi_dma' did not finish within 0.2 s "
                                         r"\(DMASR 0x00000000: none; accelerator STATUS"):
        driver.run_frames(frames[0][:2], frames[1][:2])
    board.hang_s2mm = False
    re, im = frames[0][:6], frames[1][:6]
    got_re, got_im, _ = driver.run_recording(re, im)
    want_re, want_im = Accelerator(image).process(re, im)
    assert np.array_equal(got_re, want_re) and np.array_equal(got_im, want_im)


def test_a_status_error_mid_stream_is_named_and_recovered(board, tmp_path, image, frames):
    driver = open_driver(tmp_path)
    driver.load(image)
    re, im = frames[0][:8], frames[1][:8]
    board.glitch_after_frames = 3
    driver.clear_context()
    with pytest.raises(StatusError, match=r"frame 2: the accelerator flagged ERROR, IDLE, BAD_LUT_SHIFT"):
        driver.run_frames(re, im)
    driver.recover()
    board.frames_done = 0
    got_re, got_im, _ = driver.run_recording(re, im)     # the glitch hits frame 2 again; the retry is clean
    assert board.frames_done == 3 + len(re)
    want_re, want_im = Accelerator(image).process(re, im)
    assert np.array_equal(got_re, want_re) and np.array_equal(got_im, want_im)


def test_a_status_error_in_a_stream_replays_the_lost_context(board, tmp_path, image, frames):
    """Streaming (the live path) continues the context across calls: a recovery mid-stream must
    replay the frames the emptied context held, or the next seven outputs would differ from sim."""
    driver = open_driver(tmp_path)
    driver.load(image)
    re, im = frames[0][:14], frames[1][:14]
    driver.clear_context()
    first_re, first_im, _ = driver.run_continuing(re[:9], im[:9])
    board.frames_done = 0
    board.glitch_after_frames = 3
    second_re, second_im, _ = driver.run_continuing(re[9:], im[9:])
    assert board.frames_done == 3 + 7 + len(re[9:])     # failed frames, replayed context, the block again
    want_re, want_im = Accelerator(image).process(re, im)
    assert np.array_equal(np.concatenate([first_re, second_re]), want_re)
    assert np.array_equal(np.concatenate([first_im, second_im]), want_im)


def test_a_dma_with_a_14_bit_length_register_is_refused(board, tmp_path, image):
    driver = open_driver(tmp_path, length_width=14)
    with pytest.raises(AcceleratorError, match=r"the code packet is 150528 bytes but the AXI DMA 'axi_dma' "
                                               r"moves at most 16383 bytes per transfer"):
        driver.load(image)


def test_overlays_and_images_the_driver_cannot_use_are_refused(board, tmp_path, image):
    bit = write_overlay(tmp_path / "no_hwh")
    bit.with_suffix(".hwh").unlink()
    with pytest.raises(AcceleratorError, match=r"lutdnn.bit has no lutdnn.hwh beside it"):
        LutdnnOverlay(bit)
    with pytest.raises(AcceleratorError, match="overlay not found"):
        LutdnnOverlay(tmp_path / "missing.bit")
    with pytest.raises(IncompatibleImage, match="the image is packed for 16 lanes, the hardware has 8"):
        pynq.Device.active_device = VirtualBoard(lanes=8)
        open_driver(tmp_path / "eight").load(image)


def test_an_overlay_without_the_ip_is_refused(board, tmp_path, monkeypatch):
    from lutdnn.overlay import virtual_board
    description = virtual_board.ip_description()
    del description["lutdnn_accelerator_0"]
    monkeypatch.setattr(virtual_board, "ip_description", lambda length_width=26: description)
    with pytest.raises(AcceleratorError, match=r"has 0 IPs of type lutdnn.org:lutdnn:lutdnn_accelerator:1.0"):
        LutdnnOverlay(write_overlay(tmp_path))


def test_the_command_line_reports_a_missing_overlay_and_a_short_dma(board, tmp_path):
    wav = sorted(FSDD.glob("*.wav"))[0] if FSDD.is_dir() else pytest.skip("no shared speech data")
    with pytest.raises(enhance.CommandError, match=r"cannot open the overlay .*missing.bit: overlay not found"):
        run_enhance([str(wav), "-o", str(tmp_path / "out.wav"), "--backend", "board",
                     "--overlay", str(tmp_path / "missing.bit")])
    bit = write_overlay(tmp_path / "short", length_width=14)
    with pytest.raises(enhance.CommandError, match=r"moves at most 16383 bytes per transfer"):
        run_enhance([str(wav), "-o", str(tmp_path / "out.wav"), "--backend", "board", "--overlay", str(bit)])
    assert not (tmp_path / "out.wav").exists()
