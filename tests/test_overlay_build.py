"""The overlay build's inputs, checked without Vivado: `make` in a board folder writes the Verilog and
the generated Tcl and stops with a clear message; the Tcl is complete Tcl (tclsh), names exactly the
ports, interfaces and widths of the generated Verilog, and packages the IP under the driver's VLNV."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lutdnn.hw.rtl import axi_lite
from lutdnn.overlay.board_designs import BOARDS, DMA_CONFIG, STREAM_BITS, VIVADO_VERSION
from lutdnn.overlay.build_tcl import INTERFACES, SCRIPTS, TOP, write_build_scripts
from lutdnn.overlay.ip_registers import register_list
from lutdnn.overlay.verilog_ports import Port, module_ports
from lutdnn.overlay.vlnv import VLNV

REPO = Path(__file__).resolve().parents[1]
BOARDS_DIR = REPO / "overlay" / "boards"
TCLSH = shutil.which("tclsh")
needs_tclsh = pytest.mark.skipif(TCLSH is None, reason="tclsh is not installed (apt package tcl, scripts/setup.sh)")

# Reads a script as Tcl: refuses incomplete text, then evaluates only its `set lutdnn_*` data commands
TCL_READER = r"""
set f [open [lindex $argv 0]]; set text [read $f]; close $f
if {![info complete $text]} { puts "incomplete"; exit 3 }
set command ""
foreach line [split $text "\n"] {
    append command $line "\n"
    if {[info complete $command]} {
        if {[regexp {^\s*set lutdnn_} $command]} { eval $command }
        set command ""
    }
}
foreach name [lsort [info vars lutdnn_*]] { puts "$name [list {*}[set $name]]" }
"""


def without_vivado_path():
    return os.pathsep.join(d for d in os.environ["PATH"].split(os.pathsep)
                           if not (Path(d) / "vivado").exists())


@pytest.fixture(scope="module")
def make_without_vivado(tmp_path_factory):
    """`make` in overlay/boards/Pynq-Z2 with no vivado on PATH, building into a temporary folder."""
    build = tmp_path_factory.mktemp("overlay") / "build"
    env = dict(os.environ, PATH=without_vivado_path())
    done = subprocess.run(["make", "-C", str(BOARDS_DIR / "Pynq-Z2"), f"BUILD={build}", f"PYTHON={sys.executable}"],
                          env=env, capture_output=True, text=True, timeout=600)
    return done, build


@pytest.fixture(scope="module")
def scripts(make_without_vivado, tmp_path_factory):
    """Every board's scripts, from the Verilog `make` wrote with `lutdnn hw verilog`."""
    _, build = make_without_vivado
    verilog = build / "hdl" / f"{TOP}.v"
    out = {"Pynq-Z2": build}
    for name in BOARDS:
        if name not in out:
            out[name] = tmp_path_factory.mktemp(name)
            write_build_scripts(BOARDS[name], verilog, out[name])
    return out, verilog


def test_make_without_vivado_writes_every_input_and_stops_with_a_clear_message(make_without_vivado):
    done, build = make_without_vivado
    assert done.returncode != 0
    assert "vivado is not on PATH" in done.stderr and str(build) in done.stderr
    assert (build / "hdl" / f"{TOP}.v").is_file()
    assert all((build / name).is_file() for name in SCRIPTS)
    assert not (BOARDS_DIR / "Pynq-Z2" / "lutdnn.bit").exists()


def test_every_board_has_a_makefile_naming_only_itself():
    for name in BOARDS:
        text = (BOARDS_DIR / name / "makefile").read_text()
        assert f"BOARD := {name}" in text and "include ../overlay.mk" in text


def tcl_data(path):
    reader = path.with_name(".read_data.tcl")   # a file: tclsh on stdin would carry on past an error
    reader.write_text(TCL_READER)
    done = subprocess.run([TCLSH, str(reader), str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"{path}: {done.stdout}{done.stderr}"
    return dict(line.split(" ", 1) for line in done.stdout.splitlines())


@needs_tclsh
def test_every_script_is_complete_tcl(scripts):
    folders, _ = scripts
    for folder in folders.values():
        for name in SCRIPTS:
            tcl_data(folder / name)
            assert f"set lutdnn_vivado {VIVADO_VERSION}" in (folder / name).read_text()


def test_the_verilog_reader_finds_the_bus_widths_of_the_hardware(scripts):
    _, verilog = scripts
    ports = {p.name: p for p in module_ports(verilog.read_text(), TOP)}
    assert ports["s_axi_awaddr"] == Port("s_axi_awaddr", "in", axi_lite.ADDR_BITS)
    assert ports["s_axi_rdata"] == Port("s_axi_rdata", "out", axi_lite.DATA_BITS)
    assert ports["s_axis_tdata"] == Port("s_axis_tdata", "in", STREAM_BITS)
    assert ports["m_axis_tdata"] == Port("m_axis_tdata", "out", STREAM_BITS)
    assert ports["m_axis_tready"].direction == "in" and ports["clk"].width == 1


@needs_tclsh
def test_the_package_script_names_exactly_the_verilogs_ports_interfaces_and_vlnv(scripts):
    folders, verilog = scripts
    ports = module_ports(verilog.read_text(), TOP)
    for folder in folders.values():
        data = tcl_data(folder / "package_ip.tcl")
        assert data["lutdnn_vlnv"] == VLNV
        tcl_ports = [row.split() for row in re.findall(r"\{([^{}]*)\}", data["lutdnn_ports"])]
        assert [(n, d, int(w)) for n, d, w in tcl_ports] == [(p.name, p.direction, p.width) for p in ports]
        rows = re.findall(r"\{(\S+) (\S+) (\S+) \{([^{}]*)\}\}", data["lutdnn_interfaces"])
        assert {name: (bus, mode) for name, bus, mode, _ in rows} == INTERFACES
        for name, _, _, members in rows:
            assert sorted(members.split()) == sorted(p.name for p in ports if p.name.startswith(name + "_"))
        covered = {m for *_, members in rows for m in members.split()}
        assert {p.name for p in ports} - covered == {"clk", "reset"}


@needs_tclsh
def test_the_registers_listed_in_the_ip_are_the_register_maps(scripts):
    folders, _ = scripts
    documented = dict(re.findall(r"^\| (0x[0-9A-F]{3}) \| (\w+) \|", (REPO / "docs" / "register_map.md").read_text(),
                                 re.MULTILINE))
    listed = {f"0x{r.offset:03X}": r.name for r in register_list() if r.name not in ("LUT", "BIAS")}
    assert listed == documented
    data = tcl_data(folders["Pynq-Z2"] / "package_ip.tcl")
    assert [row.split()[:2] for row in re.findall(r"\{(\w+ 0x[0-9A-F]+ [\w-]+) ", data["lutdnn_registers"])] == \
        [[r.name, f"0x{r.offset:04X}"] for r in register_list()]


def test_the_block_design_uses_the_ip_a_simple_mode_dma_and_the_boards_ps(scripts):
    folders, _ = scripts
    for name, folder in folders.items():
        text = (folder / "block_design.tcl").read_text()
        board = BOARDS[name]
        assert f"create_bd_cell -type ip -vlnv {VLNV} " in text
        assert "xilinx.com:ip:axi_dma:7.1" in text and f"-part {board.part}" in text
        assert all(f"CONFIG.{k} {{{v}}}" in text for k, v in DMA_CONFIG.items())
        assert DMA_CONFIG["c_include_sg"] == 0 and DMA_CONFIG["c_sg_length_width"] == 26
        assert text.count(f"Slave /ps/{board.hp_port} ") == 2 and f"Master /ps/{board.master} " in text
    build = (folders["Pynq-Z2"] / "build_bitstream.tcl").read_text()
    assert "$wns < 0 || $whs < 0" in build and "lutdnn.bit" in build and "lutdnn.hwh" in build


def test_the_vlnv_file_is_the_agreed_one():
    assert (REPO / "overlay" / "vlnv.py").read_text() == (
        '"""The accelerator IP\'s Vivado VLNV: the overlay build packages it under this name and the driver '
        'binds to it."""\n\nVLNV = "lutdnn.org:lutdnn:lutdnn_accelerator:1.0"\n')


def test_a_verilog_with_other_stream_widths_or_an_unknown_board_is_refused(scripts, tmp_path):
    _, verilog = scripts
    narrow = tmp_path / "hdl" / f"{TOP}.v"
    narrow.parent.mkdir()
    narrow.write_text(verilog.read_text().replace("input [63:0] s_axis_tdata;", "input [31:0] s_axis_tdata;"))
    with pytest.raises(ValueError, match="s_axis_tdata is 32 bits"):
        write_build_scripts(BOARDS["ZCU104"], narrow, tmp_path)
    done = subprocess.run([sys.executable, "-m", "lutdnn.overlay.build_inputs", "Pynq-Z9", str(tmp_path)],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 2 and "unknown board 'Pynq-Z9'" in done.stderr


def run_package_script(script, ports, interfaces=("s_axis", "m_axis", "s_axi", "clk", "reset"), vlnv=VLNV,
                       version=VIVADO_VERSION):
    """package_ip.tcl under tclsh with the IP packager stubbed (tests/vivado_ipx_stub.tcl)."""
    rows = " ".join(f"{{{p.name} {p.direction} {p.width}}}" for p in ports)
    text = (f"set fake_ports {{{rows}}}\nset fake_interfaces {{{' '.join(interfaces)}}}\n"
            f"set fake_vlnv {vlnv}\nset fake_version {version}\n"
            f"source {{{Path(__file__).with_name('vivado_ipx_stub.tcl')}}}\nsource {{{script}}}\n")
    runner = script.with_name(".run_with_stub.tcl")
    runner.write_text(text)
    return subprocess.run([TCLSH, str(runner)], capture_output=True, text=True, timeout=60, cwd=script.parent)


@needs_tclsh
def test_the_package_scripts_own_checks_pass_on_the_verilog_and_fail_on_a_mismatch(scripts):
    folders, verilog = scripts
    script = folders["Pynq-Z2"] / "package_ip.tcl"
    ports = module_ports(verilog.read_text(), TOP)
    good = run_package_script(script, ports)
    assert good.returncode == 0 and f"packaged {VLNV}" in good.stdout, good.stderr
    narrow = [Port(p.name, p.direction, 32) if p.name == "m_axis_tdata" else p for p in ports]
    failures = {
        "port m_axis_tdata is 32 bits wide, not 64": run_package_script(script, narrow),
        "port s_axis_tlast of the Verilog was not packaged":
            run_package_script(script, [p for p in ports if p.name != "s_axis_tlast"]),
        "did not infer the interface m_axis": run_package_script(script, ports, ("s_axis", "s_axi", "clk", "reset")),
        "packaged as x:y:z:1.0": run_package_script(script, ports, vlnv="x:y:z:1.0"),
        f"built with Vivado {VIVADO_VERSION} (PYNQ 3.0.x), not 2023.2": run_package_script(script, ports,
                                                                                        version="2023.2"),
    }
    for message, done in failures.items():
        assert done.returncode == 1 and message in done.stderr, (message, done.stderr)
