"""Optional parts of the install: which pip extra brings which library.

The runtime (enhance with the float/sim/board backends) needs only numpy,
scipy, soundfile and sounddevice; a command that needs more imports it
through :func:`require`, so a board without torch gets the command to run
instead of a traceback.  setup.py's ``extras_require`` lists the same names.
"""

import importlib

from lutdnn.core.errors import CommandError

# import name -> the extra of setup.py that installs it
EXTRA_OF = {"torch": "train", "tqdm": "train", "myhdl": "hw", "pystoi": "eval", "matplotlib": "eval"}


def require(what, *modules):
    """Import ``modules`` (names in :data:`EXTRA_OF`) or raise a CommandError naming the extra to install."""
    loaded = []
    for name in modules:
        try:
            loaded.append(importlib.import_module(name))
        except ImportError as err:
            extra = EXTRA_OF[name]
            raise CommandError(f"{what} needs {name}, which is not installed: "
                               f"pip install 'pynq-lutdnn[{extra}]'") from err
    return loaded
