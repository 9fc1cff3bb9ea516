#!/usr/bin/env bash
# Installs what lutdnn needs on a Debian/Ubuntu machine (or a PYNQ image):
# the simulators and synthesis tools for hw/, PortAudio for live audio,
# espeak-ng for the demo and synthetic training voices, tclsh for the overlay
# build checks, then the package with every extra (a board needs none: docs/board.md).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(iverilog verilator yosys libportaudio2 espeak-ng tcl)
# the live demo's CI: a JACK dummy server (jackd2) and a JACK wav player (jack-tools)
APT_PACKAGES+=(jackd2 jack-tools)
# a C compiler: the sim backend's CORDIC loop (model/reference/cordic_native.py, numpy without it)
APT_PACKAGES+=(gcc)
PYTHON=${PYTHON:-python3}

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "setup: please install these Debian packages first: ${missing[*]}" >&2; exit 1; fi
  $SUDO apt-get update -qq
  # jackd2 asks whether to enable realtime limits; answer no instead of waiting for a terminal
  echo "jackd2 jackd/tweak_rt_limits boolean false" | $SUDO debconf-set-selections
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# the board environment (Python 3.10, numpy 1.x, pynq) in which `make test` runs the virtual board
bash scripts/board_venv.sh

# torch is pinned to the CPU build; an unpinned torch would pull a multi-GB CUDA build.
"$PYTHON" -m pip install -q --disable-pip-version-check "torch==2.13.0"
"$PYTHON" -m pip install -q --disable-pip-version-check -e ".[train,hw,eval,test,peers]"
