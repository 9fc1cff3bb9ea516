"""The ``board`` backend off the board: pynq is imported only by it, and its absence is a clear error
(tests/test_virtual_board.py runs the backend itself, in the board environment)."""

import importlib.util
import sys

import pytest

from lutdnn.core.errors import CommandError
from lutdnn.host.backends import open_backend


@pytest.mark.skipif(importlib.util.find_spec("pynq") is not None, reason="pynq is installed here")
def test_without_pynq_the_board_backend_says_so():
    with pytest.raises(CommandError, match=r"the board backend needs pynq .*No module named 'pynq'"):
        open_backend("board", overlay="lutdnn.bit")


def test_the_other_backends_do_not_import_pynq():
    open_backend("sim").process
    assert "pynq" not in sys.modules
