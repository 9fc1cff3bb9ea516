"""The host<->accelerator protocol, shared by every transport (Verilator model, PYNQ board).

``registers``: the register map as data; ``protocol``: image checks, register
writes, stream packets (pure numpy); ``transport``: what a transport provides;
``driver``: the load-and-run sequence over any transport (docs/driver.md).
"""
