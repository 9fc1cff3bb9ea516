"""The cache of built tool artefacts (myhdl.vpi, the Verilator model): where it
lives, and building one artefact once however many processes ask at a time.

Each artefact has its SHA-256 beside it (``<name>.sha256``), written after the
build; an artefact without it or not matching it (truncated, damaged) is
rebuilt, so a bad cache entry never gets loaded.
"""

import fcntl
import hashlib
import os
import time
from pathlib import Path

from lutdnn.core import atomic_write
from lutdnn.core.tools import ToolError

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


def _digest_file(target):
    return target.with_name(target.name + ".sha256")


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _intact(target):
    """Is ``target`` there and equal to the digest recorded when it was built?"""
    digest_file = _digest_file(target)
    return target.is_file() and digest_file.is_file() and digest_file.read_text().strip() == _sha256(target)


def _record_digest(target):
    atomic_write.write_text(_digest_file(target), _sha256(target) + "\n")


def build_once(target, build, lock_timeout_s):
    """``target`` (a file path), calling ``build(target)`` first unless it exists.

    Concurrent callers (parallel test workers) wait on a file lock beside
    ``target`` (ToolError after ``lock_timeout_s``); ``build`` must make the file
    appear by atomic rename, so a half-built file is never seen.  A ``target``
    that does not match its recorded digest is built again.
    """
    target = Path(target)
    if _intact(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / ".lock", "w") as lock:
        _wait_for_lock(lock, lock_timeout_s, target)
        if not _intact(target):
            build(target)
            _record_digest(target)
    return target
