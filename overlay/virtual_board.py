"""A virtual PYNQ board for CI: pynq's own classes against a simulated device.

:class:`VirtualBoard` is a ``pynq.Device`` with register access
(``REGISTER_RW``), so ``pynq.MMIO`` -- and with it pynq's ``DMA`` driver and
the accelerator's ``DefaultIP`` driver -- reads and writes its registers.  It has

- a DDR model for ``pynq.allocate``: each buffer's CPU view and its DDR copy
  are separate, so data reaches the DMA only after ``flush`` and the CPU sees
  what the DMA wrote only after ``invalidate`` (as with the Zynq's caches);
- an AXI DMA register model (PG021 simple mode: DMACR, DMASR, address and
  LENGTH registers; writing LENGTH starts the transfer, the LENGTH field is
  ``c_sg_length_width`` bits wide);
- the accelerator: the Verilator-compiled RTL (lutdnn.hw.flow.verilator_model),
  its AXI4-Lite port mapped at the IP's address and its streams fed by the DMA.

The overlay files it loads are written by :func:`write_overlay`: a ``.bit``
placeholder and, in place of Vivado's XML ``.hwh``, the IP description as JSON
(the form pynq's ``Overlay`` turns into drivers).  ``ops`` logs every flush,
invalidate and DMA transfer; ``hang_s2mm`` and ``glitch_after_frames`` inject faults.
"""

import functools
import json
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pynq

from lutdnn.accelerator import registers as regs
from lutdnn.hw.flow.verilator_model import VerilatorModel
from lutdnn.hw.rtl.geometry import DEFAULT_LANES, DEFAULT_MAX_CODE_BITS
from lutdnn.overlay.accelerator_ip import DMA_VLNV
from lutdnn.overlay.pynq_transport import CHANNEL_BASE, DMACR, DMACR_RESET, DMASR, DMASR_IDLE, LENGTH
from lutdnn.overlay.vlnv import VLNV

ACCELERATOR_BASE = 0x43C0_0000
DMA_BASE = 0x4040_0000
DMA_RANGE = 0x1_0000
DDR_BASE = 0x1000_0000
PAGE = 4096
DMASR_HALTED, DMASR_INT_ERR, DMASR_IOC = 1 << 0, 1 << 4, 1 << 12
ADDRESS, ADDRESS_MSB = 0x18, 0x1C


def pynq_access(access):
    return {"R": "read-only", "RW": "read-write"}.get(access, "write-only")


def register_description():
    """The accelerator's registers as a ``.hwh`` lists them to pynq (for ``register_map``),
    from the register table; the LUT and BIAS tables appear as their first entry."""
    def fields(register):
        return {f.name: {"bit_offset": f.lsb, "bit_width": f.width, "access": pynq_access(register.access),
                         "description": f.doc} for f in register.fields if f.name}
    return {r.name: {"address_offset": r.address, "size": regs.DATA_BITS, "access": pynq_access(r.access),
                     "description": r.doc, "fields": fields(r)} for r in regs.REGISTERS}


def ip_description(length_width=26):
    """The ``ip_dict`` of the lutdnn overlay (Pynq-Z2 addresses; the DMA as the overlay builds it)."""
    dma_parameters = {"c_include_sg": "0", "c_micro_dma": "0", "c_sg_length_width": str(length_width),
                      "c_include_mm2s": "1", "c_include_s2mm": "1", "c_include_mm2s_dre": "0",
                      "c_include_s2mm_dre": "0", "c_m_axi_mm2s_data_width": "64",
                      "c_m_axi_s2mm_data_width": "64"}
    return {
        "lutdnn_accelerator_0": {"type": VLNV, "phys_addr": ACCELERATOR_BASE, "addr_range": 1 << regs.ADDR_BITS,
                                 "fullpath": "lutdnn_accelerator_0", "registers": register_description(),
                                 "parameters": {}, "interrupts": {},
                                 "gpio": {}, "state": None, "mem_id": None},
        "axi_dma": {"type": DMA_VLNV, "phys_addr": DMA_BASE, "addr_range": DMA_RANGE, "fullpath": "axi_dma",
                    "parameters": dma_parameters, "interrupts": {}, "gpio": {}, "state": None, "mem_id": None},
    }


def write_overlay(folder, name="lutdnn", length_width=26):
    """``folder/name.bit`` and ``folder/name.hwh`` for the virtual board; returns the .bit path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.bit").write_bytes(b"virtual board bitstream placeholder\n")
    (folder / f"{name}.hwh").write_text(json.dumps({"ip": ip_description(length_width)}))
    return folder / f"{name}.bit"


def simulated(method):
    """Count the time in ``method`` as the board's (``hardware_s``): the host's share is the rest."""
    @functools.wraps(method)
    def timed(self, *args):
        start = time.perf_counter()
        try:
            return method(self, *args)
        finally:
            self.hardware_s += time.perf_counter() - start
    return timed


class DmaChannel:
    """One PG021 simple-mode channel's registers."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.control = 0
        self.status = DMASR_HALTED
        self.address = 0
        self.length = 0


class VirtualBoard(pynq.Device):
    """A simulated Zynq: DDR, an AXI DMA and the lutdnn accelerator (Verilator RTL)."""

    def __init__(self, lanes=DEFAULT_LANES, max_code_bits=DEFAULT_MAX_CODE_BITS, shift_lanes=False, length_width=26):
        super().__init__("virtual-board")
        self.name = "virtual-board"
        self.capabilities = {"REGISTER_RW": True}
        self.model = VerilatorModel(lanes, max_code_bits, shift_lanes=shift_lanes)
        self.length_width = length_width
        self.channels = {"MM2S": DmaChannel(), "S2MM": DmaChannel()}
        self.cpu = {}               # bo -> the CPU's view (uint8) of a buffer
        self.ddr = {}               # bo -> (device address, the DDR's copy)
        self.ops = []               # ("flush" | "invalidate" | "MM2S" | "S2MM", address, bytes)
        self.hardware_s = 0.0       # time spent in the simulated device (registers, caches, RTL): not host work
        self.frames_done = 0
        self.hang_s2mm = False
        self.glitch_after_frames = None

    # --- overlay loading (pynq.Overlay asks the device for the bitstream's metadata)
    def get_bitfile_metadata(self, bitfile_name):
        ip_dict = json.loads(Path(bitfile_name).with_suffix(".hwh").read_text())["ip"]
        return SimpleNamespace(ip_dict=ip_dict, gpio_dict={}, interrupt_controllers={}, interrupt_pins={},
                               hierarchy_dict={}, mem_dict={}, clock_dict={}, systemgraph=None)

    def download(self, bitstream, parser=None):
        self.reset(parser, bitfile_name=bitstream.bitfile_name)

    # --- DDR
    def allocate(self, shape, dtype, **_):
        nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
        bo = len(self.cpu)
        address = DDR_BASE + sum(-(-len(copy) // PAGE) * PAGE for _, copy in self.ddr.values())
        self.cpu[bo] = np.zeros(nbytes, np.uint8)
        self.ddr[bo] = (address, np.zeros(nbytes, np.uint8))
        return pynq.buffer.PynqBuffer(shape, dtype, buffer=self.cpu[bo], device=self, bo=bo, coherent=False,
                                      device_address=address)

    @simulated
    def flush(self, bo, offset, vaddr, length):
        address, copy = self.ddr[bo]
        copy[offset:offset + length] = self.cpu[bo][offset:offset + length]
        self.ops.append(("flush", address + offset, length))

    @simulated
    def invalidate(self, bo, offset, vaddr, length):
        address, copy = self.ddr[bo]
        self.cpu[bo][offset:offset + length] = copy[offset:offset + length]
        self.ops.append(("invalidate", address + offset, length))

    def _ddr_span(self, address, length):
        for start, copy in self.ddr.values():
            if start <= address and address + length <= start + len(copy):
                return copy[address - start:address - start + length]
        raise ValueError(f"DMA access 0x{address:x}+{length} outside every allocated buffer")

    # --- register access
    @simulated
    def read_registers(self, address, length):
        if ACCELERATOR_BASE <= address < ACCELERATOR_BASE + (1 << regs.ADDR_BITS):
            value = self.model.read(address - ACCELERATOR_BASE)
        else:
            value = self._dma_read(address - DMA_BASE)
        return int(value).to_bytes(4, "little")[:length]

    @simulated
    def write_registers(self, address, data):
        value = int.from_bytes(data, "little")
        if ACCELERATOR_BASE <= address < ACCELERATOR_BASE + (1 << regs.ADDR_BITS):
            self.model.write(address - ACCELERATOR_BASE, value)
        else:
            self._dma_write(address - DMA_BASE, value)

    def _channel(self, offset):
        name = "S2MM" if offset >= CHANNEL_BASE["S2MM"] else "MM2S"
        return name, self.channels[name], offset - CHANNEL_BASE[name]

    def _dma_read(self, offset):
        _, channel, register = self._channel(offset)
        return {DMACR: channel.control, DMASR: channel.status, ADDRESS: channel.address & 0xFFFFFFFF,
                ADDRESS_MSB: channel.address >> 32, LENGTH: channel.length}.get(register, 0)

    def _dma_write(self, offset, value):
        name, channel, register = self._channel(offset)
        if register == DMACR:
            if value & DMACR_RESET:          # resets both channels and the stream in flight
                for each in self.channels.values():
                    each.reset()
                self.model.reset()
                return
            channel.control = value
            channel.status = channel.status & ~DMASR_HALTED if value & 1 else channel.status | DMASR_HALTED
        elif register == DMASR:
            channel.status &= ~(value & 0x7000)  # interrupt bits are write-one-to-clear
        elif register == ADDRESS:
            channel.address = channel.address & ~0xFFFFFFFF | value
        elif register == ADDRESS_MSB:
            channel.address = channel.address & 0xFFFFFFFF | value << 32
        elif register == LENGTH and not channel.status & DMASR_HALTED:
            self._start(name, channel, value & ((1 << self.length_width) - 1))

    def _start(self, name, channel, length):
        channel.status &= ~DMASR_IDLE
        channel.length = length
        if length == 0:
            channel.status |= DMASR_INT_ERR
            return
        self.ops.append((name, channel.address, length))
        if name == "MM2S":
            self.model.send(self._ddr_span(channel.address, length).view(np.uint64).copy())
        else:
            if self.hang_s2mm:
                return                           # the output never arrives: the channel stays busy
            try:
                out = self.model.receive(length // 8)
            except Exception:                    # the RTL never delivered the packet: busy for ever
                return
            self._ddr_span(channel.address, length)[:] = out.view(np.uint8)
            self.frames_done += 1
            if self.glitch_after_frames == self.frames_done:
                # a corrupted AXI4-Lite write (LUT shift 15 > 8): the RTL refuses it and raises STATUS.ERROR
                self.model.write(regs.table_address("LUT", 0, 0), 0xF << regs.field("LUT", "SHIFT").lsb)
        channel.status |= DMASR_IDLE | DMASR_IOC
