"""Running the external HDL tools (Icarus, Verilator, Yosys): timeouts and clear errors."""

import shutil
import subprocess


class ToolError(RuntimeError):
    """An HDL tool is missing, failed, or ran past its time limit; the message says which."""


def require_tool(name):
    """Absolute path of the executable ``name``; ToolError naming it when it is not installed."""
    path = shutil.which(name)
    if path is None:
        raise ToolError(f"{name} not found on PATH (install it: see docs/hw_flow.md)")
    return path


def missing_tools(*names):
    """The names among ``names`` that are not on PATH (for skipping tests cleanly)."""
    return [name for name in names if shutil.which(name) is None]


def run_tool(argv, timeout_s, cwd=None):
    """Run ``argv`` to completion within ``timeout_s``; returns its stdout + stderr text.

    Raises ToolError with the command's output on a non-zero exit or a timeout.
    """
    argv = [str(a) for a in argv]
    require_tool(argv[0])
    try:
        done = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired as err:
        raise ToolError(f"{argv[0]} ran past {timeout_s} s: {' '.join(argv)}") from err
    if done.returncode != 0:
        raise ToolError(f"{argv[0]} failed (exit {done.returncode}): {' '.join(argv)}\n{done.stdout}")
    return done.stdout
