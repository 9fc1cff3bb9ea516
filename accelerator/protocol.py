"""What a host writes and streams to run a weight image on the accelerator (pure numpy).

Shared by every transport (Verilator model, PYNQ board, the MyHDL test
benches): the build's HW_PARAMS and the image-vs-build check, the register
writes that load an image (docs/register_map.md), the beats of a spectrum
packet, the code packet, and the unpacking of an output packet
(docs/stream_format.md).
"""

from dataclasses import dataclass

import numpy as np

from lutdnn.accelerator import registers as regs
from lutdnn.core.framing import BINS
from lutdnn.model.reference.formats import CODE_WIDTHS, S16_MAX, S16_MIN
from lutdnn.model.reference.shift_entry import representable

SPECTRUM_BEATS = -(-BINS // 2)   # 129 (re, im) s16 pairs, two per 64-bit beat


class IncompatibleImage(ValueError):
    """The weight image needs something this hardware build does not have."""


def supported_code_widths(max_code_bits):
    """Code widths a decoder built for ``max_code_bits`` accepts at run time."""
    return tuple(m for m in CODE_WIDTHS if m <= max_code_bits)


@dataclass(frozen=True)
class Build:
    """What a hardware build can run, as its HW_PARAMS register says."""
    lanes: int
    max_code_bits: int
    shift_lanes: bool = False

    @classmethod
    def from_hw_params(cls, value):
        def get(name):
            field = regs.field("HW_PARAMS", name)
            return (value & field.mask) >> field.lsb
        return cls(get("LANES"), get("MAX_CODE_BITS"), bool(get("SHIFT_LANES")))


def hw_params_value(lanes, max_code_bits, shift_lanes=False):
    """The HW_PARAMS word of a build (lanes, max code bits, the shift build)."""
    return ((lanes << regs.field("HW_PARAMS", "LANES").lsb)
            | (max_code_bits << regs.field("HW_PARAMS", "MAX_CODE_BITS").lsb)
            | (regs.bit("HW_PARAMS", "SHIFT_LANES") if shift_lanes else 0))


def check_image(image, lanes, max_code_bits, shift_lanes=False):
    """Refuse an image the hardware built with ``lanes``, ``max_code_bits`` and
    ``shift_lanes`` (lanes that shift, so LUT values must be 0 or ``+-2**a``) cannot run."""
    if image.lanes != lanes:
        raise IncompatibleImage(f"the image is packed for {image.lanes} lanes, the hardware has {lanes}")
    widths = supported_code_widths(max_code_bits)
    for n, bits in enumerate(image.code_bits, 1):
        if bits not in widths:
            raise IncompatibleImage(f"layer {n} has {bits}-bit codes; this build decodes {widths}")
    frac_bits = regs.field("FRAC_IN").width
    fracs = [image.layers[0].in_frac] + [layer.out_frac for layer in image.layers]
    if image.layers[1].in_frac != image.layers[0].out_frac:
        raise IncompatibleImage("layer 2's input fraction bits differ from layer 1's output")
    if any(not 0 <= f < 1 << frac_bits for f in fracs):
        raise IncompatibleImage(f"fraction bits {fracs} do not fit the {frac_bits}-bit registers")
    for n, layer in enumerate(image.layers, 1):
        if layer.out_shift < 1:
            raise IncompatibleImage(f"layer {n}'s output shift {layer.out_shift} must be >= 1")
        if shift_lanes:
            check_power_of_two_lut(n, layer)


def check_power_of_two_lut(n, layer):
    """Refuse layer ``n``'s LUT unless every value is 0 or a power of two (the shift build's weights)."""
    bad = np.flatnonzero(~representable(layer.lut_values))
    if len(bad):
        code = int(bad[0])
        raise IncompatibleImage(
            f"layer {n}'s LUT entry for code {code} has value {int(layer.lut_values[code])}, not 0 or a power "
            f"of two ({len(bad)} such entries): the shift-lane build cannot run it (use the multiplier build)")


def register_writes(image):
    """``[(byte address, value)]`` that load ``image``: configuration, LUTs, biases."""
    first, second = image.layers
    writes = [(regs.address("CODE_BITS_1"), image.code_bits[0]), (regs.address("CODE_BITS_2"), image.code_bits[1]),
              (regs.address("FRAC_IN"), first.in_frac), (regs.address("FRAC_HIDDEN"), first.out_frac),
              (regs.address("FRAC_OUT"), second.out_frac), (regs.address("OUTPUT_MODE"), image.output_mode),
              (regs.address("MASK_FLOOR"), image.mask_floor)]
    value, shift, bias = regs.field("LUT", "VALUE"), regs.field("LUT", "SHIFT"), regs.field("BIAS", "VALUE")
    for n, layer in enumerate(image.layers):
        for code, (v, k) in enumerate(zip(layer.lut_values, layer.lut_shifts)):
            writes.append((regs.table_address("LUT", n, code),
                           ((int(v) << value.lsb) & value.mask) | ((int(k) << shift.lsb) & shift.mask)))
        for index, b in enumerate(layer.biases):
            writes.append((regs.table_address("BIAS", n, index), (int(b) << bias.lsb) & bias.mask))
    return writes


def s16_words(values, what):
    """``values`` as int64 s16 words; ValueError for non-integers, NaN or values beyond s16 (never wrapped)."""
    array = np.asarray(values)
    if array.dtype.kind not in "iu":
        raise ValueError(f"{what} must be integer s16 words, got {array.dtype} values")
    array = array.astype(np.int64)
    if array.size and (array.min() < S16_MIN or array.max() > S16_MAX):
        raise ValueError(f"{what} holds values beyond s16 ({array.min()} .. {array.max()})")
    return array


def spectrum_beats(re, im):
    """One frame's s16 words ``(129,)`` -> the 65 uint64 beats of its spectrum packet."""
    re = s16_words(re, "re")
    im = s16_words(im, "im")
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
    """TLAST flags of a packet of ``count`` (>= 1) beats."""
    if count < 1:
        raise ValueError(f"a packet has at least one beat, got {count}")
    flags = np.zeros(count, bool)
    flags[-1] = True
    return flags


def status_names(status):
    """The STATUS bits set in ``status``, by name (for error messages)."""
    return [f.name for f in regs.BY_NAME["STATUS"].fields if status & f.mask] or ["none"]
