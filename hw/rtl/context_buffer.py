"""Context buffer: the last 8 frames of magnitudes, read as layer 1's input.

A ring of ``CONTEXT`` slots of 256 words (129 used: a power-of-two slot size
makes the address a concatenation, and 8 x 256 u16 is one 36 Kb block RAM).
Layer 1 reads input ``j = k*129 + b`` (docs/features.md) as ``rd_age = k``
(0 oldest, 7 current frame), ``rd_bin = b``.  Frames not received since the
last ``clear`` read as zero, which is the reference's empty context without
having to wipe the RAM.
"""

from myhdl import Signal, always_comb, always_seq, block, concat, intbv

from lutdnn.core.framing import CONTEXT
from lutdnn.hw.rtl.interfaces import BIN_BITS, SLOT_BITS, ReadPort, WritePort
from lutdnn.hw.rtl.ram import ram
from lutdnn.model.reference.formats import WORD_BITS


@block
def context_buffer(clk, reset, port, write):
    """Ports:
      clk, reset (in): clock, synchronous reset (ResetSignal)
      port: ContextPort (hw/rtl/interfaces.py):
        advance (in): a new frame starts; its bins are written next (the oldest frame leaves)
        clear (in): forget every frame, including one starting in the same cycle
            (the next recording starts with an empty context)
        age (in, 0..7, oldest first), bin (in): read request
        data (out): the word one cycle after the request (0 for a frame not yet received)
      write (in): WritePort: magnitude (u16) ``data`` of bin ``addr`` of the current frame
    """
    clear, advance, rd_age, rd_bin, rd_data = port.clear, port.advance, port.age, port.bin, port.data
    wr_en, wr_bin, wr_data = write.valid, write.addr, write.data
    if CONTEXT != 1 << SLOT_BITS:
        raise ValueError("the ring addresses slots with 3 bits: CONTEXT must be 8")
    slot = Signal(intbv(0)[SLOT_BITS:])           # slot of the current frame
    filled = Signal(intbv(0, min=0, max=CONTEXT + 1))
    rd_slot = Signal(intbv(0)[SLOT_BITS:])
    wr_addr = Signal(intbv(0)[SLOT_BITS + BIN_BITS:])
    rd_addr = Signal(intbv(0)[SLOT_BITS + BIN_BITS:])
    stored = Signal(intbv(0)[WORD_BITS:])
    present = Signal(bool(0))

    mem = ram(clk, WritePort(wr_addr, wr_data, wr_en), ReadPort(rd_addr, stored))

    @always_comb
    def read_slot():
        # the oldest frame sits in the slot after the current one
        rd_slot.next = (slot + 1 + rd_age) % CONTEXT

    @always_comb
    def addresses():
        wr_addr.next = concat(slot, wr_bin)
        rd_addr.next = concat(rd_slot, rd_bin)

    @always_seq(clk.posedge, reset=reset)
    def ring():
        # a clear wins over a simultaneous advance: that frame is being dropped
        if clear:
            filled.next = 0
        elif advance:
            slot.next = (slot + 1) % CONTEXT
            if filled < CONTEXT:
                filled.next = filled + 1
        present.next = rd_age + filled >= CONTEXT

    @always_comb
    def mask():
        if present:
            rd_data.next = stored
        else:
            rd_data.next = 0

    return mem, read_slot, addresses, ring, mask
