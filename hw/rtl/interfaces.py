"""The interfaces between the accelerator's blocks, as objects (as rhea and Amaranth do).

Each class groups the signals of one connection and documents every member's
direction, seen from the block that *owns* the connection's data (the
"source" of a stream, the register file for a write port, the memory for a
read port); a block at the other end uses the same object flipped (it reads
what the source drives and drives what the source reads).

One handshake vocabulary: ``valid`` qualifies a cycle's payload (a stream
beat, a write, a command); ``ready`` (streams with back-pressure only) says
the sink takes it; the payload members are named after what they carry.

A constructor argument that is already a ``Signal`` becomes the member as
it is, so two views may share signals (the context buffer's write port and
the phase RAM's write port share ``valid`` and ``addr``); any other value
(``intbv``, ``bool``) is the initial value of a fresh signal.  The defaults
are the accelerator's widths, so a test bench builds its ports from these
classes without restating them.

MyHDL converts ``obj.member`` in generators; a block takes members into
local names where it slices them (MyHDL misnames slices of an interface's
signal) and where the same signal has a shorter name in its body.
"""

import copy

from myhdl import Signal, intbv, modbv
from myhdl._Signal import _Signal

from lutdnn.accelerator import registers as register_table
from lutdnn.hw.rtl.axi_stream import WAIT_LIMIT, StreamTimeout
from lutdnn.hw.rtl.geometry import DEFAULT_MAX_CODE_BITS
from lutdnn.model.reference.formats import BIAS_BITS, LUT_VALUE_BITS, SPECTRUM_BITS, WORD_BITS

# address widths of the connections (the blocks take them from here)
SLOT_BITS = 3              # context buffer: a frame's slot (CONTEXT = 8 frames)
BIN_BITS = 8               # a bin (0..128) or a context slot's word
ACTIVATION_ADDR_BITS = 9   # layer (1 bit) + output index (8 bits, up to 256 per layer)
OUT_ADDR_BITS = 7          # the output buffer holds 65 beats
STATUS_DATA_BITS = register_table.DATA_BITS
FRAC_BITS = register_table.field("FRAC_IN").width
CODE_BITS_FIELD = register_table.field("CODE_BITS_1").width
LUT_SHIFT_BITS = register_table.field("LUT", "SHIFT").width
ERROR_SET_BITS = 2     # the stream error causes the frame controller raises


def signed(bits):
    """An ``intbv`` holding ``bits``-bit two's-complement values."""
    return intbv(0, min=-(1 << (bits - 1)), max=1 << (bits - 1))


def unsigned(bits):
    return intbv(0)[bits:]


def member(value):
    """``value`` itself if it is a Signal, else a fresh Signal initialised to it."""
    return value if isinstance(value, _Signal) else Signal(value)


def wait_until(clk, flag, what):
    """Testbench generator: clock edges until ``flag()`` holds; StreamTimeout after WAIT_LIMIT."""
    for _ in range(WAIT_LIMIT):
        yield clk.posedge
        if flag():
            return
    raise StreamTimeout(f"never saw {what}")


class Stream:
    """A valid/ready stream of beats with named payload words.

    Members:
      valid (source -> sink): the payload is a beat this cycle
      ready (sink -> source): the sink takes a beat this cycle (a beat passes
          where ``valid and ready``); a sink that always takes leaves it unread
      one member per payload word, named at construction (source -> sink)
    ``payload`` lists the payload members' names in order (not a signal).
    """

    def __init__(self, valid=False, ready=False, **payload):
        self.valid = member(valid)
        self.ready = member(ready)
        for name, value in payload.items():
            setattr(self, name, member(value))
        self.payload = tuple(payload)

    def words(self):
        return [getattr(self, name) for name in self.payload]

    def send(self, clk, beats):
        """Testbench generator (source side): drive each beat (a tuple of payload words
        in ``payload`` order) until the sink takes it."""
        for beat in beats:
            for sig, word in zip(self.words(), beat):
                sig.next = int(word)
            self.valid.next = 1
            yield from wait_until(clk, lambda: bool(self.ready), "the sink's ready")
        self.valid.next = 0


def spectrum_bins():
    """A Stream of spectrum bins: ``re``, ``im`` (s16)."""
    return Stream(re=signed(SPECTRUM_BITS), im=signed(SPECTRUM_BITS))


def stage_sink(valid=False, y=None, mag=None):
    """The output stage's input: Stream of ``y`` (layer-2 word, u16) and ``mag`` (|X|, u16)."""
    return Stream(valid, y=unsigned(WORD_BITS) if y is None else y, mag=unsigned(WORD_BITS) if mag is None else mag)


def stage_source():
    """The output stage's result: Stream of ``mag`` (enhanced magnitude, u16)."""
    return Stream(mag=unsigned(WORD_BITS))


class WritePort:
    """A memory's write port (no back-pressure: a write always lands).

    Members (writer -> memory):
      valid: write ``data`` at ``addr`` this cycle
      addr: word address
      data: the word (its type is the memory's word type)
    """

    def __init__(self, addr, data, valid=False):
        self.valid = member(valid)
        self.addr = member(addr)
        self.data = member(data)

    def write(self, clk, writes):
        """Testbench generator: one ``(addr, data)`` write a cycle."""
        for addr, data in writes:
            self.valid.next, self.addr.next, self.data.next = 1, int(addr), int(data)
            yield clk.posedge
        self.valid.next = 0


def bias_write_port():
    """The MAC's bias table write port: addr = layer * 256 + output (9 bits), data s8."""
    return WritePort(unsigned(ACTIVATION_ADDR_BITS), signed(BIAS_BITS))


def activation_write_port():
    """The activation RAM's write port (the MAC's results): addr = layer * 256 + output, data u16."""
    return WritePort(unsigned(ACTIVATION_ADDR_BITS), unsigned(WORD_BITS))


class ReadPort:
    """A memory's synchronous read port.

    Members:
      addr (reader -> memory): word address
      data (memory -> reader): the word at the address of the cycle before
    """

    def __init__(self, addr, data):
        self.addr = member(addr)
        self.data = member(data)


class LutWrite:
    """The LUT write port (register file -> LUT decoder): one LUT entry a cycle.

    Members:
      valid (in): write the entry this cycle
      layer (in): the LUT (0: layer 1, 1: layer 2)
      code (in, ``max_code_bits``): the entry's code
      value (in, s8), shift (in, 0..KMAX): the entry (docs/arithmetic.md section 4)
      refused (out, shift build only): the entry being written has a value that
          is not 0 or a power of two, and is dropped (STATUS BAD_LUT_VALUE)
    """

    def __init__(self, max_code_bits=DEFAULT_MAX_CODE_BITS):
        self.valid = Signal(bool(0))
        self.layer = Signal(bool(0))
        self.code = Signal(unsigned(max_code_bits))
        self.value = Signal(signed(LUT_VALUE_BITS))
        self.shift = Signal(unsigned(LUT_SHIFT_BITS))
        self.refused = Signal(bool(0))

    def write(self, clk, entries, refusals=None):
        """Testbench generator: one ``(layer, code, value, shift)`` entry a cycle;
        ``refusals`` (a list) gets ``(layer, code)`` of each entry the decoder refuses."""
        for layer, code, value, shift in entries:
            self.valid.next, self.layer.next, self.code.next = 1, layer, code
            self.value.next, self.shift.next = value, shift
            yield clk.negedge
            if self.refused and refusals is not None:
                refusals.append((layer, code))
            yield clk.posedge
        self.valid.next = 0


class ContextPort:
    """The context buffer's command and read port (frame controller -> context buffer).

    Members:
      advance (in): a new frame starts; its bins are written next (the oldest frame leaves)
      clear (in): forget every frame, including one starting in the same cycle
      age (in, 0..7, oldest first), bin (in, 0..128): read request
      data (out, u16): the word one cycle after the request (0 for a frame not yet received)
    """

    def __init__(self):
        self.advance = Signal(bool(0))
        self.clear = Signal(bool(0))
        self.age = Signal(unsigned(SLOT_BITS))
        self.bin = Signal(unsigned(BIN_BITS))
        self.data = Signal(unsigned(WORD_BITS))

    def with_clear(self, clear):
        """This port with another ``clear`` (the buffer also clears on a register write)."""
        view = copy.copy(self)
        view.clear = clear
        return view


def context_write_port(valid=False, addr=None):
    """The context buffer's write port: magnitude (u16) of bin ``addr`` of the current frame."""
    return WritePort(unsigned(BIN_BITS) if addr is None else addr, unsigned(WORD_BITS), valid)


class MacCommand:
    """What the frame controller tells the LUT decoder and the MAC lanes for each code beat.

    Members (frame controller -> decoder and lanes):
      code_layer: the LUT of the code beat on s_axis this cycle (decoder input)
      valid: the decoded weights and ``x`` are one input of the current block
          (the previous cycle's code beat, aligned with the decoder's registered weights)
      first / last: this input is the block's first / last
      layer: the block's layer (0/1), sampled with ``last``
      block_base: first output index of the block, sampled with ``last``
      x_from_hidden: ``x`` comes from the activation RAM (layer 2), not the context buffer
    Member (lanes -> frame controller):
      busy: a block's outputs are still being produced
    """

    def __init__(self):
        self.code_layer = Signal(bool(0))
        self.valid = Signal(bool(0))
        self.first = Signal(bool(0))
        self.last = Signal(bool(0))
        self.layer = Signal(bool(0))
        self.block_base = Signal(unsigned(ACTIVATION_ADDR_BITS - 1))
        self.x_from_hidden = Signal(bool(0))
        self.busy = Signal(bool(0))


class OutputBuffer:
    """The output buffer as the frame controller sees it (two RAMs: even and odd bins).

    Members:
      written (buffer -> controller): a rotated bin is written this cycle
      bin (controller -> buffer, 0..128): the bin being written (even bins fill
          a beat's low word, odd bins its high word)
      rd_addr (controller -> buffer, 0..64): the output beat to read
      even, odd (buffer -> controller, (im, re) s16 pairs): the beat's bins 2k
          and 2k+1, one cycle after ``rd_addr``
    """

    def __init__(self, written=False):
        self.written = member(written)
        self.bin = Signal(unsigned(BIN_BITS))
        self.rd_addr = Signal(unsigned(OUT_ADDR_BITS))
        self.even = Signal(unsigned(2 * SPECTRUM_BITS))
        self.odd = Signal(unsigned(2 * SPECTRUM_BITS))


class FrameStatus:
    """The frame controller's status for the register file (docs/register_map.md STATUS, CYCLES, FRAMES).

    Members (frame controller -> register file):
      error_set: stream error causes raised this cycle (bit 0 EARLY_TLAST, bit 1 MISSING_TLAST)
      idle: waiting for the first beat of a spectrum packet
      frame_cycles: cycles of the last completed frame
      frames: frames completed since reset (wraps)
    """

    def __init__(self):
        self.error_set = Signal(unsigned(ERROR_SET_BITS))
        self.idle = Signal(bool(0))
        self.frame_cycles = Signal(modbv(0)[STATUS_DATA_BITS:])
        self.frames = Signal(modbv(0)[STATUS_DATA_BITS:])


class Configuration:
    """The configuration registers (register file -> datapath), held between writes.

    Members:
      code_bits_1, code_bits_2: code width M of layer 1 / layer 2
      frac_in, frac_hidden, frac_out: F_1, F_2, F_3 (docs/arithmetic.md)
      output_mode: OUTPUT_MASK (0) or OUTPUT_MAGNITUDE (1)
      mask_floor: u16 with F_3 fraction bits
    """

    def __init__(self):
        self.code_bits_1 = Signal(unsigned(CODE_BITS_FIELD))
        self.code_bits_2 = Signal(unsigned(CODE_BITS_FIELD))
        self.frac_in = Signal(unsigned(FRAC_BITS))
        self.frac_hidden = Signal(unsigned(FRAC_BITS))
        self.frac_out = Signal(unsigned(FRAC_BITS))
        self.output_mode = Signal(bool(0))
        self.mask_floor = Signal(unsigned(WORD_BITS))
