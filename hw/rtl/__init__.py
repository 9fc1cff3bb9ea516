"""MyHDL blocks of the accelerator, one per module; each converts to Verilog."""
