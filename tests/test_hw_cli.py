"""``lutdnn hw verilog`` and ``lutdnn hw report``."""

import re

import pytest
from hw_testing import needs_tools

from lutdnn.host.cli import main


def test_verilog_writes_the_top_level(tmp_path, capsys):
    assert main(["hw", "verilog", "-o", str(tmp_path), "--lanes", "8", "--max-code-bits", "8"]) == 0
    text = (tmp_path / "accelerator_top.v").read_text()
    assert "module accelerator_top" in text and "s_axis_tdata" in text and "m_axis_tlast" in text
    assert not list(tmp_path.glob(".*"))          # no temporary leftovers


@pytest.mark.parametrize("args", [["--lanes", "16", "--max-code-bits", "8"], ["--max-code-bits", "5"],
                                  ["--lanes", "0"]])
def test_impossible_geometry_is_a_clear_error(tmp_path, capsys, args):
    assert main(["hw", "verilog", "-o", str(tmp_path), *args]) == 2
    assert "lutdnn: error:" in capsys.readouterr().err
    assert not (tmp_path / "accelerator_top.v").exists()


@needs_tools("verilator", "make", "g++")
def test_report_measures_cycles(capsys):
    assert main(["hw", "report", "--no-synth", "--frames", "2"]) == 0
    out = capsys.readouterr().out
    cycles = int(re.search(r"cycles per frame \(Verilator, median of 2\): (\d+)", out).group(1))
    assert 18576 < cycles <= 1.2 * 18576
    assert f"ratio {cycles / 18576:.3f} (target <= 1.2)" in out
    assert f"latency at 100 MHz: {cycles / 1e5:.3f} ms per frame against the 8 ms hop" in out


@needs_tools("verilator")
def test_verilog_of_the_shift_build_lints_clean_and_multiplies_nowhere_in_its_lanes(tmp_path, capsys):
    from lutdnn.hw.flow.lint import WAIVERS, lint
    from lutdnn.hw.flow.top_verilog import TOP
    from lutdnn.hw.flow.top_verilog import WAIVERS as TOP_WAIVERS
    assert main(["hw", "verilog", "-o", str(tmp_path), "--shift-lanes"]) == 0
    verilog = tmp_path / "accelerator_top.v"
    lint(verilog, TOP, waivers=(WAIVERS, TOP_WAIVERS))
    text = verilog.read_text()
    assert len(re.findall(r"mac_lanes0_lane\d+_shift", text)) == 16
    assert not re.search(r"mac_lanes0_lane\d+_product <= .*\*", text)


@needs_tools("verilator", "make", "g++")
def test_report_of_the_shift_build_measures_cycles(capsys):
    assert main(["hw", "report", "--no-synth", "--frames", "2", "--shift-lanes"]) == 0
    out = capsys.readouterr().out
    assert "P = 16 shift (no multipliers) lanes" in out
    cycles = int(re.search(r"cycles per frame \(Verilator, median of 2\): (\d+)", out).group(1))
    assert 18576 < cycles <= 1.2 * 18576
