"""Figures: the paper's Figure 1 (a layer's weight CDF with its partition and
levels) and quality against weight bytes.  Matplotlib with the Agg backend;
both write a file and return its path."""

from pathlib import Path

import numpy as np

from lutdnn.core.atomic_write import atomic_path


def _pyplot():
    from lutdnn.core.extras import require
    (matplotlib,) = require("the figures", "matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _save(fig, path):
    path = Path(path)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=150, bbox_inches="tight")
    _pyplot().close(fig)
    return path


def weight_cdf_figure(weights, codebook, path, title=""):
    """Empirical CDF of ``weights`` with the codebook's interval edges and levels."""
    plt = _pyplot()
    w = np.sort(np.ravel(weights))
    cdf = np.arange(1, len(w) + 1) / len(w)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(w, cdf, color="k", lw=1, label="weights")
    for e in codebook.edges[1:-1]:
        ax.axvline(e, color="tab:blue", lw=0.5, alpha=0.6)
    levels = codebook.levels
    ax.plot(levels, np.interp(levels, w, cdf), "o", color="tab:red", ms=4, label="levels")
    knobs = ", ".join(f"{k}={v}" for k, v in codebook.knobs.items())
    ax.set(xlabel="weight", ylabel="F(w)", title=f"{title} {knobs}".strip())
    ax.legend(loc="lower right")
    return _save(fig, path)


def quality_vs_bytes_figure(points, path, metric="STOI", reference=None):
    """``points``: ``[(label, weight_bytes, score), ...]``; ``reference``: (label, score) line."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    for label, size, score in points:
        ax.plot(size, score, "o", color="tab:blue")
        ax.annotate(label, (size, score), fontsize=7, xytext=(3, 3), textcoords="offset points")
    if reference is not None:
        ax.axhline(reference[1], color="k", ls="--", lw=0.8, label=reference[0])
        ax.legend(loc="lower right")
    ax.set_xscale("log")
    ax.set(xlabel="weight bytes", ylabel=metric)
    return _save(fig, path)
