"""AXI4-Stream interface object and the transaction helpers testbenches drive it with.

Signal names follow AXI (``tdata/tvalid/tready/tlast``) rather than
payload/valid/ready: the converted top level's ports are then called
``s_axis_tdata`` etc., which Vivado's IP packager infers as AXI4-Stream.
"""

from myhdl import Signal, intbv

from lutdnn.model.reference.packing import BEAT_BITS

WAIT_LIMIT = 1_000_000   # clock cycles a helper waits for a handshake before giving up


class StreamTimeout(RuntimeError):
    """A testbench helper waited longer than ``WAIT_LIMIT`` cycles for a handshake."""


class AxiStream:
    """One AXI4-Stream channel: ``tdata`` (``data_bits`` wide), ``tvalid``, ``tready``, ``tlast``."""

    def __init__(self, data_bits=BEAT_BITS):
        self.tdata = Signal(intbv(0)[data_bits:])
        self.tvalid = Signal(bool(0))
        self.tready = Signal(bool(0))
        self.tlast = Signal(bool(0))

    def send(self, clk, beats, lasts, rng=None, gap=0.0):
        """Testbench generator: drive ``beats`` (ints) with TLAST from ``lasts``.

        With ``rng`` and ``gap > 0``, TVALID drops for a cycle before a beat
        with probability ``gap`` (a bursty DMA).
        """
        for beat, last in zip(beats, lasts):
            while rng is not None and gap > 0 and rng.random() < gap:
                self.tvalid.next = 0
                yield clk.posedge
            self.tdata.next = int(beat)
            self.tlast.next = bool(last)
            self.tvalid.next = 1
            yield clk.posedge
            waited = 0
            while not self.tready:
                waited += 1
                if waited > WAIT_LIMIT:
                    raise StreamTimeout("sink never raised TREADY")
                yield clk.posedge
        self.tvalid.next = 0
        self.tlast.next = 0

    def receive(self, clk, count, sink, rng=None, stall=0.0):
        """Testbench generator: accept ``count`` beats, appending ``(tdata, tlast)`` to ``sink``.

        With ``rng`` and ``stall > 0``, TREADY is low on a cycle with probability ``stall``.
        """
        received = 0
        idle = 0
        while received < count:
            ready = not (rng is not None and stall > 0 and rng.random() < stall)
            self.tready.next = ready
            yield clk.posedge
            if ready and self.tvalid:
                sink.append((int(self.tdata), bool(self.tlast)))
                received += 1
                idle = 0
            else:
                idle += 1
                if idle > WAIT_LIMIT:
                    raise StreamTimeout(f"source sent {received} of {count} beats, then nothing")
        self.tready.next = 0
