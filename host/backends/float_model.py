"""``float`` backend: the float network, the quality reference."""

import numpy as np
import torch

from lutdnn.host.framing import stack_context
from lutdnn.model.network import load_model


class FloatBackend:
    name = "float"

    def __init__(self, net):
        self.net = net
        self.level_dbfs = net.config.level_dbfs

    @torch.no_grad()
    def process(self, spectra):
        mag = np.abs(spectra)
        stacked = torch.from_numpy(stack_context(mag)).float()
        est = self.net.enhance_magnitude(stacked, torch.from_numpy(mag).float()).double().numpy()
        phase = np.exp(1j * np.angle(spectra))
        return est * phase


def open(model=None, **_):
    return FloatBackend(load_model(model))
