"""The one causal enhancement path: 64 samples in, 64 samples out per hop.

:class:`StreamEngine` holds all the state a stream needs between calls: the
analysis/synthesis buffers (framing.StreamingSTFT), the backend's 8-frame
context, the running input level (level.RunningLevel) and the per-bin noise
floors (noise_floor.NoiseFloorGains).  The live demo feeds
it blocks from the sound card; :func:`enhance_signal` (``lutdnn enhance``,
``lutdnn eval``) feeds it a whole recording, block after block.  Since every
part is causal and carries its state, any split of the input into blocks gives
the same samples, and the output is the input's enhancement delayed by
:data:`DELAY` samples (one hop: the window reaches one hop into the past).
"""

import numpy as np

from lutdnn.core.framing import HOP, SAMPLE_RATE, StreamingSTFT
from lutdnn.core.level import RunningLevel
from lutdnn.core.noise_floor import NoiseFloorGains

DELAY = HOP                       # output sample n is the enhanced input sample n - DELAY
LEVEL_TIME_CONSTANT_S = 2.0       # running level's time constant (tuned on validation, docs/live.md)
FILE_BLOCK_HOPS = 1024            # hops per block in file mode: bounds memory, amortises per-call cost


class StreamEngine:
    def __init__(self, backend, level=None):
        """``level``: an object with ``reset()`` and ``gains(hops)``; default: the running level."""
        self.backend = backend
        self.level = level or RunningLevel(backend.level_dbfs, LEVEL_TIME_CONSTANT_S, HOP / SAMPLE_RATE)
        self.floor = NoiseFloorGains(backend.floor_strength, backend.level_dbfs)
        self.stft = StreamingSTFT()
        self.reset()

    def reset(self):
        """Start a new stream: empty window, empty context, no level or noise floor heard yet."""
        self.stft.reset()
        self.level.reset()
        self.floor.reset()
        self.backend.reset()

    def process(self, samples):
        """``n * 64`` input samples (8 kHz float) -> ``n * 64`` output samples, delayed by :data:`DELAY`."""
        samples = np.asarray(samples, dtype=np.float64)
        if samples.ndim != 1 or len(samples) % HOP:
            raise ValueError(f"the stream takes a 1-D multiple of {HOP} samples, got shape {samples.shape}")
        level = self.level.gains(samples.reshape(-1, HOP))[:, None]
        scaled = self.stft.analyze_hops(samples) * level
        floor = self.floor.gains(scaled)
        return self.stft.synthesize_hops(self.backend.process(scaled * floor) / (level * floor))


def enhance_signal(signal, backend, level=None):
    """8 kHz float signal -> enhanced signal of the same length (the stream, realigned by :data:`DELAY`)."""
    return np.concatenate(list(enhance_blocks([signal], backend, level)))


def enhance_blocks(blocks, backend, level=None):
    """8 kHz blocks of any sizes -> the enhanced signal, as many samples in all, realigned by :data:`DELAY`.

    The engine always gets :data:`FILE_BLOCK_HOPS` hops at a time (the last
    call fewer, with the zeros that flush the delay), whatever the input's
    blocks, so a recording gives the same samples however it is read (the
    float backend's matrix product may round differently for one frame than
    for many).
    """
    engine = StreamEngine(backend, level)
    step = FILE_BLOCK_HOPS * HOP
    pending, skip = np.zeros(0), DELAY
    for block in blocks:
        pending = np.concatenate([pending, np.asarray(block, dtype=np.float64)])
        whole = len(pending) - len(pending) % step
        for i in range(0, whole, step):
            out = engine.process(pending[i:i + step])
            yield out[skip:]
            skip = 0
        pending = pending[whole:]
    tail = np.zeros(-(-(len(pending) + DELAY) // HOP) * HOP)   # the zeros that push the last DELAY samples out
    tail[:len(pending)] = pending
    out = np.concatenate([engine.process(tail[i:i + step]) for i in range(0, len(tail), step)])
    yield out[skip:len(pending) + DELAY]
