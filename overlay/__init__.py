"""PYNQ overlay: the Overlay class and the IP driver for the lutdnn accelerator."""
