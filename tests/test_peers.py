"""Peers in the evaluation: RNNoise aligned with its input, noisereduce, the oracle mask, PESQ, ``eval --peers``."""

import json
import sys

import numpy as np
import pytest

from lutdnn.core.errors import CommandError
from lutdnn.host import peers
from lutdnn.host.cli import main
from lutdnn.host.evaluate import quality_with_pesq
from lutdnn.model.data.mixtures import read_items

pytest.importorskip("pyrnnoise")
pytest.importorskip("noisereduce")
pytest.importorskip("pesq")


@pytest.fixture(scope="module")
def mixtures(small_mixtures):
    return [(clean.astype(np.float64), noisy.astype(np.float64)) for _, clean, noisy in
            read_items(small_mixtures, "test")[:3]]


def lag(reference, signal, most=400):
    """The shift (samples) at which ``signal`` best matches ``reference``; positive: ``signal`` is late."""
    scores = {d: np.dot(signal[max(d, 0):len(signal) + min(d, 0)], reference[max(-d, 0):len(reference) - max(d, 0)])
              for d in range(-most, most + 1)}
    return max(scores, key=scores.get)


def test_rnnoise_output_is_aligned_with_its_input_and_unaligned_without_the_cut(mixtures, monkeypatch):
    for clean, noisy in mixtures:
        out = peers.rnnoise(noisy)
        assert out.shape == noisy.shape and np.all(np.isfinite(out))
        assert abs(lag(clean, out)) <= 1
    monkeypatch.setattr(peers, "RNNOISE_DELAY", 0)
    assert lag(mixtures[0][0], peers.rnnoise(mixtures[0][1])) == pytest.approx(160, abs=1)


def test_peers_and_oracle_score_against_the_noisy_input(mixtures):
    for clean, noisy in mixtures:
        base = quality_with_pesq(clean, noisy)
        oracle = quality_with_pesq(clean, peers.oracle_mask(clean, noisy))
        assert all(oracle[m] > base[m] + 0.02 for m in ("stoi", "estoi", "pesq"))
        for name, enhance in peers.parse_peers("rnnoise,noisereduce"):
            out = enhance(noisy)
            assert out.shape == noisy.shape and 1.0 <= quality_with_pesq(clean, out)["pesq"] <= 4.6
            assert np.max(np.abs(out - noisy)) > 1e-4, f"{name} left the signal as it was"


def test_oracle_mask_of_clean_speech_gives_it_back(mixtures):
    clean = mixtures[0][0]
    assert np.allclose(peers.oracle_mask(clean, clean), clean, atol=1e-9)


def test_unknown_or_missing_peer_is_a_clear_error(monkeypatch):
    with pytest.raises(CommandError, match="unknown peer wiener"):
        peers.parse_peers("rnnoise,wiener")
    monkeypatch.setitem(sys.modules, "noisereduce", None)      # as if not installed
    with pytest.raises(CommandError, match=r"pip install .*noisereduce==3\.0\.3"):
        peers.parse_peers("noisereduce")


def test_eval_with_peers_reports_per_noise_type_and_gender(small_mixtures, random_model, tmp_path, capsys):
    report = tmp_path / "peers.json"
    assert main(["eval", "--data", str(small_mixtures), "--model", str(random_model), "--limit", "3",
                 "--peers", "rnnoise,noisereduce", "--json", str(report)]) == 0
    out = capsys.readouterr().out
    assert "per noise type: STOI" in out and "per gender: ESTOI" in out and "M (3)" in out and "PESQ" in out
    systems = json.loads(report.read_text())["systems"]
    assert list(systems) == ["noisy", "float", "rnnoise", "noisereduce", "oracle mask"]
    assert systems["oracle mask"]["stoi"] > systems["noisy"]["stoi"]
    for summary in systems.values():
        assert set(summary["per_gender"]) == {"M"} and summary["per_noise_type"]
        assert sum(group["mixtures"] for group in summary["per_noise_type"].values()) == 3


def test_eval_refuses_an_unknown_peer_before_scoring(small_mixtures, random_model, capsys):
    assert main(["eval", "--data", str(small_mixtures), "--model", str(random_model), "--peers", "wiener"]) == 2
    assert "unknown peer wiener" in capsys.readouterr().err
