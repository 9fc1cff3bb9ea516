"""Host time per frame of the board driver: the Python work around the DMA.

Runs the real pynq classes (pynq's DMA driver, the lutdnn DefaultIP and
Overlay) on the virtual board (lutdnn.overlay.virtual_board) and times
``Driver.run_frame`` -- spectrum packing, two MM2S transfers with their
flushes, one S2MM transfer, its invalidate and wait, STATUS and CYCLES reads,
unpacking -- minus the time spent inside the virtual board (its register and
cache models and the RTL simulation), which a real board spends in hardware.
Prints the median and p99 per frame and their ratio to the 0.5 ms goal (a
Cortex-A9 about ten times slower then stays inside the 8 ms hop).  Runs in
the board environment (scripts/board_venv.sh):

    .venv-board/bin/python benchmarks/board_driver.py [--frames N]
"""

import argparse
import tempfile
import time

import numpy as np
import pynq

from lutdnn.model import weight_image
from lutdnn.overlay.accelerator_ip import LutdnnOverlay
from lutdnn.overlay.virtual_board import VirtualBoard, write_overlay

GOAL_S = 0.5e-3


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=500, help="frames timed (default 500)")
    args = parser.parse_args(argv)
    board = VirtualBoard()
    pynq.Device.active_device = board
    with tempfile.TemporaryDirectory() as folder:
        driver = LutdnnOverlay(write_overlay(folder)).driver()
    driver.load(weight_image.resolve(None))
    driver.clear_context()
    rng = np.random.default_rng(0)
    re = rng.integers(-3000, 3000, (args.frames, 129))
    im = rng.integers(-3000, 3000, (args.frames, 129))
    host = []
    for t in range(args.frames):
        hardware, start = board.hardware_s, time.perf_counter()
        driver.run_frame(re[t], im[t])
        host.append(time.perf_counter() - start - (board.hardware_s - hardware))
    median, p99 = np.median(host), np.percentile(host, 99)
    print(f"board driver host time per frame over {args.frames} frames: median {median * 1e3:.3f} ms, "
          f"p99 {p99 * 1e3:.3f} ms (time in the simulated device excluded)")
    print(f"ratio to the {GOAL_S * 1e3:.1f} ms goal: median {median / GOAL_S:.2f}, p99 {p99 / GOAL_S:.2f}")


if __name__ == "__main__":
    main()
