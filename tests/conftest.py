"""Shared test fixtures: the data folder beside the repository and a small random model."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data():
    if not (SHARED_DATA / "fsdd").is_dir() or not (SHARED_DATA / "noise").is_dir():
        pytest.skip("the shared speech/noise data is not beside the repository")
    return SHARED_DATA


@pytest.fixture(scope="session")
def random_model(tmp_path_factory):
    """A randomly initialised (untrained) model file, for plumbing tests."""
    torch = pytest.importorskip("torch", reason="the random model is made by the torch network (extra 'train')")
    from lutdnn.model.network import EnhancementNet, save_model
    torch.manual_seed(1)
    path = tmp_path_factory.mktemp("model") / "random.npz"
    save_model(EnhancementNet(), path)
    return path


@pytest.fixture(scope="session")
def small_mixtures(shared_data, tmp_path_factory):
    """A quick ``lutdnn data`` folder: a few mixtures per split, a small synthetic corpus."""
    import shutil

    from lutdnn.model.data.mixtures import build
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    out = tmp_path_factory.mktemp("small") / "mixtures"
    build(shared_data / "fsdd", shared_data / "noise", out, seed=0, synthetic_minutes=0.2,
          ood_items=2, max_items=4)
    return out


def make_noisy_speech(data, seconds):
    """Speech from the shared fsdd folder in running-tap noise at 5 dB SNR, 8 kHz, ``seconds`` long."""
    import numpy as np

    from lutdnn.core.audio import read_recording
    speech, n = [], int(8000 * seconds)
    for path in sorted((data / "fsdd").glob("*.wav")):
        speech.append(read_recording(path).signal)
        if sum(map(len, speech)) >= n:
            break
    clean = np.concatenate(speech)[:n]
    noise = np.resize(read_recording(data / "noise" / "running_tap.wav").signal, n)
    noise *= np.sqrt(np.mean(clean ** 2) / np.mean(noise ** 2)) * 10 ** (-5 / 20)
    return clean + noise


@pytest.fixture(scope="session")
def noisy_speech(shared_data):
    """Six seconds of noisy speech (8 kHz float)."""
    return make_noisy_speech(shared_data, 6.0)
