"""``board``: the accelerator on a PYNQ board, through the lutdnn overlay (lutdnn.overlay).

The same driver as ``cosim`` (lutdnn.accelerator.driver) over pynq's MMIO
and AXI DMA; the output must equal ``sim`` bit for bit.  pynq is imported only
here, so every other backend runs without it.
"""

from pathlib import Path

from lutdnn.core.errors import CommandError
from lutdnn.host.backends.words import WordsBackend
from lutdnn.model import weight_image

DEFAULT_OVERLAY = Path(__file__).resolve().parents[2] / "overlay" / "lutdnn.bit"


class BoardBackend(WordsBackend):
    name = "board"

    def __init__(self, image, driver):
        self.image = image
        self.driver = driver
        self.driver.load(image)
        self.cycles = []
        self.reset()

    def reset(self):
        self.driver.clear_context()

    def run_words(self, re, im):
        from lutdnn.accelerator.transport import AcceleratorError
        try:
            out_re, out_im, self.cycles = self.driver.run_continuing(re, im)
        except AcceleratorError as err:   # already recovered and retried once: the board is not well
            raise CommandError(f"the board failed: {err}") from err
        return out_re, out_im


def open_overlay(path):
    """The driver of the accelerator in the overlay ``path`` (a .bit with its .hwh)."""
    try:
        from lutdnn.overlay.accelerator_ip import LutdnnOverlay
    except ImportError as err:
        raise CommandError(f"the board backend needs pynq ({err}); it runs on a PYNQ board "
                           "(pip install pynq there)") from err
    from lutdnn.accelerator.transport import AcceleratorError
    try:
        return LutdnnOverlay(path).driver()
    except (AcceleratorError, OSError, RuntimeError) as err:
        raise CommandError(f"cannot open the overlay {path}: {err}") from err


def create(image=None, overlay=None, **_):
    """``image``: a weight image (path, WeightImage or None for the shipped one); ``overlay``: the .bit."""
    from lutdnn.accelerator.transport import AcceleratorError
    image = weight_image.resolve(image)
    driver = open_overlay(str(overlay or DEFAULT_OVERLAY))
    try:
        return BoardBackend(image, driver)
    except AcceleratorError as err:
        raise CommandError(str(err)) from err
