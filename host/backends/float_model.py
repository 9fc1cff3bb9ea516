"""``float`` backend: the float network, the quality reference."""

import numpy as np
import torch

from lutdnn.host.framing import BINS, CONTEXT, stack_context
from lutdnn.model.network import load_model


class FloatBackend:
    name = "float"

    def __init__(self, net):
        self.net = net
        self.level_dbfs = net.config.level_dbfs
        self.reset()

    def reset(self):
        self._history = np.zeros((CONTEXT - 1, BINS))

    @torch.no_grad()
    def process(self, spectra):
        """Complex spectra ``(frames, 129)`` -> enhanced spectra; the context continues from the last call."""
        mag = np.abs(spectra)
        frames = np.concatenate([self._history, mag])
        self._history = frames[len(frames) - (CONTEXT - 1):]
        stacked = torch.from_numpy(stack_context(frames)[CONTEXT - 1:]).float()
        est = self.net.enhance_magnitude(stacked, torch.from_numpy(mag).float()).double().numpy()
        phase = np.exp(1j * np.angle(spectra))
        return est * phase


def open(model=None, **_):
    return FloatBackend(load_model(model))
