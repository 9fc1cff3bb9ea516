"""The float model file: weights and config without torch (docs/model.md, "Model file").

One ``.npz`` (numpy's zip of ``.npy`` arrays, read with ``allow_pickle=False``)
holding the four parameter arrays and a ``header`` array: the UTF-8 bytes of a
JSON object ``{"format", "version", "config", "extra"}``.  numpy alone reads
it, so the runtime (enhance, sim, board) needs no torch; training writes it
(model.network.save_model).  Every file is checked on load, and a damaged one
is refused with its name and the problem: no config, missing or extra arrays,
wrong shapes, non-finite values, parameters outside the clamp.
"""

import json
import math
import zipfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np

from lutdnn.core.atomic_write import atomic_path
from lutdnn.core.framing import BINS, FEATURES
from lutdnn.core.level import LEVEL_DBFS_RANGE
from lutdnn.core.noise_floor import check_floor_strength

MODEL_FORMAT = "lutdnn-model"
MODEL_VERSION = 2              # 1 was the torch .pt file
HIDDEN = 256
CLAMP = 1.0 - 2.0 ** -7        # largest Q0.7 value: clamped parameters stay representable
DEFAULT_MODEL = Path(__file__).parent / "default" / "model.npz"
HEADER = "header"
# name -> shape, layer 1 first; the names are torch's state_dict keys
PARAMETER_SHAPES = {
    "fc1.weight": (HIDDEN, FEATURES), "fc1.bias": (HIDDEN,),
    "fc2.weight": (BINS, HIDDEN), "fc2.bias": (BINS,),
}
# config keys added within version 2, with the value that means what files without them meant
ADDED_KEYS = {"floor_strength": 0.0}
MAX_INPUT_SHIFT = 15           # features are |X| * 2**-input_shift; |X| of s16 samples stays below 2**15 * 256


class ModelFileError(ValueError):
    """A model file that cannot be used; the message names the file and the problem."""


@dataclass
class NetConfig:
    input_shift: int = 0        # features are |X| * 2**-input_shift
    output: str = "mask"        # "mask" or "magnitude"
    mask_floor: float = 0.0     # inference floor on the mask (mask models only)
    level_dbfs: float = None    # host normalises the noisy input to this RMS level (core/level.py)
    floor_strength: float = 0.0  # host scales each bin towards its noise floor (core/noise_floor.py); 0: off

    def __post_init__(self):
        if self.output not in ("mask", "magnitude"):
            raise ValueError(f"output must be 'mask' or 'magnitude', got {self.output!r}")
        if isinstance(self.input_shift, bool) or not isinstance(self.input_shift, int) \
                or not 0 <= self.input_shift <= MAX_INPUT_SHIFT:
            raise ValueError(f"input_shift must be an integer 0..{MAX_INPUT_SHIFT}, got {self.input_shift!r}")
        if not _is_real(self.mask_floor) or not 0.0 <= self.mask_floor < 1.0:
            raise ValueError(f"mask_floor must be a number in [0, 1), got {self.mask_floor!r}")
        low, high = LEVEL_DBFS_RANGE
        if self.level_dbfs is not None and (not _is_real(self.level_dbfs) or not low <= self.level_dbfs <= high):
            raise ValueError(f"level_dbfs must be None or a number in [{low:g}, {high:g}] dBFS, "
                             f"got {self.level_dbfs!r}")
        if not _is_real(self.floor_strength):
            raise ValueError(f"floor_strength must be a number, got {self.floor_strength!r}")
        check_floor_strength(self.floor_strength, self.level_dbfs)


def _is_real(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@dataclass
class ModelFile:
    """A checked model: its config, its parameters (float32, by name) and free-form ``extra``."""
    config: NetConfig
    parameters: dict
    extra: dict


def save_model_file(model, path):
    """Write ``model`` (a :class:`ModelFile`) to ``path`` exactly (no suffix added), atomically."""
    path = Path(path)
    check_parameters(model.parameters, path)
    header = {"format": MODEL_FORMAT, "version": MODEL_VERSION, "config": asdict(model.config),
              "extra": model.extra}
    arrays = {name: np.asarray(model.parameters[name], dtype=np.float32) for name in PARAMETER_SHAPES}
    arrays[HEADER] = np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        np.savez(f, **arrays)


def load_model_file(path=None):
    """Read and check a model file (the shipped default when ``path`` is None) -> :class:`ModelFile`."""
    path = Path(path) if path else DEFAULT_MODEL
    if not path.is_file():
        raise FileNotFoundError(f"model file not found: {path}")
    arrays = read_arrays(path)
    if any(name.endswith("data.pkl") for name in arrays):
        raise ModelFileError(f"{path} is a torch .pt model (version 1); lutdnn now reads the torch-free .npz "
                             "model file (docs/model.md): load it with torch and save it with "
                             "lutdnn.model.network.save_model")
    if HEADER not in arrays:
        raise ModelFileError(f"{path}: the model file has no config (no '{HEADER}' entry)")
    header = parse_header(arrays.pop(HEADER), path)
    check_parameters(arrays, path)
    return ModelFile(config_from_header(header, path), arrays, header.get("extra", {}))


def read_arrays(path):
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        raise ModelFileError(f"{path} is not a readable lutdnn model file ({err})") from err


def parse_header(raw, path):
    try:
        header = json.loads(raw.astype(np.uint8).tobytes().decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise ModelFileError(f"{path}: the model file's header is not JSON ({err})") from err
    if not isinstance(header, dict) or header.get("format") != MODEL_FORMAT:
        raise ModelFileError(f"{path} is not a lutdnn model file")
    if header.get("version") != MODEL_VERSION:
        raise ModelFileError(f"{path}: model version {header.get('version')} is not supported "
                             f"(this lutdnn reads version {MODEL_VERSION})")
    if not isinstance(header.get("extra", {}), dict):
        raise ModelFileError(f"{path}: the header's 'extra' is not an object")
    return header


def config_from_header(header, path):
    config = header.get("config")
    if not isinstance(config, dict):
        raise ModelFileError(f"{path}: the model file has no config")
    expected = {f.name for f in fields(NetConfig)}
    config = {**ADDED_KEYS, **config}
    if set(config) != expected:
        raise ModelFileError(f"{path}: config keys {sorted(config)} differ from {sorted(expected)}")
    try:
        return NetConfig(**config)
    except ValueError as err:
        raise ModelFileError(f"{path}: bad config: {err}") from err


def check_parameters(parameters, path):
    """Refuse missing/extra arrays, wrong shapes or types, non-finite values and values outside the clamp."""
    missing = sorted(set(PARAMETER_SHAPES) - set(parameters))
    extra = sorted(set(parameters) - set(PARAMETER_SHAPES))
    if missing or extra:
        raise ModelFileError(f"{path}: parameter arrays missing {missing}, unexpected {extra}")
    for name, shape in PARAMETER_SHAPES.items():
        value = np.asarray(parameters[name])
        if value.shape != shape:
            raise ModelFileError(f"{path}: {name} has shape {value.shape}, expected {shape}")
        if not np.issubdtype(value.dtype, np.floating):
            raise ModelFileError(f"{path}: {name} has dtype {value.dtype}, expected float")
        bad = ~np.isfinite(value)
        if bad.any():
            raise ModelFileError(f"{path}: {name} has {int(bad.sum())} NaN/inf value(s)")
        outside = np.abs(value) > CLAMP
        if outside.any():
            raise ModelFileError(f"{path}: {name} has {int(outside.sum())} value(s) outside the clamp "
                                 f"+-{CLAMP} (largest magnitude {float(np.abs(value).max()):g})")
