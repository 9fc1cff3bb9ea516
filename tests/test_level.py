import numpy as np

from lutdnn.core.framing import HOP
from lutdnn.core.level import FixedLevel, RunningLevel, level_gain
from lutdnn.host.stream import enhance_signal


def test_level_gain_reaches_the_target_and_leaves_silence_alone():
    x = np.random.default_rng(0).standard_normal(8000) * 0.3
    g = level_gain(x, -25.0)
    assert np.isclose(20 * np.log10(np.sqrt(np.mean((g * x) ** 2))), -25.0)
    assert level_gain(np.zeros(100), -25.0) == 1.0
    assert level_gain(x, None) == 1.0


class Recorder:
    """A backend that passes spectra through and remembers what it was given."""
    name = "recorder"

    def __init__(self, level_dbfs):
        self.level_dbfs = level_dbfs
        self.floor_strength = 0.0
        self.seen = []

    def reset(self):
        self.seen = []

    def process(self, spectra):
        self.seen.append(spectra)
        return spectra


def dbfs(x):
    return 20 * np.log10(np.sqrt(np.mean(np.square(x))))


def test_enhance_signal_normalises_in_and_restores_out():
    x = np.random.default_rng(1).uniform(-0.01, 0.01, 4000)
    backend = Recorder(-20.0)
    y = enhance_signal(x, backend)
    assert np.allclose(y, x, atol=1e-9)   # the per-frame gain is undone exactly
    # Parseval over the frames: the backend saw the signal near -20 dBFS, not at its own level (-45 dBFS)
    seen_power = np.sum(np.abs(np.concatenate(backend.seen)) ** 2)
    plain = Recorder(None)
    enhance_signal(x, plain)
    assert abs(10 * np.log10(seen_power / np.sum(np.abs(np.concatenate(plain.seen)) ** 2))
               - 20 * np.log10(level_gain(x, -20.0))) < 0.1


def test_running_level_is_causal_and_follows_a_change_of_level():
    rng = np.random.default_rng(2)
    quiet, loud = 0.01 * rng.standard_normal(8000 * 10), 0.3 * rng.standard_normal(8000 * 10)
    level = RunningLevel(-25.0, time_constant_s=1.0, hop_s=HOP / 8000)
    gains = level.gains(np.concatenate([quiet, loud]).reshape(-1, HOP))
    hops_per_s = 8000 // HOP
    assert abs(dbfs(quiet) + 20 * np.log10(gains[0]) + 25.0) < 3.0   # bias-corrected: right from the first hop
    assert abs(dbfs(quiet) + 20 * np.log10(gains[10 * hops_per_s - 1]) + 25.0) < 0.5
    assert abs(dbfs(loud) + 20 * np.log10(gains[-1]) + 25.0) < 0.5   # 10 time constants after the jump
    level.reset()
    assert np.array_equal(level.gains(quiet.reshape(-1, HOP)), gains[:10 * hops_per_s])   # no future used


def test_running_level_leaves_no_level_and_digital_silence_bounded():
    assert np.array_equal(RunningLevel(None, 1.0, 0.008).gains(np.ones((3, HOP))), np.ones(3))
    gains = RunningLevel(-25.0, 1.0, 0.008).gains(np.zeros((3, HOP)))
    assert np.all(np.isfinite(gains)) and np.all(gains == gains[0])


def test_fixed_level_is_the_whole_recording_gain():
    x = np.random.default_rng(3).standard_normal(640)
    assert np.array_equal(FixedLevel(level_gain(x, -25.0)).gains(x.reshape(-1, HOP)),
                          np.full(10, level_gain(x, -25.0)))
