"""``lutdnn data`` with LibriSpeech, prompts and extra noise: the split, the real ood split, an unchanged test split."""

import shutil
from collections import Counter

import numpy as np
import pytest

from lutdnn.model.data import synthetic_speech
from lutdnn.model.data.corpora import PROMPT_TEST_VOICES, split_librispeech, split_prompts, voice_gender
from lutdnn.model.data.data_split import DataError
from lutdnn.model.data.mixing import Placement, rms
from lutdnn.model.data.mixtures import _babble_drawer, build, load_manifest, read_items

# The first three test mixtures (seed 0) as the code before the added corpora wrote them
# (commit d639b8f, `lutdnn data --speech fsdd --noise noise`): what went in, and the RMS of the wavs.
OLD_TEST_ITEMS = [
    (["7_theo_13.wav", "4_theo_37.wav", "0_theo_13.wav", "0_theo_47.wav", "5_theo_43.wav"],
     {"file": "doing_the_dishes.wav", "start": 710537, "stop": 734537}, 5.0, -30.209600824, 1.0,
     0.030868816071258277, 0.035928755359215574),
    (["0_yweweler_6.wav", "1_yweweler_44.wav", "8_yweweler_37.wav", "1_theo_22.wav"],
     {"file": "running_tap.wav", "start": 453325, "stop": 477325}, 5.0, -34.561999508, 1.0,
     0.018702515167565544, 0.021390367642278533),
    (["9_theo_35.wav", "4_theo_40.wav", "5_theo_11.wav", "9_theo_47.wav", "8_theo_32.wav"],
     {"file": "doing_the_dishes.wav", "start": 723173, "stop": 747173}, 0.0, -16.50667346, 0.5712647438049316,
     0.08540901975177786, 0.12078609156267126),
]
OOD_ITEMS = 4          # also the cap on test mixtures (max_items)


@pytest.fixture(scope="module")
def corpora_dirs(shared_data):
    if shutil.which(synthetic_speech.ESPEAK) is None:
        pytest.skip("espeak-ng is not installed")
    dirs = {name: shared_data / name for name in ("librispeech", "prompts", "noise_extra")}
    if not all(d.is_dir() for d in dirs.values()):
        pytest.skip("the shared data has no librispeech/prompts/noise_extra")
    return dirs


@pytest.fixture(scope="module")
def all_corpora(shared_data, corpora_dirs, tmp_path_factory):
    out = tmp_path_factory.mktemp("corpora") / "out"
    build_all(shared_data, corpora_dirs, out)
    return out


def build_all(shared_data, corpora_dirs, out, log=lambda message: None):
    return build(shared_data / "fsdd", shared_data / "noise", out, seed=0, synthetic_minutes=0.2,
                 ood_items=OOD_ITEMS, max_items=OOD_ITEMS, librispeech=corpora_dirs["librispeech"],
                 prompts=corpora_dirs["prompts"], extra_noise=[corpora_dirs["noise_extra"]], log=log)


def test_test_split_is_the_one_the_old_code_wrote(all_corpora):
    items = read_items(all_corpora, "test")
    assert len(items) == OOD_ITEMS > len(OLD_TEST_ITEMS)
    for (item, clean, noisy), old in zip(items, OLD_TEST_ITEMS):
        files, noise, snr, level, gain, clean_rms, noisy_rms = old
        assert [u["file"] for u in item["utterances"]] == files and item["noise"] == noise
        assert (item["snr_db"], round(item["level_dbfs"], 9), item["gain"]) == (snr, level, gain)
        assert rms(clean) == pytest.approx(clean_rms, rel=1e-6) and rms(noisy) == pytest.approx(noisy_rms, rel=1e-6)
        assert (item["gender"], item["noise_type"]) == ("M", noise["file"][:-4])


def test_no_speaker_or_voice_is_in_two_splits(corpora_dirs):
    for splits in (split_librispeech(corpora_dirs["librispeech"]), split_prompts(corpora_dirs["prompts"])):
        speakers = {name: {r.speaker for r in split} for name, split in splits.items()}
        assert not speakers["test"] & (speakers["train"] | speakers["validation"])
        assert all(speakers.values())
    libri = split_librispeech(corpora_dirs["librispeech"])
    ordered = sorted({r.speaker for split in libri.values() for r in split}, key=int)
    assert {r.speaker for r in libri["test"]} == set(ordered[9::10])
    assert {r.speaker for r in libri["validation"]} == set(ordered[8::10])
    assert {r.speaker for r in split_prompts(corpora_dirs["prompts"])["test"]} == set(PROMPT_TEST_VOICES)


def test_voice_gender_reads_the_folder_name():
    assert [voice_gender(v) for v in ("it_IT_f_Menardi", "it_IT_m_Carlo", "es_CO")] == ["F", "M", "unknown"]


def test_ood_holds_only_unseen_speakers_and_a_held_out_noise(all_corpora):
    splits = load_manifest(all_corpora)["splits"]
    ood = splits["ood"]["items"]
    assert len(ood) == OOD_ITEMS
    trained = {f"{name}/{r['speaker']}" for split in ("train", "validation")
               for name, records in splits[split]["corpora"].items() for r in records}
    heard = {s for item in ood for s in item["speakers"]}
    assert heard and not heard & trained and all(len(item["speakers"]) == 1 for item in ood)
    assert Counter(item["gender"] for item in ood) == {"F": OOD_ITEMS // 2, "M": OOD_ITEMS // 2}
    held_out = {r["file"] for r in splits["ood"]["held_out_noise"]}
    assert held_out == {"noise_extra/noise1.wav"}
    assert not held_out & {r["file"] for name in ("train", "validation") for r in splits[name]["extra_noise"]}
    assert all(item["noise_type"] in splits["ood"]["noise_types"] for item in ood)
    for item, clean, noisy in read_items(all_corpora, "ood"):
        assert 20 * np.log10(rms(clean) / rms(noisy - clean)) == pytest.approx(item["snr_db"], abs=0.1)


def test_real_validation_holds_validation_speakers_over_validation_noise(all_corpora):
    splits = load_manifest(all_corpora)["splits"]
    real = splits["real_validation"]
    assert len(real["items"]) == OOD_ITEMS     # max_items caps it like the other written splits
    speakers = {split: {f"{name}/{r['speaker']}" for name, records in splits[split]["corpora"].items()
                        for r in records} for split in ("train", "validation", "test")}
    assert {name: len(records) for name, records in real["corpora"].items()} == \
        {name: len(records) for name, records in splits["validation"]["corpora"].items()}
    heard = {s for item in real["items"] for s in item["speakers"]}
    assert heard <= speakers["validation"] and not heard & speakers["test"]
    assert all(len(item["speakers"]) == 1 for item in real["items"])
    validation = splits["validation"]
    ranges = {(r["file"], r["start"], r["stop"]) for r in validation["noise"] + validation["extra_noise"]}
    for item, clean, noisy in read_items(all_corpora, "real_validation"):
        noise = item["noise"]
        assert any(f == noise["file"] and a <= noise["start"] and noise["stop"] <= b for f, a, b in ranges)
        assert item["noise_type"] in real["noise_types"]
        assert 20 * np.log10(rms(clean) / rms(noisy - clean)) == pytest.approx(item["snr_db"], abs=0.1)


def test_a_prompts_folder_without_the_test_voices_is_refused(tmp_path):
    (tmp_path / "en_US_f_Allison").mkdir()
    with pytest.raises(DataError, match="lacks the test voices"):
        split_prompts(tmp_path)


def test_librispeech_without_speaker_table_is_refused(tmp_path):
    with pytest.raises(DataError, match="SPEAKERS.tsv"):
        split_librispeech(tmp_path)


def test_training_pool_draws_every_corpus_and_noise_folder_of_the_train_split(all_corpora, corpora_dirs):
    from lutdnn.model.data.mixture_pool import SPEECH_CORPORA, MixturePool, Recipe
    train = load_manifest(all_corpora)["splits"]["train"]
    recipe = Recipe(speech_shares=tuple((c, 1.0) for c in SPEECH_CORPORA), noise_folders=("noise", "noise_extra"),
                    recorded_reverb=0.5)
    pool = MixturePool.from_manifest(all_corpora, "train", recipe, rirs=corpora_dirs["noise_extra"].parent / "rirs")
    assert {c: len(u) for c, u in pool.speech.items()} == {
        "fsdd": len(train["speech"]), "synthetic": len(train["synthetic"]),
        "librispeech": len(train["corpora"]["librispeech"]), "prompts": len(train["corpora"]["prompts"])}
    ranges = train["noise"] + train["extra_noise"]
    assert sorted(len(n) for n in pool.recorded_noise) == sorted(r["stop"] - r["start"] for r in ranges)
    assert not any(r["file"].endswith("noise1.wav") for r in ranges)       # the held-out noise stays out
    assert len(pool.room_responses) == 4
    clean, noisy = pool.pairs(np.random.default_rng(0), 8)
    assert clean.shape == noisy.shape == (8, 24000) and np.all(np.isfinite(noisy))
    with pytest.raises(DataError, match="no noise folder street"):
        MixturePool.from_manifest(all_corpora, "train", Recipe(noise_folders=("street",)))


def test_babble_holds_unseen_speakers_over_other_unseen_talkers(all_corpora):
    splits = load_manifest(all_corpora)["splits"]
    babble = splits["babble"]["items"]
    assert len(babble) == OOD_ITEMS and splits["babble"]["corpora"] == splits["ood"]["corpora"]
    assert {item["noise_type"] for item in babble} == {"babble"} == set(splits["babble"]["noise_types"])
    unseen = {f"{name}/{r['speaker']}" for name, records in splits["ood"]["corpora"].items() for r in records}
    assert all(len(item["speakers"]) == 1 and item["speakers"][0] in unseen for item in babble)
    assert Counter(item["gender"] for item in babble) == {"F": OOD_ITEMS // 2, "M": OOD_ITEMS // 2}
    for item, clean, noisy in read_items(all_corpora, "babble"):
        assert 20 * np.log10(rms(clean) / rms(noisy - clean)) == pytest.approx(item["snr_db"], abs=0.1)


def test_babble_never_holds_the_target_speaker():
    t = np.arange(16000) / 8000
    pieces = {"a1": np.sin(2 * np.pi * 1000 * t), "a2": np.sin(2 * np.pi * 1000 * t),
              "b1": np.sin(2 * np.pi * 300 * t)}
    speakers = {"a1": "A", "a2": "A", "b1": "B"}
    draw = _babble_drawer(pieces, speakers)
    noise, record = draw(np.random.default_rng(0), [Placement("a1", 0, 16000)])
    spectrum = np.abs(np.fft.rfft(noise))
    freqs = np.fft.rfftfreq(len(noise), 1 / 8000)
    assert record["type"] == "babble"
    assert spectrum[np.abs(freqs - 1000) < 20].max() < 1e-3 * spectrum[np.abs(freqs - 300) < 20].max()
    again, _ = _babble_drawer(pieces, speakers)(np.random.default_rng(0), [Placement("b1", 0, 16000)])
    assert np.abs(np.fft.rfft(again))[np.abs(freqs - 300) < 20].max() < 1e-3 * spectrum.max()


def test_a_second_build_reuses_the_synthetic_sentences_and_writes_the_same_mixtures(all_corpora, shared_data,
                                                                                       corpora_dirs):
    before = load_manifest(all_corpora)
    lines = []
    build_all(shared_data, corpora_dirs, all_corpora, lines.append)
    assert any("(reused)" in line for line in lines)
    assert load_manifest(all_corpora) == before
