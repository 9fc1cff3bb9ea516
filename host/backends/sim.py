"""``sim``: the bit-exact integer reference (model.reference.accelerator) on a weight image.

Spectra are turned into s16 words exactly as the host sends them to the
hardware (formats.spectrum_to_words) and the output words back into spectra, so
``sim``, ``cosim`` and ``board`` must return identical spectra.
"""

from lutdnn.host.backends.words import WordsBackend
from lutdnn.model import weight_image
from lutdnn.model.reference.accelerator import Accelerator


class SimBackend(WordsBackend):
    name = "sim"

    def __init__(self, image):
        self.image = image
        self.accelerator = Accelerator(image)

    def reset(self):
        self.accelerator.reset()

    def run_words(self, re, im):
        return self.accelerator.process(re, im)


def create(image=None, **_):
    """``image``: a weight image path, a loaded :class:`WeightImage`, or None for the shipped one."""
    return SimBackend(weight_image.resolve(image))
