"""Accelerator backends: the same spectra-in, spectra-out contract everywhere.

A backend is built by ``open_backend(name, model=..., image=...)`` and has

- ``reset()``: start a new stream: the 8-frame context is emptied (zeros);
- ``process(spectra) -> spectra``: complex ``(frames, 129)`` noisy spectra,
  in frame order, to enhanced spectra of the same shape.  The context
  *continues* from the previous call (it is cleared only by ``reset``), so a
  stream may be fed whole, in blocks or frame by frame with the same result;
  the streaming engine (host.stream) calls ``reset`` once per recording or
  live session and then ``process`` on each block of hops;
- ``level_dbfs``: the input level the model was made for (None: no level);
- ``floor_strength``: how far the host scales each bin towards its noise
  floor for this model (core/noise_floor.py; 0: not at all);
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
    return importlib.import_module(BACKENDS[name]).create(**options)
