"""Whole-model quantization: float network + scheme spec (+ calibration) -> weight image.

Layers are done in order; layer 2's knobs and Hessian come from the hidden
activations of the already quantized layer 1 on the calibration frames, so its
choices see the error it will actually get.  Error-compensated schemes (``+ec``)
also fold each layer's mean output error on the calibration frames into its
8-bit bias (bias correction).
"""

from dataclasses import dataclass

import numpy as np

from lutdnn.model.quantize import calibrate, objective, schemes
from lutdnn.model.reference.dnn import IntLayer
from lutdnn.model.reference.formats import BIAS_FRAC, OUTPUT_MAGNITUDE, OUTPUT_MASK, WORD_MAX
from lutdnn.model.weight_image import DEFAULT_LANES, WeightImage


def quantize_biases(b):
    """The paper's 8-bit uniform biases: ``s8``, Q0.7."""
    return np.clip(np.floor(np.asarray(b) * (1 << BIAS_FRAC) + 0.5), -128, 127).astype(np.int64)


@dataclass
class QuantizedModel:
    image: WeightImage
    layers: list                  # schemes.QuantizedLayer per layer
    peaks: list                   # largest calibration activation after each layer

    @property
    def storage_bytes(self):
        return sum(l.storage_bytes for l in self.layers)

    def report(self):
        lines = []
        for n, (layer, il) in enumerate(zip(self.layers, self.image.layers), 1):
            knobs = ", ".join(f"{k}={v}" for k, v in layer.codebook.knobs.items())
            extra = f" [{layer.note}, {layer.storage_bytes} B stored]" if layer.note else ""
            lines.append(f"layer {n}: {layer.scheme} ({knobs}){extra} output error {layer.error:.4g}; "
                         f"F_in={il.in_frac} F_out={il.out_frac} shift={il.out_shift}")
        lines.append(self.image.memory_report())
        if any(l.note for l in self.layers):
            lines.append(f"stored weights (factors where decomposed): {self.storage_bytes} bytes")
        return "\n".join(lines)


def quantize_model(net, spec, calibration=None, fraction_bits=None, lanes=DEFAULT_LANES):
    """Quantize ``net`` with scheme ``spec``.

    ``calibration``: stacked validation magnitudes ``(frames, 1032)`` in ``|X|``
    units (:func:`calibrate.stacked_magnitudes`); it chooses the knobs, feeds
    error compensation and sets the fraction bits.  Without it the knobs
    minimise weight MSE and ``fraction_bits=(F_2, F_3)`` must be given.
    """
    layer_schemes = schemes.parse(spec) if isinstance(spec, str) else list(spec)
    params = net.layer_parameters()
    config = net.config
    mask = config.output == "mask"
    if calibration is None and fraction_bits is None:
        raise calibrate.CalibrationError("without calibration data the fraction bits must be given")
    x = None if calibration is None else net.features(np.asarray(calibration, np.float64))
    done, peaks, biases = [], [], []
    for (w, b), scheme in zip(params, layer_schemes):
        hessian = None if x is None else objective.second_moment(x)
        q = schemes.quantize_layer(w, scheme, hessian)
        if scheme.compensate:   # the mean output error is a bias error: fold it in
            b = b + (w - q.weights) @ x.mean(axis=0)
        bq = quantize_biases(b)
        done.append(q)
        biases.append(bq)
        if x is not None:
            x = np.maximum(x @ q.weights.T + bq / (1 << BIAS_FRAC), 0.0)
            peaks.append(float(x.max()))
    fracs = _fractions(config, peaks, fraction_bits)
    int_layers = [IntLayer(q.codes, q.codebook.values, q.codebook.shifts, bq, fin, fout)
                  for q, bq, fin, fout in zip(done, biases, fracs[:-1], fracs[1:])]
    floor = int(np.clip(round(config.mask_floor * 2 ** fracs[-1]), 0, WORD_MAX)) if mask else 0
    image = WeightImage(int_layers, [s.bits for s in layer_schemes], lanes, config.input_shift,
                        OUTPUT_MASK if mask else OUTPUT_MAGNITUDE, floor, schemes.describe(layer_schemes),
                        level_dbfs=config.level_dbfs, floor_strength=config.floor_strength)
    return QuantizedModel(image, done, peaks)


def _fractions(config, peaks, given):
    f1 = calibrate.input_frac(config.input_shift)
    least_out = calibrate.output_least_frac(config.output == "mask")
    if given is not None:
        return [f1, *given]
    f2 = calibrate.fraction_bits(peaks[0], f1)
    f3 = calibrate.fraction_bits(peaks[1], f2, least=least_out)
    return [f1, f2, f3]
