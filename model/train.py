"""Training the float network: ``lutdnn train --data DIR -o MODEL``.

Fresh mixtures every epoch from the training pool that ``lutdnn data`` wrote
(model.mixtures), turned into stacked features chunk by chunk so a million
frames never sit in memory at once.  Adam (AdamW with ``--weight-decay``);
weights and biases clamped to (-1, 1) after every step (DESIGN.md section 2).
``--init`` starts from a model file's weights instead of random ones, to
fine-tune it (e.g. with the STOI- and ESTOI-like terms, model.envelope_loss).
The weights validated, kept and saved are an exponential moving average of
the trained ones (``--ema``).  Validation loss each epoch on the fixed
validation mixtures; early stopping keeps the best epoch.  ``OUT.ckpt``
beside the model holds everything needed to resume (``--resume``).
"""

import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn
from tqdm import tqdm

from lutdnn.core.atomic_write import atomic_path
from lutdnn.core.errors import CommandError
from lutdnn.core.framing import analyze, frame_count, stack_context
from lutdnn.core.noise_floor import scaled_spectra
from lutdnn.model.data.mixture_pool import MixturePool
from lutdnn.model.data.mixtures import read_items
from lutdnn.model.envelope_loss import WINDOW_FRAMES, estoi_like_loss, stoi_like_loss
from lutdnn.model.model_file import ADDED_KEYS
from lutdnn.model.network import EnhancementNet, NetConfig, load_model, save_model
from lutdnn.model.train_cli import ADDED_TRAIN_KEYS, TrainConfig, recipe_from

LOSS_EPS = 1e-4   # keeps the gradient of a compressed magnitude finite at zero


def pair_features(clean, noisy, config, frames=None, target_gamma=1.0):
    """(stacked scaled features, current noisy magnitude, target magnitude) as float32.

    The noisy spectra are scaled as the host scales them for a model of
    ``config`` (NetConfig: the input level, then each bin towards its noise
    floor, core/noise_floor.py), and the clean spectra by the same gains.
    The target is ``|S|**gamma * |X|**(1 - gamma)``: gamma = 1 is the clean
    magnitude; gamma < 1 asks for a gentler mask (the square root of the
    ideal one at 0.5), which harms unseen voices and noises less.

    ``frames`` picks a subset of the frames (all when None): neighbouring
    frames of one mixture are nearly alike, so a random subset of many
    mixtures teaches more per step than every frame of a few.
    """
    spectra, gains = scaled_spectra(noisy, config.level_dbfs, config.floor_strength)
    mag = np.abs(spectra)
    target = np.abs(analyze(clean) * gains) ** target_gamma * mag ** (1.0 - target_gamma)
    if frames is None:
        frames = np.arange(len(mag))
    stacked = stack_context(mag, frames)
    return ((stacked * 2.0 ** -config.input_shift).astype(np.float32), mag[frames].astype(np.float32),
            target[frames].astype(np.float32))


def batch_arrays(pairs, config, frame_share=1.0, rng=None, target_gamma=1.0):
    """Features of many pairs for a model of ``config`` (NetConfig), concatenated.

    ``frame_share`` < 1 samples frames with ``rng``.
    """
    parts = []
    for clean, noisy in pairs:
        frames = None
        if frame_share < 1.0:
            total = frame_count(len(noisy))
            frames = np.sort(rng.choice(total, max(1, int(total * frame_share)), replace=False))
        parts.append(pair_features(clean, noisy, config, frames, target_gamma))
    return [torch.from_numpy(np.concatenate(p)) for p in zip(*parts)]


def mixture_arrays(pairs, config, target_gamma=1.0):
    """Every frame of equally long pairs, one row per mixture: ``(mixtures, frames, ...)`` tensors."""
    parts = [pair_features(clean, noisy, config, target_gamma=target_gamma) for clean, noisy in pairs]
    return [torch.from_numpy(np.stack(p)) for p in zip(*parts)]


def training_loss(net, features, noisy_mag, target, config):
    """The loss ``config`` (TrainConfig) asks for: the per-bin error, plus the envelope terms on whole mixtures."""
    est = net.enhance_magnitude(features, noisy_mag)
    loss = magnitude_error(est, noisy_mag, target, config.loss_power, config.suppression_weight, config.loss_domain)
    for weight, term in ((config.stoi_weight, stoi_like_loss), (config.estoi_weight, estoi_like_loss)):
        if weight:
            loss = loss + weight * term(est, target)
    return loss


def whole_mixtures(config):
    """Whether ``config`` (TrainConfig) asks for an envelope term, which needs every frame of each mixture."""
    return bool(config.stoi_weight or config.estoi_weight)


def magnitude_error(est, noisy_mag, clean_mag, power=1.0, suppression_weight=1.0, domain="magnitude"):
    """MSE between power-law compressed magnitudes (``power`` = 1: linear magnitude), or between masks.

    Compression (e.g. 0.3) keeps quiet bins and high bands, which STOI weighs
    as much as the loud ones, from being drowned by the loud low bins.
    ``domain="mask"`` compares the estimate's mask ``est / |X|`` with the
    target's, capped at 1: every time-frequency bin counts alike, loud or
    quiet, so the frames where noise dominates a band (target mask near 0)
    weigh as much as the loud speech frames.
    ``suppression_weight`` > 1 weighs the error where the estimate falls below
    the target (speech removed) above the error where it exceeds it (noise
    left in): on speech and noise unlike its training data a network taught
    so errs towards passing the input through rather than cutting speech.
    """
    if domain == "mask":
        est, clean_mag = est / (noisy_mag + LOSS_EPS), torch.clamp(clean_mag / (noisy_mag + LOSS_EPS), max=1.0)
    elif power != 1.0:
        est, clean_mag = (est + LOSS_EPS) ** power, (clean_mag + LOSS_EPS) ** power
    err = est - clean_mag
    if suppression_weight != 1.0:
        err = torch.where(err < 0, err * suppression_weight ** 0.5, err)
    return torch.mean(err ** 2)


def _optimizer(net, weight_decay, learning_rate):
    """Adam, or with ``weight_decay`` > 0 AdamW decaying the weights only: narrower weights quantize better."""
    if not weight_decay:
        return torch.optim.Adam(net.parameters(), lr=learning_rate)
    weights = [p for name, p in net.named_parameters() if name.endswith("weight")]
    biases = [p for name, p in net.named_parameters() if not name.endswith("weight")]
    return torch.optim.AdamW([{"params": weights, "weight_decay": weight_decay},
                              {"params": biases, "weight_decay": 0.0}], lr=learning_rate)


class TrainingError(ValueError):
    """Training cannot go on (a non-finite loss, a checkpoint that does not fit); the message says why."""


def check_finite(loss, what, epoch):
    if not np.isfinite(loss):
        raise TrainingError(f"the {what} loss became {loss} in epoch {epoch} (diverged or non-finite data); "
                            f"stopped, the checkpoint keeps the last finite epoch")


class Trainer:
    def __init__(self, pool, validation_pairs, net, config, checkpoint):
        self.pool = pool
        self.net = net
        self.config = config
        self.checkpoint = Path(checkpoint)
        self.optimizer = _optimizer(net, config.weight_decay, config.learning_rate)
        # the average of the clamped weights stays inside the clamp: it is a convex combination
        self.average = AveragedModel(net, multi_avg_fn=get_ema_multi_avg_fn(config.ema_decay),
                                     use_buffers=False)
        self.val = self._validation_batches(validation_pairs)
        self.epoch = 0
        self.best = (float("inf"), None)   # (validation loss, state_dict)
        self.history = []

    def _validation_batches(self, pairs):
        """The fixed validation data: all frames in one batch, or (envelope terms) one batch per whole mixture."""
        cfg, config = self.config, self.net.config
        if not whole_mixtures(cfg):
            return [batch_arrays(pairs, config, target_gamma=cfg.target_gamma)]
        short = sum(frame_count(len(noisy)) < WINDOW_FRAMES for _, noisy in pairs)
        if short:
            raise TrainingError(f"{short} validation mixtures are shorter than the envelope terms' {WINDOW_FRAMES} "
                                f"frames; train without --stoi-weight and --estoi-weight, or with longer mixtures")
        return [mixture_arrays([pair], config, cfg.target_gamma) for pair in pairs]

    def batches(self, rng, count):
        """Steps over ``count`` fresh mixtures: random frames, or whole mixtures for the envelope terms."""
        cfg, config = self.config, self.net.config
        pairs = zip(*self.pool.pairs(rng, count))
        if whole_mixtures(cfg):
            arrays, size = mixture_arrays(pairs, config, cfg.target_gamma), cfg.batch_mixtures
        else:
            arrays, size = batch_arrays(pairs, config, cfg.frame_share, rng, cfg.target_gamma), cfg.batch_frames
        order = torch.from_numpy(rng.permutation(len(arrays[0])))
        for b in range(0, len(order), size):
            yield [a[order[b:b + size]] for a in arrays]

    def train_epoch(self, rng):
        cfg, net = self.config, self.net
        net.train()
        total, items = 0.0, 0
        bar = tqdm(total=cfg.mixtures_per_epoch, desc=f"epoch {self.epoch + 1}", unit="mix", leave=False)
        for start in range(0, cfg.mixtures_per_epoch, cfg.chunk_mixtures):
            count = min(cfg.chunk_mixtures, cfg.mixtures_per_epoch - start)
            for feats, mag, target in self.batches(rng, count):
                loss = training_loss(net, feats, mag, target, cfg)
                check_finite(loss.item(), "training", self.epoch + 1)   # before the step spoils the weights
                self.optimizer.zero_grad()
                loss.backward()
                self.optimizer.step()
                net.clamp_()
                self.average.update_parameters(net)
                total += loss.item() * len(feats)
                items += len(feats)
            bar.update(count)
            bar.set_postfix(loss=f"{total / items:.4f}")
        bar.close()
        return total / items

    @property
    def averaged_net(self):
        return self.average.module

    @torch.no_grad()
    def validate(self):
        self.averaged_net.eval()
        return float(np.mean([training_loss(self.averaged_net, *batch, self.config).item() for batch in self.val]))

    def save_checkpoint(self, rng):
        blob = {"net": self.net.state_dict(), "average": self.average.state_dict(),
                "net_config": asdict(self.net.config), "recipe": asdict(self.pool.recipe),
                "optimizer": self.optimizer.state_dict(), "epoch": self.epoch,
                "best_loss": self.best[0], "best_state": self.best[1], "history": self.history,
                "rng": rng.bit_generator.state, "train_config": asdict(self.config)}
        with atomic_path(self.checkpoint) as tmp:
            torch.save(blob, tmp)

    def restore(self, rng):
        try:
            blob = torch.load(self.checkpoint, map_location="cpu", weights_only=False)
        except Exception as err:  # torch raises many types for a damaged file
            raise TrainingError(f"cannot resume: {self.checkpoint} is damaged ({err})") from err
        self._check_same_options(blob)
        try:
            self.net.load_state_dict(blob["net"])
            self.average.load_state_dict(blob["average"])
            self.optimizer.load_state_dict(blob["optimizer"])
            self.epoch, self.history = blob["epoch"], blob["history"]
            self.best = (blob["best_loss"], blob["best_state"])
            rng.bit_generator.state = blob["rng"]
        except (KeyError, RuntimeError, ValueError, TypeError) as err:
            raise TrainingError(f"cannot resume: {self.checkpoint} is not a usable checkpoint ({err})") from err
        if not all(torch.isfinite(v).all() for v in self.net.state_dict().values()):
            raise TrainingError(f"cannot resume: {self.checkpoint} holds non-finite weights")

    def _check_same_options(self, blob):
        """Refuse a resume under other options: the weights would be relabelled, not retrained.

        Only ``epochs`` and ``patience`` may change (to train longer)."""
        def options(net_config, train_config, recipe):   # the recipe's names get a prefix: level_dbfs is in two
            return {**net_config, **train_config, **{f"recipe.{k}": v for k, v in recipe.items()}}
        saved = options({**ADDED_KEYS, **blob.get("net_config", {})},
                        {**ADDED_TRAIN_KEYS, **blob.get("train_config", {})}, blob.get("recipe", {}))
        wanted = options(asdict(self.net.config), asdict(self.config), asdict(self.pool.recipe))
        changed = [f"{k} {saved.get(k)!r} -> {v!r}" for k, v in wanted.items()
                   if k not in ("epochs", "patience") and saved.get(k) != v]
        if changed:
            raise TrainingError(f"cannot resume from {self.checkpoint} with other options: {', '.join(changed)} "
                                f"(use the checkpoint's options, or a new output name)")

    def epochs_since_best(self):
        losses = [h["val_loss"] for h in self.history]
        return len(losses) - 1 - int(np.argmin(losses)) if losses else 0

    def fit(self, rng):
        while self.epoch < self.config.epochs and self.epochs_since_best() < self.config.patience:
            t0 = time.time()
            train_loss = self.train_epoch(rng)
            val_loss = self.validate()
            check_finite(val_loss, "validation", self.epoch + 1)
            self.epoch += 1
            self.history.append({"epoch": self.epoch, "train_loss": train_loss, "val_loss": val_loss,
                                 "seconds": round(time.time() - t0, 1)})
            mark = ""
            if val_loss < self.best[0]:
                self.best = (val_loss, {k: v.clone() for k, v in self.averaged_net.state_dict().items()})
                mark = " *"
            print(f"epoch {self.epoch}: train {train_loss:.5f}  validation {val_loss:.5f}  "
                  f"({time.time() - t0:.0f} s){mark}", flush=True)
            self.save_checkpoint(rng)
        self.net.load_state_dict(self.best[1])
        return self.history


def initial_net(path, config):
    """The network of the model file ``path`` to fine-tune; its settings must be ``config`` (NetConfig)."""
    try:
        net = load_model(path)
    except (OSError, ValueError) as err:   # the model file's errors name the file and the problem
        raise CommandError(f"cannot start from --init {path}: {err}") from err
    if net.config != config:
        raise CommandError(f"cannot start from --init {path}: it was made with {net.config}, the options ask for "
                           f"{config} (give the same --input-shift, --output, --mask-floor, --level-dbfs "
                           f"and --floor-strength)")
    return net


def run(args):
    try:   # the model file's ranges (model.model_file.NetConfig), refused before reading any data
        net_config = NetConfig(input_shift=args.input_shift, output=args.output, mask_floor=args.mask_floor,
                               level_dbfs=args.level_dbfs, floor_strength=args.floor_strength)
    except ValueError as err:
        raise CommandError(f"bad network option: {err}") from err
    data = Path(args.data)
    try:
        recipe = recipe_from(args)
        pool = MixturePool.from_manifest(data, "train", recipe, args.rirs)
        validation = [(clean, noisy) for _, clean, noisy in read_items(data, "validation")]
    except ValueError as err:
        raise CommandError(f"cannot use training data in {data}: {err}") from err
    cfg = TrainConfig(epochs=args.epochs, mixtures_per_epoch=args.mixtures, seed=args.seed,
                      patience=args.patience, loss_power=args.loss_power,
                      target_gamma=args.target_gamma, suppression_weight=args.suppression_weight,
                      ema_decay=args.ema, loss_domain=args.loss_domain, weight_decay=args.weight_decay,
                      learning_rate=args.learning_rate, stoi_weight=args.stoi_weight, estoi_weight=args.estoi_weight,
                      batch_mixtures=args.batch_mixtures, init=Path(args.init).name if args.init else "")
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    net = initial_net(args.init, net_config) if args.init else EnhancementNet(net_config)
    out = Path(args.output_model)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        trainer = Trainer(pool, validation, net, cfg, out.with_name(out.name + ".ckpt"))
        if args.resume and trainer.checkpoint.exists():
            trainer.restore(rng)
            print(f"resumed from {trainer.checkpoint} after epoch {trainer.epoch}")
        history = trainer.fit(rng)
    except TrainingError as err:
        raise CommandError(str(err)) from err
    save_model(net, out, extra={"history": history, "train_config": asdict(cfg), "recipe": asdict(recipe),
                                "data": data.name})
    print(f"wrote {out} (best validation loss {trainer.best[0]:.5f})")
    return 0
