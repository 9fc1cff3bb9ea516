"""Shared test fixtures: the data folder beside the repository and a small random model."""

from pathlib import Path

import pytest
import torch

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
    from lutdnn.model.network import EnhancementNet, save_model
    torch.manual_seed(1)
    path = tmp_path_factory.mktemp("model") / "random.pt"
    save_model(EnhancementNet(), path)
    return path
