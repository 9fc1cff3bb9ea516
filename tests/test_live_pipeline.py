"""The live pipeline's threads and counters, driven through its audio callback without a device."""

import time
from types import SimpleNamespace

import numpy as np

from lutdnn.host.backends import open_backend
from lutdnn.host.live import QUEUE_BLOCKS, LivePipeline

RATE, BLOCK = 48000, 256
CLEAN = SimpleNamespace(input_overflow=False, output_underflow=False)


def call(pipeline, block, status=CLEAN):
    out = np.full((BLOCK, 1), np.nan, np.float32)
    pipeline.callback(block[:, None].astype(np.float32), out, BLOCK, None, status)
    return out[:, 0]


def test_a_stalled_worker_is_counted_never_waited_for():
    pipeline = LivePipeline(open_backend("sim"), RATE, BLOCK, slack_blocks=1)   # worker never started
    primed_blocks = pipeline.primed // BLOCK
    outs = [call(pipeline, np.zeros(BLOCK)) for _ in range(QUEUE_BLOCKS + 3)]
    assert np.all(np.concatenate(outs) == 0)          # primed silence, then silence for what is late
    assert pipeline.xruns.late_output == QUEUE_BLOCKS + 3 - primed_blocks
    assert pipeline.xruns.dropped_input == 3          # the bounded queue was full
    call(pipeline, np.zeros(BLOCK), SimpleNamespace(input_overflow=True, output_underflow=True))
    assert pipeline.xruns.device == 1                 # one flagged callback, one event


def test_the_worker_fills_the_output_behind_the_primed_silence():
    blocks = 30
    pipeline = LivePipeline(open_backend("sim"), RATE, BLOCK, slack_blocks=blocks)   # never late here
    signal = 0.1 * np.random.default_rng(0).standard_normal(BLOCK * blocks)
    pipeline.start()
    try:
        outs = [call(pipeline, signal[i * BLOCK:(i + 1) * BLOCK]) for i in range(blocks)]
        deadline = time.monotonic() + 30
        while not pipeline.inbox.empty() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2)   # the last batch taken from the queue is being processed
        outs += [call(pipeline, np.zeros(BLOCK)) for _ in range(pipeline.primed // BLOCK - blocks + 3)]
    finally:
        pipeline.stop()
    out = np.concatenate(outs)
    assert pipeline.xruns.total() == 0, pipeline.meter()
    assert np.all(out[:pipeline.primed] == 0)
    assert np.sqrt(np.mean(out[pipeline.primed:] ** 2)) > 1e-3   # the (suppressed) noise follows the silence
