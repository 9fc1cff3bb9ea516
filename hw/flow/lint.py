"""``verilator --lint-only -Wall`` on generated Verilog, with the project's waiver file.

Every waiver lives in hw/flow/verilator_waivers.vlt with the reason beside it; a
design may add its own waiver files.
"""

from pathlib import Path

from lutdnn.core.tools import ToolError, run_tool

WAIVERS = Path(__file__).with_name("verilator_waivers.vlt")
LINT_TIMEOUT_S = 120


class LintError(ToolError):
    """Verilator reported warnings or errors; the message holds its report."""


def lint(verilog_files, top, waivers=(WAIVERS,), timeout_s=LINT_TIMEOUT_S):
    """Lint ``verilog_files`` with ``top`` as the top module; LintError unless clean.

    Returns Verilator's (empty or informational) output.
    """
    files = [Path(f) for f in ([verilog_files] if isinstance(verilog_files, (str, Path)) else verilog_files)]
    missing = [str(f) for f in files + [Path(w) for w in waivers] if not f.is_file()]
    if missing:
        raise FileNotFoundError(f"lint: no such file(s): {', '.join(missing)}")
    try:
        return run_tool(["verilator", "--lint-only", "-Wall", "--top-module", top, *waivers, *files],
                        timeout_s)
    except ToolError as err:
        raise LintError(f"verilator lint of {top} is not clean:\n{err}") from err
