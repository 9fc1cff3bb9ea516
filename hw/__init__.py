"""MyHDL hardware: LUT-decode MAC engine, CORDIC and AXI interfaces, converted to Verilog."""
