"""``float`` backend: the float network (numpy, from the model file), the quality reference."""

import numpy as np

from lutdnn.core.framing import BINS, CONTEXT, stack_context
from lutdnn.model.float_net import load_float_net


class FloatBackend:
    name = "float"

    def __init__(self, net):
        self.net = net
        self.level_dbfs = net.config.level_dbfs
        self.floor_strength = net.config.floor_strength
        self.reset()

    def reset(self):
        self._history = np.zeros((CONTEXT - 1, BINS))

    def process(self, spectra):
        """Complex spectra ``(frames, 129)`` -> enhanced spectra; the context continues from the last call."""
        if not np.all(np.isfinite(spectra)):   # as sim refuses them: NaN would fill the whole context
            raise ValueError("the spectrum holds non-finite values (NaN or inf)")
        mag = np.abs(spectra)
        frames = np.concatenate([self._history, mag])
        self._history = frames[len(frames) - (CONTEXT - 1):]
        est = self.net.enhance_magnitude(stack_context(frames)[CONTEXT - 1:], mag)
        phase = np.exp(1j * np.angle(spectra))
        return est * phase


def create(model=None, **_):
    return FloatBackend(load_float_net(model))
