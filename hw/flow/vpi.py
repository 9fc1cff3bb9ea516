"""Build (once, cached) the ``myhdl.vpi`` module that lets Icarus cosimulate with MyHDL.

The C sources ship with the ``myhdl`` pip package under
``<prefix>/share/myhdl/cosimulation/icarus``; the module must be compiled
against the installed Icarus, so the cache key covers both the sources and
``iverilog -V``.
"""

import hashlib
import os
import site
import sys
import tempfile
from pathlib import Path

import myhdl

from lutdnn.core.build_cache import build_once, default_cache_dir
from lutdnn.core.tools import ToolError, run_tool

VPI_SOURCES = ("myhdl.c", "myhdl_table.c")
_SHARE = Path("share", "myhdl", "cosimulation", "icarus")
BUILD_TIMEOUT_S = 120


def _candidate_prefixes():
    package = Path(myhdl.__file__).resolve().parent
    # site-packages -> lib/pythonX.Y -> lib -> prefix (venv, pyenv, --user installs)
    yield from (sys.prefix, sys.base_prefix, sys.exec_prefix, site.getuserbase(), package.parents[2],
                package.parents[3])


def find_vpi_sources():
    """Directory holding myhdl.c and myhdl_table.c; ToolError listing where it looked."""
    tried = []
    for prefix in _candidate_prefixes():
        folder = Path(prefix) / _SHARE
        if folder not in tried:
            tried.append(folder)
        if all((folder / f).is_file() for f in VPI_SOURCES):
            return folder
    raise ToolError("MyHDL's Icarus VPI sources (myhdl.c, myhdl_table.c) not found; looked in: "
                    + ", ".join(str(t) for t in tried) + ". Reinstall myhdl with pip.")


def _build_key(sources):
    digest = hashlib.sha256(run_tool(["iverilog", "-V"], timeout_s=30).splitlines()[0].encode())
    for name in VPI_SOURCES:
        digest.update((sources / name).read_bytes())
    return digest.hexdigest()[:16]


def myhdl_vpi(cache_dir=None):
    """Directory holding a ``myhdl.vpi`` built for this Icarus and this MyHDL (built on first use).

    Concurrent callers (parallel test workers) wait on a file lock; the module
    appears by atomic rename, so a half-built file is never loaded.
    """
    sources = find_vpi_sources()
    target = Path(cache_dir or default_cache_dir()) / f"myhdl-vpi-{_build_key(sources)}" / "myhdl.vpi"

    def build(target):
        with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
            run_tool(["iverilog-vpi", *(sources / f for f in VPI_SOURCES)], BUILD_TIMEOUT_S, cwd=tmp)
            os.replace(Path(tmp, "myhdl.vpi"), target)

    return build_once(target, build, BUILD_TIMEOUT_S).parent
