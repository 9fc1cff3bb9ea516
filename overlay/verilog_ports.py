"""The ports of a generated Verilog module, read from its text (what Vivado will package)."""

import re
from dataclasses import dataclass

# MyHDL writes one declaration per line: ``input [63:0] s_axis_tdata;`` or ``output m_axis_tlast;``
DECLARATION = re.compile(r"^\s*(input|output|inout)\s+(?:wire\s+|reg\s+)?(?:signed\s+)?"
                         r"(?:\[(\d+):(\d+)\]\s*)?(\w+)\s*;", re.MULTILINE)


@dataclass(frozen=True)
class Port:
    name: str
    direction: str      # "in" or "out" (Vivado's words)
    width: int


def module_ports(verilog, module):
    """The ports of ``module`` in ``verilog`` (the text), in header order; ValueError if it is not there."""
    header = re.search(rf"^module\s+{re.escape(module)}\s*\((.*?)\);", verilog, re.MULTILINE | re.DOTALL)
    if header is None:
        raise ValueError(f"no module {module} in the Verilog")
    names = [n.strip() for n in header.group(1).split(",") if n.strip()]
    body = verilog[header.end():verilog.index("endmodule", header.end())]
    declared = {}
    for direction, msb, lsb, name in DECLARATION.findall(body):
        width = int(msb) - int(lsb) + 1 if msb else 1
        declared[name] = Port(name, {"input": "in", "output": "out"}.get(direction, direction), width)
    missing = [n for n in names if n not in declared]
    if missing:
        raise ValueError(f"module {module}: ports without a declaration: {missing}")
    return [declared[n] for n in names]
