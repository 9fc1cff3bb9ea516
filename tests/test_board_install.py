"""The runtime a PYNQ board installs: enhance without torch, myhdl, pystoi, matplotlib or tqdm.

One test blocks those imports in a subprocess of this interpreter (a meta-path
finder that refuses them) and enhances a file on the float and sim backends;
the other installs the package without extras into a fresh Python 3.10 /
numpy 1.x virtual environment, as on a PYNQ 3.x image, and enhances a file
there.
"""

import glob
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from lutdnn.core.extras import EXTRA_OF

REPO = Path(__file__).resolve().parents[1]

BLOCKED_RUN = textwrap.dedent("""
    import importlib.abc, sys
    BLOCKED = set(sys.argv[1].split(","))

    class Refuse(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {name!r} (blocked by the test)", name=name)

    sys.meta_path.insert(0, Refuse())
    from lutdnn.host.cli import main
    status = main(sys.argv[2:])
    leaked = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
    assert not leaked, leaked
    sys.exit(status)
""")


def noisy_wav(path):
    rng = np.random.default_rng(0)
    t = np.arange(8000) / 8000
    sf.write(path, 0.1 * np.sin(2 * np.pi * 300 * t) + 0.02 * rng.standard_normal(len(t)), 8000)
    return path


def run_blocked(tmp_path, *argv):
    return subprocess.run([sys.executable, "-c", BLOCKED_RUN, ",".join(EXTRA_OF), *map(str, argv)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("backend", ["float", "sim"])
def test_enhance_runs_with_the_optional_libraries_blocked(tmp_path, backend):
    src = noisy_wav(tmp_path / "in.wav")
    done = run_blocked(tmp_path, "enhance", src, "-o", tmp_path / "out.wav", "--backend", backend)
    assert done.returncode == 0, done.stderr
    out, rate = sf.read(tmp_path / "out.wav")
    assert rate == 8000 and len(out) == 8000 and np.abs(out).max() > 0.01


@pytest.mark.parametrize("argv, extra", [
    (["train", "--data", ".", "-o", "m.npz"], "train"),
    (["hw", "verilog", "-o", "v"], "hw"),
    (["enhance", "in.wav", "-o", "o.wav", "--backend", "cosim"], "hw"),
])
def test_a_command_needing_a_missing_extra_names_the_pip_install(tmp_path, argv, extra):
    noisy_wav(tmp_path / "in.wav")
    done = run_blocked(tmp_path, *argv)
    assert done.returncode == 2, done.stderr
    assert f"pip install 'pynq-lutdnn[{extra}]'" in done.stderr and "Traceback" not in done.stderr


def pyenv_python310():
    try:
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = sorted(glob.glob(os.path.join(root, "versions", "3.10.*", "bin", "python3.10"))) if root else []
    return found[-1] if found else None


PYTHON310 = pyenv_python310()


@pytest.mark.skipif(PYTHON310 is None, reason="no Python 3.10 under `pyenv root`/versions (PYNQ 3.x's Python)")
def test_plain_pip_install_on_python310_numpy1_pulls_no_torch_enhances_and_registers_with_pynq(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([PYTHON310, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    constraints = tmp_path / "constraints.txt"
    constraints.write_text("numpy<2\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSAFEPATH")}
    source = tmp_path / "source"    # a copy: building writes build/ and *.egg-info beside setup.py
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(".git", "build", "out", "*.egg-info", "__pycache__",
                                                                 ".venv*", ".pytest_cache", ".hypothesis"))
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                              "-c", str(constraints), str(source)],
                             capture_output=True, text=True, timeout=600, env=env, cwd=tmp_path)
    assert install.returncode == 0, install.stderr[-3000:]
    listed = subprocess.run([str(python), "-m", "pip", "list", "--format=freeze"], capture_output=True,
                            text=True, timeout=120, env=env).stdout.lower()
    names = {line.split("==")[0] for line in listed.split()}
    assert "pynq-lutdnn" in names and not names & {"torch", "myhdl", "pystoi", "matplotlib", "tqdm"}
    assert any(line.startswith("numpy==1.") for line in listed.split())
    src = noisy_wav(tmp_path / "in.wav")
    done = subprocess.run([str(venv / "bin" / "lutdnn"), "enhance", str(src), "-o", str(tmp_path / "out.wav")],
                          capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(sf.read(tmp_path / "out.wav")[0]) == 8000
    shipped = subprocess.run([str(python), "-c", PACKAGING_PROBE], capture_output=True, text=True, timeout=120,
                             env=env, cwd=tmp_path)
    assert shipped.returncode == 0, shipped.stderr
    overlays, notebooks, board_files, notebook_files = shipped.stdout.splitlines()
    assert overlays == "lutdnn = lutdnn.overlay" and notebooks == "lutdnn = lutdnn.notebooks"
    assert board_files == "makefile" and notebook_files.endswith(".ipynb")


# What PYNQ reads from an installed package: its entry points, the board folders, the notebooks
PACKAGING_PROBE = textwrap.dedent("""
    from importlib.metadata import entry_points
    from pathlib import Path
    import lutdnn.notebooks, lutdnn.overlay
    for group in ("pynq.overlays", "pynq.notebooks"):
        print(*[f"{e.name} = {e.value}" for e in entry_points(group=group)])
    print(*sorted(p.name for p in (Path(lutdnn.overlay.__file__).parent / "boards" / "Pynq-Z2").iterdir()))
    print(*sorted(p.name for p in Path(lutdnn.notebooks.__file__).parent.glob("*.ipynb")))
""")
