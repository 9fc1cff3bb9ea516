"""``lutdnn data`` and the mixture pool: the README split, determinism, SNRs, held-out material, errors."""

import json
import re
import shutil
from collections import Counter

import numpy as np
import pytest
import soundfile as sf

from lutdnn.host import cli
from lutdnn.model.data import synthetic_speech
from lutdnn.model.data.data_split import FIRST_VALIDATION_INDEX, TEST_SPEAKERS, TRAIN_SPEAKERS, read_wav
from lutdnn.model.data.mixing import GAP_S, PEAK_LIMIT, layouts, mix, rms, snr_db
from lutdnn.model.data.mixture_pool import MixturePool, Recipe
from lutdnn.model.data.mixtures import build, load_manifest, read_items

QUICK = dict(synthetic_minutes=0.2, ood_items=4)


def data_dirs(shared_data):
    if shutil.which(synthetic_speech.ESPEAK) is None:
        pytest.skip("espeak-ng is not installed")
    return shared_data / "fsdd", shared_data / "noise"


@pytest.fixture(scope="module")
def built(shared_data, tmp_path_factory):
    """A full validation/test build (every utterance once) with a small synthetic corpus."""
    out = tmp_path_factory.mktemp("mix") / "out"
    build(*data_dirs(shared_data), out, seed=0, **QUICK)
    return out


def all_files(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- layouts and mixing, no data needed ----------------------------------------------------------

def test_layouts_use_every_utterance_once_with_gaps():
    rng = np.random.default_rng(3)
    lengths = [int(n) for n in rng.integers(800, 18000, 60)]
    placed = [p for layout in layouts(list(enumerate(lengths)), rng) for p in layout]
    assert sorted(p.key for p in placed) == list(range(60))
    for layout in layouts(list(enumerate(lengths)), np.random.default_rng(4)):
        ends = [0] + [p.offset + p.samples for p in layout]
        gaps = [p.offset - end for p, end in zip(layout, ends)]
        assert all(GAP_S[0] * 8000 - 1 <= g <= GAP_S[1] * 8000 for g in gaps)
        assert ends[-1] <= 24000 and all(p.samples == lengths[p.key] for p in layout)


def test_mix_sets_snr_level_and_limits_peak():
    rng = np.random.default_rng(0)
    clean, noise = rng.standard_normal(24000).astype(np.float32), rng.standard_normal(24000)
    quiet = mix(clean, noise, 5.0, -30.0)
    assert quiet.gain == 1.0
    assert snr_db(quiet.clean, quiet.noisy - quiet.clean) == pytest.approx(5.0, abs=0.01)
    assert 20 * np.log10(rms(quiet.clean)) == pytest.approx(-30.0, abs=0.01)
    loud = mix(clean, noise, 0.0, -10.0)
    assert loud.gain < 1.0 and np.max(np.abs(loud.noisy)) <= PEAK_LIMIT + 1e-6
    assert snr_db(loud.clean, loud.noisy - loud.clean) == pytest.approx(0.0, abs=0.01)


def test_ood_voices_are_disjoint_from_training_on_both_axes():
    assert not set(synthetic_speech.TRAIN_BASES) & set(synthetic_speech.OOD_BASES)
    train_variants = {v for names in synthetic_speech.TRAIN_VARIANTS.values() for v in names}
    ood_variants = {v for names in synthetic_speech.OOD_VARIANTS.values() for v in names}
    assert not train_variants & ood_variants
    assert set(synthetic_speech.OOD_VARIANTS) == set(synthetic_speech.TRAIN_VARIANTS) == {"female", "male"}


# --- the built folder ------------------------------------------------------------------------------

def test_same_seed_gives_identical_bytes_and_other_seed_differs(shared_data, built, tmp_path):
    again = tmp_path / "again"
    build(*data_dirs(shared_data), again, seed=0, **QUICK)
    assert all_files(again) == all_files(built)
    other = tmp_path / "other"
    build(*data_dirs(shared_data), other, seed=1, max_items=3, **QUICK)
    ours, theirs = load_manifest(built)["splits"], load_manifest(other)["splits"]
    for name in ("validation", "test", "ood"):
        assert theirs[name]["items"][0]["utterances"] != ours[name]["items"][0]["utterances"]
        noisy = [folder / split[name]["items"][0]["noisy"]
                 for folder, split in ((built, ours), (other, theirs))]
        assert noisy[0].read_bytes() != noisy[1].read_bytes()
    texts = [[e["text"] for e in split["train"]["synthetic"]] for split in (ours, theirs)]
    assert texts[0] != texts[1]


def test_speakers_follow_the_split(built):
    splits = load_manifest(built)["splits"]
    assert {u["speaker"] for u in splits["test"]["speech"]} == set(TEST_SPEAKERS)
    for name in ("train", "validation"):
        assert {u["speaker"] for u in splits[name]["speech"]} == set(TRAIN_SPEAKERS)
    assert all(u["index"] < FIRST_VALIDATION_INDEX for u in splits["train"]["speech"])
    assert all(u["index"] >= FIRST_VALIDATION_INDEX for u in splits["validation"]["speech"])
    for name in ("validation", "test"):
        used = Counter(u["file"] for item in splits[name]["items"] for u in item["utterances"])
        assert set(used) == {u["file"] for u in splits[name]["speech"]} and set(used.values()) == {1}
    train_files = {u["file"] for u in splits["train"]["speech"]}
    assert not train_files & {u["file"] for name in ("validation", "test") for u in splits[name]["speech"]}


def test_noise_ranges_are_disjoint_and_items_stay_inside_their_split(built):
    splits = load_manifest(built)["splits"]
    ranges = {name: {r["file"]: (r["start"], r["stop"]) for r in splits[name]["noise"]}
              for name in ("train", "validation", "test")}
    for file, (train_start, train_stop) in ranges["train"].items():
        val, test = ranges["validation"][file], ranges["test"][file]
        assert train_start == 0 and train_stop <= val[0] < val[1] <= test[0] < test[1]
        assert train_stop == int(0.7 * test[1]) and val[1] == int(0.8 * test[1])
    for name in ("validation", "test"):
        for item in splits[name]["items"]:
            start, stop = ranges[name][item["noise"]["file"]]
            assert start <= item["noise"]["start"] < item["noise"]["stop"] <= stop


def test_written_mixtures_match_the_manifest(built):
    manifest = load_manifest(built)
    for name in ("validation", "test", "ood"):
        for item, clean, noisy in read_items(built, name):
            assert item["split"] == name
            assert clean.shape == noisy.shape == (manifest["segment_samples"],)
            assert snr_db(clean, noisy - clean) == pytest.approx(item["snr_db"], abs=0.1)
            assert item["snr_db"] in (0.0, 5.0)
            level = 20 * np.log10(rms(clean) / item["gain"])
            assert level == pytest.approx(item["level_dbfs"], abs=0.01)
            assert max(np.max(np.abs(clean)), np.max(np.abs(noisy))) <= PEAK_LIMIT + 1e-6


def test_recorded_noise_excerpt_is_the_one_named(built, shared_data):
    item, clean, noisy = read_items(built, "test")[0]
    source = read_wav(shared_data / "noise" / item["noise"]["file"])
    excerpt = source[item["noise"]["start"]:item["noise"]["stop"]]
    assert np.corrcoef(noisy - clean, excerpt)[0, 1] > 0.999


def test_ood_split_holds_only_held_out_voices_and_noise(built):
    manifest = load_manifest(built)
    ood_voices = {v.name for group in synthetic_speech.OOD_VOICES.values() for v in group}
    train_voices = {e["voice"] for e in manifest["splits"]["train"]["synthetic"]}
    ood_items = manifest["splits"]["ood"]["items"]
    assert len(ood_items) == QUICK["ood_items"]
    heard = {s for item in ood_items for s in item["speakers"]}
    assert heard <= ood_voices and not heard & train_voices
    assert {item["noise"]["type"] for item in ood_items} == {"music"}
    speech_seconds = [sum(u["samples"] for u in item["utterances"]) / 8000 for item in ood_items]
    assert min(speech_seconds) > 0.5


def test_training_pool_mixes_only_training_material(built):
    manifest = load_manifest(built)
    pool = MixturePool.from_manifest(built, "train")
    train = manifest["splits"]["train"]
    assert len(pool.speech["fsdd"]) == len(train["speech"]) and len(pool.speech["synthetic"]) == len(train["synthetic"])
    assert [len(n) for n in pool.recorded_noise] == [r["stop"] - r["start"] for r in train["noise"]]
    clean, noisy = pool.pairs(np.random.default_rng(5), 40)
    again = pool.pairs(np.random.default_rng(5), 40)
    assert clean.dtype == noisy.dtype == np.float32 and clean.shape == (40, 24000)
    assert np.array_equal(clean, again[0]) and np.array_equal(noisy, again[1])
    snrs = [snr_db(c, n - c) for c, n in zip(clean, noisy)]
    low, high = Recipe().snr_db
    assert low - 0.01 <= min(snrs) and max(snrs) <= high + 0.01
    assert np.max(np.abs(noisy)) <= PEAK_LIMIT + 1e-6


def test_pool_refuses_a_written_only_split(built):
    with pytest.raises(ValueError, match="no mixture pool"):
        MixturePool.from_manifest(built, "ood")


def test_rebuild_reuses_synthetic_speech_and_replaces_atomically(shared_data, tmp_path):
    _, noise = data_dirs(shared_data)
    speech = fsdd_copy(shared_data, tmp_path / "speech")
    out = tmp_path / "out"
    build(speech, noise, out, seed=0, **QUICK)
    first = all_files(out)
    logged = []
    build(speech, noise, out, seed=0, log=logged.append, **QUICK)
    assert any("reused" in line for line in logged)
    assert all_files(out) == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "speech"]


def fsdd_copy(shared_data, folder, names=("0_george_0.wav", "0_george_46.wav", "0_theo_0.wav")):
    """A tiny speech folder: one utterance of each split."""
    folder.mkdir()
    for name in names:
        (folder / name).write_bytes((shared_data / "fsdd" / name).read_bytes())
    return folder


def test_synthetic_minutes_do_not_change_validation_or_test(shared_data, tmp_path):
    _, noise = data_dirs(shared_data)
    speech = fsdd_copy(shared_data, tmp_path / "speech")
    written = []
    for minutes in (0.05, 0.2):
        out = tmp_path / f"out{minutes}"
        build(speech, noise, out, seed=0, synthetic_minutes=minutes, ood_items=1)
        written.append({f: b for f, b in all_files(out).items() if f.parts[0] in ("validation", "test")})
    assert written[0] == written[1] and len(written[0]) == 4


# --- the command line ------------------------------------------------------------------------------

@pytest.fixture
def data_cli(monkeypatch):
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["lutdnn.model.data.mixtures"])
    return lambda *args: cli.main(["data", *map(str, args)])


def test_cli_builds_a_folder(shared_data, tmp_path, data_cli, capsys):
    _, noise = data_dirs(shared_data)
    speech = fsdd_copy(shared_data, tmp_path / "speech")
    out = tmp_path / "out"
    assert data_cli("--speech", speech, "--noise", noise, "-o", out, "--synthetic-minutes", 0.1,
                    "--ood-items", 2, "--max-items", 2) == 0
    assert "wrote" in capsys.readouterr().out
    manifest = json.loads((out / "manifest.json").read_text())
    assert [len(manifest["splits"][n]["items"]) for n in ("validation", "test", "ood")] == [1, 1, 2]


@pytest.mark.parametrize("case,message", [
    ("missing speech", "speech folder .*missing.* does not exist"),
    ("empty noise", "noise folder .*empty.* holds no .wav files"),
    ("unreadable wav", "cannot read wav .*0_theo_1.wav"),
    ("empty wav", "wav .*0_theo_1.wav holds no samples"),
    ("bad name", "speech file notes.wav: expected a name like"),
    ("unknown speaker", "speaker 'alice' is in no split"),
    ("no test speakers", "holds no test utterances"),
    ("short noise", "noise file short.wav is too short"),
    ("foreign output", "non-empty folder without manifest.json"),
    ("silent noise", "validation mixture 0: noise excerpt is silent.*white.wav"),
])
def test_cli_errors_name_the_problem(shared_data, tmp_path, data_cli, capsys, case, message):
    speech = fsdd_copy(shared_data, tmp_path / "speech")
    noise = tmp_path / "noise"
    noise.mkdir()
    (noise / "white.wav").write_bytes((shared_data / "noise" / "white_noise.wav").read_bytes())
    out = tmp_path / "out"
    if case == "missing speech":
        speech = tmp_path / "missing"
    elif case == "empty noise":
        noise = tmp_path / "empty"
        noise.mkdir()
    elif case == "unreadable wav":
        (speech / "0_theo_1.wav").write_bytes(b"RIFF not really a wav")
    elif case == "empty wav":
        sf.write(speech / "0_theo_1.wav", np.zeros(0), 8000)
    elif case == "bad name":
        sf.write(speech / "notes.wav", np.zeros(100), 8000)
    elif case == "unknown speaker":
        sf.write(speech / "1_alice_3.wav", np.zeros(100), 8000)
    elif case == "no test speakers":
        (speech / "0_theo_0.wav").unlink()
    elif case == "short noise":
        sf.write(noise / "short.wav", np.zeros(16000 * 20), 16000)
    elif case == "silent noise":
        sf.write(noise / "white.wav", np.zeros(16000 * 60), 16000)
    elif case == "foreign output":
        out.mkdir()
        (out / "keep.txt").write_text("not ours")
    status = data_cli("--speech", speech, "--noise", noise, "-o", out, "--synthetic-minutes", 0,
                      "--ood-items", 0)
    assert status == 2
    assert re.search(message, capsys.readouterr().err)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left
    if case != "foreign output":
        assert not out.exists()
    else:
        assert [p.name for p in out.iterdir()] == ["keep.txt"]


@pytest.mark.parametrize("flag,value", [
    ("--seed", "-1"), ("--synthetic-minutes", "-2"), ("--max-items", "0")])
def test_cli_refuses_bad_numbers(shared_data, tmp_path, data_cli, flag, value):
    speech, noise = data_dirs(shared_data)
    with pytest.raises(SystemExit) as exit_info:
        data_cli("--speech", speech, "--noise", noise, "-o", tmp_path / "o", flag, value)
    assert exit_info.value.code == 2


def test_cli_requires_the_folders(data_cli):
    with pytest.raises(SystemExit) as exit_info:
        data_cli("-o", "somewhere")
    assert exit_info.value.code == 2
