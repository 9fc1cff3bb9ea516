import numpy as np

from lutdnn.host.enhance import enhance_signal
from lutdnn.host.level import level_gain


def test_level_gain_reaches_the_target_and_leaves_silence_alone():
    x = np.random.default_rng(0).standard_normal(8000) * 0.3
    g = level_gain(x, -25.0)
    assert np.isclose(20 * np.log10(np.sqrt(np.mean((g * x) ** 2))), -25.0)
    assert level_gain(np.zeros(100), -25.0) == 1.0
    assert level_gain(x, None) == 1.0


class Recorder:
    """A backend that passes spectra through and remembers the level it was given."""
    name = "recorder"

    def __init__(self, level_dbfs):
        self.level_dbfs = level_dbfs
        self.seen = None

    def process(self, spectra):
        self.seen = spectra
        return spectra


def test_enhance_signal_normalises_in_and_restores_out():
    x = np.random.default_rng(1).uniform(-0.01, 0.01, 4000)
    backend = Recorder(-20.0)
    y = enhance_signal(x, backend)
    assert np.allclose(y, x, atol=1e-9)
    # Parseval over the padded frames: the backend saw the signal at -20 dBFS, not at its own level
    seen_power = np.sum(np.abs(backend.seen) ** 2)
    plain = Recorder(None)
    enhance_signal(x, plain)
    assert np.isclose(seen_power / np.sum(np.abs(plain.seen) ** 2), level_gain(x, -20.0) ** 2)
