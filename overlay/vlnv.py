"""The accelerator IP's Vivado VLNV: the overlay build packages it under this name and the driver binds to it."""

VLNV = "lutdnn.org:lutdnn:lutdnn_accelerator:1.0"
