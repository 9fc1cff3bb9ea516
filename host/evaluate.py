"""Objective evaluation: ``lutdnn eval --data DIR``.

STOI and ESTOI (pystoi) of the noisy input and of each enhancement on a split
written by ``lutdnn data`` (the test split by default), overall and per SNR.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pystoi import stoi

from .backends import open_backend
from .cli import CommandError
from .enhance import enhance_signal
from .framing import SAMPLE_RATE


@dataclass
class Pair:
    clean: np.ndarray
    noisy: np.ndarray
    snr: float


def load_pairs(data, split):
    """The written mixtures of ``split`` in a folder made by ``lutdnn data``."""
    from lutdnn.model.mixtures import read_items
    return [Pair(clean.astype(np.float64), noisy.astype(np.float64), item["snr_db"])
            for item, clean, noisy in read_items(Path(data), split)]


@dataclass
class Row:
    label: str
    stoi: list = field(default_factory=list)
    estoi: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def summary(self, snrs):
        snrs = np.asarray(snrs)
        out = {"stoi": float(np.mean(self.stoi)), "estoi": float(np.mean(self.estoi)), "per_snr": {}}
        for snr in sorted(set(snrs.tolist())):
            sel = snrs == snr
            out["per_snr"][f"{snr:g}"] = {"stoi": float(np.mean(np.asarray(self.stoi)[sel])),
                                          "estoi": float(np.mean(np.asarray(self.estoi)[sel]))}
        return {**out, **self.extra}


def intelligibility(clean, signal):
    return stoi(clean, signal, SAMPLE_RATE), stoi(clean, signal, SAMPLE_RATE, extended=True)


def score(pairs, label, transform=None):
    """A :class:`Row` for ``transform(noisy)`` (the noisy input itself when None)."""
    row = Row(label)
    for pair in pairs:
        signal = pair.noisy if transform is None else transform(pair.noisy)
        s, e = intelligibility(pair.clean, signal)
        row.stoi.append(s)
        row.estoi.append(e)
    return row


def backend_row(pairs, label, backend):
    return score(pairs, label, lambda noisy: enhance_signal(noisy, backend))


def format_table(summaries, split):
    snrs = sorted({k for s in summaries.values() for k in s["per_snr"]}, key=float)
    head = f"{'system':<18}{'STOI':>8}{'ESTOI':>8}" + "".join(f"{'STOI@' + s + 'dB':>12}" for s in snrs)
    lines = [f"split: {split}", head, "-" * len(head)]
    for label, s in summaries.items():
        cells = "".join(f"{s['per_snr'][k]['stoi']:>12.4f}" for k in snrs)
        lines.append(f"{label:<18}{s['stoi']:>8.4f}{s['estoi']:>8.4f}{cells}")
    return "\n".join(lines)


def write_json(path, payload):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(payload, indent=2) + "\n")
    tmp.replace(path)


def run(args):
    try:
        pairs = load_pairs(args.data, args.split)
    except ValueError as err:
        raise CommandError(f"cannot read the {args.split} split of {args.data}: {err}") from err
    if args.limit:
        pairs = pairs[:args.limit]
    try:
        rows = [score(pairs, "noisy"), backend_row(pairs, "float", open_backend("float", model=args.model))]
    except (FileNotFoundError, ValueError) as err:
        raise CommandError(str(err)) from err
    snrs = [p.snr for p in pairs]
    summaries = {row.label: row.summary(snrs) for row in rows}
    print(format_table(summaries, args.split))
    gain = summaries["float"]["stoi"] - summaries["noisy"]["stoi"]
    print(f"float model vs noisy: {gain:+.4f} STOI over {len(pairs)} mixtures")
    if args.json:
        write_json(args.json, {"split": args.split, "mixtures": len(pairs), "systems": summaries})
    return 0


def register(sub):
    p = sub.add_parser("eval", help="STOI/ESTOI of the noisy input and the enhancement on a split")
    p.add_argument("--data", required=True, help="folder written by 'lutdnn data'")
    p.add_argument("--split", default="test", help="split to score (test, validation, ood)")
    p.add_argument("--model", help="float model (.pt); default: the shipped model")
    p.add_argument("--limit", type=int, help="score only the first N mixtures")
    p.add_argument("--json", help="also write the figures as JSON here")
    p.set_defaults(func=run)
