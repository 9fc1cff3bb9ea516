"""What a host writes and streams to run a weight image on the accelerator.

Shared by every way of driving the top level (MyHDL simulation, Icarus and
Verilator cosimulation, the board): the AXI4-Lite register writes that load an
image (docs/register_map.md), the beats of a spectrum packet, the code packet,
and the unpacking of an output packet (docs/stream_format.md).
"""

import numpy as np

from lutdnn.host.framing import BINS

from . import axi_lite as regs
from . import shift_entry
from .frame_controller import SPECTRUM_BEATS
from .lut_decode import supported_code_widths


class IncompatibleImage(ValueError):
    """The weight image needs something this hardware build does not have."""


def check_image(image, lanes, max_code_bits, shift_lanes=False):
    """Refuse an image the hardware built with ``lanes``, ``max_code_bits`` and
    ``shift_lanes`` (lanes that shift, so LUT values must be 0 or ``+-2**a``) cannot run."""
    if image.lanes != lanes:
        raise IncompatibleImage(f"the image is packed for {image.lanes} lanes, the hardware has {lanes}")
    widths = supported_code_widths(max_code_bits)
    for n, bits in enumerate(image.code_bits, 1):
        if bits not in widths:
            raise IncompatibleImage(f"layer {n} has {bits}-bit codes; this build decodes {widths}")
    fracs = [image.layers[0].in_frac] + [layer.out_frac for layer in image.layers]
    if image.layers[1].in_frac != image.layers[0].out_frac:
        raise IncompatibleImage("layer 2's input fraction bits differ from layer 1's output")
    if any(not 0 <= f < 1 << regs.FRAC_BITS for f in fracs):
        raise IncompatibleImage(f"fraction bits {fracs} do not fit the {regs.FRAC_BITS}-bit registers")
    for n, layer in enumerate(image.layers, 1):
        if layer.out_shift < 1:
            raise IncompatibleImage(f"layer {n}'s output shift {layer.out_shift} must be >= 1")
        if shift_lanes:
            check_power_of_two_lut(n, layer)


def check_power_of_two_lut(n, layer):
    """Refuse layer ``n``'s LUT unless every value is 0 or a power of two (the shift build's weights)."""
    bad = np.flatnonzero(~shift_entry.representable(layer.lut_values))
    if len(bad):
        code = int(bad[0])
        raise IncompatibleImage(
            f"layer {n}'s LUT entry for code {code} has value {int(layer.lut_values[code])}, not 0 or a power "
            f"of two ({len(bad)} such entries): the shift-lane build cannot run it (use the multiplier build)")


def register_writes(image):
    """``[(byte address, value)]`` that load ``image``: configuration, LUTs, biases."""
    first, second = image.layers
    writes = [(regs.REG_CODE_BITS_1, image.code_bits[0]), (regs.REG_CODE_BITS_2, image.code_bits[1]),
              (regs.REG_FRAC_IN, first.in_frac), (regs.REG_FRAC_HIDDEN, first.out_frac),
              (regs.REG_FRAC_OUT, second.out_frac), (regs.REG_OUTPUT_MODE, image.output_mode),
              (regs.REG_MASK_FLOOR, image.mask_floor)]
    for n, layer in enumerate(image.layers):
        for code, (value, shift) in enumerate(zip(layer.lut_values, layer.lut_shifts)):
            address = regs.LUT_BASE + 4 * (regs.TABLE_STRIDE * n + code)
            writes.append((address, (int(value) & 0xFF) | (int(shift) << 8)))
        for index, bias in enumerate(layer.biases):
            writes.append((regs.BIAS_BASE + 4 * (regs.TABLE_STRIDE * n + index), int(bias) & 0xFF))
    return writes


def spectrum_beats(re, im):
    """One frame's s16 words ``(129,)`` -> the 65 uint64 beats of its spectrum packet."""
    re = np.asarray(re, np.int64)
    im = np.asarray(im, np.int64)
    if re.shape != (BINS,) or im.shape != (BINS,):
        raise ValueError(f"a frame is {BINS} re and im words, got {re.shape} and {im.shape}")
    words = np.zeros(2 * SPECTRUM_BEATS * 2, np.uint64)
    words[0:2 * BINS:2] = (re & 0xFFFF).astype(np.uint64)
    words[1:2 * BINS:2] = (im & 0xFFFF).astype(np.uint64)
    quarters = words.reshape(SPECTRUM_BEATS, 4)
    shifts = np.arange(4, dtype=np.uint64) * np.uint64(16)
    return np.bitwise_or.reduce(quarters << shifts, axis=1)


def code_beats(image):
    """The code packet streamed after every spectrum packet (layer 1 then layer 2)."""
    return np.concatenate([np.asarray(b, np.uint64) for b in image.beats])


def unpack_spectrum(beats):
    """An output packet's 65 beats -> s16 ``(re, im)`` words ``(129,)``."""
    beats = np.asarray(beats, np.uint64)
    if beats.shape != (SPECTRUM_BEATS,):
        raise ValueError(f"an output packet is {SPECTRUM_BEATS} beats, got {beats.shape}")
    shifts = np.arange(4, dtype=np.uint64) * np.uint64(16)
    words = ((beats[:, None] >> shifts) & np.uint64(0xFFFF)).astype(np.int64).reshape(-1)[:2 * BINS]
    words = np.where(words >= 1 << 15, words - (1 << 16), words)
    return words[0::2], words[1::2]


def last_flags(count):
    """TLAST flags of a packet of ``count`` beats."""
    flags = np.zeros(count, bool)
    flags[-1] = True
    return flags
