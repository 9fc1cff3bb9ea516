#!/usr/bin/env bash
# Makes .venv-board/: the environment of a PYNQ image (Python 3.10, numpy 1.x,
# pynq) in which the virtual board (tests/test_virtual_board.py) runs the real
# pynq classes against the simulated device.  pynq pins numpy < 2, so it cannot
# share the main environment.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv-board
PYNQ_VERSION=3.1.2          # 4.0 allocates >= 8 KB per buffer and mis-reads Zynq-7000 clocks on a simulated device

python310() {
  if command -v pyenv >/dev/null; then
    local version
    version=$(pyenv versions --bare | grep -E '^3\.10\.[0-9]+$' | sort -V | tail -1 || true)
    if [ -n "$version" ]; then echo "$(pyenv root)/versions/$version/bin/python3"; return; fi
  fi
  command -v python3.10 || true
}

if [ ! -x "$VENV/bin/python" ]; then
  PY=$(python310)
  if [ -z "$PY" ]; then
    PY=$(command -v python3)
    echo "board_venv: no Python 3.10 (pyenv or python3.10) found; using $($PY --version) instead of a PYNQ image's 3.10" >&2
  fi
  "$PY" -m venv "$VENV"
fi

PIP=("$VENV/bin/python" -m pip install -q --disable-pip-version-check)
# pip >= 21.3 installs editable packages by PEP 660, which honours setup.py's package_dir mapping
"${PIP[@]}" "pip>=24"
# pynq 3.1.x needs pycparser < 3; pynqutils needs pkg_resources (setuptools <= 80).
"${PIP[@]}" "setuptools<=80" "pycparser<3" "numpy>=1.24,<2"
"${PIP[@]}" "pynq==$PYNQ_VERSION" "numpy>=1.24,<2" "pycparser<3" "setuptools<=80"
# The package's runtime and what the virtual board needs (myhdl converts the RTL the Verilator model runs).
"${PIP[@]}" "scipy>=1.10,<2" "soundfile==0.14.0" "sounddevice==0.5.6" "myhdl==0.11.52" "pytest>=8" "numpy>=1.24,<2"
"${PIP[@]}" --no-deps -e .
echo "board_venv: $("$VENV/bin/python" --version), numpy $("$VENV/bin/python" -c 'import numpy; print(numpy.__version__)'), pynq $PYNQ_VERSION in $VENV"
