"""``lutdnn demo``: the whole chain on a mixture a fresh machine can make.

Speech: two sentences spoken by espeak-ng in two voices training never
heard, a woman's and a man's of the ``ood`` split's voices
(synthetic_speech.OOD_VOICES: no accent and no timbre of theirs is in
training); noise: pink noise with a slow random envelope, generated here;
mixed at 0 dB SNR.  The shipped model
enhances it (``--backend`` picks where the DNN runs); STOI before and after is
printed and the wavs and a spectrogram PNG are written.
"""

import tempfile
from pathlib import Path

import numpy as np

from lutdnn.core.atomic_write import atomic_path
from lutdnn.core.audio import AudioError, write_audio
from lutdnn.core.errors import CommandError
from lutdnn.core.extras import require
from lutdnn.core.framing import SAMPLE_RATE
from lutdnn.host.enhance import add_backend_options, backend_from_args
from lutdnn.host.evaluate import intelligibility
from lutdnn.host.stream import enhance_signal

SENTENCES = (
    ("female", "The old radio on the kitchen table plays a quiet song every morning."),
    ("male", "Please bring the heavy box across the bridge before the storm arrives."),
)
SNR_DB = 0.0
LEVEL_DBFS = -25.0
NOISE_EXPONENT = -1.0   # pink
GAP_S = 0.3


def demo_speech():
    from lutdnn.model.data.data_split import DataError
    from lutdnn.model.data.synthetic_speech import espeak_version, render
    try:
        version = espeak_version()
        parts = []
        with tempfile.TemporaryDirectory() as scratch:
            for voice, (_, text) in zip(demo_voices(), SENTENCES):
                parts += [render(text, voice, 150, 50, scratch),
                          np.zeros(int(GAP_S * SAMPLE_RATE), np.float32)]
    except DataError as err:
        raise CommandError(f"the demo speaks its sentences with espeak-ng: {err} (make setup installs it)") from err
    return np.concatenate(parts).astype(np.float64), version.split("  Data at")[0]


def demo_voices():
    """The first out-of-domain voice of each sentence's gender."""
    from lutdnn.model.data.synthetic_speech import OOD_VOICES
    return [OOD_VOICES[gender][0] for gender, _ in SENTENCES]


def demo_noise(length, rng):
    from lutdnn.model.data.noise_synthesis import coloured_noise, modulate
    return modulate(rng, coloured_noise(rng, length, NOISE_EXPONENT)).astype(np.float64)


def demo_mixture(seed):
    from lutdnn.model.data.mixing import mix
    speech, version = demo_speech()
    rng = np.random.default_rng(seed)
    mixture = mix(speech, demo_noise(len(speech), rng), SNR_DB, LEVEL_DBFS)
    return mixture.clean.astype(np.float64), mixture.noisy.astype(np.float64), version


def save_spectrograms(path, signals):
    (matplotlib,) = require("the demo's spectrogram figure", "matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(len(signals), 1, figsize=(9, 2.4 * len(signals)), sharex=True)
    for ax, (title, x) in zip(axes, signals.items()):
        with np.errstate(divide="ignore"):   # digital silence has -inf dB
            ax.specgram(x, NFFT=256, Fs=SAMPLE_RATE, noverlap=192, cmap="magma", vmin=-130, vmax=-20)
        ax.set_title(title, fontsize=10)
        ax.set_ylabel("Hz")
    axes[-1].set_xlabel("s")
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110)
    plt.close(fig)


def run(args):
    out = Path(args.output)
    clean, noisy, version = demo_mixture(args.seed)
    backend = backend_from_args(args)
    enhanced = enhance_signal(noisy, backend)
    print(f"speech: espeak-ng ({version}), voices {', '.join(v.name for v in demo_voices())} "
          f"(never heard in training); noise: modulated pink noise, generated; SNR {SNR_DB:g} dB")
    before, after = intelligibility(clean, noisy), intelligibility(clean, enhanced)
    print(f"STOI  noisy {before[0]:.3f} -> enhanced ({backend.name}) {after[0]:.3f}  ({after[0] - before[0]:+.3f})")
    print(f"ESTOI noisy {before[1]:.3f} -> enhanced ({backend.name}) {after[1]:.3f}  ({after[1] - before[1]:+.3f})")
    signals = {"clean": clean, "noisy": noisy, f"enhanced ({backend.name})": enhanced}
    try:
        for name, x in zip(("clean", "noisy", "enhanced"), signals.values()):
            write_audio(out / f"{name}.wav", x, SAMPLE_RATE)
    except AudioError as err:
        raise CommandError(str(err)) from err
    save_spectrograms(out / "spectrogram.png", signals)
    print(f"wrote {out}/clean.wav, noisy.wav, enhanced.wav and spectrogram.png")
    return 0


def register(sub):
    p = sub.add_parser("demo", help="enhance a generated noisy mixture and report STOI before/after")
    p.add_argument("-o", "--output", default="out/demo", help="folder for the wavs and the spectrogram")
    add_backend_options(p)
    p.add_argument("--seed", type=int, default=0, help="seed of the generated noise")
    p.set_defaults(func=run)
