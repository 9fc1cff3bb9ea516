"""The Verilator model of the generated top level (the ``cosim`` backend): full-size
frames bit-exact against the reference, backpressure, malformed streams, cycle count."""

import numpy as np
import pytest
from hw_bench import data_dir_or_none, random_image, speech_words
from hw_testing import needs_tools

from lutdnn.accelerator import protocol
from lutdnn.hw.rtl import axi_lite as reg
from lutdnn.hw.rtl.frame_controller import SPECTRUM_BEATS
from lutdnn.model.reference.accelerator import Accelerator
from lutdnn.model.reference.formats import OUTPUT_MAGNITUDE, OUTPUT_MASK

pytestmark = needs_tools("verilator", "make", "g++")
CYCLE_BOUND = 297216 / 16


@pytest.fixture(scope="module")
def model_factory():
    from lutdnn.hw.flow.verilator_model import VerilatorModel

    def make(image, shift_lanes=False):
        model = VerilatorModel(shift_lanes=shift_lanes)
        model.load(image)
        return model
    return make


@pytest.fixture(scope="module")
def p2_image(random_model):
    """A 4-bit power-of-two image (``lutdnn quantize --scheme 4p2``) of a random model."""
    from lutdnn.model.network import load_model
    from lutdnn.model.quantize.pipeline import quantize_model
    return quantize_model(load_model(random_model), "4p2", fraction_bits=(10, 12)).image


@pytest.fixture(scope="module")
def speech():
    return speech_words(data_dir_or_none())


@pytest.mark.parametrize("mode, fracs", [(OUTPUT_MASK, (9, 10, 12)), (OUTPUT_MAGNITUDE, (9, 10, 13))])
def test_recording_bit_exact(model_factory, speech, mode, fracs):
    image = random_image(3, output_mode=mode, fracs=fracs)
    re, im = speech
    got_re, got_im, cycles = model_factory(image).run_frames(image, re, im)
    want_re, want_im = Accelerator(image).process(re, im)
    assert np.array_equal(got_re, want_re) and np.array_equal(got_im, want_im)
    assert np.abs(want_re).max() > 100          # the frames carry signal, not zeros
    assert np.all(cycles <= 1.2 * CYCLE_BOUND)


def test_backpressure_and_gaps_bit_exact(model_factory, speech):
    image = random_image(4)
    re, im = speech[0][:12], speech[1][:12]
    got_re, got_im, _ = model_factory(image).run_frames(image, re, im, gap=0.4, stall=0.6, seed=9)
    want_re, want_im = Accelerator(image).process(re, im)
    assert np.array_equal(got_re, want_re) and np.array_equal(got_im, want_im)


def test_three_bit_codes(model_factory, speech):
    image = random_image(5, code_bits=(3, 2))
    re, im = speech[0][:6], speech[1][:6]
    got_re, got_im, _ = model_factory(image).run_frames(image, re, im)
    want_re, want_im = Accelerator(image).process(re, im)
    assert np.array_equal(got_re, want_re) and np.array_equal(got_im, want_im)


def settled_status(model, polls=100):
    """STATUS once the accelerator is idle (after an abort it drains its pipelines first)."""
    for _ in range(polls):
        status = model.read(reg.REG_STATUS)
        if status & reg.STATUS_IDLE:
            return status
    return status


def packets_for(image, re, im):
    codes = protocol.code_beats(image)
    spectrum = protocol.spectrum_beats(re, im)
    return spectrum, codes


def bad_spectrum_early_last(spectrum, codes):
    lasts = np.zeros(SPECTRUM_BEATS, bool)
    lasts[10] = True
    return [(spectrum, lasts), (codes, protocol.last_flags(len(codes)))], reg.ERROR_EARLY_TLAST | reg.ERROR_MISSING_TLAST


def bad_spectrum_no_last(spectrum, codes):
    return ([(spectrum, np.zeros(SPECTRUM_BEATS, bool)), (codes, protocol.last_flags(len(codes)))],
            reg.ERROR_MISSING_TLAST)


def bad_codes_early_last(spectrum, codes):
    lasts = np.zeros(len(codes), bool)
    lasts[5000] = True
    # the codes after the early TLAST are taken as a spectrum packet without TLAST,
    # then dropped up to the packet's real end
    lasts[-1] = True
    return [(spectrum, protocol.last_flags(SPECTRUM_BEATS)), (codes, lasts)], \
        reg.ERROR_EARLY_TLAST | reg.ERROR_MISSING_TLAST


def bad_codes_no_last(spectrum, codes):
    # the next spectrum packet is swallowed while looking for the TLAST
    return [(spectrum, protocol.last_flags(SPECTRUM_BEATS)), (codes, np.zeros(len(codes), bool)),
            (spectrum, protocol.last_flags(SPECTRUM_BEATS))], reg.ERROR_MISSING_TLAST


@pytest.mark.parametrize("malformed", [bad_spectrum_early_last, bad_spectrum_no_last, bad_codes_early_last,
                                       bad_codes_no_last])
def test_malformed_stream_flags_error_and_recovers(model_factory, speech, malformed):
    image = random_image(6)
    re, im = speech[0][10:12], speech[1][10:12]
    model = model_factory(image)
    spectrum, codes = packets_for(image, re[0], im[0])
    packets, causes = malformed(spectrum, codes)
    beats = np.concatenate([b for b, _ in packets])
    lasts = np.concatenate([last for _, last in packets])
    out, _, _ = model.stream(beats, lasts, 0, max_cycles=200_000)
    assert len(out) == 0
    status = settled_status(model)
    assert status & reg.STATUS_ERROR and (status >> 4) & 7 == causes >> 4
    assert status & reg.STATUS_IDLE            # waiting at a packet boundary, not hung
    model.write(reg.REG_CONTROL, reg.CONTROL_CLEAR_ERROR)
    assert model.read(reg.REG_STATUS) & reg.STATUS_ERROR == 0
    # the error emptied the context: the next frame is the first of a recording
    got_re, got_im, _ = model.run_frames(image, re[1:], im[1:])
    want_re, want_im = Accelerator(image).process(re[1:], im[1:])
    assert np.array_equal(got_re, want_re) and np.array_equal(got_im, want_im)


def test_soft_reset_aborts_a_frame(model_factory, speech):
    image = random_image(7)
    re, im = speech[0][:3], speech[1][:3]
    model = model_factory(image)
    spectrum, codes = packets_for(image, re[0], im[0])
    half = np.concatenate([spectrum, codes[:1000]])
    model.stream(half, np.zeros(len(half), bool), 0)
    model.write(reg.REG_CONTROL, reg.CONTROL_SOFT_RESET)
    assert model.read(reg.REG_STATUS) == reg.STATUS_IDLE
    got_re, got_im, _ = model.run_frames(image, re, im)
    want_re, want_im = Accelerator(image).process(re, im)
    assert np.array_equal(got_re, want_re) and np.array_equal(got_im, want_im)


def test_incompatible_image_is_refused(model_factory):
    image = random_image(8, lanes=8)
    with pytest.raises(protocol.IncompatibleImage, match="8 lanes"):
        model_factory(image)


def test_cosim_backend_equals_sim(speech):
    from lutdnn.host.backends import open_backend
    from lutdnn.model.reference.formats import words_to_spectrum
    image = random_image(9)
    spectra = words_to_spectrum(*speech)
    want = open_backend("sim", image=image).process(spectra)
    backend = open_backend("cosim", image=image)
    assert backend.level_dbfs == image.level_dbfs
    assert np.array_equal(np.concatenate([backend.process(spectra[:5]), backend.process(spectra[5:])]), want)
    backend.reset()   # a new stream starts with an empty context
    assert np.array_equal(backend.process(spectra[:5]), want[:5])


def test_error_on_a_frames_first_beat_leaves_no_stale_context(model_factory, speech):
    image = random_image(10)
    re, im = speech[0][:10], speech[1][:10]
    model = model_factory(image)
    model.run_frames(image, re[:8], im[:8])          # every ring slot holds a frame
    spectrum, _ = packets_for(image, re[8], im[8])
    model.stream(spectrum[:1], np.ones(1, bool), 0)  # TLAST on beat 0
    assert settled_status(model) & reg.ERROR_EARLY_TLAST
    model.write(reg.REG_CONTROL, reg.CONTROL_CLEAR_ERROR)
    got_re, got_im, _ = model.run_frames(image, re[9:], im[9:])
    want_re, want_im = Accelerator(image).process(re[9:], im[9:])
    assert np.array_equal(got_re, want_re) and np.array_equal(got_im, want_im)


def test_eight_lane_build_runs_eight_bit_codes(speech):
    """The paper's 4-bit layer 1 + 8-bit layer 2 image needs P * 8 <= 64: an 8-lane build."""
    from lutdnn.hw.flow.verilator_model import VerilatorModel
    image = random_image(11, code_bits=(4, 8), lanes=8)
    re, im = speech[0][5:8], speech[1][5:8]
    model = VerilatorModel(lanes=8, max_code_bits=8)
    model.load(image)
    got_re, got_im, cycles = model.run_frames(image, re, im)
    want_re, want_im = Accelerator(image).process(re, im)
    assert np.array_equal(got_re, want_re) and np.array_equal(got_im, want_im)
    assert np.all(cycles <= 1.2 * 297216 / 8)


def test_shipped_image_on_real_speech_bit_exact(model_factory):
    """The shipped model's 4-bit image, a whole real recording at the model's input level."""
    from lutdnn.core import framing
    from lutdnn.core.audio import read_recording
    from lutdnn.core.level import level_gain
    from lutdnn.model import weight_image
    from lutdnn.model.reference.formats import spectrum_to_words
    data = data_dir_or_none()
    if data is None:
        pytest.skip("needs the shared FSDD recordings")
    image = weight_image.resolve(None)
    signal = read_recording(sorted((data / "fsdd").glob("*_theo_*.wav"))[0]).signal
    re, im = spectrum_to_words(framing.analyze(signal * level_gain(signal, image.level_dbfs)))
    got_re, got_im, cycles = model_factory(image).run_frames(image, re, im)
    want_re, want_im = Accelerator(image).process(re, im)
    assert len(re) > 20 and np.abs(want_re).max() > 100
    assert np.array_equal(got_re, want_re) and np.array_equal(got_im, want_im)
    assert np.all(cycles <= 1.2 * CYCLE_BOUND)


def test_power_of_two_image_on_the_shift_build(model_factory, speech, p2_image):
    """The shift build (no multipliers) runs a p2 image bit-exact, in as many cycles as the multiplier build."""
    re, im = speech[0][:10], speech[1][:10]
    model = model_factory(p2_image, shift_lanes=True)
    assert model.read(reg.REG_HW_PARAMS) == 16 | 4 << 16 | reg.HW_PARAMS_SHIFT_LANES
    got_re, got_im, cycles = model.run_frames(p2_image, re, im)
    want_re, want_im = Accelerator(p2_image).process(re, im)
    assert np.array_equal(got_re, want_re) and np.array_equal(got_im, want_im)
    assert np.abs(want_re).max() > 100
    _, _, multiplier_cycles = model_factory(p2_image).run_frames(p2_image, re[:2], im[:2])
    assert np.all(cycles == multiplier_cycles[0])


def test_shift_build_refuses_a_non_power_of_two_lut_value(model_factory, speech, p2_image):
    re, im = speech[0][:3], speech[1][:3]
    model = model_factory(p2_image, shift_lanes=True)
    model.write(reg.LUT_BASE + 4 * 5, 3 | (2 << 8))           # layer 1, code 5: value 3, shift 2
    status = model.read(reg.REG_STATUS)
    assert status == reg.STATUS_IDLE | reg.STATUS_ERROR | reg.ERROR_BAD_LUT_VALUE
    model.write(reg.REG_CONTROL, reg.CONTROL_CLEAR_ERROR)
    # the refused write left the entry as loaded
    got_re, got_im, _ = model.run_frames(p2_image, re, im)
    want_re, want_im = Accelerator(p2_image).process(re, im)
    assert np.array_equal(got_re, want_re) and np.array_equal(got_im, want_im)
    with pytest.raises(protocol.IncompatibleImage, match=r"layer 1's LUT entry for code \d+ has value \d+, not 0"):
        model.load(random_image(12))


def test_cosim_backend_runs_power_of_two_images_on_the_shift_build(speech, p2_image):
    from lutdnn.host.backends import open_backend
    from lutdnn.model.reference.formats import words_to_spectrum
    spectra = words_to_spectrum(*speech)
    backend = open_backend("cosim", image=p2_image)
    assert backend.shift_lanes and not open_backend("cosim", image=random_image(9)).shift_lanes
    assert np.array_equal(backend.process(spectra), open_backend("sim", image=p2_image).process(spectra))
