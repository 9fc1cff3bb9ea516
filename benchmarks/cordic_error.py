"""Measured error of the integer CORDIC (lutdnn.model.reference.cordic) against float.

Prints the markdown table of docs/cordic.md: magnitude error in LSB of the u16
magnitude word, phase error in radians, rotation and round-trip error in LSB of
the s16 spectrum words, over random inputs (fixed seed) and an edge set
(zero, full scale, -32768, axes, diagonals, every quadrant).

    python benchmarks/cordic_error.py [--samples N] [--iterations I --guard-bits G ...]
"""

import argparse
import itertools
import math

import numpy as np

from lutdnn.model.reference.cordic import CordicParams, rotation, vectoring
from lutdnn.model.reference.formats import S16_MAX, S16_MIN, WORD_MAX

# Below this magnitude the input words themselves cannot resolve the angle
# finely; phase statistics are also reported for |X| >= this.
PHASE_MIN_MAG = 256


def edge_bins():
    """Zero, full scale, -32768, axes, diagonals and small values in every quadrant."""
    levels = [0, 1, 2, 3, 100, 16384, 32766, 32767, -1, -2, -100, -16384, -32767, -32768]
    pairs = np.array(list(itertools.product(levels, repeat=2)), dtype=np.int64)
    return pairs[:, 0], pairs[:, 1]


def random_bins(rng, n):
    """Uniform words over the whole s16 square plus log-uniform magnitudes at random angles."""
    re = rng.integers(S16_MIN, S16_MAX + 1, n)
    im = rng.integers(S16_MIN, S16_MAX + 1, n)
    mag = np.exp(rng.uniform(0, math.log(32767), n))
    ang = rng.uniform(-math.pi, math.pi, n)
    re2 = np.clip(np.round(mag * np.cos(ang)), S16_MIN, S16_MAX).astype(np.int64)
    im2 = np.clip(np.round(mag * np.sin(ang)), S16_MIN, S16_MAX).astype(np.int64)
    return np.concatenate([re, re2]), np.concatenate([im, im2])


def stats(err):
    err = np.asarray(err, dtype=np.float64)
    return math.sqrt(np.mean(err ** 2)), float(np.max(np.abs(err)))


def vectoring_errors(re, im, params):
    mag, phase = vectoring(re, im, params)
    exact = np.hypot(re, im)
    mag_err = mag - np.minimum(exact, WORD_MAX)
    nonzero = exact > 0
    ang_err = np.angle(np.exp(1j * (params.phase_to_radians(phase) - np.arctan2(im, re))))
    return mag_err, ang_err[nonzero], ang_err[exact >= PHASE_MIN_MAG]


def rotation_errors(mag, phase, params):
    re, im = rotation(mag, phase, params)
    ang = params.phase_to_radians(phase)
    exact_re = np.clip(mag * np.cos(ang), S16_MIN, S16_MAX)
    exact_im = np.clip(mag * np.sin(ang), S16_MIN, S16_MAX)
    return np.concatenate([re - exact_re, im - exact_im])


def round_trip_errors(re, im, params):
    back_re, back_im = rotation(*vectoring(re, im, params), params)
    return np.concatenate([back_re - re, back_im - im])


def report(params, samples, seed):
    rng = np.random.default_rng(seed)
    rows = []
    for name, (re, im) in (("random", random_bins(rng, samples)), ("edge", edge_bins())):
        mag_err, ang_err, ang_err_big = vectoring_errors(re, im, params)
        rows.append((f"vectoring magnitude, {name}", "LSB", *stats(mag_err)))
        rows.append((f"vectoring phase, {name}, abs(X) > 0", "rad", *stats(ang_err)))
        rows.append((f"vectoring phase, {name}, abs(X) >= {PHASE_MIN_MAG}", "rad", *stats(ang_err_big)))
        rows.append((f"round trip re/im, {name}", "LSB", *stats(round_trip_errors(re, im, params))))
    half = 1 << (params.phase_bits - 1)
    mag = rng.integers(0, WORD_MAX + 1, samples)
    phase = rng.integers(-half, half, samples)
    rows.append(("rotation re/im, random mag u16 x phase", "LSB",
                 *stats(rotation_errors(mag, phase, params))))
    edge_mag = np.array([0, 1, 2, 100, 32767, 46341, 65535], dtype=np.int64)
    edge_phase = np.array([-half, -half // 2, -1, 0, 1, half // 2 - 1, half // 2, half - 1], dtype=np.int64)
    m, p = (a.ravel() for a in np.meshgrid(edge_mag, edge_phase))
    rows.append(("rotation re/im, edge mag x phase", "LSB", *stats(rotation_errors(m, p, params))))
    return rows


def main(argv=None):
    defaults = CordicParams()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2024)
    for field in ("iterations", "guard_bits", "phase_bits", "phase_guard_bits", "gain_frac_bits"):
        parser.add_argument("--" + field.replace("_", "-"), type=int, default=getattr(defaults, field))
    args = parser.parse_args(argv)
    params = CordicParams(args.iterations, args.guard_bits, args.phase_bits,
                          args.phase_guard_bits, args.gain_frac_bits)
    print(f"{params}, gain K = {params.gain:.9f}, compensation = {params.gain_compensation}"
          f" / 2**{params.gain_frac_bits}, samples = {2 * args.samples} random bins, seed = {args.seed}")
    print()
    print("| quantity | unit | rms | max |")
    print("| --- | --- | --- | --- |")
    for name, unit, rms, worst in report(params, args.samples, args.seed):
        fmt = "{:.2e}" if unit == "rad" else "{:.3f}"
        print(f"| {name} | {unit} | {fmt.format(rms)} | {fmt.format(worst)} |")


if __name__ == "__main__":
    main()
