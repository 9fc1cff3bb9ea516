"""The weight image: one self-describing binary file every backend loads.

Written by ``lutdnn quantize``; the byte layout is docs/weight_image.md.  It
holds, per layer, the LUT, the 8-bit biases, the fraction bits and the codes
packed in stream order (docs/stream_format.md), plus the network-wide
``input_shift``, output mode and mask floor and the host's input level and
noise-floor strength, closed by a CRC32.  Loading checks
magic, version, length, CRC and shapes, and names the problem when one fails.
"""

import math
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from lutdnn.core import atomic_write
from lutdnn.core.framing import BINS, FEATURES
from lutdnn.core.level import check_level_dbfs
from lutdnn.core.noise_floor import STRENGTH_STEPS, check_floor_strength
from lutdnn.model.model_file import HIDDEN
from lutdnn.model.reference.dnn import IntLayer
from lutdnn.model.reference.formats import (CODE_WIDTHS, KMAX, LUT_VALUE_BITS, MAG_FRAC, OUTPUT_MAGNITUDE, OUTPUT_MASK,
                                            WEIGHT_FRAC, WORD_MAX)
from lutdnn.model.reference.packing import BEAT_BITS, layer_beats, pack_layer, unpack_layer

MAGIC = b"LUTDNNWI"
# the shipped model quantized with the paper's 4-bit RSVB (README: how it was made)
DEFAULT_IMAGE = Path(__file__).parent / "default" / "model-4rsvb.img"
VERSION = 1
DEFAULT_LANES = 16
NETWORK_SHAPES = ((HIDDEN, FEATURES), (BINS, HIDDEN))
ALIGN = 8
FRAC_MAX = 31                   # fraction bits fit the 5-bit FRAC registers (docs/register_map.md)
LANES_MAX = 64                   # no build has more MAC lanes than a beat has bits
CRC_BYTES = 4
# magic, version, layers, lanes, N, KMAX, input_shift, output mode, mask floor,
# total length, description length, input level (float32, NaN: none), noise-floor strength (1/256 steps)
_HEADER = struct.Struct("<8sHHHBBbBHIHfH")
# outputs, inputs, code bits, in_frac, out_frac, reserved, beats, reserved
_LAYER = struct.Struct("<HHBBBxI4x")
_LUT_ENTRY = np.dtype([("value", "i1"), ("shift", "u1")])


class ImageError(ValueError):
    """A weight image that cannot be used; the message says why."""


def _pad(n):
    return -n % ALIGN


@dataclass
class WeightImage:
    """What the hardware needs: ``layers`` (IntLayer), ``code_bits``, ``lanes``,
    the network config, and ``beats`` (uint64 stream words per layer)."""

    layers: list
    code_bits: list
    lanes: int = DEFAULT_LANES
    input_shift: int = 0
    output_mode: int = OUTPUT_MASK
    mask_floor: int = 0
    description: str = ""
    beats: list = field(default=None)
    level_dbfs: float = None   # the host scales noisy input to this RMS level (core/level.py); None: no scaling
    floor_strength: float = 0.0   # the host scales each bin towards its noise floor (core/noise_floor.py)

    def __post_init__(self):
        self.validate()
        if self.beats is None:
            self.beats = [pack_layer(l.codes, m, self.lanes) for l, m in zip(self.layers, self.code_bits)]

    def validate(self, shapes=NETWORK_SHAPES):
        if len(self.layers) != len(shapes) or len(self.code_bits) != len(self.layers):
            raise ImageError(f"an image holds {len(shapes)} layers with one code width each, "
                             f"got {len(self.layers)} layers and {len(self.code_bits)} code widths")
        check_lanes(self.lanes)
        if self.output_mode not in (OUTPUT_MASK, OUTPUT_MAGNITUDE):
            raise ImageError(f"unknown output mode {self.output_mode}")
        try:
            if self.level_dbfs is not None:
                check_level_dbfs(self.level_dbfs)
            check_floor_strength(self.floor_strength, self.level_dbfs)
        except ValueError as err:
            raise ImageError(str(err)) from None
        for n, (layer, bits, shape) in enumerate(zip(self.layers, self.code_bits, shapes), 1):
            _check_layer(n, layer, bits, shape)
        self._check_formats()

    def _check_formats(self):
        """The fixed-point chain: input word, layer to layer, and the mask floor at most 1.0."""
        first, last = self.layers[0], self.layers[-1]
        if first.in_frac != MAG_FRAC + self.input_shift:
            raise ImageError(f"layer 1 takes {first.in_frac} input fraction bits, input_shift "
                             f"{self.input_shift} gives {MAG_FRAC + self.input_shift}")
        for n, (before, after) in enumerate(zip(self.layers, self.layers[1:]), 2):
            if after.in_frac != before.out_frac:
                raise ImageError(f"layer {n} takes {after.in_frac} input fraction bits, "
                                 f"layer {n - 1} gives {before.out_frac}")
        if not 0 <= self.mask_floor <= WORD_MAX:
            raise ImageError(f"mask floor must be a u16 word, got {self.mask_floor}")
        if self.output_mode == OUTPUT_MASK and self.mask_floor > 1 << last.out_frac:
            raise ImageError(f"mask floor {self.mask_floor} is above a gain of 1.0 "
                             f"({1 << last.out_frac} at {last.out_frac} fraction bits)")
        if self.output_mode == OUTPUT_MAGNITUDE and self.layers[-1].out_frac <= 9:
            raise ImageError("a magnitude model needs more than MAG_FRAC output fraction bits")

    @property
    def shapes(self):
        return [tuple(l.codes.shape) for l in self.layers]

    @property
    def weight_bytes(self):
        """Weights only, as the paper counts them: codes x bits / 8."""
        return sum(l.codes.size * m // 8 for l, m in zip(self.layers, self.code_bits))

    @property
    def stream_bytes(self):
        """Bytes streamed per frame (lane padding included)."""
        return sum(b.size for b in self.beats) * BEAT_BITS // 8

    def to_bytes(self):
        desc = self.description.encode("utf-8")
        if len(desc) > 0xFFFF:
            raise ImageError("description longer than 65535 bytes")
        parts = [b"", desc, b"\0" * _pad(_HEADER.size + len(desc))]
        for layer, bits, beats in zip(self.layers, self.code_bits, self.beats):
            out, inp = layer.codes.shape
            parts.append(_LAYER.pack(out, inp, bits, layer.in_frac, layer.out_frac, beats.size))
        for layer in self.layers:
            lut = np.empty(len(layer.lut_values), _LUT_ENTRY)
            lut["value"], lut["shift"] = layer.lut_values, layer.lut_shifts
            section = lut.tobytes() + np.asarray(layer.biases, np.int8).tobytes()
            parts.append(section + b"\0" * _pad(len(section)))
        parts += [np.asarray(b, "<u8").tobytes() for b in self.beats]
        total = sum(map(len, parts)) + _HEADER.size + CRC_BYTES
        parts[0] = _HEADER.pack(MAGIC, VERSION, len(self.layers), self.lanes, LUT_VALUE_BITS, KMAX,
                                self.input_shift, self.output_mode, self.mask_floor, total, len(desc),
                                math.nan if self.level_dbfs is None else self.level_dbfs,
                                round(self.floor_strength * STRENGTH_STEPS))
        body = b"".join(parts)
        return body + struct.pack("<I", zlib.crc32(body))

    @property
    def total_bytes(self):
        return len(self.to_bytes())

    def save(self, path):
        """Write atomically: a temporary file beside ``path``, then rename."""
        atomic_write.write_bytes(path, self.to_bytes())

    def memory_report(self):
        lines = [f"weights only: {self.weight_bytes} bytes "
                 f"({' + '.join(str(l.codes.size * m // 8) for l, m in zip(self.layers, self.code_bits))})",
                 f"streamed per frame: {self.stream_bytes} bytes (lane padding included)",
                 f"image total: {self.total_bytes} bytes (LUTs, biases, header, CRC included)"]
        return "\n".join(lines)


def check_lanes(lanes):
    if not 1 <= lanes <= LANES_MAX:
        raise ImageError(f"lanes must lie in 1..{LANES_MAX}, got {lanes}")


def _check_layer(n, layer, bits, shape):
    if bits not in CODE_WIDTHS:
        raise ImageError(f"layer {n}: code bits must be one of {CODE_WIDTHS}, got {bits}")
    codes = np.asarray(layer.codes)
    if codes.shape != tuple(shape):
        raise ImageError(f"layer {n} is {codes.shape[0]}x{codes.shape[1]} (outputs x inputs), "
                         f"the network needs {shape[0]}x{shape[1]}")
    if codes.min() < 0 or codes.max() >= 1 << bits:
        raise ImageError(f"layer {n}: codes out of range for {bits}-bit codes")
    entries = 1 << bits
    if np.shape(layer.lut_values) != (entries,) or np.shape(layer.lut_shifts) != (entries,):
        raise ImageError(f"layer {n}: a {bits}-bit LUT has {entries} entries")
    if np.min(layer.lut_values) < -128 or np.max(layer.lut_values) > 127:
        raise ImageError(f"layer {n}: LUT values must be s8")
    if np.min(layer.lut_shifts) < 0 or np.max(layer.lut_shifts) > KMAX:
        raise ImageError(f"layer {n}: LUT shifts must lie in 0..{KMAX}")
    if np.shape(layer.biases) != (shape[0],) or np.min(layer.biases) < -128 or np.max(layer.biases) > 127:
        raise ImageError(f"layer {n}: needs {shape[0]} s8 biases")
    for kind, frac in (("input", layer.in_frac), ("output", layer.out_frac)):
        if not 0 <= frac <= FRAC_MAX:
            raise ImageError(f"layer {n}: {kind} fraction bits must lie in 0..{FRAC_MAX}, got {frac}")
    if WEIGHT_FRAC + layer.in_frac - layer.out_frac < 1:
        raise ImageError(f"layer {n}: output shift 15 + {layer.in_frac} - {layer.out_frac} must be >= 1")


def from_bytes(data, shapes=NETWORK_SHAPES, source="image"):
    """Parse and check an image; raises :class:`ImageError` naming the problem."""
    data = bytes(data)
    if len(data) < _HEADER.size + CRC_BYTES:
        raise ImageError(f"{source} is truncated: {len(data)} bytes, shorter than a header")
    (magic, version, n_layers, lanes, value_bits, kmax, input_shift, output_mode, mask_floor,
     total, desc_len, level, floor_steps) = _HEADER.unpack_from(data)
    if magic != MAGIC:
        raise ImageError(f"{source} is not a lutdnn weight image (bad magic {magic!r})")
    if version != VERSION:
        raise ImageError(f"{source}: weight image version {version} is not supported "
                         f"(this lutdnn reads version {VERSION})")
    if len(data) < total:
        raise ImageError(f"{source} is truncated: {len(data)} bytes, its header says {total}")
    if len(data) > total:
        raise ImageError(f"{source} has {len(data) - total} unexpected bytes after its end")
    body, (crc,) = data[:-CRC_BYTES], struct.unpack("<I", data[-CRC_BYTES:])
    if zlib.crc32(body) != crc:
        raise ImageError(f"{source} is corrupt: CRC32 mismatch")
    if value_bits != LUT_VALUE_BITS or kmax != KMAX:
        raise ImageError(f"{source}: LUT format N={value_bits}, KMAX={kmax}; this lutdnn needs "
                         f"N={LUT_VALUE_BITS}, KMAX={KMAX}")
    if n_layers != len(shapes):
        raise ImageError(f"{source} holds {n_layers} layers, the network has {len(shapes)}")
    offset = _HEADER.size
    try:
        check_lanes(lanes)   # before the beat counts divide by it
    except ImageError as err:
        raise ImageError(f"{source}: {err}") from err
    description = data[offset:offset + desc_len].decode("utf-8", errors="replace")
    offset += desc_len + _pad(offset + desc_len)
    descriptors = []
    for n in range(1, n_layers + 1):
        out, inp, bits, in_frac, out_frac, n_beats = _LAYER.unpack_from(data, offset)
        offset += _LAYER.size
        if (out, inp) != tuple(shapes[n - 1]):
            raise ImageError(f"{source}: layer {n} is {out}x{inp} (outputs x inputs), "
                             f"the network needs {shapes[n - 1][0]}x{shapes[n - 1][1]}")
        if bits not in CODE_WIDTHS:
            raise ImageError(f"{source}: layer {n} has {bits}-bit codes; supported: {CODE_WIDTHS}")
        if n_beats != layer_beats(out, inp, bits, lanes):
            raise ImageError(f"{source}: layer {n} declares {n_beats} beats, "
                             f"{out}x{inp} {bits}-bit codes on {lanes} lanes need "
                             f"{layer_beats(out, inp, bits, lanes)}")
        descriptors.append((out, inp, bits, in_frac, out_frac, n_beats))
    luts = []
    for out, _, bits, *_ in descriptors:
        lut = np.frombuffer(data, _LUT_ENTRY, 1 << bits, offset)
        offset += lut.nbytes
        biases = np.frombuffer(data, np.int8, out, offset).astype(np.int64)
        offset += out
        offset += _pad(offset)
        luts.append((lut["value"].astype(np.int64), lut["shift"].astype(np.int64), biases))
    layers, beats = [], []
    for (out, inp, bits, in_frac, out_frac, n_beats), (values, shifts, biases) in zip(descriptors, luts):
        words = np.frombuffer(data, "<u8", n_beats, offset).astype(np.uint64)
        offset += n_beats * 8
        codes = unpack_layer(words, out, inp, bits, lanes)
        layers.append(IntLayer(codes, values, shifts, biases, in_frac, out_frac))
        beats.append(words)
    if offset != len(body):
        raise ImageError(f"{source}: sections end at byte {offset}, the CRC sits at {len(body)}")
    try:
        return WeightImage(layers, [d[2] for d in descriptors], lanes, input_shift, output_mode,
                           mask_floor, description, beats, None if math.isnan(level) else float(level),
                           floor_steps / STRENGTH_STEPS)
    except ImageError as err:
        raise ImageError(f"{source}: {err}") from err


def resolve(image):
    """A :class:`WeightImage` from a path, an image, or None (the shipped 4-bit image)."""
    if isinstance(image, WeightImage):
        return image
    return load(DEFAULT_IMAGE if image is None else image)


def load(path, shapes=NETWORK_SHAPES):
    path = Path(path)
    if path.is_dir():
        raise ImageError(f"{path} is a folder, not a weight image file")
    if not path.is_file():
        raise FileNotFoundError(f"weight image not found: {path}")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ImageError(f"cannot read weight image {path}: {err.strerror}") from err
    return from_bytes(data, shapes, source=str(path))
