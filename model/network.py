"""The paper's network: FC 1032 -> 256, ReLU, FC 256 -> 129, ReLU.

The 129 outputs are a mask on the current noisy magnitude (``output="mask"``,
the default) or the clean magnitude itself (``output="magnitude"``).  Inputs
are the stacked magnitudes of docs/features.md scaled by ``2**-input_shift``.
Weights and biases are kept in (-1, 1) by :meth:`EnhancementNet.clamp_`,
called after every optimiser step.

A saved model is the torch-free model file of model.model_file (numpy reads
it; the runtime infers with model.float_net): :func:`save_model` /
:func:`load_model` convert between it and this torch module.
"""

import torch
from torch import nn

from lutdnn.core.framing import BINS, FEATURES
from lutdnn.model.model_file import (CLAMP, HIDDEN, ModelFile, NetConfig, load_model_file,  # noqa: F401 (re-exported)
                                     save_model_file)


class EnhancementNet(nn.Module):
    def __init__(self, config=None):
        super().__init__()
        self.config = config or NetConfig()
        self.fc1 = nn.Linear(FEATURES, HIDDEN)
        self.fc2 = nn.Linear(HIDDEN, BINS)

    def forward(self, features):
        """Scaled stacked magnitudes ``(..., 1032)`` -> raw outputs ``(..., 129)`` (>= 0)."""
        return torch.relu(self.fc2(torch.relu(self.fc1(features))))

    @torch.no_grad()
    def clamp_(self):
        for p in self.parameters():
            p.clamp_(-CLAMP, CLAMP)

    def features(self, stacked_magnitudes):
        return stacked_magnitudes * 2.0 ** -self.config.input_shift

    def enhance_magnitude(self, stacked_magnitudes, current_magnitude):
        """Float inference: the clean-magnitude estimate for each frame."""
        out = self(self.features(stacked_magnitudes))
        if self.config.output == "mask":
            return torch.clamp(out, min=self.config.mask_floor) * current_magnitude
        return out * 2.0 ** self.config.input_shift

    def layer_parameters(self):
        """``[(weight, bias), ...]`` as float64 numpy arrays, layer 1 first."""
        return [(fc.weight.detach().double().numpy(), fc.bias.detach().double().numpy())
                for fc in (self.fc1, self.fc2)]


def save_model(net, path, extra=None):
    """Write ``net`` to ``path`` as a model file (model.model_file), atomically."""
    parameters = {name: value.detach().float().numpy() for name, value in net.state_dict().items()}
    save_model_file(ModelFile(net.config, parameters, extra or {}), path)


def load_model(path=None):
    """A checked model file (the shipped default when ``path`` is None) as an :class:`EnhancementNet`."""
    model = load_model_file(path)
    net = EnhancementNet(model.config)
    net.load_state_dict({name: torch.from_numpy(value.astype("float32")) for name, value in model.parameters.items()})
    net.eval()
    return net
