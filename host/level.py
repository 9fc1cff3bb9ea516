"""Input level normalisation, done on the host before framing.

The network sees linear magnitudes, so what it does depends on the input
level.  Scaling every recording's noisy input to one RMS level (and the
output back by the inverse gain) lets the whole model serve that one level;
the accelerator never sees the gain, so `sim`, `cosim` and `board` stay
bit-exact with each other.  A model records its level as ``level_dbfs``
(None: no normalisation).
"""

import numpy as np

LEVEL_DBFS_RANGE = (-80.0, 0.0)   # RMS levels a recording can sensibly be scaled to (0: full-scale RMS)


def level_gain(signal, level_dbfs):
    """The gain that brings ``signal``'s RMS to ``level_dbfs`` (1 for silence or no level)."""
    if level_dbfs is None:
        return 1.0
    rms = float(np.sqrt(np.mean(np.square(signal, dtype=np.float64))))
    return 10.0 ** (level_dbfs / 20.0) / rms if rms > 0 else 1.0


def check_level_dbfs(level_dbfs):
    """ValueError unless ``level_dbfs`` lies in :data:`LEVEL_DBFS_RANGE` (NaN never does)."""
    low, high = LEVEL_DBFS_RANGE
    if not low <= level_dbfs <= high:
        raise ValueError(f"input level must be a dBFS value in {low:g}..{high:g}, got {level_dbfs}")


class RunningLevel:
    """Causal input level for streaming: an exponential average of the power, hop by hop.

    Every hop of input updates the average, and the frame that ends with that
    hop is scaled by ``target / rms`` (the output by the inverse), so nothing
    waits for the end of the recording.  The average is bias-corrected (divided
    by the weight it has gathered) so the first hops already use the level
    heard so far instead of a level pulled towards zero.  ``time_constant_s``
    sets how fast it follows a change of level; ``RMS_FLOOR`` keeps digital
    silence from asking for an unbounded gain.
    """

    RMS_FLOOR = 1e-5    # -100 dBFS

    def __init__(self, level_dbfs, time_constant_s, hop_s):
        self.target = None if level_dbfs is None else 10.0 ** (level_dbfs / 20.0)
        self.decay = float(np.exp(-hop_s / time_constant_s))
        self.reset()

    def reset(self):
        self._power = 0.0
        self._weight = 0.0

    def gains(self, hops):
        """Per-hop gains ``(n,)`` for hops ``(n, 64)``, the state carried to the next call."""
        if self.target is None:
            return np.ones(len(hops))
        powers = np.mean(np.square(hops, dtype=np.float64), axis=1)
        out = np.empty(len(hops))
        for i, power in enumerate(powers):   # a recurrence: one hop after the other
            self._power = self.decay * self._power + (1.0 - self.decay) * float(power)
            self._weight = self.decay * self._weight + (1.0 - self.decay)
            out[i] = self.target / max(np.sqrt(self._power / self._weight), self.RMS_FLOOR)
        return out


class FixedLevel:
    """One gain for every hop: the whole-recording level of :func:`level_gain` (offline only)."""

    def __init__(self, gain):
        self.gain = gain

    def reset(self):
        pass

    def gains(self, hops):
        return np.full(len(hops), self.gain)
