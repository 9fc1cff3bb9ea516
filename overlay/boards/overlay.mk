# The overlay build shared by every overlay/boards/<BOARD>/makefile (which sets BOARD and includes this),
# in PYNQ-HelloWorld's steps: package the IP, block design, bitstream.  docs/board.md tells the story.
#
#   make            Verilog + Tcl into $(BUILD), then Vivado (pinned in lutdnn/overlay/board_designs.py):
#                   lutdnn.bit + lutdnn.hwh here
#   make inputs     only the Verilog and the generated Tcl (no Vivado needed)
#   make install    copy lutdnn.bit/.hwh into the lutdnn.overlay package (pynq finds "lutdnn.bit" by name)
#   make clean      remove $(BUILD)

PYTHON ?= python3
BUILD ?= build
OVERLAY := lutdnn
VIVADO := vivado -mode batch -notrace -nojournal -source

.PHONY: all inputs vivado install clean

all: inputs vivado
	cp $(BUILD)/$(OVERLAY).bit $(BUILD)/$(OVERLAY).hwh .
	@echo "built $(OVERLAY).bit and $(OVERLAY).hwh for $(BOARD)"

inputs:
	$(PYTHON) -m lutdnn.host.cli hw verilog -o $(BUILD)/hdl
	$(PYTHON) -m lutdnn.overlay.build_inputs $(BOARD) $(BUILD)

vivado: inputs
	@command -v vivado >/dev/null 2>&1 || { \
	  echo "overlay: vivado is not on PATH: the inputs are written in $(BUILD) (hdl/, *.tcl);" >&2; \
	  echo "overlay: source the pinned Vivado's settings64.sh and run make again (docs/board.md)" >&2; \
	  exit 1; }
	cd $(BUILD) && $(VIVADO) package_ip.tcl
	cd $(BUILD) && $(VIVADO) block_design.tcl
	cd $(BUILD) && $(VIVADO) build_bitstream.tcl

install: $(OVERLAY).bit $(OVERLAY).hwh
	cp $(OVERLAY).bit $(OVERLAY).hwh ../..

clean:
	rm -rf $(BUILD)
