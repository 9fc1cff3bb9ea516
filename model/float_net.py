"""Float inference in numpy: the network of model.network without torch.

Computed in float64 from the float32 parameters of a model file, so it
agrees with the torch network (float32) to float32 rounding; the runtime
(enhance, the demo, the board) uses this one.
"""

import numpy as np

from lutdnn.model.model_file import load_model_file


class FloatNet:
    """FC 1032 -> 256, ReLU, FC 256 -> 129, ReLU, on a checked :class:`ModelFile`."""

    def __init__(self, model):
        self.config = model.config
        p = {name: value.astype(np.float64) for name, value in model.parameters.items()}
        self.layers = [(p["fc1.weight"], p["fc1.bias"]), (p["fc2.weight"], p["fc2.bias"])]

    def forward(self, features):
        """Scaled stacked magnitudes ``(..., 1032)`` -> raw outputs ``(..., 129)`` (>= 0)."""
        x = features
        for weight, bias in self.layers:
            x = np.maximum(x @ weight.T + bias, 0.0)
        return x

    def features(self, stacked_magnitudes):
        return stacked_magnitudes * 2.0 ** -self.config.input_shift

    def enhance_magnitude(self, stacked_magnitudes, current_magnitude):
        """The clean-magnitude estimate for each frame (model.network.EnhancementNet's rule)."""
        out = self.forward(self.features(stacked_magnitudes))
        if self.config.output == "mask":
            return np.maximum(out, self.config.mask_floor) * current_magnitude
        return out * 2.0 ** self.config.input_shift

    def layer_parameters(self):
        """``[(weight, bias), ...]`` as float64 arrays, layer 1 first."""
        return list(self.layers)


def load_float_net(path=None):
    """The checked model file at ``path`` (the shipped one when None) as a :class:`FloatNet`."""
    return FloatNet(load_model_file(path))
