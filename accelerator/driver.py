"""The load-and-run sequence of the accelerator, written once, over any transport.

    driver = Driver(transport)        # checks ID and VERSION, reads HW_PARAMS
    driver.load(image)                # refuses an image this build cannot run
    driver.clear_context()            # a new recording
    re, im, cycles = driver.run_frames(re, im)

docs/driver.md describes the sequence; docs/register_map.md the registers.
"""

import numpy as np

from lutdnn.accelerator import protocol
from lutdnn.accelerator import registers as regs
from lutdnn.accelerator.transport import AcceleratorError
from lutdnn.core.framing import BINS, CONTEXT


class StatusError(AcceleratorError):
    """STATUS.ERROR was set after a frame (the hardware emptied the context)."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


class Driver:
    """One accelerator behind ``transport``: its build, the loaded image, the frames it runs."""

    def __init__(self, transport):
        self.transport = transport
        self.build = self.read_build()
        self.image = None
        self._codes = self._spectrum = None
        self._forget_context()

    def read_build(self):
        """The build's parameters; AcceleratorError unless ID and VERSION are this driver's."""
        ident = self.transport.read(regs.address("ID"))
        if ident != regs.ID_VALUE:
            raise AcceleratorError(f"no lutdnn accelerator here: ID reads 0x{ident:08x}, "
                                   f"expected 0x{regs.ID_VALUE:08x}")
        version = self.transport.read(regs.address("VERSION"))
        if version != regs.REGISTER_MAP_VERSION:
            raise AcceleratorError(f"the accelerator has register map version {version}; this driver speaks "
                                   f"version {regs.REGISTER_MAP_VERSION}")
        return protocol.Build.from_hw_params(self.transport.read(regs.address("HW_PARAMS")))

    def load(self, image):
        """Check ``image`` against the build (IncompatibleImage) and write its registers, LUTs and biases."""
        protocol.check_image(image, self.build.lanes, self.build.max_code_bits, self.build.shift_lanes)
        for address, value in protocol.register_writes(image):
            self.transport.write(address, value)
        codes = protocol.code_beats(image)
        self._codes = self.transport.buffer("code", len(codes))
        self._codes[:] = codes
        self._spectrum = self.transport.buffer("spectrum", protocol.SPECTRUM_BEATS)
        self.image = image

    def control(self, name):
        self.transport.write(regs.address("CONTROL"), regs.bit("CONTROL", name))

    def clear_context(self):
        """The next frame starts a recording."""
        self.control("CLEAR_CONTEXT")
        self._forget_context()

    def _forget_context(self):
        # the input words of the frames the hardware's context holds: replayed after a recovery
        self._held = (np.zeros((0, BINS), np.int64), np.zeros((0, BINS), np.int64))

    def status(self):
        return self.transport.read(regs.address("STATUS"))

    def cycles(self):
        """Clock cycles of the last completed frame."""
        return self.transport.read(regs.address("CYCLES"))

    def soft_reset(self):
        """Abort a frame, empty the context, clear the error; the loaded image stays."""
        self.control("SOFT_RESET")

    def recover(self):
        """After a failure: the transport back to idle, then the accelerator (a new recording follows)."""
        self.transport.reset()
        self.soft_reset()

    def run_frame(self, re, im):
        """One frame's s16 words ``(129,)`` -> output words ``(re, im)`` and its cycle count."""
        if self.image is None:
            raise AcceleratorError("no weight image loaded: call load(image) before running frames")
        self._spectrum[:] = protocol.spectrum_beats(re, im)
        self.transport.send(self._spectrum)
        self.transport.send(self._codes)
        out = self.transport.receive(protocol.SPECTRUM_BEATS)
        status = self.status()
        if status & regs.bit("STATUS", "ERROR"):
            raise StatusError(f"the accelerator flagged {', '.join(protocol.status_names(status))} "
                              f"(STATUS 0x{status:08x})", status)
        return (*protocol.unpack_spectrum(out), self.cycles())

    def run_frames(self, re, im):
        """Frames of s16 words ``(T, 129)`` -> output words ``(re, im)`` and CYCLES after each frame."""
        out_re, out_im, cycles = [], [], []
        for t in range(len(re)):
            try:
                frame_re, frame_im, frame_cycles = self.run_frame(re[t], im[t])
            except StatusError as err:
                raise StatusError(f"frame {t}: {err}", err.status) from err
            out_re.append(frame_re)
            out_im.append(frame_im)
            cycles.append(frame_cycles)
        shape = (len(re), len(re[0]) if len(re) else 0)
        return (np.array(out_re, np.int64).reshape(shape), np.array(out_im, np.int64).reshape(shape),
                np.array(cycles, np.int64))

    def run_continuing(self, re, im):
        """Frames that continue the context of the frames before them.  After a STATUS error or a
        time-out the accelerator and transport are recovered, the frames the lost context held are
        replayed (their outputs dropped) and these frames run once more, so the result is exact or
        an error is raised."""
        held_re, held_im = self._held
        try:
            result = self.run_frames(re, im)
        except AcceleratorError:
            self.recover()
            out_re, out_im, cycles = self.run_frames(np.concatenate([held_re, re]), np.concatenate([held_im, im]))
            result = out_re[len(held_re):], out_im[len(held_re):], cycles[len(held_re):]
        self._held = tuple(np.concatenate([held, np.asarray(new, np.int64).reshape(-1, BINS)])[-(CONTEXT - 1):]
                           for held, new in ((held_re, re), (held_im, im)))
        return result

    def run_recording(self, re, im):
        """A whole recording, its context starting empty (recovered as :meth:`run_continuing` says)."""
        self.clear_context()
        return self.run_continuing(re, im)
