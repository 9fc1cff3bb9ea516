"""Testbench for the accelerator top level, shared by the MyHDL-simulation,
Icarus-cosimulation and Verilator tests: loads a weight image over AXI4-Lite, streams frames
through the AXI4-Stream ports (optionally with gaps and backpressure) and
collects the output packets.
"""

import random

import numpy as np
from hw_testing import clock
from myhdl import ResetSignal, Signal, StopSimulation, block, instance

from lutdnn.accelerator import protocol
from lutdnn.hw.rtl import axi_lite
from lutdnn.hw.rtl.axi_lite import AxiLite
from lutdnn.hw.rtl.axi_stream import AxiStream
from lutdnn.hw.rtl.frame_controller import SPECTRUM_BEATS
from lutdnn.model.reference.dnn import IntLayer
from lutdnn.model.weight_image import WeightImage


def random_image(seed, code_bits=(4, 4), lanes=16, output_mode=0, fracs=(9, 10, 12), mask_floor=100):
    """A full-size image with random codes, biases and sign-symmetric LUTs (so
    hidden units are neither all off nor all saturated on speech)."""
    rng = np.random.default_rng(seed)
    shapes = ((256, 1032), (129, 256))

    def layer(shape, bits, in_frac, out_frac):
        half = 1 << (bits - 1)
        values = rng.integers(1, 128, half)
        shifts = rng.integers(0, 9, half)
        return IntLayer(codes=rng.integers(0, 1 << bits, shape), lut_values=np.concatenate([values, -values]),
                        lut_shifts=np.concatenate([shifts, shifts]), biases=rng.integers(-128, 128, shape[0]),
                        in_frac=in_frac, out_frac=out_frac)

    layers = [layer(shapes[0], code_bits[0], fracs[0], fracs[1]), layer(shapes[1], code_bits[1], fracs[1], fracs[2])]
    return WeightImage(layers=layers, code_bits=list(code_bits), lanes=lanes, output_mode=output_mode,
                       mask_floor=mask_floor)


class TopPorts:
    """The top level's port signals."""

    def __init__(self):
        self.clk = Signal(bool(0))
        self.reset = ResetSignal(0, active=1, isasync=False)
        self.s_axis = AxiStream()
        self.m_axis = AxiStream()
        self.s_axi = AxiLite()

    def args(self):
        return self.clk, self.reset, self.s_axis, self.m_axis, self.s_axi


@block
def top_bench(dut_block, ports, image, re, im, out, status, seed=0, gap=0.0, stall=0.0, packets=None):
    """Drive ``dut_block(*ports.args())`` (the @block, or a function giving its Cosimulation) with frames ``re``/``im`` ``(T, 129)``.

    Output beats are appended to ``out`` as ``(tdata, tlast)``; at the end
    ``status`` gets the STATUS, CYCLES and FRAMES registers.  ``packets``
    overrides the input stream: a list of ``(beats, lasts)`` sent in order,
    with the number of output frames expected.
    """
    dut = dut_block(*ports.args())
    clk, s_axis, m_axis, s_axi = ports.clk, ports.s_axis, ports.m_axis, ports.s_axi
    rng_in, rng_out = random.Random(seed), random.Random(seed + 1)
    codes = protocol.code_beats(image)
    if packets is None:
        packets = []
        for t in range(len(re)):
            packets.append((protocol.spectrum_beats(re[t], im[t]), protocol.last_flags(SPECTRUM_BEATS)))
            packets.append((codes, protocol.last_flags(len(codes))))
        expected_frames = len(re)
    else:
        packets, expected_frames = packets
    loaded = Signal(bool(0))
    received = Signal(bool(0))

    @instance
    def host():
        ports.reset.next = 1
        for _ in range(3):
            yield clk.posedge
        ports.reset.next = 0
        yield clk.posedge
        for address, value in protocol.register_writes(image):
            yield from s_axi.write(clk, address, value)
        loaded.next = 1
        for beats, lasts in packets:
            yield from s_axis.send(clk, beats, lasts, rng_in, gap)
        while not received:
            yield clk.posedge
        for address in (axi_lite.REG_STATUS, axi_lite.REG_CYCLES, axi_lite.REG_FRAMES):
            yield from s_axi.read(clk, address, status)
        raise StopSimulation

    @instance
    def sink():
        while not loaded:
            yield clk.posedge
        yield from m_axis.receive(clk, expected_frames * SPECTRUM_BEATS, out, rng_out, stall)
        received.next = 1

    return dut, clock(clk), host, sink


def output_words(out):
    """Collected output beats -> ``(re, im)`` ``(frames, 129)`` and the TLAST flags."""
    beats = np.array([b for b, _ in out], np.uint64).reshape(-1, SPECTRUM_BEATS)
    lasts = np.array([last for _, last in out]).reshape(-1, SPECTRUM_BEATS)
    words = [protocol.unpack_spectrum(frame) for frame in beats]
    return np.array([w[0] for w in words]), np.array([w[1] for w in words]), lasts


def speech_words(data_dir, frames=None, start=0):
    """s16 spectrum words ``(re, im)`` of a real FSDD recording when ``data_dir`` has
    one, else of a generated voiced signal (harmonics with a gliding pitch, plus noise)."""
    from lutdnn.core import framing
    from lutdnn.model.reference.formats import spectrum_to_words
    wavs = sorted((data_dir / "fsdd").glob("*.wav")) if data_dir is not None and (data_dir / "fsdd").is_dir() else []
    if wavs:
        import soundfile
        signal, rate = soundfile.read(wavs[0])
        if rate != framing.SAMPLE_RATE:
            raise ValueError(f"{wavs[0].name} is {rate} Hz, not {framing.SAMPLE_RATE}")
    else:
        t = np.arange(4000) / framing.SAMPLE_RATE
        pitch = 2 * np.pi * np.cumsum(120 + 60 * t) / framing.SAMPLE_RATE
        signal = sum(0.3 / k * np.sin(k * pitch) for k in range(1, 12))
        signal = signal + 0.01 * np.random.default_rng(0).standard_normal(len(t))
    re, im = spectrum_to_words(framing.analyze(signal))
    stop = None if frames is None else start + frames
    return re[start:stop], im[start:stop]


def data_dir_or_none():
    """``../shared/data`` beside the repository, or None when it is absent."""
    from conftest import SHARED_DATA
    return SHARED_DATA if (SHARED_DATA / "fsdd").is_dir() else None
