"""``lutdnn train --data DIR -o MODEL``: its options and settings (the training itself: model.train).

Kept apart from model.train so that the command line loads without torch:
torch is the ``train`` extra, which a board install leaves out.
"""

from dataclasses import dataclass

from lutdnn.core.arguments import at_least
from lutdnn.core.extras import require
from lutdnn.model.data.mixture_pool import NOISE_KINDS, SPEECH_CORPORA, Recipe
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
    loss_domain: str = "magnitude"
    target_gamma: float = 0.5
    suppression_weight: float = 4.0
    ema_decay: float = 0.995
    seed: int = 0
    weight_decay: float = 0.0
    learning_rate: float = 1e-3
    stoi_weight: float = 0.0
    estoi_weight: float = 0.0
    batch_mixtures: int = 8
    init: str = ""


# options added after checkpoints were written, with the value that means what checkpoints without them meant
ADDED_TRAIN_KEYS = {"weight_decay": 0.0, "learning_rate": 1e-3, "stoi_weight": 0.0, "estoi_weight": 0.0,
                    "batch_mixtures": 8, "init": ""}


def share(names):
    """An argparse type: ``NAME=SHARE`` with NAME one of ``names`` and SHARE a number >= 0."""
    def parse(text):
        name, _, value = text.partition("=")
        if name not in names or float(value) < 0:
            raise ValueError(text)
        return name, float(value)
    parse.__name__ = f"NAME=SHARE ({'|'.join(names)})"
    return parse


def recipe_from(args):
    """The training data :class:`Recipe` of the command line's options (ValueError if it makes none)."""
    noise = dict(args.noise_mix)
    return Recipe(speech_shares=tuple(args.speech_mix), noise_shares=tuple(noise.get(k, 0.0) for k in NOISE_KINDS),
                  noise_folders=tuple(args.noise_folders), snr_db=tuple(args.snr_db), reverb=args.reverb,
                  recorded_reverb=args.recorded_reverb)


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
    p.add_argument("--loss-domain", choices=["magnitude", "mask"], default=TrainConfig.loss_domain,
                   help="compare magnitudes (loud bins weigh most) or masks (every bin alike) in the loss")
    p.add_argument("--target-gamma", type=float, default=TrainConfig.target_gamma,
                   help="train towards |S|**g * |X|**(1-g): 1 is the clean magnitude, < 1 a gentler mask")
    p.add_argument("--suppression-weight", type=float, default=TrainConfig.suppression_weight,
                   help="weight of the squared error where the estimate falls below the target "
                        "(speech removed) relative to where it exceeds it (1: plain MSE)")
    p.add_argument("--ema", type=float, default=TrainConfig.ema_decay,
                   help="decay per step of the weight average that is validated and saved (0: the last weights)")
    p.add_argument("--weight-decay", type=at_least(float, 0.0), default=TrainConfig.weight_decay,
                   help="AdamW's decoupled decay of the weights (not the biases) towards 0 (default 0: plain Adam)")
    p.add_argument("--learning-rate", type=at_least(float, 1e-7), default=TrainConfig.learning_rate)
    p.add_argument("--stoi-weight", type=at_least(float, 0.0), default=TrainConfig.stoi_weight,
                   help="weight of a STOI-like term: 1 - the correlation over 384 ms of each band's envelope "
                        "(model/envelope_loss.py); above 0, steps take whole mixtures, --batch-mixtures at a time")
    p.add_argument("--estoi-weight", type=at_least(float, 0.0), default=TrainConfig.estoi_weight,
                   help="weight of an ESTOI-like term: 1 - the correlation across bands of each frame's "
                        "normalised envelopes (model/envelope_loss.py); whole mixtures as --stoi-weight")
    p.add_argument("--batch-mixtures", type=at_least(int, 1), default=TrainConfig.batch_mixtures,
                   help="mixtures per step with --stoi-weight or --estoi-weight (default %(default)s)")
    p.add_argument("--init", metavar="MODEL",
                   help="start from this model file's weights (fine-tuning) instead of random ones; "
                        "its network settings must be the ones asked for")
    data = p.add_argument_group("training data (docs/data.md, 'Training: mixed on the fly')")
    data.add_argument("--speech-mix", type=share(SPEECH_CORPORA), nargs="+", metavar="CORPUS=SHARE",
                      default=list(Recipe.speech_shares),
                      help="speech corpora of the train split and their relative shares (default: "
                           + " ".join(f"{c}={v:g}" for c, v in Recipe.speech_shares) + ")")
    data.add_argument("--noise-mix", type=share(NOISE_KINDS), nargs="+", metavar="KIND=SHARE",
                      default=list(zip(NOISE_KINDS, Recipe.noise_shares)),
                      help="noise kinds and their relative shares; a kind not named gets none (default: "
                           + " ".join(f"{k}={v:g}" for k, v in zip(NOISE_KINDS, Recipe.noise_shares)) + ")")
    data.add_argument("--noise-folders", nargs="+", metavar="NAME", default=list(Recipe.noise_folders),
                      help="recorded noise folders to draw from: 'noise' (the data's --noise) and the "
                           "--extra-noise folders by name (default: noise)")
    data.add_argument("--snr-db", type=float, nargs=2, default=Recipe.snr_db, metavar=("LO", "HI"),
                      help="training SNRs are drawn uniformly from [LO, HI] dB")
    data.add_argument("--reverb", type=float, default=Recipe.reverb,
                      help="share of training speech given a room (default %(default)s)")
    data.add_argument("--rirs", metavar="DIR", help="folder of measured room impulse responses (wav)")
    data.add_argument("--recorded-reverb", type=float, default=Recipe.recorded_reverb,
                      help="of the reverberated speech, the share convolved with a --rirs response "
                           "rather than a synthetic one (default %(default)s)")
    p.add_argument("--seed", type=int, default=TrainConfig.seed)
    p.add_argument("--input-shift", type=int, default=SHIPPED_NET.input_shift)
    p.add_argument("--output", choices=["mask", "magnitude"], default=SHIPPED_NET.output)
    p.add_argument("--mask-floor", type=float, default=SHIPPED_NET.mask_floor)
    p.add_argument("--level-dbfs", type=float, default=SHIPPED_NET.level_dbfs,
                   help="normalise each noisy input to this RMS level (dBFS) before the model")
    p.add_argument("--floor-strength", type=float, default=SHIPPED_NET.floor_strength,
                   help="scale each bin by (reference / noise floor) ** (S / 2) before the model: 1 feeds the "
                        "posterior SNR, 0 (default) the level-normalised magnitude (core/noise_floor.py)")
    p.add_argument("--resume", action="store_true", help="continue from OUT.ckpt if it exists")
    p.set_defaults(func=run)
