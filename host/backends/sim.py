"""``sim``: the bit-exact integer reference (model.reference.accelerator) on a weight image.

Spectra are turned into s16 words exactly as the host sends them to the
hardware (formats.spectrum_to_words) and the output words back into spectra, so
``sim``, ``cosim`` and ``board`` must return identical spectra.
"""

from lutdnn.host.framing import BINS
from lutdnn.model import weight_image
from lutdnn.model.reference.accelerator import Accelerator
from lutdnn.model.reference.formats import spectrum_to_words, words_to_spectrum


class SimBackend:
    name = "sim"

    def __init__(self, image):
        self.image = image
        self.level_dbfs = image.level_dbfs   # the input level the quantized model was made for
        self.accelerator = Accelerator(image)

    def reset(self):
        self.accelerator.reset()

    def process(self, spectra):
        """Complex spectra ``(frames, 129)`` -> enhanced spectra; the context continues from the last call."""
        if spectra.ndim != 2 or spectra.shape[1] != BINS:
            raise ValueError(f"the sim backend takes (frames, {BINS}) spectra, got shape {spectra.shape}")
        re, im = spectrum_to_words(spectra)
        return words_to_spectrum(*self.accelerator.process(re, im))


def open(image=None, **_):
    """``image``: a weight image path, a loaded :class:`WeightImage`, or None for the shipped one."""
    return SimBackend(weight_image.resolve(image))
