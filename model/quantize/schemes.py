"""Scheme specs: what ``lutdnn quantize --scheme`` and the tables accept.

A layer spec is ``<M><method>[+ec][@<decomposition>]``:

- ``M`` in {2, 3, 4, 8}: code bits;
- method: ``u`` uniform, ``uvbs`` uniform + VBS, ``rs`` range split, ``rsvb``
  range split + VBS (alias ``nu``, the paper's non-uniform), ``p2`` power of
  two, ``km`` k-means;
- ``+ec``: error-compensating rounding (GPTQ) on the chosen codebook;
- ``@rR``: rebuild from a rank-``R`` quantized factorisation first; ``@tAxBxC``:
  from a Tucker core ``A x B x C`` (layer 1 only).

A model spec is one layer spec for both layers, or ``L1/L2`` (mixed precision,
e.g. the paper's 4NU/8U = ``4rsvb/8u``).
"""

import re
from dataclasses import dataclass

import numpy as np

from lutdnn.model.quantize import decomposition, kmeans, objective, power_of_two, range_split, uniform
from lutdnn.model.quantize.error_compensation import compensated_codes
from lutdnn.model.reference.formats import CODE_WIDTHS

METHODS = {
    "u": (uniform, False),
    "uvbs": (uniform, True),
    "rs": (range_split, False),
    "rsvb": (range_split, True),
    "nu": (range_split, True),
    "p2": (power_of_two, True),
    "km": (kmeans, True),
}
_LAYER = re.compile(r"^(\d+)([a-z0-9]+?)(\+ec)?(?:@(r\d+|t\d+x\d+x\d+))?$")


class SchemeError(ValueError):
    """A spec that does not parse; the message says what is wrong."""


@dataclass(frozen=True)
class LayerScheme:
    bits: int
    method: str
    compensate: bool = False
    decomposition: tuple = None     # ("r", rank) or ("t", (ro, rt, rb))

    def __str__(self):
        text = f"{self.bits}{self.method}{'+ec' if self.compensate else ''}"
        if self.decomposition:
            kind, arg = self.decomposition
            text += f"@r{arg}" if kind == "r" else "@t" + "x".join(map(str, arg))
        return text


def parse_layer(text):
    m = _LAYER.match(text.strip().lower())
    if not m:
        raise SchemeError(f"cannot parse layer scheme {text!r} (expected e.g. 4rsvb, 8u, 3km+ec, 8u@r32)")
    bits, method, ec, dec = int(m.group(1)), m.group(2), bool(m.group(3)), m.group(4)
    if bits not in CODE_WIDTHS:
        raise SchemeError(f"{text!r}: code bits must be one of {CODE_WIDTHS}, got {bits}")
    if method not in METHODS:
        raise SchemeError(f"{text!r}: unknown method {method!r}; choose from {', '.join(METHODS)}")
    if dec is not None:
        dec = ("r", int(dec[1:])) if dec[0] == "r" else ("t", tuple(int(v) for v in dec[1:].split("x")))
    return LayerScheme(bits, "rsvb" if method == "nu" else method, ec, dec)


def parse(spec, layers=2):
    """``"4rsvb/8u"`` -> one :class:`LayerScheme` per layer."""
    parts = [p for p in str(spec).split("/")]
    if len(parts) == 1:
        parts = parts * layers
    if len(parts) != layers:
        raise SchemeError(f"scheme {spec!r} names {len(parts)} layers; the network has {layers}")
    return [parse_layer(p) for p in parts]


def describe(schemes):
    texts = [str(s) for s in schemes]
    return texts[0] if len(set(texts)) == 1 else "/".join(texts)


@dataclass
class QuantizedLayer:
    codes: np.ndarray
    codebook: object
    scheme: LayerScheme
    error: float                 # output error of the coded weights vs the float ones
    storage_bytes: int           # bytes to store this layer's weights (codes, or factors)
    note: str = ""

    @property
    def weights(self):
        return self.codebook.levels[self.codes]


def rebuild(w, scheme, hessian):
    if scheme.decomposition is None:
        return None
    kind, arg = scheme.decomposition
    return decomposition.low_rank(w, arg, hessian) if kind == "r" else decomposition.tucker(w, arg)


def choose_codebook(w, scheme, hessian):
    """The scheme's codebook for ``w`` with the knobs that minimise the output error."""
    module, virtual_shift = METHODS[scheme.method]
    extra = {"input_energy": np.diag(hessian)} if module is kmeans and hessian is not None else {}
    return module.choose(w, scheme.bits, virtual_shift, lambda codebooks: objective.best(w, codebooks, hessian)[0],
                         **extra)


def quantize_layer(w, scheme, hessian=None):
    """Float weights ``(outputs, inputs)`` -> :class:`QuantizedLayer` (knobs chosen on ``hessian``)."""
    if scheme.compensate and hessian is None:
        raise SchemeError(f"{scheme}: error compensation needs calibration data")
    w = np.asarray(w, np.float64)
    rebuilt = rebuild(w, scheme, hessian)
    target = w if rebuilt is None else rebuilt.weights
    cb = choose_codebook(target, scheme, hessian)
    codes = compensated_codes(target, hessian, cb) if scheme.compensate else cb.assign(target)
    storage = rebuilt.storage_bytes if rebuilt else codes.size * scheme.bits // 8   # as the paper counts
    err = objective.output_error(w, cb.levels[codes], hessian)
    return QuantizedLayer(codes, cb, scheme, err, storage, rebuilt.description if rebuilt else "")
