"""Argument types shared by the commands: argparse refuses a bad value with exit status 2."""


def at_least(kind, low):
    """An argparse type: ``kind`` no smaller than ``low``, and finite."""
    def parse(text):
        value = kind(text)
        if not low <= value < float("inf"):   # NaN fails both comparisons
            raise ValueError(text)
        return value
    parse.__name__ = f"{kind.__name__} >= {low}"
    return parse
