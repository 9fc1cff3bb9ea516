"""Input level normalisation, done on the host before framing.

The network sees linear magnitudes, so what it does depends on the input
level.  Scaling every recording's noisy input to one RMS level (and the
output back by the inverse gain) lets the whole model serve that one level;
the accelerator never sees the gain, so `sim`, `cosim` and `board` stay
bit-exact with each other.  A model records its level as ``level_dbfs``
(None: no normalisation).
"""

import numpy as np


def level_gain(signal, level_dbfs):
    """The gain that brings ``signal``'s RMS to ``level_dbfs`` (1 for silence or no level)."""
    if level_dbfs is None:
        return 1.0
    rms = float(np.sqrt(np.mean(np.square(signal, dtype=np.float64))))
    return 10.0 ** (level_dbfs / 20.0) / rms if rms > 0 else 1.0
