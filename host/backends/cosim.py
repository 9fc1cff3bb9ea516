"""``cosim``: the generated top-level Verilog, compiled by Verilator, run frame by frame.

Every frame goes through the AXI ports exactly as on the board: a spectrum
packet, the code packet, and the 65-beat output packet back (lutdnn.accelerator).
The output must equal ``sim`` bit for bit.  An image whose every LUT value is
0 or a power of two (the p2 schemes) runs on the shift build, whose MAC lanes
shift instead of multiplying; any other image on the multiplier build.  The
compiled models are cached outside the repository (lutdnn.hw.flow.verilator_model).
"""

from lutdnn.core.extras import require
from lutdnn.host.backends.words import WordsBackend
from lutdnn.model import weight_image


class CosimBackend(WordsBackend):
    name = "cosim"

    def __init__(self, image, cache_dir=None):
        # imported here: building the model needs the hardware packages and tools only when used
        require("the cosim backend", "myhdl")
        from lutdnn.accelerator.protocol import check_image
        from lutdnn.hw.flow.verilator_model import VerilatorModel
        from lutdnn.hw.rtl.geometry import DEFAULT_MAX_CODE_BITS
        from lutdnn.hw.rtl.lut_decode import check_geometry
        from lutdnn.model.reference.shift_entry import representable

        self.image = image
        max_code_bits = max([DEFAULT_MAX_CODE_BITS, *image.code_bits])
        self.shift_lanes = all(representable(layer.lut_values).all() for layer in image.layers)
        check_geometry(image.lanes, max_code_bits)
        check_image(image, image.lanes, max_code_bits, self.shift_lanes)
        self.model = VerilatorModel(lanes=image.lanes, max_code_bits=max_code_bits, cache_dir=cache_dir,
                                    shift_lanes=self.shift_lanes)
        self.model.load(image)
        self.cycles = []

    def reset(self):
        self.model.clear_context()

    def run_words(self, re, im):
        out_re, out_im, self.cycles = self.model.run_frames(self.image, re, im)
        return out_re, out_im


def create(image=None, cache_dir=None, **_):
    """``image``: a weight image path, a loaded :class:`WeightImage`, or None for the shipped one."""
    return CosimBackend(weight_image.resolve(image), cache_dir=cache_dir)
