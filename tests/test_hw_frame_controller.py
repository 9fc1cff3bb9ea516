"""Frame controller on its own: the bins it pushes, the MAC steps and reads it issues, the output
beats it sends, and its answer to malformed packets: MyHDL and Icarus.

The blocks around it are stand-ins written here (fixed latencies, a MAC that is busy for a
while after each block, an output buffer whose words are a function of their address), so
each check names the controller's own behaviour (docs/hardware.md)."""

import numpy as np
import pytest
from hw_testing import clock, needs_tools, reset_for_two_cycles, simulated
from myhdl import ResetSignal, Signal, StopSimulation, always, block, instance

from lutdnn.accelerator.protocol import last_flags, spectrum_beats
from lutdnn.core.framing import BINS, CONTEXT
from lutdnn.hw.rtl.axi_stream import AxiStream
from lutdnn.hw.rtl.frame_controller import ERROR_EARLY_TLAST, ERROR_MISSING_TLAST, SPECTRUM_BEATS, frame_controller
from lutdnn.hw.rtl.interfaces import (ACTIVATION_ADDR_BITS, ContextPort, FrameStatus, MacCommand, OutputBuffer,
                                      ReadPort, context_write_port, spectrum_bins, stage_sink, unsigned)
from lutdnn.model.model_file import HIDDEN
from lutdnn.model.reference.formats import WORD_BITS

LANES = 16
VECTORING_LATENCY = 5   # cycles from a pushed bin to its result (the CORDIC's are longer; any will do)
OUTPUT_LATENCY = 4      # cycles from an output-stage input to its rotated bin in the buffer
BUSY_CYCLES = 24        # the MAC produces a block's outputs this long after its last step
CYCLE_LIMIT = 200_000
INPUTS = (CONTEXT * BINS, HIDDEN)                     # inputs of layer 1, layer 2
BLOCKS = (-(-HIDDEN // LANES), -(-BINS // LANES))     # blocks of LANES outputs per layer
CODE_BEATS = sum(b * n for b, n in zip(BLOCKS, INPUTS))


def even_word(beat):
    """What the stand-in output buffer holds for a beat's even bin (any function of the address)."""
    return (0x9E3779B1 * (beat + 1)) & 0xFFFFFFFF


def odd_word(beat):
    return (0x7F4A7C15 * (beat + 3)) & 0xFFFFFFFF


@block
def bench(build_dir, packets, log, out_beats):
    clk, reset = Signal(bool(0)), ResetSignal(0, active=1, isasync=False)
    s_axis, m_axis, status = AxiStream(), AxiStream(), FrameStatus()
    bins, vectored, context = spectrum_bins(), context_write_port(), ContextPort()
    act_read = ReadPort(unsigned(ACTIVATION_ADDR_BITS), unsigned(WORD_BITS))
    mac, stage_in, out_buf = MacCommand(), stage_sink(), OutputBuffer()
    dut = simulated(frame_controller(clk, reset, s_axis, m_axis, status, bins, vectored, context, act_read, mac,
                                     stage_in, out_buf, LANES), build_dir)
    vectoring_line = [False] * VECTORING_LATENCY
    output_line = [False] * OUTPUT_LATENCY
    busy_left = [0]
    read_before = [None]        # the read addresses of the previous cycle (read data arrives a cycle later)

    @always(clk.posedge)
    def surroundings():
        vectoring_line.append(bool(bins.valid))
        vectored.valid.next = vectoring_line.pop(0)
        output_line.append(bool(stage_in.valid))
        out_buf.written.next = output_line.pop(0)
        busy_left[0] = BUSY_CYCLES if mac.valid and mac.last else max(busy_left[0] - 1, 0)
        mac.busy.next = busy_left[0] > 0
        out_buf.even.next = even_word(int(out_buf.rd_addr))
        out_buf.odd.next = odd_word(int(out_buf.rd_addr))
        if bins.valid:
            log["bins"].append((int(bins.re), int(bins.im)))
        if mac.valid:
            read = read_before[0][2] if mac.x_from_hidden else read_before[0][:2]
            log["steps"].append((bool(mac.first), bool(mac.last), int(mac.layer), int(mac.block_base), read))
        if stage_in.valid:
            log["stage reads"].append(read_before[0])
        if status.error_set:
            log["errors"].append(int(status.error_set))
        if context.clear:
            log["clears"] += 1
        read_before[0] = (int(context.age), int(context.bin), int(act_read.addr))

    @instance
    def send():
        yield from reset_for_two_cycles(clk, reset)
        for beats, lasts in packets:
            yield from s_axis.send(clk, beats, lasts)

    @instance
    def receive():
        yield from m_axis.receive(clk, SPECTRUM_BEATS, out_beats)
        yield clk.posedge
        log["frames"], log["frame cycles"] = int(status.frames), int(status.frame_cycles)
        raise StopSimulation

    @instance
    def watchdog():
        for _ in range(CYCLE_LIMIT):
            yield clk.posedge
        raise AssertionError("the frame controller sent no output packet")

    return dut, clock(clk), surroundings, send, receive, watchdog


def spectrum(seed):
    rng = np.random.default_rng(seed)
    re, im = rng.integers(-32768, 32768, BINS), rng.integers(-32768, 32768, BINS)
    return re, im, [int(b) for b in spectrum_beats(re, im)]


def packet(beats, last_at=None):
    """``beats`` with TLAST on the beat ``last_at`` (default the last one; False: none)."""
    lasts = list(last_flags(len(beats)))
    if last_at is not None:
        lasts = [i == last_at for i in range(len(beats))] if last_at is not False else [False] * len(beats)
    return beats, lasts


def run(packets, build_dir=None):
    log = {"bins": [], "steps": [], "stage reads": [], "errors": [], "clears": 0}
    out = []
    bench(build_dir, packets, log, out).run_sim(quiet=1)
    return log, out


def expected_steps():
    """Every MAC step of a frame: (first, last, layer, block base, the read of its input x)."""
    steps = []
    for layer, (blocks, inputs) in enumerate(zip(BLOCKS, INPUTS)):
        for block_index in range(blocks):
            for j in range(inputs):
                read = j if layer else divmod(j, BINS)
                steps.append((j == 0, j == inputs - 1, layer, block_index * LANES, read))
    return steps


def check_one_good_frame(log, out, re, im):
    assert log["bins"][-BINS:] == list(zip(re.tolist(), im.tolist()))
    assert log["steps"][-CODE_BEATS:] == expected_steps()
    # y of bin b from the activation RAM's layer-2 half, |X| of the current frame (age 7), then its phase
    assert log["stage reads"] == [(CONTEXT - 1, b, (1 << (ACTIVATION_ADDR_BITS - 1)) + b) for b in range(BINS)]
    assert [beat for beat, _ in out] == [odd_word(k) << 32 | even_word(k) for k in range(SPECTRUM_BEATS - 1)] + \
        [even_word(SPECTRUM_BEATS - 1)]
    assert [last for _, last in out] == [False] * (SPECTRUM_BEATS - 1) + [True]
    assert log["frames"] == 1 and log["frame cycles"] > CODE_BEATS


@pytest.mark.parametrize("cosim", [False, pytest.param(True, marks=needs_tools("iverilog"))])
def test_a_frame_is_sequenced_in_order(tmp_path, cosim):
    re, im, beats = spectrum(61)
    log, out = run([packet(beats), packet([0] * CODE_BEATS)], tmp_path if cosim else None)
    check_one_good_frame(log, out, re, im)
    assert log["errors"] == [] and log["clears"] == 0


CODES_CUT = 1000


@pytest.mark.parametrize("case, bad_packets, errors", [
    ("early TLAST in the spectrum", lambda beats: [packet(beats[:10])], [ERROR_EARLY_TLAST]),
    ("missing TLAST in the spectrum", lambda beats: [packet(beats, last_at=False), packet([0] * 3)],
     [ERROR_MISSING_TLAST]),
    ("early TLAST in the codes", lambda beats: [packet(beats), packet([0] * CODES_CUT)], [ERROR_EARLY_TLAST]),
    ("missing TLAST in the codes", lambda beats: [packet(beats), packet([0] * CODE_BEATS, last_at=False),
                                                  packet([0] * 2)], [ERROR_MISSING_TLAST]),
])
def test_a_malformed_packet_raises_its_cause_empties_the_context_and_the_next_frame_runs(case, bad_packets,
                                                                                          errors):
    re, im, beats = spectrum(62)
    log, out = run(bad_packets(beats) + [packet(beats), packet([0] * CODE_BEATS)])
    assert log["errors"] == errors, case
    assert log["clears"] == 1, case
    check_one_good_frame(log, out, re, im)
