"""The board's transport: the accelerator's registers through ``pynq.MMIO`` and its
streams through pynq's own AXI DMA driver (``pynq.lib.dma.DMA``, simple mode).

Every packet is one simple-mode transfer (the DMA ends it with TLAST).  pynq's
``DMA.wait()`` polls forever, so every wait here polls the channel's idle bit
against a deadline instead; on a time-out the accelerator and the DMA are reset
and :class:`DmaTimeout` names the channel, its DMASR and the accelerator's STATUS.
Buffers are allocated once (``pynq.allocate``) and reused for every frame:
pynq's ``transfer`` flushes an MM2S buffer before the DMA reads it, and this
transport invalidates the S2MM buffer after the DMA wrote it.
"""

import time

import numpy as np
import pynq

from lutdnn.accelerator import protocol
from lutdnn.accelerator import registers as regs
from lutdnn.accelerator.transport import AcceleratorError, Transport, TransportTimeout

DEFAULT_TIMEOUT_S = 1.0      # a frame takes about 0.2 ms of hardware time at 100 MHz
BEAT_BYTES = 8
# AXI DMA (PG021) channel registers, from the channel's base
CHANNEL_BASE = {"MM2S": 0x00, "S2MM": 0x30}
DMACR, DMASR, LENGTH = 0x00, 0x04, 0x28
DMACR_RESET = 1 << 2
DMASR_IDLE = 1 << 1
DMASR_BITS = {0: "Halted", 1: "Idle", 4: "DMAIntErr", 5: "DMASlvErr", 6: "DMADecErr", 12: "IOC_Irq",
              14: "Err_Irq"}
DMASR_ERRORS = 0x70


class DmaTimeout(TransportTimeout):
    """A DMA transfer did not finish before its deadline."""


class DmaError(AcceleratorError):
    """The DMA reported an error (DMASR) or a transfer moved the wrong number of bytes."""


def dmasr_names(value):
    return ", ".join(name for bit, name in DMASR_BITS.items() if value >> bit & 1) or "none"


class PynqTransport(Transport):
    """``accelerator``: the IP's driver (has ``mmio``); ``dma``: a ``pynq.lib.dma.DMA``."""

    def __init__(self, accelerator, dma, timeout_s=DEFAULT_TIMEOUT_S, dma_name="axi_dma"):
        self.mmio = accelerator.mmio
        self.dma = dma
        self.dma_name = dma_name
        self.timeout_s = timeout_s
        self._buffers = {}
        self._busy = {"MM2S": False, "S2MM": False}   # a transfer was started and not yet seen idle
        self.read = self.mmio.read  # bound once: these run several times a frame

    def write(self, address, value):
        self.mmio.write(address, int(value) & 0xFFFFFFFF)

    def buffer(self, name, count):
        """The DMA buffer ``name`` of ``count`` beats, allocated on first use and kept.

        Refuses a packet the DMA cannot move in one transfer (its length register
        is ``c_sg_length_width`` bits wide; Vivado's default 14 gives 16383 bytes)."""
        nbytes = count * BEAT_BYTES
        if nbytes > self.dma.buffer_max_size:
            raise AcceleratorError(
                f"the {name} packet is {nbytes} bytes but the AXI DMA {self.dma_name!r} moves at most "
                f"{self.dma.buffer_max_size} bytes per transfer: rebuild the overlay with the DMA's "
                f"c_sg_length_width at least {nbytes.bit_length()} (the lutdnn overlay uses 26)")
        held = self._buffers.get(name)
        if held is None or held.shape != (count,):
            if held is not None:
                held.freebuffer()
            held = self._buffers[name] = pynq.allocate((count,), np.uint64)
        return held

    def send(self, beats):
        """One MM2S transfer of ``beats`` (a buffer from :meth:`buffer`), after the previous one ends."""
        self._wait("MM2S")
        self.dma.sendchannel.transfer(beats)
        self._busy["MM2S"] = True

    def receive(self, count):
        out = self.buffer("output", count)
        self.dma.recvchannel.transfer(out)
        self._busy["S2MM"] = True
        self._wait("S2MM")
        self._wait("MM2S")
        out.invalidate()
        received = self.dma.mmio.read(CHANNEL_BASE["S2MM"] + LENGTH)
        if received != out.nbytes:
            raise DmaError(f"S2MM of {self.dma_name!r} received {received} bytes, expected {out.nbytes} "
                           f"(TLAST out of place)")
        return out

    def _wait(self, name):
        """Poll channel ``name`` until idle; DmaError on a DMASR error, DmaTimeout after ``timeout_s``."""
        if not self._busy[name]:
            return
        deadline = time.monotonic() + self.timeout_s
        while True:
            status = self.dma.mmio.read(CHANNEL_BASE[name] + DMASR)
            if status & DMASR_ERRORS:
                self._fail(DmaError, name, status, "reported an error")
            if status & DMASR_IDLE:
                self._busy[name] = False
                return
            if time.monotonic() > deadline:
                self._fail(DmaTimeout, name, status, f"did not finish within {self.timeout_s} s")

    def _fail(self, error, name, dmasr, what):
        accelerator = self.read(regs.address("STATUS"))
        self.reset()
        self.write(regs.address("CONTROL"), regs.bit("CONTROL", "SOFT_RESET"))
        raise error(f"the {name} channel of AXI DMA {self.dma_name!r} {what} (DMASR 0x{dmasr:08x}: "
                    f"{dmasr_names(dmasr)}; accelerator STATUS 0x{accelerator:08x}: "
                    f"{', '.join(protocol.status_names(accelerator))}); the DMA and the accelerator were reset")

    def reset(self):
        """Reset the DMA (both channels, PG021 DMACR.Reset) and start its channels again."""
        self.dma.mmio.write(DMACR, DMACR_RESET)
        deadline = time.monotonic() + self.timeout_s
        while self.dma.mmio.read(DMACR) & DMACR_RESET:
            if time.monotonic() > deadline:
                raise DmaTimeout(f"AXI DMA {self.dma_name!r} did not come out of reset within {self.timeout_s} s")
        self.dma.sendchannel.start()
        self.dma.recvchannel.start()
        self._busy = dict.fromkeys(self._busy, False)
