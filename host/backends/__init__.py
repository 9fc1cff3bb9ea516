"""Accelerator backends: the same spectra-in, spectra-out contract everywhere.

A backend is built by ``open_backend(name, model=..., image=...)`` and has

- ``process(spectra) -> spectra``: complex ``(frames, 129)`` noisy spectra of
  one recording (frame order, context starting empty) to enhanced spectra of
  the same shape;
- ``name``: the backend's name, for reports.

``float`` runs the float network; ``sim`` the bit-exact integer reference on a
weight image; ``cosim`` the generated Verilog; ``board`` the overlay on a PYNQ board (via pynq).
"""

import importlib

BACKENDS = {
    "float": "lutdnn.host.backends.float_model",
    "sim": "lutdnn.host.backends.sim",
    "cosim": "lutdnn.host.backends.cosim",
    "board": "lutdnn.host.backends.board",
}


def open_backend(name, **options):
    """Instantiate the backend called ``name`` (one of :data:`BACKENDS`)."""
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}; choose from {', '.join(BACKENDS)}")
    return importlib.import_module(BACKENDS[name]).open(**options)
