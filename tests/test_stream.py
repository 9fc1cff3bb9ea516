"""The streaming engine: one path for files and live audio."""

import numpy as np
import pytest

from lutdnn.core.framing import HOP
from lutdnn.host.backends import open_backend
from lutdnn.host.stream import DELAY, StreamEngine, enhance_signal


def stream_in_blocks(backend, signal, block_hops):
    """Feed ``signal`` (zero-padded to whole hops plus the delay) in blocks of ``block_hops`` hops."""
    engine = StreamEngine(backend)
    padded = np.zeros(-(-(len(signal) + DELAY) // HOP) * HOP)
    padded[:len(signal)] = signal
    step = block_hops * HOP
    return np.concatenate([engine.process(padded[i:i + step]) for i in range(0, len(padded), step)])


def test_sim_hop_by_hop_equals_file_mode_bit_for_bit(noisy_speech):
    backend = open_backend("sim")
    file_mode = enhance_signal(noisy_speech, backend)
    for block_hops in (1, 5):
        live = stream_in_blocks(backend, noisy_speech, block_hops)
        assert np.array_equal(live[DELAY:DELAY + len(noisy_speech)], file_mode)
    assert np.sqrt(np.mean((file_mode - noisy_speech) ** 2)) > 1e-3   # it did enhance, not pass through


def test_float_hop_by_hop_equals_file_mode(noisy_speech):
    backend = open_backend("float")
    file_mode = enhance_signal(noisy_speech[:16000], backend)
    live = stream_in_blocks(backend, noisy_speech[:16000], 1)
    # batching frames through the float network may change the last float32 bit, nothing more
    assert np.allclose(live[DELAY:DELAY + 16000], file_mode, rtol=0, atol=1e-6)


def test_engine_rejects_partial_hops():
    engine = StreamEngine(open_backend("sim"))
    with pytest.raises(ValueError, match="multiple of 64"):
        engine.process(np.zeros(100))
