"""The open place-and-route proxy (hw/flow/timing.py, ``lutdnn hw timing``): its
report parser on a real nextpnr run of a small block, and the command's errors.
The top level's run takes minutes: benchmarks/timing_fmax.py does it."""

import re

import pytest
from hw_testing import needs_tools
from myhdl import ResetSignal, Signal

from lutdnn.core.tools import ToolError
from lutdnn.host.cli import main
from lutdnn.hw.flow import timing
from lutdnn.hw.rtl.context_buffer import context_buffer
from lutdnn.hw.rtl.interfaces import ContextPort, context_write_port


def small_block():
    """The context buffer: a block RAM (a sub-block) and the ring logic around it."""
    return context_buffer(Signal(bool(0)), ResetSignal(0, active=1, isasync=False), ContextPort(),
                          context_write_port())


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("timing")
    return timing.time_design(small_block(), keep_dir=folder), folder


@needs_tools(timing.YOSYS, timing.NEXTPNR)
def test_the_summary_agrees_with_nextpnrs_own_log(small_run):
    result, folder = small_run
    log = (folder / "nextpnr.log").read_text()
    # the last figures in the log are the routed design's
    fmax = float(re.findall(r"Max frequency for clock 'clk': ([\d.]+) MHz", log)[-1])
    logic, routing = map(float, re.findall(r"([\d.]+) ns logic, ([\d.]+) ns routing", log)[-1])
    path = result.critical_path
    assert result.fmax_mhz == pytest.approx(fmax, abs=0.01) and result.target_mhz == timing.TARGET_MHZ
    assert (path.logic_ns, path.routing_ns) == (pytest.approx(logic, abs=0.01), pytest.approx(routing, abs=0.01))
    assert path.delay_ns == pytest.approx(1e3 / result.fmax_mhz, abs=0.01)
    assert f"Source {path.start}." in log and f"Sink {path.end}." in log
    assert set(path.blocks) <= {"context_buffer", "ram0"}


@needs_tools(timing.YOSYS, timing.NEXTPNR)
def test_the_histogram_is_contiguous_and_starts_at_the_critical_endpoint(small_run):
    result, folder = small_run
    bins = result.histogram
    assert all(a.high_ps == b.low_ps for a, b in zip(bins, bins[1:]))
    # the worst bin holds the critical path's endpoint
    worst_slack_ps = 1e6 / result.target_mhz - result.critical_path.delay_ns * 1e3
    assert bins[0].low_ps - 1 <= worst_slack_ps < bins[0].high_ps
    assert bins[0].min_endpoints >= 1
    # a block far faster than 100 MHz: nothing fails, and the summary says so
    assert result.meets_target and result.failing_endpoints == (0, 0)
    assert "meets it" in result.summary() and "endpoints with negative slack: 0" in result.summary()


def test_a_report_without_the_clock_is_a_clear_error():
    with pytest.raises(timing.ReportError, match="no Fmax for clock 'clk'"):
        timing.parse_timing({"fmax": {}}, "", {}, "top")
    report = {"fmax": {"clk": {"achieved": 90.0, "constraint": 100.0}}, "critical_paths": []}
    with pytest.raises(timing.ReportError, match="no critical path"):
        timing.parse_timing(report, "", {}, "top")


def test_a_log_without_a_histogram_is_a_clear_error():
    with pytest.raises(timing.ReportError, match="no slack histogram"):
        timing.slack_histogram("Info: Program finished normally.\n")


def test_signals_belong_to_the_innermost_block():
    blocks = {"mac_lanes0": "mac_lanes0", "mac_lanes0_ram0": "mac_lanes0/ram0"}
    assert timing.block_of("mac_lanes0_ram0_mem.0.0", blocks, "top") == "mac_lanes0/ram0"
    assert timing.block_of("mac_lanes0_rounded_TRELLIS_FF_Q_3", blocks, "top") == "mac_lanes0"
    assert timing.block_of("ctx_data_LUT4_Z", blocks, "top") == "top"


def test_missing_tools_are_named_before_any_work(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["hw", "timing", "--keep", str(tmp_path / "run")]) == 2
    assert f"{timing.YOSYS} not found" in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


def test_keep_must_be_a_folder(tmp_path, capsys):
    (tmp_path / "file").write_text("")
    assert main(["hw", "timing", "--keep", str(tmp_path / "file")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_impossible_geometry_is_refused(capsys):
    assert main(["hw", "timing", "--lanes", "0"]) == 2
    assert "lutdnn: error:" in capsys.readouterr().err


@needs_tools(timing.YOSYS)
def test_a_failing_tool_is_a_clear_error(tmp_path):
    broken = tmp_path / "broken.v"
    broken.write_text("module broken(input clk); this is not verilog\nendmodule\n")
    with pytest.raises(ToolError, match=f"{timing.YOSYS} failed"):
        timing.place_and_route(broken, "broken", {}, tmp_path)
    assert not (tmp_path / "report.json").exists()
