"""STOI band by band (host/stoi_bands.py) and ``lutdnn eval --bands``."""

import json

import numpy as np
import pytest
from scipy.signal import butter, sosfiltfilt

from lutdnn.host.cli import main
from lutdnn.host.stoi_bands import band_centres, band_correlations
from lutdnn.model.data.mixtures import read_items

pystoi = pytest.importorskip("pystoi")
RATE = 8000


@pytest.fixture(scope="module")
def clean_and_noisy(small_mixtures):
    return [(clean.astype(np.float64), noisy.astype(np.float64))
            for _, clean, noisy in read_items(small_mixtures, "test")[:2]]


def test_the_mean_over_bands_is_pystois_stoi(clean_and_noisy):
    for clean, noisy in clean_and_noisy:
        for processed in (noisy, 0.5 * noisy + 0.5 * clean):
            bands = band_correlations(clean, processed, RATE)
            assert bands.shape == (15,)
            assert np.mean(bands) == pytest.approx(pystoi.stoi(clean, processed, RATE), abs=1e-12)


def test_noise_in_one_band_lowers_that_band(clean_and_noisy):
    clean = clean_and_noisy[0][0]
    sos = butter(6, (2200, 2600), "bandpass", fs=RATE, output="sos")
    noise = sosfiltfilt(sos, np.random.default_rng(0).standard_normal(len(clean)))
    noise *= 3 * np.sqrt(np.mean(clean ** 2) / np.mean(noise ** 2))
    bands = band_correlations(clean, clean + noise, RATE)
    assert np.argmin(bands) == int(np.argmin(np.abs(band_centres() - 2400)))
    assert np.all(bands[band_centres() < 1000] > 0.99)


def test_too_little_speech_gives_nan_and_unequal_lengths_are_refused(clean_and_noisy):
    speech = clean_and_noisy[0][0]
    loudest = int(np.argmax(np.abs(speech)))
    clean = np.zeros(RATE)
    clean[:800] = speech[loudest - 400:loudest + 400]     # 0.1 s of speech: under STOI's 384 ms window
    assert np.all(np.isnan(band_correlations(clean, clean, RATE)))
    with pytest.raises(ValueError, match="differ in length"):
        band_correlations(clean, clean[:-1], RATE)


def test_eval_bands_prints_each_band_overall_and_per_noise_type(small_mixtures, random_model, tmp_path, capsys):
    report = tmp_path / "bands.json"
    assert main(["eval", "--data", str(small_mixtures), "--model", str(random_model), "--limit", "3", "--bands",
                 "--json", str(report)]) == 0
    out = capsys.readouterr().out
    assert "STOI per band, all mixtures" in out and "STOI per band, noise type" in out and "3810" in out
    systems = json.loads(report.read_text())["systems"]
    for summary in systems.values():
        bands = [summary[f"band{k}"] for k in range(15)]
        assert np.mean(bands) == pytest.approx(summary["stoi"], abs=1e-9)
        assert sum(g["mixtures"] for g in summary["per_noise_type"].values()) == 3
