"""Enhancing recordings: ``lutdnn enhance IN -o OUT``.

IN is a wav file or a folder of them (OUT is then a folder).  Each recording
is read at any rate/format (host.audio), fed through the streaming engine
(host.stream, the same path as ``lutdnn live``) and written back at the
input's rate and length, block by block: memory does not grow with the
recording's length.  In folder mode a bad file is
reported and the others are still done; the exit status is 1 if any failed.
What a folder run skips (subfolders, other files) is said, outputs that would
overwrite an input or replace something that is not a regular file are
refused, and results are written whole or not at all (host.atomic_write).
"""

import errno
import os
import sys
from pathlib import Path

from lutdnn.core.atomic_write import is_temporary, remove_stale
from lutdnn.core.audio import (OUTPUT_FORMATS, AudioError, audio_writer, file_rate_blocks, output_format,
                               stream_recording)
from lutdnn.core.errors import CommandError
from lutdnn.host.backends import BACKENDS, open_backend
from lutdnn.host.stream import enhance_blocks

# the option each backend reads its network from; the other one is refused rather than ignored
NETWORK_OPTIONS = {"model": ("float",), "image": ("sim", "cosim", "board")}


def check_backend_options(args):
    for option, users in NETWORK_OPTIONS.items():
        if getattr(args, option) is not None and args.backend not in users:
            raise CommandError(f"--{option} is not used by the {args.backend} backend "
                               f"(it is for {', '.join(u for u in users if u in BACKENDS)})")


def backend_from_args(args):
    check_backend_options(args)
    try:
        return open_backend(args.backend, model=args.model, image=args.image, overlay=args.overlay)
    except (FileNotFoundError, ValueError) as err:
        raise CommandError(str(err)) from err


SHOWN_NAMES = 5   # skipped entries named in a folder run's report


def check_input(path):
    """Refuse a missing input, a dangling symbolic link or a link loop, naming which."""
    try:
        os.stat(path)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise AudioError(f"{path}: symbolic link loop") from None
        if path.is_symlink():
            raise AudioError(f"{path}: dangling symbolic link (to {os.readlink(path)}, "
                             f"which does not exist)") from None
        if err.errno == errno.ENOENT:
            raise AudioError(f"input not found: {path}") from None
        raise AudioError(f"{path}: cannot read ({err.strerror})") from None


def check_output(dst, src):
    """Refuse an output that would overwrite the input, replace a non-file, or cannot be created."""
    output_format(dst)
    if dst.exists():
        if dst.samefile(src):
            raise AudioError(f"{dst}: is the input; choose another output name")
        if dst.is_dir():
            raise AudioError(f"{dst}: is a folder, the output must be a file name")
        if not dst.is_file():
            raise AudioError(f"{dst}: is not a regular file (a FIFO or device); refusing to replace it")
        return
    folder = dst.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise AudioError(f"{dst}: cannot be created: {folder} is a file, not a folder")


def enhance_file(src, dst, backend):
    check_input(src)
    check_output(dst, src)
    with stream_recording(src) as (rec, blocks):
        for warning in rec.warnings:
            print(f"lutdnn: warning: {warning}", file=sys.stderr)
        if rec.channels > 1:
            print(f"{src}: {rec.channels} channels downmixed to mono", file=sys.stderr)
        with audio_writer(dst, rec.rate, rec.subtype) as out:
            for block in file_rate_blocks(enhance_blocks(blocks, backend), rec):
                out.write(block)
    if out.clipped:
        print(f"lutdnn: warning: {dst}: {out.clipped} of {out.written} samples "
              f"({100 * out.clipped / out.written:.1f} %) exceeded full scale and were clipped "
              f"(the input is too loud)", file=sys.stderr)


def folder_inputs(src):
    """The recordings of folder ``src`` to enhance, and a sentence on what is skipped (or None)."""
    files, skipped = [], {"subfolder": [], "non-wav file": [], "temporary file": []}
    for entry in sorted(src.iterdir()):
        if is_temporary(entry):
            skipped["temporary file"].append(entry.name)
        elif entry.is_dir():
            skipped["subfolder"].append(entry.name)
        elif entry.suffix.lower() != ".wav":
            skipped["non-wav file"].append(entry.name)
        else:
            files.append(entry)   # dangling links and loops too: each is reported when it is read
    parts = [f"{len(names)} {kind}{'s' if len(names) > 1 else ''} "
             f"({', '.join(names[:SHOWN_NAMES])}{', ...' if len(names) > SHOWN_NAMES else ''})"
             for kind, names in skipped.items() if names]
    return files, (f"skipped in {src}: {'; '.join(parts)}" if parts else None)


def enhance_one(src, dst, backend):
    if dst.is_dir():
        dst = dst / src.name
    try:
        enhance_file(src, dst, backend)
    except AudioError as err:
        raise CommandError(str(err)) from err
    print(f"wrote {dst}")
    return 0


def enhance_folder(src, dst, backend):
    files, skipped = folder_inputs(src)
    if skipped:
        print(f"lutdnn: {skipped}", file=sys.stderr)
    if not files:
        raise CommandError(f"no .wav files in {src}")
    for stale in remove_stale(dst, OUTPUT_FORMATS):
        print(f"lutdnn: removed {stale}, left by an interrupted run", file=sys.stderr)
    failed = 0
    for f in files:
        try:
            enhance_file(f, dst / f.name, backend)
        except AudioError as err:
            failed += 1
            print(f"lutdnn: error: {err}", file=sys.stderr)
    print(f"enhanced {len(files) - failed} of {len(files)} files into {dst}")
    return 1 if failed else 0


def run(args):
    src, dst = Path(args.input), Path(args.output)
    try:
        check_input(src)
    except AudioError as err:
        raise CommandError(str(err)) from err
    if src.is_dir():
        if dst.exists() and not dst.is_dir():
            raise CommandError(f"{dst} exists and is not a folder (input is a folder)")
        if dst.exists() and dst.samefile(src):
            raise CommandError(f"{dst}: is the input folder; its recordings would be overwritten")
        return enhance_folder(src, dst, backend_from_args(args))
    if not src.is_file():
        raise CommandError(f"{src}: is not a regular file or a folder")
    try:
        check_output(dst / src.name if dst.is_dir() else dst, src)
    except AudioError as err:
        raise CommandError(str(err)) from err
    return enhance_one(src, dst, backend_from_args(args))


def register(sub):
    p = sub.add_parser("enhance", help="enhance a wav file or a folder of wav files")
    p.add_argument("input", help="wav file or folder of wav files")
    p.add_argument("-o", "--output", required=True,
                   help="output .wav, .flac or .ogg (or folder when IN is a folder)")
    add_backend_options(p)
    p.set_defaults(func=run)


def add_backend_options(p):
    """--backend and what each backend reads its network from (enhance, demo, live)."""
    p.add_argument("--backend", default="float", choices=sorted(BACKENDS), help="where the DNN runs")
    p.add_argument("--model", help="float model (.npz), float backend only; default: the shipped model")
    p.add_argument("--image", help="weight image for the sim/cosim/board backends; default: the shipped 4-bit image")
    p.add_argument("--overlay", help="board backend: the overlay's .bit (its .hwh beside it); "
                   "default: the one installed with the package")
