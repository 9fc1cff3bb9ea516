"""Bit-exact integer reference of the accelerator (docs/arithmetic.md).

This is the one definition of the arithmetic: the ``sim`` backend runs it and
the hardware tests compare the RTL against it word for word.
"""
