"""The one exception type commands raise for a user's mistake (bad file, bad option)."""


class CommandError(Exception):
    """A user-facing failure: printed as ``lutdnn: error: ...`` with exit status 2."""
