"""PYNQ finds the package's notebooks and overlay folder through its entry points, checked with pynq's
own code in the board environment (.venv-board, made by scripts/board_venv.sh)."""

import subprocess
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
VENV = REPO / ".venv-board" / "bin"
pytestmark = pytest.mark.skipif(not (VENV / "pynq").exists(),
                                reason=".venv-board (scripts/board_venv.sh) with pynq is not there")


def test_pynq_get_notebooks_delivers_the_packages_notebook(tmp_path):
    done = subprocess.run([str(VENV / "pynq"), "get-notebooks", "lutdnn", "--ignore-overlays", "-p", str(tmp_path)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    shipped = sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in (tmp_path / "lutdnn").glob("*.ipynb")) == shipped


def test_pynq_searches_the_overlay_package_for_a_relative_overlay_name():
    """pynq.Bitstream looks for a relative "lutdnn.bit" in every pynq.overlays path: `make install`'s target."""
    probe = textwrap.dedent("""
        import pynqutils.setup_utils as su
        import lutdnn.overlay
        from pathlib import Path
        print(Path(lutdnn.overlay.__file__).parent.resolve())
        print(*[Path(p).resolve() for p in su.ExtensionsManager("pynq.overlays").paths])
    """)
    done = subprocess.run([str(VENV / "python"), "-c", probe], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    package, searched = done.stdout.splitlines()
    assert package in searched.split()
    assert Path(package) == (REPO / "overlay" / "boards" / "Pynq-Z2" / ".." / "..").resolve()
