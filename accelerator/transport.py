"""What the driver needs from a way of reaching the accelerator.

A transport moves words and packets; it knows nothing of images or frames.
Implementations: the Verilator model (lutdnn.hw.flow.verilator_model) and the
PYNQ board (lutdnn.overlay.pynq_transport).  Every wait a transport makes has
a deadline and ends in :class:`TransportTimeout`, never in a hang.
"""

import numpy as np


class AcceleratorError(RuntimeError):
    """The accelerator or its transport failed (a time-out, an error in STATUS, a wrong build)."""


class TransportTimeout(AcceleratorError):
    """A register access or a stream transfer did not finish before its deadline."""


class Transport:
    """Register access on AXI4-Lite and whole packets on the AXI4-Stream ports."""

    def read(self, address):
        """The 32-bit register at byte ``address``."""
        raise NotImplementedError

    def write(self, address, value):
        """Write the 32-bit ``value`` to the register at byte ``address``."""
        raise NotImplementedError

    def buffer(self, name, count):
        """A send buffer of ``count`` beats the driver fills and passes to :meth:`send` (a board
        transport allocates DMA memory once per ``name``)."""
        return np.zeros(count, np.uint64)

    def send(self, beats):
        """Stream ``beats`` (uint64) into the accelerator as one packet, TLAST on the last beat."""
        raise NotImplementedError

    def receive(self, count):
        """One packet of ``count`` beats from the accelerator (uint64 array; AcceleratorError
        unless TLAST came on its last beat only)."""
        raise NotImplementedError

    def reset(self):
        """Bring the transport's own side (a DMA engine) back to idle after a failure."""


def check_packet(beats, lasts, count):
    """Refuse an output packet that is short or whose TLAST is not on (only) its last beat."""
    lasts = np.asarray(lasts, bool)
    if len(beats) != count or not lasts[-1] or lasts[:-1].any():
        raise AcceleratorError(f"the output packet had TLAST at beats {np.flatnonzero(lasts).tolist()} "
                               f"of {len(beats)}; expected only at beat {count - 1}")
