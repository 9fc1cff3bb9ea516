"""The paper's network: FC 1032 -> 256, ReLU, FC 256 -> 129, ReLU.

The 129 outputs are a mask on the current noisy magnitude (``output="mask"``,
the default) or the clean magnitude itself (``output="magnitude"``).  Inputs
are the stacked magnitudes of docs/features.md scaled by ``2**-input_shift``.
Weights and biases are kept in (-1, 1) by :meth:`EnhancementNet.clamp_`,
called after every optimiser step.

A saved model is one ``.pt`` file: ``{"format", "version", "config",
"state_dict"}`` (see :func:`save_model` / :func:`load_model`).
"""

from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn

from lutdnn.host.atomic_write import atomic_path
from lutdnn.host.framing import BINS, FEATURES

MODEL_FORMAT = "lutdnn-model"
MODEL_VERSION = 1
HIDDEN = 256
CLAMP = 1.0 - 2.0 ** -7   # largest Q0.7 value: clamped parameters stay representable
DEFAULT_MODEL = Path(__file__).parent / "default" / "model.pt"


@dataclass
class NetConfig:
    input_shift: int = 0        # features are |X| * 2**-input_shift
    output: str = "mask"        # "mask" or "magnitude"
    mask_floor: float = 0.0     # inference floor on the mask (mask models only)
    level_dbfs: float = None    # host normalises the noisy input to this RMS level (host/level.py)

    def __post_init__(self):
        if self.output not in ("mask", "magnitude"):
            raise ValueError(f"output must be 'mask' or 'magnitude', got {self.output!r}")


class EnhancementNet(nn.Module):
    def __init__(self, config=None):
        super().__init__()
        self.config = config or NetConfig()
        self.fc1 = nn.Linear(FEATURES, HIDDEN)
        self.fc2 = nn.Linear(HIDDEN, BINS)

    def forward(self, features):
        """Scaled stacked magnitudes ``(..., 1032)`` -> raw outputs ``(..., 129)`` (>= 0)."""
        return torch.relu(self.fc2(torch.relu(self.fc1(features))))

    @torch.no_grad()
    def clamp_(self):
        for p in self.parameters():
            p.clamp_(-CLAMP, CLAMP)

    def features(self, stacked_magnitudes):
        return stacked_magnitudes * 2.0 ** -self.config.input_shift

    def enhance_magnitude(self, stacked_magnitudes, current_magnitude):
        """Float inference: the clean-magnitude estimate for each frame."""
        out = self(self.features(stacked_magnitudes))
        if self.config.output == "mask":
            return torch.clamp(out, min=self.config.mask_floor) * current_magnitude
        return out * 2.0 ** self.config.input_shift

    def layer_parameters(self):
        """``[(weight, bias), ...]`` as float64 numpy arrays, layer 1 first."""
        return [(fc.weight.detach().double().numpy(), fc.bias.detach().double().numpy())
                for fc in (self.fc1, self.fc2)]


def save_model(net, path, extra=None):
    """Write ``net`` to ``path`` atomically (a temporary file, then rename)."""
    blob = {"format": MODEL_FORMAT, "version": MODEL_VERSION, "config": asdict(net.config),
            "state_dict": net.state_dict(), "extra": extra or {}}
    with atomic_path(path) as tmp:
        torch.save(blob, tmp)


def load_model(path=None):
    """Load a model saved by :func:`save_model` (the shipped default when ``path`` is None)."""
    path = Path(path) if path else DEFAULT_MODEL
    if not path.is_file():
        raise FileNotFoundError(f"model file not found: {path}")
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises many types for a damaged file
        raise ValueError(f"{path} is not a readable lutdnn model ({err})") from err
    if not isinstance(blob, dict) or blob.get("format") != MODEL_FORMAT:
        raise ValueError(f"{path} is not a lutdnn model file")
    if blob.get("version") != MODEL_VERSION:
        raise ValueError(f"{path}: model version {blob.get('version')} is not supported "
                         f"(this lutdnn reads version {MODEL_VERSION})")
    net = EnhancementNet(NetConfig(**blob["config"]))
    net.load_state_dict(blob["state_dict"])
    net.eval()
    return net
