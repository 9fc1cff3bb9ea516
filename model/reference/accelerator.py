"""The accelerator's whole per-frame pipeline on integer spectrum words (docs/arithmetic.md section 7).

CORDIC vectoring -> 8-frame context buffer -> layer 1 -> layer 2 -> output
stage -> CORDIC rotation.  The context buffer is the only state: it starts at
zero after :meth:`Accelerator.reset` and carries over between calls, so a
recording may be fed whole or in pieces with the same result.  Every step after
the CORDIC is per frame, so a block of frames is done as one batch.

Live, a call is one frame, so the per-call cost counts: the layers' LUTs are
decoded once (dnn.DecodedLayer) and the CORDIC runs as cordic_fast, which
gives cordic's words with far fewer numpy calls (tests/test_reference_fast.py
compares both with the defining pieces).
"""

import numpy as np

from lutdnn.core.framing import BINS, CONTEXT, stack_context
from lutdnn.model.reference import cordic_fast
from lutdnn.model.reference.dnn import DecodedLayer, output_stage


class Accelerator:
    def __init__(self, image):
        """``image``: a :class:`lutdnn.model.weight_image.WeightImage`."""
        self.image = image
        self.layers = [DecodedLayer(layer) for layer in image.layers]   # the weights as loaded
        self.reset()

    def reset(self):
        self._history = np.zeros((CONTEXT - 1, BINS), np.int64)

    def process(self, re, im):
        """s16 words ``(frames, 129)`` in -> s16 words ``(frames, 129)`` out."""
        re, im = np.asarray(re), np.asarray(im)
        if re.ndim != 2 or re.shape[1] != BINS or re.shape != im.shape:
            raise ValueError(f"the accelerator takes (frames, {BINS}) re/im words, got {re.shape} and {im.shape}")
        mag, phase = cordic_fast.vectoring(re, im)
        frames = np.concatenate([self._history, mag])
        self._history = frames[len(frames) - (CONTEXT - 1):]
        y = stack_context(frames, np.arange(CONTEXT - 1, len(frames)))   # the new frames' contexts only
        for layer in self.layers:
            y = layer.forward(y)
        last = self.image.layers[-1]
        enhanced = output_stage(y, mag, self.image.output_mode, last.out_frac, self.image.mask_floor)
        return cordic_fast.rotation(enhanced, phase)
