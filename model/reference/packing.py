"""Packing of weight codes into 64-bit stream beats (docs/stream_format.md)."""

import numpy as np

BEAT_BITS = 64


def beats_per_group(code_bits, lanes):
    """Beats one group of ``lanes`` codes occupies."""
    return -(-lanes * code_bits // BEAT_BITS)


def layer_beats(outputs, inputs, code_bits, lanes):
    """Beats a whole layer occupies in the stream."""
    blocks = -(-outputs // lanes)
    return blocks * inputs * beats_per_group(code_bits, lanes)


def _check_codes(codes, code_bits):
    codes = np.asarray(codes)
    if codes.ndim != 2:
        raise ValueError(f"codes must be (outputs, inputs), got shape {codes.shape}")
    if codes.size and (codes.min() < 0 or codes.max() >= (1 << code_bits)):
        raise ValueError(f"codes out of range for {code_bits}-bit codes")
    return codes.astype(np.uint64)


def pack_layer(codes, code_bits, lanes):
    """``(outputs, inputs)`` codes -> uint64 beats in stream order."""
    codes = _check_codes(codes, code_bits)
    outputs, inputs = codes.shape
    blocks = -(-outputs // lanes)
    padded = np.zeros((blocks * lanes, inputs), np.uint64)
    padded[:outputs] = codes
    # groups[b, j, p] = code of output b*lanes+p for input j
    groups = padded.reshape(blocks, lanes, inputs).transpose(0, 2, 1).reshape(-1, lanes)
    per_group = beats_per_group(code_bits, lanes)
    beats = np.zeros((groups.shape[0], per_group), np.uint64)
    for p in range(lanes):
        bit = p * code_bits
        word, offset = divmod(bit, BEAT_BITS)
        beats[:, word] |= groups[:, p] << np.uint64(offset)
        spill = offset + code_bits - BEAT_BITS
        if spill > 0:
            beats[:, word + 1] |= groups[:, p] >> np.uint64(code_bits - spill)
    return beats.reshape(-1)


def unpack_layer(beats, outputs, inputs, code_bits, lanes):
    """Inverse of :func:`pack_layer`."""
    beats = np.asarray(beats, np.uint64)
    expected = layer_beats(outputs, inputs, code_bits, lanes)
    if beats.shape != (expected,):
        raise ValueError(f"layer {outputs}x{inputs} needs {expected} beats, got {beats.shape}")
    per_group = beats_per_group(code_bits, lanes)
    grouped = beats.reshape(-1, per_group)
    mask = np.uint64((1 << code_bits) - 1)
    groups = np.zeros((grouped.shape[0], lanes), np.uint64)
    for p in range(lanes):
        word, offset = divmod(p * code_bits, BEAT_BITS)
        value = grouped[:, word] >> np.uint64(offset)
        spill = offset + code_bits - BEAT_BITS
        if spill > 0:
            value |= grouped[:, word + 1] << np.uint64(code_bits - spill)
        groups[:, p] = value & mask
    blocks = -(-outputs // lanes)
    codes = groups.reshape(blocks, inputs, lanes).transpose(0, 2, 1).reshape(blocks * lanes, inputs)
    return codes[:outputs].astype(np.int64)
