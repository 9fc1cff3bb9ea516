"""Enhancing recordings: ``lutdnn enhance IN -o OUT``.

IN is a wav file or a folder of them (OUT is then a folder).  Each recording
is read at any rate/format (host.audio), fed through the streaming engine
(host.stream, the same path as ``lutdnn live``) and written back at the
input's rate and length.  In folder mode a bad file is
reported and the others are still done; the exit status is 1 if any failed.
"""

import sys
from pathlib import Path

from .audio import AudioError, read_recording, to_file_rate, write_wav
from .backends import BACKENDS, open_backend
from .errors import CommandError
from .stream import enhance_signal


def backend_from_args(args):
    try:
        return open_backend(args.backend, model=args.model, image=args.image)
    except (FileNotFoundError, ValueError) as err:
        raise CommandError(str(err)) from err


def enhance_file(src, dst, backend):
    rec = read_recording(src)
    if rec.channels > 1:
        print(f"{src}: {rec.channels} channels downmixed to mono", file=sys.stderr)
    y = to_file_rate(enhance_signal(rec.signal, backend), rec)
    subtype = rec.subtype if rec.subtype in ("PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE") else "PCM_16"
    write_wav(dst, y, rec.rate, subtype)


def run(args):
    src, dst = Path(args.input), Path(args.output)
    if not src.exists():
        raise CommandError(f"input not found: {src}")
    backend = backend_from_args(args)
    if src.is_file():
        if dst.is_dir():
            dst = dst / src.name
        try:
            enhance_file(src, dst, backend)
        except AudioError as err:
            raise CommandError(str(err)) from err
        print(f"wrote {dst}")
        return 0
    files = sorted(p for p in src.iterdir() if p.suffix.lower() == ".wav")
    if not files:
        raise CommandError(f"no .wav files in {src}")
    if dst.exists() and not dst.is_dir():
        raise CommandError(f"{dst} exists and is not a folder (input is a folder)")
    failed = 0
    for f in files:
        try:
            enhance_file(f, dst / f.name, backend)
        except AudioError as err:
            failed += 1
            print(f"lutdnn: error: {err}", file=sys.stderr)
    print(f"enhanced {len(files) - failed} of {len(files)} files into {dst}")
    return 1 if failed else 0


def register(sub):
    p = sub.add_parser("enhance", help="enhance a wav file or a folder of wav files")
    p.add_argument("input", help="wav file or folder of wav files")
    p.add_argument("-o", "--output", required=True, help="output wav (or folder when IN is a folder)")
    p.add_argument("--model", help="float model (.pt); default: the shipped model")
    p.add_argument("--image", help="weight image for the sim/cosim backends; default: the shipped 4-bit image")
    p.add_argument("--backend", default="float", choices=sorted(BACKENDS), help="where the DNN runs")
    p.set_defaults(func=run)
