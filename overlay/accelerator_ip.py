"""The PYNQ side of the overlay: the accelerator's ``DefaultIP`` driver (bound by
VLNV) and the ``Overlay`` that finds it and its AXI DMA.

    overlay = LutdnnOverlay("lutdnn.bit")      # lutdnn.hwh beside it
    driver = overlay.driver()                  # lutdnn.accelerator.driver.Driver
    driver.load(image)

Importing this module imports pynq (only the ``board`` backend does).
"""

from pathlib import Path

import pynq

from lutdnn.accelerator.driver import Driver
from lutdnn.accelerator.transport import AcceleratorError
from lutdnn.overlay.pynq_transport import DEFAULT_TIMEOUT_S, PynqTransport
from lutdnn.overlay.vlnv import VLNV

DMA_VLNV = "xilinx.com:ip:axi_dma:7.1"


class LutdnnAccelerator(pynq.DefaultIP):
    """The accelerator's AXI4-Lite registers (docs/register_map.md); pynq creates it for the IP's VLNV."""

    bindto = [VLNV]


class LutdnnOverlay(pynq.Overlay):
    """An overlay with one lutdnn accelerator and the AXI DMA that feeds it."""

    def __init__(self, bitfile, **kwargs):
        bitfile = Path(bitfile)
        if not bitfile.is_file() and not bitfile.is_absolute():
            # a relative name is looked up where pynq's pynq.overlays entry point points: this package
            bitfile = Path(__file__).resolve().parent / bitfile
        if not bitfile.is_file():
            raise AcceleratorError(f"overlay not found: {bitfile}")
        if not bitfile.with_suffix(".hwh").is_file():
            raise AcceleratorError(f"{bitfile} has no {bitfile.with_suffix('.hwh').name} beside it: pynq needs "
                                   "the .hwh of the same build to find the IP")
        super().__init__(str(bitfile), **kwargs)
        self.accelerator_name = self._only(VLNV, "lutdnn accelerator")
        self.dma_name = self._only(DMA_VLNV, "AXI DMA")

    def _only(self, vlnv, what):
        names = [name for name, ip in self.ip_dict.items() if ip["type"] == vlnv]
        if len(names) != 1:
            raise AcceleratorError(f"the overlay {Path(self.bitfile_name).name} has {len(names)} IPs of type "
                                   f"{vlnv} ({what}); the lutdnn driver needs exactly one")
        return names[0]

    def driver(self, timeout_s=DEFAULT_TIMEOUT_S):
        """The accelerator driver over this overlay's IP and DMA (checks ID, VERSION, HW_PARAMS)."""
        transport = PynqTransport(getattr(self, self.accelerator_name), getattr(self, self.dma_name),
                                  timeout_s, self.dma_name)
        return Driver(transport)
