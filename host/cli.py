"""The ``lutdnn`` command line.

Each subcommand lives in the module that owns its concept and exposes
``register(subparsers)``, which adds its parser and sets ``func`` to a callable
taking the parsed arguments and returning an exit status.
"""

import argparse
import importlib
import sys

from lutdnn import __version__
from lutdnn.core.atomic_write import Terminated, terminate_cleanly
from lutdnn.core.errors import CommandError

# the module of each command, so that running one imports only its own: the others pull in
# scipy.signal and torch, 100 MB and more that `lutdnn enhance` on a 512 MB board cannot spare
# (tests/test_enhance_stream.py checks this table against what the modules register)
COMMAND_MODULE = {"data": "lutdnn.model.data.mixtures", "train": "lutdnn.model.train_cli",
                  "quantize": "lutdnn.model.quantize.cli", "eval": "lutdnn.host.evaluate",
                  "enhance": "lutdnn.host.enhance", "demo": "lutdnn.host.demo", "live": "lutdnn.host.live",
                  "hw": "lutdnn.hw.flow.cli"}
COMMAND_MODULES = list(dict.fromkeys(COMMAND_MODULE.values()))   # in the order `lutdnn --help` lists them


def build_parser(argv=()):
    """The parser of every command; of only one when ``argv`` starts with a command's name."""
    parser = argparse.ArgumentParser(prog="lutdnn", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"lutdnn {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    command = argv[0] if argv else None
    for name in [COMMAND_MODULE[command]] if command in COMMAND_MODULE else COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    terminate_cleanly()
    try:
        return args.func(args) or 0
    except CommandError as err:
        print(f"lutdnn: error: {err}", file=sys.stderr)
        return 2
    except OSError as err:   # a file the system refused (permissions, full disk, not a folder)
        if err.filename is None:
            raise
        print(f"lutdnn: error: {err.filename}: {err.strerror}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as err:   # Ctrl-C, or SIGTERM as Terminated: temporaries are gone by now
        print("lutdnn: interrupted", file=sys.stderr)
        return 143 if isinstance(err, Terminated) else 130


if __name__ == "__main__":
    sys.exit(main())
