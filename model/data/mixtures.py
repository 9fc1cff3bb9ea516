"""The mixture set on disk, and the ``lutdnn data`` command that builds it.

``lutdnn data --speech DIR --noise DIR -o OUT [--seed N] [--synthetic-minutes X]``
``[--librispeech DIR] [--prompts DIR] [--extra-noise DIR ...]``
applies the split of :mod:`lutdnn.model.data.data_split` (and :mod:`lutdnn.model.data.corpora`
for the added corpora) and writes::

    OUT/manifest.json
    OUT/validation/NNNN_clean.wav, NNNN_noisy.wav     (float32 wav, 8 kHz, 3 s)
    OUT/test/...                                      (same)
    OUT/ood/...                                       (held-out voices and noise type)
                                                      (real voices when LibriSpeech/prompts are given)
    OUT/babble/...                                    (those real voices over 3-8 other unseen talkers)
    OUT/real_validation/...                           (the added corpora's validation voices, every noise)
    OUT/synthetic/train/NNNN.wav                      (espeak-ng sentences, training voices)
    OUT/synthetic/ood/NNNN.wav                        (espeak-ng sentences, held-out voices)

Validation and test use every utterance of their split exactly once, packed
in a random order into 3 s segments (:func:`lutdnn.model.data.mixing.layouts`),
each mixed with a random noise excerpt of the same split at 0 or 5 dB.  The
training split is not written as mixtures: the manifest lists its pool
(utterances, noise ranges, synthetic sentences) and
:class:`lutdnn.model.data.mixture_pool.MixturePool` mixes fresh pairs every epoch.

Manifest (``format`` "lutdnn-mixtures", ``version`` 1): ``seed``,
``sample_rate``, ``segment_samples``, ``sources`` (the speech and noise
folders), ``synthetic`` (generation parameters, the cache key), and
``splits``: for train/validation/test ``speech`` (FSDD utterances) and
``noise`` (``file``, ``start``, ``stop`` in 8 kHz samples); train also
``synthetic``; ood ``synthetic`` and ``noise_type`` (with real voices:
``corpora``, ``held_out_noise`` and ``noise_types`` instead of ``noise_type``);
babble and real_validation ``corpora`` and ``noise_types``; every written split
``items``, each with ``split``, ``clean``, ``noisy``, ``utterances`` (file, speaker,
offset, samples), ``speakers``, ``noise`` (a range or a generator seed),
``snr_db``, ``level_dbfs`` and ``gain``.

The same seed gives the same bytes.  Each purpose (split, synthetic corpus)
draws from its own random stream, so changing ``--synthetic-minutes`` does
not change the validation or test mixtures.  The output is built in a
temporary folder beside OUT and renamed into place; the synthetic sentences of
a previous OUT are reused when their generation parameters match.
"""

import itertools
import json
import os
import shutil
import tempfile
import time
import zlib
from dataclasses import asdict
from pathlib import Path

import numpy as np

from lutdnn.core.arguments import at_least
from lutdnn.core.errors import CommandError
from lutdnn.model.data import corpora as added_corpora
from lutdnn.model.data import noise_synthesis, synthetic_speech
from lutdnn.model.data.data_split import (SAMPLE_RATE, SPLITS, DataError, load_noise, read_wav, split_speech, wav_files,
                                          write_wav)
from lutdnn.model.data.mixing import EVALUATION_SNRS_DB, GAP_S, LEVEL_DBFS, SEGMENT_SAMPLES, layouts, mix, render

MANIFEST = "manifest.json"
FORMAT, VERSION = "lutdnn-mixtures", 1
SYNTHETIC_GENERATOR_VERSION = 1
DEFAULT_SYNTHETIC_MINUTES = 30.0
DEFAULT_OOD_ITEMS = 60
OOD_NOISE_TYPE = "music"
BABBLE_NOISE_TYPE = "babble"
REAL_VALIDATION = "real_validation"
OOD_PIECE_SAMPLES = SEGMENT_SAMPLES - int(GAP_S[1] * SAMPLE_RATE)  # a piece plus its longest gap fills a segment
OOD_MIN_PIECE_SAMPLES = SAMPLE_RATE                          # shorter tails of long utterances are dropped


def purpose_rng(seed, purpose):
    """An independent random stream for one purpose (a split, a corpus) of one seed."""
    return np.random.default_rng([seed, zlib.crc32(purpose.encode())])


def load_manifest(out_dir):
    """The manifest of a mixture folder, checked for format and version."""
    path = Path(out_dir) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise DataError(f"{out_dir} is not a mixture folder (no {MANIFEST}); run lutdnn data") from None
    except (OSError, ValueError) as err:
        raise DataError(f"cannot read {path}: {err}") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise DataError(f"{path} is not a {FORMAT} manifest of version {VERSION}")
    return manifest


def read_items(out_dir, split):
    """``[(item, clean, noisy), ...]`` of a written split (validation, test, ood or babble)."""
    splits = load_manifest(out_dir)["splits"]
    if split not in splits:
        raise DataError(f"{out_dir} has no split {split!r} (it has {', '.join(splits)})")
    items = splits[split].get("items")
    if items is None:
        raise DataError(f"split {split!r} has no written mixtures (the training pool is mixed on the fly)")
    return [(item, read_wav(Path(out_dir) / item["clean"]), read_wav(Path(out_dir) / item["noisy"]))
            for item in items]


def _previous_manifest(out_dir):
    """The manifest of an earlier build at ``out_dir``, None if there is none; refuses foreign folders."""
    if not out_dir.exists():
        return None
    if not out_dir.is_dir():
        raise DataError(f"output {out_dir} exists and is not a folder")
    if not (out_dir / MANIFEST).exists():
        if any(out_dir.iterdir()):
            raise DataError(f"output {out_dir} is a non-empty folder without {MANIFEST}; "
                            "refusing to replace it")
        return None
    return load_manifest(out_dir)


def _synthetic_params(seed, synthetic_minutes, ood_items):
    return {
        "generator": SYNTHETIC_GENERATOR_VERSION,
        "espeak": synthetic_speech.espeak_version() if synthetic_minutes or ood_items else None,
        "seed": seed,
        "train_seconds": synthetic_minutes * 60,
        "ood_seconds": ood_items * SEGMENT_SAMPLES / SAMPLE_RATE,
        "train_voices": [v.name for group in synthetic_speech.TRAIN_VOICES.values() for v in group],
        "ood_voices": [v.name for group in synthetic_speech.OOD_VOICES.values() for v in group],
    }


def _link_or_copy(source, target):
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _synthetic_corpora(staging, previous, out_dir, params):
    """``(corpora, reused)``: ``{"train": entries, "ood": entries}``, rendered or taken from ``previous``."""
    corpora = {name: previous["splits"][name].get("synthetic") for name in ("train", "ood")} if previous else {}
    if previous is not None and previous["synthetic"]["params"] == params and None not in corpora.values():
        entries = list(itertools.chain(*corpora.values()))
        if all((out_dir / entry["file"]).is_file() for entry in entries):
            for entry in entries:
                _link_or_copy(out_dir / entry["file"], staging / entry["file"])
            return corpora, True
    voice_sets = {"train": synthetic_speech.TRAIN_VOICES, "ood": synthetic_speech.OOD_VOICES}
    if params["espeak"] is not None:
        synthetic_speech.check_voices(voice_sets.values())
    corpora = {}
    for name, voices in voice_sets.items():
        rng = purpose_rng(params["seed"], f"synthetic/{name}")
        corpora[name] = synthetic_speech.render_corpus(staging, f"synthetic/{name}", voices,
                                                       params[f"{name}_seconds"], rng)
    return corpora, False


def _recorded_noise_drawer(ranges, signals):
    """``draw(rng, layout) -> (excerpt, record)``: a random excerpt of a random file's range."""
    def draw(rng, _layout=None):
        cut = ranges[rng.integers(len(ranges))]
        start = int(rng.integers(cut.start, cut.stop - SEGMENT_SAMPLES + 1))
        record = {"file": cut.file, "start": start, "stop": start + SEGMENT_SAMPLES}
        return signals[cut.file][start:start + SEGMENT_SAMPLES], record
    return draw


def _generated_noise_drawer(noise_type, generator):
    """``draw(rng, layout) -> (noise, record)``: generated noise, reproducible from the recorded seed."""
    def draw(rng, _layout=None):
        seed = int(rng.integers(2**63))
        return generator(np.random.default_rng(seed), SEGMENT_SAMPLES), {"type": noise_type, "seed": seed}
    return draw


def _write_split(staging, name, segment_layouts, audio, speakers, draw_noise, rng):
    """Mix and write every layout of ``segment_layouts``; return the manifest items."""
    (staging / name).mkdir()
    items = []
    for number, layout in enumerate(segment_layouts):
        noise, noise_record = draw_noise(rng, layout)
        snr = float(EVALUATION_SNRS_DB[rng.integers(len(EVALUATION_SNRS_DB))])
        level = float(rng.uniform(*LEVEL_DBFS))
        try:
            mixture = mix(render(layout, audio), noise, snr, level)
        except DataError as err:
            raise DataError(f"{name} mixture {number}: {err} (noise {noise_record})") from None
        stem = f"{name}/{number:04d}"
        item = {"split": name, "clean": f"{stem}_clean.wav", "noisy": f"{stem}_noisy.wav"}
        write_wav(staging / item["clean"], mixture.clean)
        write_wav(staging / item["noisy"], mixture.noisy)
        item["utterances"] = [{"file": p.key, "speaker": speakers[p.key], "offset": p.offset,
                               "samples": p.samples} for p in layout]
        item["speakers"] = sorted({speakers[p.key] for p in layout})
        item.update(noise=noise_record, snr_db=snr, level_dbfs=level, gain=mixture.gain)
        items.append(item)
    return items


def noise_type(record):
    """The noise type of an item's noise record: the file's stem, or the generator's type."""
    return Path(record["file"]).stem if "file" in record else record["type"]


def _label(items, genders):
    """Add ``noise_type`` and ``gender`` (F, M, or ``mixed``) to each item; ``genders``: speaker -> gender."""
    for item in items:
        heard = {genders.get(s, "unknown") for s in item["speakers"]}
        item.update(noise_type=noise_type(item["noise"]), gender=heard.pop() if len(heard) == 1 else "mixed")
    return items


def _shuffled(keys, audio, rng):
    """``(key, samples)`` of every key, in a random order."""
    return [(keys[i], len(audio[keys[i]])) for i in rng.permutation(len(keys))]


def _recorded_noise_split(staging, seed, name, speech, speech_audio, noise, max_items):
    """Write split ``name``: its FSDD utterances, each once, over its noise ranges."""
    signals, ranges = noise
    rng = purpose_rng(seed, name)
    keys = [u.file for u in speech[name]]
    segments = itertools.islice(layouts(_shuffled(keys, speech_audio, rng), rng), max_items)
    speakers = {u.file: u.speaker for u in speech[name]}
    items = _write_split(staging, name, segments, speech_audio, speakers,
                         _recorded_noise_drawer(ranges[name], signals), rng)
    return _label(items, {u.speaker: added_corpora.FSDD_GENDER for u in speech[name]})


def _ood_split(staging, seed, corpus, items):
    """Write the ``ood`` split: held-out voices over the held-out noise type."""
    rng = purpose_rng(seed, "ood")
    audio = {e["file"]: read_wav(staging / e["file"]) for e in corpus}
    segments = itertools.islice(layouts(_shuffled(list(audio), audio, rng), rng), items)
    voices = {e["file"]: e["voice"] for e in corpus}
    items = _write_split(staging, "ood", segments, audio, voices,
                         _generated_noise_drawer(OOD_NOISE_TYPE, noise_synthesis.music), rng)
    return _label(items, {e["voice"]: added_corpora.GENDERS[e["gender"][0]] for e in corpus})


def _pieces(recordings, audio):
    """``({key: samples}, {key: recording})``: recordings cut into pieces that fit a segment."""
    pieces, owners = {}, {}
    for r in recordings:
        samples = audio[r.file]
        for start in range(0, len(samples), OOD_PIECE_SAMPLES):
            piece = samples[start:start + OOD_PIECE_SAMPLES]
            if start and len(piece) < OOD_MIN_PIECE_SAMPLES:
                break
            key = f"{r.corpus}/{r.file}@{start}"
            pieces[key], owners[key] = piece, r
    return pieces, owners


def _typed_noise_drawer(ranges, signals):
    """``draw(rng, layout)``: a noise type first (even odds), then an excerpt of one of its ranges."""
    by_type = {}
    for cut in ranges:
        by_type.setdefault(Path(cut.file).stem, []).append(cut)
    drawers = [_recorded_noise_drawer(by_type[name], signals) for name in sorted(by_type)]
    return lambda rng, _layout=None: drawers[rng.integers(len(drawers))](rng)


def _babble_drawer(pieces, speakers):
    """``draw(rng, layout)``: babble of 3-8 talkers of ``pieces``, none of them the layout's speaker.

    The record keeps the seed the babble was drawn with, as for generated noise.
    """
    by_speaker = {}
    for key in sorted(pieces):
        by_speaker.setdefault(speakers[key], []).append(key)

    def talker(rng, length, others):
        keys = by_speaker[others[rng.integers(len(others))]]
        return render(next(layouts(_shuffled(keys, pieces, rng), rng, length)), pieces, length)

    def draw(rng, layout):
        others = sorted(set(by_speaker) - {speakers[p.key] for p in layout})
        seed = int(rng.integers(2**63))
        noise = noise_synthesis.babble(np.random.default_rng(seed), SEGMENT_SAMPLES,
                                       lambda r, n: talker(r, n, others))
        return noise, {"type": BABBLE_NOISE_TYPE, "seed": seed}
    return draw


def _one_speaker_split(staging, seed, recordings, audio, draw_noise, items, name="ood"):
    """Write split ``name`` from real speakers: one speaker per segment, genders taken in turn.

    ``draw_noise(pieces, speakers)`` makes the split's noise drawer from the
    speech pieces and their speakers.
    """
    rng = purpose_rng(seed, name)
    pieces, owners = _pieces(recordings, audio)
    by_speaker = {}
    for key, owner in owners.items():
        by_speaker.setdefault((owner.corpus, owner.speaker), []).append(key)
    by_gender = {}
    for (corpus, speaker), keys in sorted(by_speaker.items()):
        for layout in layouts(_shuffled(keys, pieces, rng), rng):
            by_gender.setdefault(owners[keys[0]].gender, []).append(layout)
    queues = [[by_gender[g][i] for i in rng.permutation(len(by_gender[g]))] for g in sorted(by_gender)]
    turns = [layout for group in itertools.zip_longest(*queues) for layout in group if layout is not None]
    speakers = {key: f"{owner.corpus}/{owner.speaker}" for key, owner in owners.items()}
    written = _write_split(staging, name, turns[:items], pieces, speakers, draw_noise(pieces, speakers), rng)
    return _label(written, {f"{r.corpus}/{r.speaker}": r.gender for r in recordings})


def _real_validation_split(staging, seed, added, signals, noise_ranges, extra_ranges, max_items):
    """Write ``real_validation``: the added corpora's validation speakers over every validation noise range.

    The FSDD ``validation`` split stays what training validates on; this one
    lets a choice between models be made on real voices and every noise folder
    without looking at ``ood`` (no held-out noise, no test speaker).
    """
    recordings = [r for _, split in added.values() for r in split["validation"]]
    ranges = noise_ranges["validation"] + extra_ranges["validation"]
    return _one_speaker_split(staging, seed, recordings, _recording_audio(added, recordings),
                              lambda *_: _typed_noise_drawer(ranges, signals), max_items, REAL_VALIDATION)


def _recording_audio(added, recordings):
    """``{file: samples}`` of ``recordings`` of the ``added`` corpora."""
    return {r.file: read_wav(added[r.corpus][0] / r.file) for r in recordings}


def _replace(staging, out_dir):
    """Move the finished ``staging`` folder to ``out_dir``, replacing an earlier build."""
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    retired = staging.with_name(staging.name + ".old")
    out_dir.rename(retired)
    staging.rename(out_dir)
    shutil.rmtree(retired)


def _given_corpora(librispeech, prompts):
    """``{corpus: (folder, {split: [Recording, ...]})}`` of the speech corpora given."""
    given = {"librispeech": (librispeech, added_corpora.split_librispeech),
             "prompts": (prompts, added_corpora.split_prompts)}
    return {name: (Path(folder).resolve(), split(folder)) for name, (folder, split) in given.items()
            if folder is not None}


def _extra_noise(folders, min_length):
    """``(signals, {split: [NoiseRange]}, held_out)`` of the extra noise folders.

    Files are named ``<folder name>/<file>``; the held-out file has only an ``ood`` range.
    """
    signals = {}
    for folder in folders:
        for path in wav_files(folder, "extra noise"):
            name = f"{Path(folder).resolve().name}/{path.name}"
            if name in signals:
                raise DataError(f"extra noise {name} is given twice (two folders of that name?)")
            signals[name] = read_wav(path)
    held_out = added_corpora.held_out_noise({f: len(x) for f, x in signals.items()}) if signals else None
    ranges = {name: [] for name in (*SPLITS, "ood")}
    for name, samples in signals.items():
        for split, cut in added_corpora.extra_noise_cuts(name, len(samples), min_length, held_out).items():
            ranges[split].append(cut)
    return signals, ranges, held_out


def build(speech_dir, noise_dir, out_dir, seed=0, synthetic_minutes=DEFAULT_SYNTHETIC_MINUTES,
          ood_items=DEFAULT_OOD_ITEMS, max_items=None, log=lambda message: None,
          librispeech=None, prompts=None, extra_noise=()):
    """Build the mixture folder ``out_dir``; returns its manifest.

    ``max_items`` limits the written mixtures of every split (quick checks; ``ood`` and ``babble``
    hold at most ``ood_items``);
    ``log`` receives one line per stage.  With ``librispeech`` or ``prompts``
    (folders), ``ood`` holds their test speakers over the held-out noise and the
    test ranges of every noise file instead of synthetic voices over music,
    and ``real_validation`` their validation speakers over every validation
    range; validation and test stay FSDD over ``noise_dir`` whatever else is given.
    """
    speech_dir, noise_dir, out_dir = (Path(p).resolve() for p in (speech_dir, noise_dir, out_dir))
    previous = _previous_manifest(out_dir)
    added = _given_corpora(librispeech, prompts)
    extra_signals, extra_ranges, held_out = _extra_noise(extra_noise, SEGMENT_SAMPLES)
    speech = split_speech(speech_dir)
    speech_audio = {u.file: read_wav(speech_dir / u.file) for split in speech.values() for u in split}
    noise = load_noise(noise_dir, SEGMENT_SAMPLES)
    log(f"speech: {len(speech_audio)} files; noise: {len(noise[0])} files")
    params = _synthetic_params(seed, synthetic_minutes, ood_items)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        corpora, reused = _synthetic_corpora(staging, previous, out_dir, params)
        log(f"synthetic speech: {len(corpora['train'])} training and {len(corpora['ood'])} held-out "
            f"sentences ({'reused' if reused else 'rendered'})")
        items = {name: _recorded_noise_split(staging, seed, name, speech, speech_audio, noise, max_items)
                 for name in ("validation", "test")}
        ood_count = min(ood_items, max_items or ood_items)
        if added:
            recordings = [r for _, split in added.values() for r in split["test"]]
            audio = _recording_audio(added, recordings)
            signals = {**noise[0], **extra_signals}
            ranges = noise[1]["test"] + extra_ranges["test"] + extra_ranges["ood"]
            items["ood"] = _one_speaker_split(staging, seed, recordings, audio,
                                              lambda *_: _typed_noise_drawer(ranges, signals), ood_count)
            items["babble"] = _one_speaker_split(staging, seed, recordings, audio, _babble_drawer, ood_count, "babble")
            items[REAL_VALIDATION] = _real_validation_split(staging, seed, added, signals, noise[1], extra_ranges,
                                                            max_items)
        else:
            items["ood"] = _ood_split(staging, seed, corpora["ood"], ood_count)
        log(", ".join(f"{name}: {len(split)} mixtures" for name, split in items.items()))
        manifest = _manifest(seed, speech_dir, noise_dir, params, speech, noise[1], corpora, items)
        if added or extra_signals:
            _add_corpora_to_manifest(manifest, added, extra_noise, extra_ranges, held_out)
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
        _replace(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def _manifest(seed, speech_dir, noise_dir, params, speech, noise_ranges, corpora, items):
    splits = {
        name: {"speech": [asdict(u) for u in speech[name]], "noise": [asdict(r) for r in noise_ranges[name]]}
        for name in SPLITS
    }
    splits["train"]["synthetic"] = corpora["train"]
    splits["ood"] = {"synthetic": corpora["ood"], "noise_type": OOD_NOISE_TYPE}
    for name, split_items in items.items():
        splits.setdefault(name, {})["items"] = split_items
    return {"format": FORMAT, "version": VERSION, "seed": seed, "sample_rate": SAMPLE_RATE,
            "segment_samples": SEGMENT_SAMPLES,
            "sources": {"speech": str(speech_dir), "noise": str(noise_dir)},
            "synthetic": {"params": params}, "splits": splits}


def _add_corpora_to_manifest(manifest, added, extra_noise, extra_ranges, held_out):
    """Record the added corpora's splits, the extra noise ranges and what ``ood`` is made of."""
    manifest["sources"].update({name: str(folder) for name, (folder, _) in added.items()})
    manifest["sources"]["extra_noise"] = {Path(f).resolve().name: str(Path(f).resolve()) for f in extra_noise}
    for split in SPLITS:
        manifest["splits"][split]["corpora"] = {name: [asdict(r) for r in splits[split]]
                                                for name, (_, splits) in added.items()}
        manifest["splits"][split]["extra_noise"] = [asdict(r) for r in extra_ranges[split]]
    if added:
        ood = manifest["splits"]["ood"]
        ood.pop("noise_type")   # the synthetic sentences stay listed: a later build reuses them
        ood["corpora"] = {name: [asdict(r) for r in splits["test"]] for name, (_, splits) in added.items()}
        ood["held_out_noise"] = [asdict(r) for r in extra_ranges["ood"]]
        ood["noise_types"] = sorted({item["noise_type"] for item in ood["items"]})
        manifest["splits"]["babble"].update(corpora=ood["corpora"], noise_types=[BABBLE_NOISE_TYPE])
        real = manifest["splits"][REAL_VALIDATION]
        real["corpora"] = {name: [asdict(r) for r in splits["validation"]] for name, (_, splits) in added.items()}
        real["noise_types"] = sorted({item["noise_type"] for item in real["items"]})


def folder_bytes(folder):
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())


def register(subparsers):
    parser = subparsers.add_parser(
        "data", help="build train/validation/test/ood mixtures from speech and noise folders",
        description="Build the mixture folder every figure uses (split as in the data README; "
                    "see docs/data.md).")
    parser.add_argument("--speech", required=True, type=Path, metavar="DIR", help="FSDD recordings folder")
    parser.add_argument("--noise", required=True, type=Path, metavar="DIR", help="noise recordings folder")
    parser.add_argument("--librispeech", type=Path, metavar="DIR",
                        help="LibriSpeech folder (with SPEAKERS.tsv): split by speaker; its test speakers "
                             "make the ood split real")
    parser.add_argument("--prompts", type=Path, metavar="DIR",
                        help="voice prompts folder (one folder per voice): split by voice")
    parser.add_argument("--extra-noise", type=Path, nargs="+", default=[], metavar="DIR",
                        help="more noise folders, cut like --noise; their longest file is held out of "
                             "training (ood only)")
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="OUT",
                        help="mixture folder to write")
    parser.add_argument("--seed", type=at_least(int, 0), default=0, help="random seed (default 0)")
    parser.add_argument("--synthetic-minutes", type=at_least(float, 0), default=DEFAULT_SYNTHETIC_MINUTES,
                        metavar="X", help="minutes of espeak-ng training speech (default %(default)s)")
    parser.add_argument("--ood-items", type=at_least(int, 0), default=DEFAULT_OOD_ITEMS, metavar="N",
                        help="mixtures in the out-of-domain split (default %(default)s)")
    parser.add_argument("--max-items", type=at_least(int, 1), default=None, metavar="N",
                        help="at most N mixtures per written split (quick checks; default: all)")
    parser.set_defaults(func=_command)


def _command(args):
    started = time.perf_counter()
    try:
        build(args.speech, args.noise, args.output, seed=args.seed, synthetic_minutes=args.synthetic_minutes,
              ood_items=args.ood_items, max_items=args.max_items, log=print,
              librispeech=args.librispeech, prompts=args.prompts, extra_noise=args.extra_noise)
    except DataError as err:
        raise CommandError(str(err)) from None
    print(f"wrote {args.output} ({folder_bytes(args.output) / 1e6:.1f} MB) "
          f"in {time.perf_counter() - started:.1f} s")
    return 0
