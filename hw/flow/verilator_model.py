"""The converted accelerator top level compiled by Verilator into a shared
library (hw/flow/verilator_harness.cpp) and driven through ctypes.

The build is cached under the project's cache directory (never the
repository), keyed by the generated Verilog, the harness and the Verilator
version; concurrent builders wait on a file lock and the library appears by
atomic rename; a SHA-256 beside each library is checked before it is loaded,
and a library that does not match (truncated, damaged) is rebuilt.

A model is one transport of the accelerator driver
(lutdnn.accelerator.driver): ``send`` queues a packet and ``receive``
clocks the model until the output packet is out (or its cycle budget ends).
"""

import ctypes
import functools
import hashlib
import tempfile
from pathlib import Path

import numpy as np

from lutdnn.accelerator.driver import Driver
from lutdnn.accelerator.transport import AcceleratorError, Transport, TransportTimeout, check_packet
from lutdnn.core.atomic_write import atomic_path
from lutdnn.core.build_cache import build_once, default_cache_dir
from lutdnn.core.tools import ToolError, require_tool, run_tool
from lutdnn.hw.flow.top_verilog import TOP, generate_verilog
from lutdnn.hw.rtl.geometry import DEFAULT_LANES, DEFAULT_MAX_CODE_BITS

HARNESS = Path(__file__).with_name("verilator_harness.cpp")
VERILATOR_FLAGS = ["--cc", "-O3", "--x-assign", "fast", "--x-initial", "fast", "--noassert", "-Wno-fatal"]
CXX_FLAGS = ["-shared", "-fPIC", "-O3", "-std=c++17", "-pthread"]
BUILD_TIMEOUT_S = 900
LOCK_TIMEOUT_S = 1200
AXIL_MAX_CYCLES = 1000
FRAME_MAX_CYCLES = 10_000_000   # far beyond a frame (about 19 k cycles): only a hang gets here


class CosimError(TransportTimeout):
    """The Verilator model misbehaved: a stream or register access timed out."""


def _verilator_root():
    for line in run_tool(["verilator", "-V"], 30).splitlines():
        key, _, value = line.strip().partition("=")
        if key.strip() == "VERILATOR_ROOT" and value.strip():
            return Path(value.strip())
    raise ToolError("verilator -V does not name its VERILATOR_ROOT")


def _build(verilog, target):
    root = _verilator_root()
    include = root / "include"
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".build-") as tmp:
        tmp = Path(tmp)
        run_tool(["verilator", *VERILATOR_FLAGS, "-CFLAGS", "-fPIC -O2", "--Mdir", tmp / "obj", verilog],
                 BUILD_TIMEOUT_S)
        run_tool(["make", "-s", "-C", tmp / "obj", "-f", f"V{TOP}.mk", "OPT_FAST=-O3"], BUILD_TIMEOUT_S)
        with atomic_path(target) as library:
            run_tool([require_tool("g++"), *CXX_FLAGS, "-I", tmp / "obj", "-I", include, "-I", include / "vltstd",
                      HARNESS, include / "verilated.cpp", include / "verilated_threads.cpp",
                      tmp / "obj" / f"V{TOP}__ALL.a", "-o", library], BUILD_TIMEOUT_S)


@functools.lru_cache(maxsize=None)
def build_library(lanes=DEFAULT_LANES, max_code_bits=DEFAULT_MAX_CODE_BITS, cache_dir=None, shift_lanes=False):
    """Path of the compiled model for this configuration (built on first use; the
    conversion that keys the cache runs once per process)."""
    cache = Path(cache_dir or default_cache_dir())
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache, prefix=".verilog-") as tmp:
        verilog = generate_verilog(tmp, lanes, max_code_bits, shift_lanes=shift_lanes).verilog
        digest = hashlib.sha256(verilog.read_bytes())
        digest.update(HARNESS.read_bytes())
        digest.update(run_tool(["verilator", "--version"], 30).encode())
        digest.update(" ".join(VERILATOR_FLAGS + CXX_FLAGS).encode())
        target = cache / f"verilator-{TOP}-{digest.hexdigest()[:16]}" / f"lib{TOP}.so"
        return build_once(target, functools.partial(_build, verilog), LOCK_TIMEOUT_S)


def _bind(lib):
    p, u32, i64, u64, dbl = ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int64, ctypes.c_uint64, ctypes.c_double
    lib.lutdnn_model_new.restype = p
    lib.lutdnn_model_new.argtypes = []
    lib.lutdnn_model_free.argtypes = [p]
    lib.lutdnn_model_cycles.restype = u64
    lib.lutdnn_model_cycles.argtypes = [p]
    lib.lutdnn_axil_write.argtypes = [p, u32, u32, ctypes.c_int]
    lib.lutdnn_axil_read.argtypes = [p, u32, ctypes.POINTER(u32), ctypes.c_int]
    lib.lutdnn_stream.restype = i64
    # Arrays go as raw addresses: a C-level conversion, so a Ctrl-C cannot land inside a Python
    # ``from_param`` and come out as ctypes.ArgumentError instead of KeyboardInterrupt.
    lib.lutdnn_stream.argtypes = [p, p, p, i64, p, p, i64, dbl, dbl, u64, i64, ctypes.POINTER(i64),
                                  ctypes.POINTER(i64)]
    return lib


class VerilatorModel(Transport):
    """One instance of the compiled top level (the shift build with ``shift_lanes``), out of reset."""

    def __init__(self, lanes=DEFAULT_LANES, max_code_bits=DEFAULT_MAX_CODE_BITS, cache_dir=None, shift_lanes=False):
        self.lanes = lanes
        self.max_code_bits = max_code_bits
        self.shift_lanes = shift_lanes
        self.gap = self.stall = 0.0      # input gaps / output stalls of the next packets (fractions)
        self.seed = 0
        self._handle = None
        self._pending = []
        self._lib = _bind(ctypes.CDLL(str(build_library(lanes, max_code_bits, cache_dir, shift_lanes))))
        self._handle = self._lib.lutdnn_model_new()
        self._driver = Driver(self)

    def close(self):
        if self._handle:
            self._lib.lutdnn_model_free(self._handle)
            self._handle = None

    def __del__(self):
        self.close()

    def _live(self):
        """The model's handle; AcceleratorError after close() (a freed model must not be touched)."""
        if not self._handle:
            raise AcceleratorError("the Verilator model was closed")
        return self._handle

    @property
    def cycles(self):
        """Clock cycles simulated since the model was made."""
        return self._lib.lutdnn_model_cycles(self._live())

    def write(self, address, value):
        if self._lib.lutdnn_axil_write(self._live(), address, value & 0xFFFFFFFF, AXIL_MAX_CYCLES):
            raise CosimError(f"AXI4-Lite write to 0x{address:04x} was not answered")

    def read(self, address):
        data = ctypes.c_uint32()
        if self._lib.lutdnn_axil_read(self._live(), address, ctypes.byref(data), AXIL_MAX_CYCLES):
            raise CosimError(f"AXI4-Lite read of 0x{address:04x} was not answered")
        return data.value

    def stream(self, beats, lasts, n_out, gap=0.0, stall=0.0, seed=0, max_cycles=FRAME_MAX_CYCLES):
        """Send ``beats`` (with TLAST flags ``lasts``) while receiving ``n_out`` beats.

        Returns ``(out beats, out TLAST flags, cycles)``; CosimError on a time-out.
        """
        beats = np.ascontiguousarray(beats, np.uint64)
        lasts = np.ascontiguousarray(lasts, np.uint8)
        out = np.zeros(n_out, np.uint64)
        out_last = np.zeros(n_out, np.uint8)
        sent, received = ctypes.c_int64(), ctypes.c_int64()
        cycles = self._lib.lutdnn_stream(self._live(), beats.ctypes.data, lasts.ctypes.data, len(beats),
                                         out.ctypes.data, out_last.ctypes.data, n_out, gap, stall, seed,
                                         max_cycles, ctypes.byref(sent), ctypes.byref(received))
        if cycles < 0:
            raise CosimError(f"stream stalled: {sent.value} of {len(beats)} beats accepted, "
                             f"{received.value} of {n_out} delivered in {max_cycles} cycles")
        return out, out_last.astype(bool), cycles

    def send(self, beats):
        """Queue one packet; it enters the model while the next ``receive`` clocks it."""
        self._pending.append(np.asarray(beats, np.uint64))

    def receive(self, count):
        packets, self._pending = self._pending, []
        beats = np.concatenate(packets) if packets else np.zeros(0, np.uint64)
        lasts = np.zeros(len(beats), bool)
        lasts[np.cumsum([len(p) for p in packets]) - 1] = True
        out, out_last, _ = self.stream(beats, lasts, count, self.gap, self.stall, self.seed)
        self.seed += 1
        check_packet(out, out_last, count)
        return out

    def reset(self):
        self._pending = []

    def load(self, image):
        """Check ``image`` against this build and write its registers, LUTs and biases."""
        self._driver.load(image)

    def clear_context(self):
        self._driver.clear_context()

    def run_frames(self, image, re, im, gap=0.0, stall=0.0, seed=0):
        """Frames of s16 words ``(T, 129)`` through the loaded ``image`` -> ``(re, im, cycles per frame)``.

        ``cycles per frame`` is the CYCLES register after each frame (first input
        beat to last output beat).
        """
        if self._driver.image is not image:
            raise AcceleratorError("run_frames got an image other than the loaded one: load(image) first")
        self.gap, self.stall, self.seed = gap, stall, seed
        return self._driver.run_frames(re, im)
