# The two commands of the README: `make demo` (set up, then run the demo) and `make test`.
PYTHON ?= python3

BOARD_PYTHON ?= .venv-board/bin/python

.PHONY: setup demo test test-board verilog report

setup:
	PYTHON=$(PYTHON) bash scripts/setup.sh

demo: setup
	$(PYTHON) -m lutdnn.host.cli demo -o out/demo

test: test-board
	$(PYTHON) -m pytest -q tests

# the virtual PYNQ board, in the board environment (Python 3.10, numpy 1.x, pynq: scripts/board_venv.sh);
# tests/conftest.py needs torch, which that environment (like a board) does not have
test-board:
	test -x $(BOARD_PYTHON) || bash scripts/board_venv.sh
	$(BOARD_PYTHON) -m pytest -q -rs --noconftest -p no:cacheprovider tests/test_virtual_board.py

verilog:
	$(PYTHON) -m lutdnn.host.cli hw verilog -o out/verilog

report:
	$(PYTHON) -m lutdnn.host.cli hw report
