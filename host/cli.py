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

COMMAND_MODULES = [
    "lutdnn.model.data.mixtures",
    "lutdnn.model.train_cli",
    "lutdnn.model.quantize.cli",
    "lutdnn.host.evaluate",
    "lutdnn.host.enhance",
    "lutdnn.host.demo",
    "lutdnn.host.live",
    "lutdnn.hw.flow.cli",
]


def build_parser():
    parser = argparse.ArgumentParser(prog="lutdnn", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"lutdnn {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv=None):
    parser = build_parser()
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
