"""Objective evaluation: ``lutdnn eval --data DIR``.

STOI and ESTOI (pystoi) of the noisy input and of each enhancement on a split
written by ``lutdnn data`` (the test split by default), overall and per SNR.
With ``--peers`` also PESQ (narrowband), other enhancers (:mod:`.peers`), our
4-bit image through ``sim``, the oracle ratio mask as the ceiling, and the
figures per noise type and per speaker gender.  With ``--bands`` also STOI's
correlation in each of its 15 bands (:mod:`.stoi_bands`), overall and per
noise type.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from lutdnn.core import atomic_write
from lutdnn.core.arguments import at_least
from lutdnn.core.errors import CommandError
from lutdnn.core.extras import require
from lutdnn.core.framing import SAMPLE_RATE
from lutdnn.core.level import FixedLevel, level_gain
from lutdnn.host.backends import open_backend
from lutdnn.host.peers import oracle_mask, parse_peers, pesq_nb
from lutdnn.host.stoi_bands import band_centres, band_correlations
from lutdnn.host.stream import enhance_signal

GROUPS = {"per_snr": "snr", "per_noise_type": "noise_type", "per_gender": "gender"}


@dataclass
class Pair:
    clean: np.ndarray
    noisy: np.ndarray
    snr: float
    noise_type: str = "unknown"
    gender: str = "unknown"


def load_pairs(data, split):
    """The written mixtures of ``split`` in a folder made by ``lutdnn data``."""
    from lutdnn.model.data.mixtures import read_items
    return [Pair(clean.astype(np.float64), noisy.astype(np.float64), item["snr_db"],
                 item.get("noise_type", "unknown"), item.get("gender", "unknown"))
            for item, clean, noisy in read_items(Path(data), split)]


def group_keys(pairs, group):
    """Each pair's key for ``group`` (a :data:`GROUPS` name), as text."""
    return [f"{getattr(p, GROUPS[group]):g}" if group == "per_snr" else str(getattr(p, GROUPS[group]))
            for p in pairs]


@dataclass
class Row:
    label: str
    metrics: dict = field(default_factory=dict)     # {"stoi": [per mixture], "estoi": [...], ...}
    extra: dict = field(default_factory=dict)

    def means(self, select=slice(None)):
        return {name: float(np.nanmean(np.asarray(values)[select])) for name, values in self.metrics.items()}

    def summary(self, pairs, groups=("per_snr",)):
        """Means overall and for each key of each of ``groups`` (:data:`GROUPS` names)."""
        out = self.means()
        for group in groups:
            keys = np.asarray(group_keys(pairs, group))
            order = sorted(set(keys.tolist()), key=float) if group == "per_snr" else sorted(set(keys.tolist()))
            out[group] = {key: {**self.means(keys == key), "mixtures": int(np.sum(keys == key))} for key in order}
        return {**out, **self.extra}


def intelligibility(clean, signal):
    (pystoi,) = require("STOI scoring", "pystoi")
    return pystoi.stoi(clean, signal, SAMPLE_RATE), pystoi.stoi(clean, signal, SAMPLE_RATE, extended=True)


def quality(clean, signal):
    """``{"stoi": ..., "estoi": ...}`` of ``signal`` against ``clean``."""
    return dict(zip(("stoi", "estoi"), intelligibility(clean, signal)))


def quality_with_pesq(clean, signal):
    """:func:`quality` plus PESQ narrowband (the ``--peers`` table)."""
    return {**quality(clean, signal), "pesq": pesq_nb(clean, signal)}


def with_bands(measure):
    """``measure`` plus STOI's correlation in each one-third-octave band (``band0`` .. ``band14``)."""
    def measure_with_bands(clean, signal):
        bands = band_correlations(clean, signal, SAMPLE_RATE)
        return {**measure(clean, signal), **{f"band{k}": float(value) for k, value in enumerate(bands)}}
    return measure_with_bands


def score(pairs, label, transform=None, measure=quality):
    """A :class:`Row` for ``transform(pair)`` (the noisy input itself when None)."""
    row = Row(label)
    for pair in pairs:
        signal = pair.noisy if transform is None else transform(pair)
        for name, value in measure(pair.clean, signal).items():
            row.metrics.setdefault(name, []).append(value)
    return row


def backend_row(pairs, label, backend, measure=quality, whole_level=False):
    """``whole_level``: scale each recording by its whole RMS (offline reference) instead of the running level."""
    def enhance(pair):
        level = FixedLevel(level_gain(pair.noisy, backend.level_dbfs)) if whole_level else None
        return enhance_signal(pair.noisy, backend, level)
    return score(pairs, label, enhance, measure)


def peer_rows(pairs, args, peers, log, measure=quality_with_pesq):
    """``--peers``: our 4-bit image through ``sim``, each peer, and the oracle ratio mask (PESQ too)."""
    rows = []
    if args.image or not args.model:     # the shipped image goes with the shipped model only
        rows.append(backend_row(pairs, "4-bit (sim)", open_backend("sim", image=args.image), measure))
    for name, enhance in peers:
        log(f"scoring {name} on {len(pairs)} mixtures")
        rows.append(score(pairs, name, lambda pair: enhance(pair.noisy), measure))
    rows.append(score(pairs, "oracle mask", lambda pair: oracle_mask(pair.clean, pair.noisy), measure))
    return rows


def format_peer_table(summaries, group, metric):
    """``metric`` of every system (columns) for each key of ``group`` (rows), noisy input first."""
    labels = list(summaries)
    keys = summaries["noisy"][group]
    head = f"{group.replace('_', ' ') + ': ' + metric.upper():<26}" + "".join(f"{label[:12]:>13}" for label in labels)
    lines = [head, "-" * len(head)]
    for key, counts in keys.items():
        cells = "".join(f"{summaries[label][group][key][metric]:>13.3f}" for label in labels)
        lines.append(f"{key[:20] + ' (' + str(counts['mixtures']) + ')':<26}{cells}")
    return "\n".join(lines)


def format_peer_overall(summaries):
    noisy = summaries["noisy"]
    head = f"{'system':<16}{'STOI':>8}{'ESTOI':>8}{'PESQ':>8}{'dSTOI':>8}{'dESTOI':>8}{'dPESQ':>8}"
    lines = [head, "-" * len(head)]
    for label, s in summaries.items():
        lines.append(f"{label:<16}{s['stoi']:>8.3f}{s['estoi']:>8.3f}{s['pesq']:>8.2f}"
                     f"{s['stoi'] - noisy['stoi']:>+8.3f}{s['estoi'] - noisy['estoi']:>+8.3f}"
                     f"{s['pesq'] - noisy['pesq']:>+8.2f}")
    return "\n".join(lines)


def format_table(summaries, split):
    snrs = sorted({k for s in summaries.values() for k in s["per_snr"]}, key=float)
    head = f"{'system':<18}{'STOI':>8}{'ESTOI':>8}" + "".join(f"{'STOI@' + s + 'dB':>12}" for s in snrs)
    lines = [f"split: {split}", head, "-" * len(head)]
    for label, s in summaries.items():
        cells = "".join(f"{s['per_snr'][k]['stoi']:>12.4f}" for k in snrs)
        lines.append(f"{label:<18}{s['stoi']:>8.4f}{s['estoi']:>8.4f}{cells}")
    return "\n".join(lines)


def format_band_table(summaries, title):
    """``--bands``: each system's STOI correlation per band (columns: band centres, Hz) and their mean."""
    centres = band_centres()
    head = f"{'system':<18}" + "".join(f"{c:>6.0f}" for c in centres) + f"{'mean':>8}"
    lines = [f"STOI per band, {title}", head, "-" * len(head)]
    for label, s in summaries.items():
        bands = [s[f"band{k}"] for k in range(len(centres))]
        lines.append(f"{label:<18}" + "".join(f"{b:>6.2f}" for b in bands) + f"{np.nanmean(bands):>8.4f}")
    return "\n".join(lines)


def print_band_tables(summaries):
    """``--bands``: the band table of every system, overall and for each noise type."""
    print(format_band_table(summaries, "all mixtures"))
    for key, group in summaries["noisy"]["per_noise_type"].items():
        print(format_band_table({label: s["per_noise_type"][key] for label, s in summaries.items()},
                                f"noise type {key} ({group['mixtures']} mixtures)"))


def write_json(path, payload):
    atomic_write.write_text(path, json.dumps(payload, indent=2) + "\n")


def scheme_rows(pairs, args, log, measure=quality):
    """Rows for ``--schemes``: float via the float backend, every spec via ``sim`` on its image."""
    from lutdnn.model.float_net import load_float_net
    from lutdnn.model.quantize.calibrate import validation_inputs
    from lutdnn.model.quantize.table import scheme_table_rows
    net = load_float_net(args.model)
    specs = [s for s in args.schemes.split(",") if s and s != "float"]
    calibration = validation_inputs(args.data, net.config)   # never the split being scored
    rows, table = [], scheme_table_rows(net, specs, calibration, log)
    for entry in table:
        backend = open_backend("float", model=args.model) if entry.image is None else \
            open_backend("sim", image=entry.image)
        row = backend_row(pairs, entry.label, backend, measure)
        row.extra = {"layers": entry.layers, "weight_bytes": entry.weight_bytes,
                     "stream_bytes": entry.stream_bytes, "backend": backend.name}
        rows.append(row)
    return rows, table


def format_scheme_table(summaries):
    """The paper's Table 3 layout: scheme per layer, STOI and loss vs float, weight bytes and reduction."""
    ref = summaries["float"]
    head = f"{'scheme':<22}{'STOI':>8}{'loss %':>8}{'ESTOI':>8}{'weight bytes':>14}{'vs float32':>11}  layers"
    lines = [head, "-" * len(head)]
    for label, s in summaries.items():
        loss = 100.0 * (ref["stoi"] - s["stoi"]) / ref["stoi"]
        size = s.get("weight_bytes")
        ratio = f"{ref['weight_bytes'] / size:>10.1f}x" if size else f"{'':>11}"
        lines.append(f"{label:<22}{s['stoi']:>8.4f}{loss:>8.2f}{s['estoi']:>8.4f}"
                     f"{(size or 0):>14}{ratio}  {s.get('layers', '')}")
    return "\n".join(lines)


def save_figures(folder, summaries, net_path, table):
    from lutdnn.model.float_net import load_float_net
    from lutdnn.model.quantize.plots import quality_vs_bytes_figure, weight_cdf_figure
    points = [(label, s["weight_bytes"], s["stoi"]) for label, s in summaries.items()
              if s.get("weight_bytes") and label not in ("noisy", "float")]
    paths = [quality_vs_bytes_figure(points, Path(folder) / "stoi_vs_bytes.png",
                                     reference=("float", summaries["float"]["stoi"]))]
    rsvb = next((e for e in table if e.image is not None and "rsvb" in e.label and "/" not in e.label), None)
    if rsvb is not None:
        weights = [w for w, _ in load_float_net(net_path).layer_parameters()]
        for n, (w, codebook) in enumerate(zip(weights, rsvb.codebooks), 1):
            paths.append(weight_cdf_figure(w, codebook, Path(folder) / f"weight_cdf_layer{n}.png",
                                           title=f"layer {n} {rsvb.label}"))
    return paths


def _log(line):
    print(line, flush=True)


def run(args):
    try:
        pairs = load_pairs(args.data, args.split)
    except ValueError as err:
        raise CommandError(f"cannot read the {args.split} split of {args.data}: {err}") from err
    if not pairs:
        raise CommandError(f"the {args.split} split of {args.data} holds no mixtures to score")
    pairs = pairs[:args.limit]
    table = []
    peers = parse_peers(args.peers) if args.peers is not None else []     # refuse unknown names first
    measure = quality_with_pesq if peers else quality
    if args.bands:
        measure = with_bands(measure)
    try:
        rows = [score(pairs, "noisy", measure=measure)]
        if args.schemes:
            more, table = scheme_rows(pairs, args, _log, measure)
            rows += more
        else:
            rows.append(backend_row(pairs, "float", open_backend("float", model=args.model), measure,
                                    args.whole_level))
        if peers:
            rows += peer_rows(pairs, args, peers, _log, measure)
    except (FileNotFoundError, ValueError) as err:
        raise CommandError(str(err)) from err
    groups = tuple(GROUPS) if peers or args.bands else ("per_snr",)
    summaries = {row.label: row.summary(pairs, groups) for row in rows}
    print(format_table(summaries, args.split))
    if peers:
        print(format_peer_overall(summaries))
        for group in groups:
            for metric in ("stoi", "estoi", "pesq"):
                print(format_peer_table(summaries, group, metric))
    gain = summaries["float"]["stoi"] - summaries["noisy"]["stoi"]
    print(f"float model vs noisy: {gain:+.4f} STOI over {len(pairs)} mixtures")
    if args.bands:
        print_band_tables(summaries)
    if args.schemes:
        print(format_scheme_table(summaries))
    if args.plots:
        for path in save_figures(args.plots, summaries, args.model, table):
            print(f"wrote {path}")
    if args.json:
        write_json(args.json, {"split": args.split, "mixtures": len(pairs), "systems": summaries})
    return 0


def register(sub):
    p = sub.add_parser("eval", help="STOI/ESTOI of the noisy input and the enhancement on a split")
    p.add_argument("--data", required=True, help="folder written by 'lutdnn data'")
    p.add_argument("--split", default="test", help="split to score (test, validation, ood, babble, real_validation)")
    p.add_argument("--model", help="float model (.npz); default: the shipped model")
    p.add_argument("--limit", type=at_least(int, 1), help="score only the first N mixtures")
    p.add_argument("--schemes", help="comma-separated quantization schemes scored with the sim backend, "
                   "e.g. float,8u,4u,4rsvb,4rsvb/8u (the paper's Table 3)")
    p.add_argument("--plots", help="folder for the STOI-vs-bytes and weight-CDF figures (with --schemes)")
    p.add_argument("--json", help="also write the figures as JSON here")
    p.add_argument("--whole-level", action="store_true",
                   help="normalise each recording by its whole RMS (not causal) instead of the running level")
    p.add_argument("--peers", help="comma-separated other enhancers to score beside ours (rnnoise, "
                   "noisereduce), with PESQ, the oracle mask and per noise type / gender tables")
    p.add_argument("--bands", action="store_true",
                   help="also print STOI's correlation in each of its 15 bands, overall and per noise type")
    p.add_argument("--image", help="with --peers: 4-bit weight image scored through sim "
                   "(default: the shipped model-4rsvb.img when --model is not given)")
    p.set_defaults(func=run)
