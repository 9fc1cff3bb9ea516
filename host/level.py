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


class NoiseFloorLevel:
    """Causal gain that brings the *noise floor* of the input to ``level_dbfs``, hop by hop.

    The floor is a minimum statistic: the hop power smoothed by an exponential
    average (``smoothing_s``), then its minimum over the last ``window_s``.  Speech
    rarely fills every hop of a second and a half, so the minimum follows the
    noise, not the talker.  A network fed magnitudes scaled so (one scalar per
    frame, as :class:`RunningLevel`) sees every noise at about one level and
    speech as far above it as the SNR puts it: it can tell noise-dominated bins
    from speech-dominated ones without an estimate of its own, which its eight
    frames of context (72 ms) cannot make.  The floor is held at most
    ``MAX_DEPTH_DB`` below the window's loudest smoothed power, so near-silent stretches (gaps
    in a recording, digital silence) cannot ask for an unbounded gain.  The gain
    never reaches the accelerator.
    """

    MAX_DEPTH_DB = 35.0
    RMS_FLOOR = RunningLevel.RMS_FLOOR

    def __init__(self, level_dbfs, smoothing_s, window_s, hop_s):
        self.target = 10.0 ** (level_dbfs / 20.0)
        self.decay = float(np.exp(-hop_s / smoothing_s))
        self.window = max(1, int(round(window_s / hop_s)))
        self.reset()

    def reset(self):
        self._power = None
        self._history = np.empty(0)

    def gains(self, hops):
        """Per-hop gains ``(n,)`` for hops ``(n, 64)``, the state carried to the next call.

        Silent hops (digital silence: below :data:`RMS_FLOOR`) say nothing about the
        noise and are left out of the statistics; until a sound is heard the gain is 1.
        """
        powers = np.mean(np.square(hops, dtype=np.float64), axis=1)
        smoothed = np.full(len(powers), np.nan)
        for i, power in enumerate(powers):   # a recurrence: one hop after the other
            if power < self.RMS_FLOOR ** 2:
                continue
            self._power = float(power) if self._power is None else \
                self.decay * self._power + (1.0 - self.decay) * float(power)
            smoothed[i] = self._power
        heard = np.concatenate([self._history, smoothed])
        # each hop's last `window` smoothed powers (fewer at the start of a stream: NaN-padded)
        padded = np.concatenate([np.full(self.window - 1, np.nan), heard])
        windows = np.lib.stride_tricks.sliding_window_view(padded, self.window)[len(self._history):]
        self._history = heard[max(0, len(heard) - (self.window - 1)):]
        sounding = ~np.all(np.isnan(windows), axis=1)
        floors = np.full(len(windows), np.nan)
        floors[sounding] = np.maximum(np.nanmin(windows[sounding], axis=1),
                                      np.nanmax(windows[sounding], axis=1) * 10.0 ** (-self.MAX_DEPTH_DB / 10.0))
        return np.where(sounding, self.target / np.sqrt(np.where(sounding, floors, 1.0)), 1.0)
