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
