"""``lutdnn train --data DIR -o MODEL``: its options and settings (the training itself: model.train).

Kept apart from model.train so that the command line loads without torch:
torch is the ``train`` extra, which a board install leaves out.
"""

from dataclasses import dataclass

from lutdnn.core.arguments import at_least
from lutdnn.core.extras import require
from lutdnn.model.data.mixture_pool import Recipe
from lutdnn.model.model_file import NetConfig

# The shipped model's network settings (docs/model.md): the command line's defaults.
SHIPPED_NET = NetConfig(mask_floor=0.1, level_dbfs=-25.0)


@dataclass
class TrainConfig:
    epochs: int = 12
    mixtures_per_epoch: int = 2000
    chunk_mixtures: int = 100
    frame_share: float = 0.25
    batch_frames: int = 1024
    patience: int = 4
    loss_power: float = 1.0
    target_gamma: float = 0.5
    suppression_weight: float = 4.0
    ema_decay: float = 0.995
    seed: int = 0


def run(args):
    require("lutdnn train", "torch", "tqdm")
    from lutdnn.model.train import run as train
    return train(args)


def register(sub):
    p = sub.add_parser("train", help="train the float network on mixtures made by 'lutdnn data'")
    p.add_argument("--data", required=True, help="folder written by 'lutdnn data'")
    p.add_argument("-o", "--output-model", required=True, help="model file to write (.npz)")
    p.add_argument("--epochs", type=at_least(int, 1), default=TrainConfig.epochs)
    p.add_argument("--mixtures", type=at_least(int, 1), default=TrainConfig.mixtures_per_epoch,
                   help="fresh 3 s training mixtures per epoch")
    p.add_argument("--patience", type=at_least(int, 1), default=TrainConfig.patience,
                   help="epochs without validation improvement before stopping")
    p.add_argument("--loss-power", type=float, default=TrainConfig.loss_power,
                   help="compress magnitudes by this power in the loss (1: linear MSE)")
    p.add_argument("--target-gamma", type=float, default=TrainConfig.target_gamma,
                   help="train towards |S|**g * |X|**(1-g): 1 is the clean magnitude, < 1 a gentler mask")
    p.add_argument("--suppression-weight", type=float, default=TrainConfig.suppression_weight,
                   help="weight of the squared error where the estimate falls below the target "
                        "(speech removed) relative to where it exceeds it (1: plain MSE)")
    p.add_argument("--ema", type=float, default=TrainConfig.ema_decay,
                   help="decay per step of the weight average that is validated and saved (0: the last weights)")
    p.add_argument("--synthetic-share", type=float, default=Recipe.synthetic_share,
                   help="share of training mixtures whose speech is synthetic (espeak-ng) rather than FSDD")
    p.add_argument("--snr-db", type=float, nargs=2, default=Recipe.snr_db, metavar=("LO", "HI"),
                   help="training SNRs are drawn uniformly from [LO, HI] dB")
    p.add_argument("--seed", type=int, default=TrainConfig.seed)
    p.add_argument("--input-shift", type=int, default=SHIPPED_NET.input_shift)
    p.add_argument("--output", choices=["mask", "magnitude"], default=SHIPPED_NET.output)
    p.add_argument("--mask-floor", type=float, default=SHIPPED_NET.mask_floor)
    p.add_argument("--level-dbfs", type=float, default=SHIPPED_NET.level_dbfs,
                   help="normalise each noisy input to this RMS level (dBFS) before the model")
    p.add_argument("--resume", action="store_true", help="continue from OUT.ckpt if it exists")
    p.set_defaults(func=run)
