"""Rows of the paper's Table 3 (and its extensions) for ``lutdnn eval``.

:func:`scheme_table_rows` quantizes one float model with every spec and returns
one :class:`SchemeRow` per spec (plus the float row); the caller scores each
row's image with the ``sim`` backend (``open_backend("sim", image=row.image)``)
and the float row with the ``float`` backend.
"""

from typing import NamedTuple

from lutdnn.model.quantize import pipeline, schemes
from lutdnn.model.weight_image import WeightImage

FLOAT_BYTES = 4
PAPER_SPECS = ("8u", "4u", "4rsvb", "4rsvb/8u")


class SchemeRow(NamedTuple):
    label: str              # the spec, or "float"
    layers: str             # per-layer scheme and chosen knobs, for the table
    image: WeightImage      # None for the float row
    weight_bytes: int       # weights only as the paper counts them (codes x bits / 8; factors if decomposed)
    stream_bytes: int       # code bytes the accelerator streams per frame (0 for float)
    codebooks: list = None  # each layer's Codebook (edges, levels; for the weight-CDF figure)


def float_row(net):
    weights = sum(w.size for w, _ in net.layer_parameters())
    return SchemeRow("float", "float32", None, FLOAT_BYTES * weights, 0)


def layer_text(q):
    knobs = ", ".join(f"{k}={v}" for k, v in q.codebook.knobs.items())
    note = f" {q.note}" if q.note else ""
    return f"{q.scheme}{note} ({knobs})"


def scheme_table_rows(net, specs=PAPER_SPECS, calibration_features=None, log=lambda line: None):
    """``[SchemeRow("float", ...), SchemeRow(spec, ...), ...]``.

    ``calibration_features``: stacked *validation* magnitudes
    (:func:`calibrate.validation_inputs`); never the split being scored.
    """
    rows = [float_row(net)]
    for spec in specs:
        q = pipeline.quantize_model(net, spec, calibration_features)
        log(f"{spec}:\n{q.report()}")
        rows.append(SchemeRow(schemes.describe(schemes.parse(spec)), "; ".join(map(layer_text, q.layers)),
                              q.image, q.storage_bytes, q.image.weight_bytes,
                              [layer.codebook for layer in q.layers]))
    return rows
