"""``float`` backend: the float network (numpy, from the model file), the quality reference."""

import numpy as np

from lutdnn.host.framing import stack_context
from lutdnn.model.float_net import load_float_net


class FloatBackend:
    name = "float"

    def __init__(self, net):
        self.net = net
        self.level_dbfs = net.config.level_dbfs

    def process(self, spectra):
        mag = np.abs(spectra)
        est = self.net.enhance_magnitude(stack_context(mag), mag)
        phase = np.exp(1j * np.angle(spectra))
        return est * phase


def open(model=None, **_):
    return FloatBackend(load_float_net(model))
