"""Table rows for ``lutdnn eval`` and the two figures."""

import numpy as np
import pytest
import torch

from lutdnn.model.network import EnhancementNet
from lutdnn.model.quantize import plots, schemes, table


@pytest.fixture(scope="module")
def net():
    torch.manual_seed(6)
    return EnhancementNet()


def test_rows_carry_images_and_bytes(net):
    calibration = np.abs(np.random.default_rng(7).normal(0, 3, (300, 1032)))
    rows = table.scheme_table_rows(net, ["8u", "4rsvb/8u", "8u@r16"], calibration)
    assert [r.label for r in rows] == ["float", "8u", "4rsvb/8u", "8u@r16"]
    assert rows[0].image is None and rows[0].weight_bytes == 4 * 297216
    assert (rows[1].weight_bytes, rows[1].stream_bytes) == (297216, 297216)
    assert (rows[2].weight_bytes, rows[2].image.description) == (165120, "4rsvb/8u")
    assert "alpha=" in rows[2].layers.split(";")[0] and rows[2].layers.split(";")[1].strip().startswith("8u")
    assert rows[3].weight_bytes * 5 < 297216 and rows[3].stream_bytes == 297216
    assert "rank 16" in rows[3].layers


def test_figures_are_written(tmp_path):
    w = np.random.default_rng(8).laplace(0, 0.05, 5000)
    cb = schemes.choose_codebook(w[None, :], schemes.parse_layer("4rsvb"), None)
    cdf = plots.weight_cdf_figure(w, cb, tmp_path / "fig1.png", title="layer 1")
    points = [("8u", 297216, 0.87), ("4rsvb", 148608, 0.85)]
    curve = plots.quality_vs_bytes_figure(points, tmp_path / "stoi.png", reference=("float", 0.87))
    for path in (cdf, curve):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
