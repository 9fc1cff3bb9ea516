"""What the integer backends (sim, cosim, board) share: they run on s16 spectrum words.

Spectra are turned into words exactly as the host sends them to the hardware
(formats.spectrum_to_words) and the output words back into spectra, so the
three return identical spectra whenever their words agree.
"""

from lutdnn.core.framing import BINS
from lutdnn.model.reference.formats import spectrum_to_words, words_to_spectrum


class WordsBackend:
    """Subclasses set ``name`` and ``image`` (the WeightImage) and define
    ``run_words(re, im) -> (re, im)`` on ``(frames, 129)`` words."""

    name = None

    @property
    def level_dbfs(self):
        return self.image.level_dbfs      # the input level the quantized model was made for

    @property
    def floor_strength(self):
        return self.image.floor_strength

    def process(self, spectra):
        """Complex spectra ``(frames, 129)`` -> enhanced spectra; the context continues from the last call."""
        if spectra.ndim != 2 or spectra.shape[1] != BINS:
            raise ValueError(f"the {self.name} backend takes (frames, {BINS}) spectra, got shape {spectra.shape}")
        return words_to_spectrum(*self.run_words(*spectrum_to_words(spectra)))
