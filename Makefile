# The two commands of the README: `make demo` (set up, then run the demo) and `make test`.
PYTHON ?= python3

.PHONY: setup demo test verilog report

setup:
	PYTHON=$(PYTHON) bash scripts/setup.sh

demo: setup
	$(PYTHON) -m lutdnn.host.cli demo -o out/demo

test:
	$(PYTHON) -m pytest -q tests

verilog:
	$(PYTHON) -m lutdnn.host.cli hw verilog -o out/verilog

report:
	$(PYTHON) -m lutdnn.host.cli hw report
