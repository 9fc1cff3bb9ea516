"""Every notebook in notebooks/ runs top to bottom with a simulated backend and no sound card.

The parameters cell takes the backend from LUTDNN_BACKEND; on a board it
defaults to the overlay, here to ``sim``.  Any cell error fails the test.
"""

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT_S = 300


def test_notebooks_exist():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, monkeypatch, tmp_path):
    monkeypatch.setenv("LUTDNN_BACKEND", "sim")
    monkeypatch.setenv("LUTDNN_AUDIO", "simulated")   # the live notebook pushes audio through its callback
    monkeypatch.setenv("LUTDNN_SECONDS", "3")
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    notebook = nbformat.read(path, as_version=4)
    assert any("parameters" in cell.metadata.get("tags", []) for cell in notebook.cells), \
        f"{path.name} has no cell tagged 'parameters'"
    client = nbclient.NotebookClient(notebook, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [out for cell in notebook.cells for out in cell.get("outputs", []) if out.output_type == "error"]
    assert not errors
