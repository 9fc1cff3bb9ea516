"""Files written whole or not at all: a temporary beside the target, then one rename.

Every command that writes a result (audio, images, models, checkpoints, JSON,
figures) goes through :func:`atomic_path`, so a crash, a full disk or Ctrl-C
never leaves a half-written file under the real name, and the temporary is
removed on the way out.  :func:`terminate_cleanly` turns SIGTERM into an
exception, so a ``kill`` also runs that clean-up (SIGINT already raises
KeyboardInterrupt); :func:`remove_stale` sweeps temporaries that a
``kill -9`` or power loss left behind.
"""

import os
import signal
import threading
from contextlib import contextmanager
from pathlib import Path

_MARK = ".tmp"


def temporary_path(path):
    """The hidden temporary for ``path``: ``.NAME.tmp`` plus the real suffix (writers infer formats from it)."""
    path = Path(path)
    return path.with_name(f".{path.name}{_MARK}{path.suffix}")


def target_of(path):
    """The file a temporary named by :func:`temporary_path` stands for, or None for any other name."""
    path = Path(path)
    inner = path.name[1:] if path.name.startswith(".") else ""
    for cut in range(1, len(inner)):
        if inner.startswith(_MARK, cut) and Path(inner[:cut]).suffix == inner[cut + len(_MARK):]:
            return path.with_name(inner[:cut])
    return None


def is_temporary(path):
    return target_of(path) is not None


@contextmanager
def atomic_path(path):
    """Yield a temporary path to write; on success it becomes ``path``, on any failure it is removed.

    The parent folder is created.  The rename is atomic on one file system, so
    readers see the old file or the new one, never a part.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_path(path)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(path, data):
    with atomic_path(path) as tmp:
        Path(tmp).write_bytes(data)


def write_text(path, text):
    with atomic_path(path) as tmp:
        Path(tmp).write_text(text)


def remove_stale(folder, suffixes):
    """Delete temporaries of files named ``*SUFFIX`` that an earlier, killed run left in ``folder``;
    returns their paths.  Only those suffixes: a user's own ``.x.tmp`` files stay."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    stale = [p for p in folder.iterdir() if p.is_file() and not p.is_symlink() and is_temporary(p)
             and target_of(p).suffix.lower() in suffixes]
    for p in stale:
        p.unlink(missing_ok=True)
    return stale


class Terminated(KeyboardInterrupt):
    """Raised in the main thread on SIGTERM, so ``finally`` clauses (temporary clean-up) run."""


def _raise_terminated(signum, frame):
    raise Terminated(f"signal {signum}")


def terminate_cleanly():
    """Make SIGTERM unwind like Ctrl-C (at start-up; only the main thread may set handlers)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_terminated)
