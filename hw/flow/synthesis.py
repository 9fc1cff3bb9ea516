"""Yosys ``synth_xilinx -family xc7`` resource report (LUT, FF, BRAM, DSP) against the xc7z020.

Out of context: no I/O or clock buffers, as for an IP core inside the overlay.
Yosys's figures are an estimate before Vivado's own optimisation (Vivado
usually needs fewer LUTs: it absorbs Yosys's INV cells into LUTs and packs
carry chains better), good for comparing designs and catching blow-ups.

    python -m lutdnn.hw.flow.synthesis design.v [more.v ...] --top NAME
"""

import argparse
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from lutdnn.core.tools import run_tool

SYNTH_TIMEOUT_S = 600

# xc7z020 (PYNQ-Z2): the denominators of the percentages.
XC7Z020 = {"lut": 53200, "ff": 106400, "bram36": 140, "dsp": 220}

# Cells that occupy LUTs, and how many: logic LUTs, Yosys's inverter (a LUT1),
# distributed RAM and shift registers.
_LUT_CELLS = {
    "LUT1": 1, "LUT2": 1, "LUT3": 1, "LUT4": 1, "LUT5": 1, "LUT6": 1, "INV": 1,
    "RAM32X1S": 1, "RAM64X1S": 1, "RAM128X1S": 2, "RAM256X1S": 4, "RAM32X1D": 2,
    "RAM64X1D": 2, "RAM128X1D": 4, "RAM32M": 4, "RAM64M": 4, "SRL16E": 1, "SRLC32E": 1,
}
_FF_CELLS = ("FDRE", "FDSE", "FDCE", "FDPE")


@dataclass(frozen=True)
class Resources:
    """Cell counts of one synthesised design; ``bram36`` counts a RAMB18 as half a RAMB36."""

    top: str
    lut: int
    ff: int
    ramb36: int
    ramb18: int
    dsp: int
    cells: dict

    @property
    def bram36(self):
        return self.ramb36 + self.ramb18 / 2

    def percent(self, resource):
        """Share of the xc7z020 used by ``resource`` ('lut', 'ff', 'bram36', 'dsp'), in %."""
        return 100.0 * getattr(self, resource) / XC7Z020[resource]

    def table(self):
        """Markdown table: count and % of the xc7z020 for each resource."""
        rows = [("LUT", self.lut, "lut"), ("FF", self.ff, "ff"),
                (f"BRAM36 ({self.ramb36} RAMB36 + {self.ramb18} RAMB18)", self.bram36, "bram36"),
                ("DSP48E1", self.dsp, "dsp")]
        lines = [f"| {self.top} | count | % of xc7z020 |", "| --- | --- | --- |"]
        lines += [f"| {name} | {count:g} | {self.percent(key):.2f} |" for name, count, key in rows]
        return "\n".join(lines)


def resources_from_stat(stat, top):
    """Parse Yosys ``stat -json`` output (a dict) into ``Resources``."""
    cells = dict(stat["design"]["num_cells_by_type"])
    latches = sorted(c for c in cells if c.startswith("LD"))
    if latches:
        raise ValueError(f"{top}: synthesis inferred latches ({', '.join(latches)}); fix the design")
    return Resources(
        top=top,
        lut=sum(n * cells.get(c, 0) for c, n in _LUT_CELLS.items()),
        ff=sum(cells.get(c, 0) for c in _FF_CELLS),
        ramb36=cells.get("RAMB36E1", 0),
        ramb18=cells.get("RAMB18E1", 0),
        dsp=cells.get("DSP48E1", 0),
        cells=cells,
    )


def synthesize(verilog_files, top, timeout_s=SYNTH_TIMEOUT_S):
    """Run ``synth_xilinx -family xc7`` (flattened, out of context) on the files; returns Resources."""
    files = [Path(f).resolve() for f in ([verilog_files] if isinstance(verilog_files, (str, Path))
                                         else verilog_files)]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise FileNotFoundError(f"synthesize: no such file(s): {', '.join(missing)}")
    with tempfile.TemporaryDirectory(prefix="lutdnn-yosys-") as tmp:
        script = "; ".join([
            "read_verilog " + " ".join(f'"{f}"' for f in files),
            f"synth_xilinx -family xc7 -top {top} -flatten -noiopad -noclkbuf",
            "tee -q -o stat.json stat -json",  # relative to cwd: Yosys takes quotes literally here
        ])
        run_tool(["yosys", "-q", "-p", script], timeout_s, cwd=tmp)
        return resources_from_stat(json.loads(Path(tmp, "stat.json").read_text()), top)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("verilog", nargs="+", type=Path)
    parser.add_argument("--top", required=True, help="top module name")
    args = parser.parse_args(argv)
    print(synthesize(args.verilog, args.top).table())


if __name__ == "__main__":
    main()
