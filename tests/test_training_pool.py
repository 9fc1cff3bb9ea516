"""The training pool's recipe: speech corpora by share, long utterances cut, measured rooms, refusals."""

import numpy as np
import pytest
import soundfile as sf

from lutdnn.model.data.augment import direct_path_aligned, load_room_responses, reverberate_recorded
from lutdnn.model.data.data_split import SAMPLE_RATE, DataError
from lutdnn.model.data.mixing import SEGMENT_SAMPLES
from lutdnn.model.data.mixture_pool import MixturePool, Recipe

PLAIN = dict(speech_eq=0.0, reverb=0.0, noise_eq=0.0, noise_shares=(1.0, 0.0, 0.0, 0.0), snr_db=(30.0, 30.0))
NOISE = [np.random.default_rng(0).standard_normal(2 * SEGMENT_SAMPLES).astype(np.float32)]


def marked_speech():
    """Two corpora whose samples tell them apart: fsdd all positive, librispeech all negative."""
    return {"fsdd": [np.full(4000, 0.5, np.float32)], "librispeech": [np.full(6000, -0.5, np.float32)]}


def corpus_of(clean):
    speech = clean[np.abs(clean) > 0]
    assert np.all(speech > 0) or np.all(speech < 0)     # one corpus per segment
    return "fsdd" if speech[0] > 0 else "librispeech"


def test_speech_comes_from_the_corpora_in_their_shares():
    recipe = Recipe(speech_shares=(("fsdd", 1.0), ("librispeech", 3.0)), **PLAIN)
    clean, _ = MixturePool(marked_speech(), NOISE, recipe).pairs(np.random.default_rng(1), 400)
    share = np.mean([corpus_of(c) == "librispeech" for c in clean])
    assert share == pytest.approx(0.75, abs=0.06)


def test_a_corpus_without_share_is_never_drawn_and_not_kept():
    recipe = Recipe(speech_shares=(("fsdd", 0.0), ("librispeech", 1.0)), **PLAIN)
    pool = MixturePool(marked_speech(), NOISE, recipe)
    assert list(pool.speech) == ["librispeech"]
    clean, _ = pool.pairs(np.random.default_rng(2), 20)
    assert {corpus_of(c) for c in clean} == {"librispeech"}


def test_an_utterance_longer_than_a_segment_gives_random_excerpts():
    ramp = np.arange(1, 10 * SAMPLE_RATE + 1, dtype=np.float32)      # 10 s, each sample its own position
    pool = MixturePool({"fsdd": [ramp]}, NOISE, Recipe(speech_shares=(("fsdd", 1.0),), **PLAIN))
    rng = np.random.default_rng(3)
    starts = set()
    for _ in range(5):
        clean = pool._speech_segment(rng, pool.speech["fsdd"])
        speech = clean[clean > 0]
        assert np.all(np.diff(speech) == 1.0)            # one contiguous excerpt
        starts.add(float(speech[0]))
    assert len(starts) == 5 and max(starts) > 1.0


def test_a_measured_response_is_aligned_to_its_direct_path():
    rir = np.zeros(400)
    rir[50], rir[150] = -0.8, 0.4
    aligned = direct_path_aligned(rir)
    assert aligned[0] == 1.0 and aligned[100] == pytest.approx(-0.5) and len(aligned) == 350
    x = np.zeros(1000, dtype=np.float32)
    x[100] = 1.0
    y = reverberate_recorded(np.random.default_rng(0), x, [aligned])
    assert y.shape == x.shape and y[100] == pytest.approx(1.0) and y[200] == pytest.approx(-0.5)
    assert np.max(np.abs(y[:100])) < 1e-6                  # no delay, nothing before the sound


def test_the_shared_room_responses_load_at_8_khz(shared_data):
    folder = shared_data / "rirs"
    if not folder.is_dir():
        pytest.skip("the shared data has no rirs/")
    responses = load_room_responses(folder)
    assert len(responses) == len(list(folder.glob("*.wav")))
    for rir in responses:
        assert rir[0] == 1.0 and np.max(np.abs(rir)) == 1.0 and len(rir) > 0.05 * SAMPLE_RATE


def test_recorded_reverb_uses_the_measured_responses():
    echo = np.zeros(2000)
    echo[0], echo[1000] = 1.0, 0.5
    recipe = Recipe(speech_shares=(("fsdd", 1.0),), **{**PLAIN, "reverb": 1.0}, recorded_reverb=1.0)
    impulse = np.zeros(100, np.float32)
    impulse[0] = 1.0
    pool = MixturePool({"fsdd": [impulse]}, NOISE, recipe, room_responses=[echo])
    clean, _ = pool.pair(np.random.default_rng(4))
    peak = np.max(clean)
    sounds = np.flatnonzero(np.isclose(clean, peak, rtol=1e-4))
    echoes = np.flatnonzero(np.isclose(clean, 0.5 * peak, rtol=1e-4))
    assert len(sounds) >= 2 and set(echoes) == {i + 1000 for i in sounds if i + 1000 < len(clean)}
    assert np.all(np.isin(np.flatnonzero(np.abs(clean) > 1e-4 * peak), np.concatenate([sounds, echoes])))


def test_the_pool_refuses_a_recipe_it_cannot_serve():
    with pytest.raises(ValueError, match="draws prompts speech but the pool has none"):
        MixturePool(marked_speech(), NOISE, Recipe(speech_shares=(("prompts", 1.0),), **PLAIN))
    with pytest.raises(ValueError, match="measured room responses"):
        MixturePool(marked_speech(), NOISE, Recipe(speech_shares=(("fsdd", 1.0),), reverb=0.5, recorded_reverb=0.5))
    with pytest.raises(ValueError, match="unknown speech corpus voices"):
        Recipe(speech_shares=(("voices", 1.0),))
    with pytest.raises(ValueError, match="positive sum"):
        Recipe(speech_shares=(("fsdd", 0.0),))


def test_a_silent_room_response_is_refused(tmp_path):
    sf.write(str(tmp_path / "quiet.wav"), np.zeros(800, np.float32), SAMPLE_RATE)
    with pytest.raises(DataError, match="quiet.wav is silent"):
        load_room_responses(tmp_path)
