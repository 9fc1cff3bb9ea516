"""The accelerator top level through its AXI ports: MyHDL simulation and Icarus
cosimulation of the generated Verilog, bit-exact against the reference; lint;
deterministic conversion."""

import numpy as np
import pytest
from hw_bench import TopPorts, data_dir_or_none, output_words, random_image, speech_words, top_bench
from hw_testing import converted_under_hash_seeds, needs_tools

from lutdnn.accelerator import protocol
from lutdnn.hw.flow.icarus import cosimulation
from lutdnn.hw.rtl import axi_lite as reg
from lutdnn.hw.rtl.accelerator_top import accelerator_top
from lutdnn.hw.rtl.frame_controller import SPECTRUM_BEATS
from lutdnn.model.reference.accelerator import Accelerator


def icarus_top(build_dir):
    """A DUT factory for top_bench: the top level converted and cosimulated under Icarus."""
    def make(clk, reset, s_axis, m_axis, s_axi):
        return cosimulation(accelerator_top(clk, reset, s_axis, m_axis, s_axi), build_dir, timeout_s=600)
    return make


def run_top(dut, image, re, im, **kw):
    ports, out, status = TopPorts(), [], []
    top_bench(dut, ports, image, re, im, out, status, **kw).run_sim(quiet=1)
    return out, status


def check_frames(out, image, re, im):
    got_re, got_im, lasts = output_words(out)
    want_re, want_im = Accelerator(image).process(re, im)
    assert np.array_equal(got_re, want_re) and np.array_equal(got_im, want_im)
    assert lasts[:, -1].all() and not lasts[:, :-1].any()


def assert_frames_bit_exact(dut, image_seed, frames, start, **kw):
    """``frames`` speech frames from ``start`` through ``dut``: the reference's output, no error."""
    image = random_image(image_seed)
    re, im = speech_words(data_dir_or_none(), frames=frames, start=start)
    out, (status, _, frames_done) = run_top(dut, image, re, im, **kw)
    check_frames(out, image, re, im)
    assert status == reg.STATUS_IDLE and frames_done == frames


def test_myhdl_frame_with_backpressure_bit_exact():
    assert_frames_bit_exact(accelerator_top, 13, frames=1, start=12, seed=1, gap=0.2, stall=0.3)


@needs_tools("iverilog")
def test_icarus_consecutive_frames_bit_exact(tmp_path):
    assert_frames_bit_exact(icarus_top(tmp_path), 14, frames=3, start=10, seed=2, gap=0.1, stall=0.2)


@needs_tools("iverilog")
def test_icarus_early_tlast_flags_error_then_recovers(tmp_path):
    image = random_image(16)
    re, im = speech_words(data_dir_or_none(), frames=2, start=10)
    codes = protocol.code_beats(image)
    early = np.zeros(SPECTRUM_BEATS, bool)
    early[3] = True
    packets = [(protocol.spectrum_beats(re[0], im[0])[:4], early[:4]),
               (protocol.spectrum_beats(re[1], im[1]), protocol.last_flags(SPECTRUM_BEATS)),
               (codes, protocol.last_flags(len(codes)))]
    out, (status, _, frames) = run_top(icarus_top(tmp_path), image, re, im, packets=(packets, 1))
    check_frames(out, image, re[1:], im[1:])
    assert status == reg.STATUS_IDLE | reg.STATUS_ERROR | reg.ERROR_EARLY_TLAST and frames == 1


@needs_tools("verilator")
@pytest.mark.parametrize("lanes, max_code_bits", [(16, 4), (8, 8)])
def test_top_lints_clean(tmp_path, lanes, max_code_bits):
    """(The shift build's lint: tests/test_hw_cli.py, on what ``lutdnn hw verilog --shift-lanes`` writes.)"""
    from lutdnn.hw.flow.lint import WAIVERS, lint
    from lutdnn.hw.flow.top_verilog import TOP
    from lutdnn.hw.flow.top_verilog import WAIVERS as TOP_WAIVERS
    from lutdnn.hw.flow.top_verilog import generate_verilog
    converted = generate_verilog(tmp_path, lanes, max_code_bits)
    lint(converted.verilog, TOP, waivers=(WAIVERS, TOP_WAIVERS))


def test_verilog_is_deterministic(tmp_path):
    script = ("import sys; from pathlib import Path; from lutdnn.hw.flow.top_verilog import generate_verilog; "
              "generate_verilog(sys.argv[1]); generate_verilog(Path(sys.argv[1], 'shift'), shift_lanes=True)")
    outputs = converted_under_hash_seeds(script, tmp_path, ["accelerator_top.v", "shift/accelerator_top.v"],
                                         seeds=("1", "2"))
    assert len(set(map(tuple, outputs.values()))) == 1
    assert outputs["1"][0] != outputs["1"][1]
