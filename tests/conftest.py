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
    from lutdnn.model.mixtures import build
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    out = tmp_path_factory.mktemp("small") / "mixtures"
    build(shared_data / "fsdd", shared_data / "noise", out, seed=0, synthetic_minutes=0.2,
          ood_items=2, max_items=4)
    return out
