"""The cache of built tool artefacts (myhdl.vpi, the Verilator model): where it
lives, and building one artefact once however many processes ask at a time."""

import fcntl
import os
import time
from pathlib import Path

from .tools import ToolError

LOCK_POLL_S = 0.1


def default_cache_dir():
    """``$LUTDNN_CACHE_DIR`` or ``$XDG_CACHE_HOME/lutdnn`` (``~/.cache/lutdnn``): never the repository."""
    if os.environ.get("LUTDNN_CACHE_DIR"):
        return Path(os.environ["LUTDNN_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "lutdnn"


def _wait_for_lock(lock_file, timeout_s, what):
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise ToolError(f"waited {timeout_s} s for another build of {what}")
            time.sleep(LOCK_POLL_S)


def build_once(target, build, lock_timeout_s):
    """``target`` (a file path), calling ``build(target)`` first unless it exists.

    Concurrent callers (parallel test workers) wait on a file lock beside
    ``target`` (ToolError after ``lock_timeout_s``); ``build`` must make the file
    appear by atomic rename, so a half-built file is never seen.
    """
    target = Path(target)
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / ".lock", "w") as lock:
        _wait_for_lock(lock, lock_timeout_s, target)
        if not target.is_file():
            build(target)
    return target
