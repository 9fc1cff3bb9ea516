#!/usr/bin/env bash
# Installs what lutdnn needs on a Debian/Ubuntu machine (or a PYNQ image):
# the simulators and synthesis tools for hw/, PortAudio for live audio,
# espeak-ng for the demo and synthetic training voices, then the package.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(iverilog verilator yosys libportaudio2 espeak-ng)
PYTHON=${PYTHON:-python3}

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "setup: please install these Debian packages first: ${missing[*]}" >&2; exit 1; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# torch is pinned to the CPU build; an unpinned torch would pull a multi-GB CUDA build.
"$PYTHON" -m pip install -q --disable-pip-version-check "torch==2.13.0"
"$PYTHON" -m pip install -q --disable-pip-version-check -e ".[test,peers]"
