"""The accelerator's registers as the IP package lists them (so pynq's ``register_map`` works).

One function, :func:`register_list`, derived from hw.axi_lite's constants
(docs/register_map.md): name, byte offset, access, description.  The
LUT and bias tables are write-only windows, listed as one register each
(their first entry) so the address block's extent is documented without
768 entries.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class IpRegister:
    name: str
    offset: int
    access: str         # Vivado's words: "read-only", "write-only", "read-write"
    description: str


def register_list():
    """The registers of the AXI4-Lite slave, in address order."""
    from lutdnn.hw import axi_lite as r
    read, write, both = "read-only", "write-only", "read-write"
    return [
        IpRegister("ID", r.REG_ID, read, "0x4C555444 (LUTD)"),
        IpRegister("VERSION", r.REG_VERSION, read, "register map version"),
        IpRegister("CONTROL", r.REG_CONTROL, write, "0 SOFT_RESET, 1 CLEAR_CONTEXT, 2 CLEAR_ERROR (self-clearing)"),
        IpRegister("STATUS", r.REG_STATUS, read, "0 ERROR, 1 IDLE, 4..7 error causes"),
        IpRegister("CYCLES", r.REG_CYCLES, read, "clock cycles of the last frame"),
        IpRegister("FRAMES", r.REG_FRAMES, read, "frames completed since reset"),
        IpRegister("HW_PARAMS", r.REG_HW_PARAMS, read, "15:0 lanes, 19:16 max code bits, 20 shift lanes"),
        IpRegister("CODE_BITS_1", r.REG_CODE_BITS_1, both, "code width of layer 1"),
        IpRegister("CODE_BITS_2", r.REG_CODE_BITS_2, both, "code width of layer 2"),
        IpRegister("FRAC_IN", r.REG_FRAC_IN, both, "fraction bits of layer 1's input"),
        IpRegister("FRAC_HIDDEN", r.REG_FRAC_HIDDEN, both, "fraction bits of the hidden layer"),
        IpRegister("FRAC_OUT", r.REG_FRAC_OUT, both, "fraction bits of layer 2's output"),
        IpRegister("OUTPUT_MODE", r.REG_OUTPUT_MODE, both, "0 mask, 1 magnitude"),
        IpRegister("MASK_FLOOR", r.REG_MASK_FLOOR, both, "mask floor, u16"),
        IpRegister("LUT", r.LUT_BASE, write, "LUT window: + 4 * (256 * layer + code)"),
        IpRegister("BIAS", r.BIAS_BASE, write, "bias window: + 4 * (256 * layer + output)"),
    ]


def address_block_bytes():
    """The AXI4-Lite slave's address space: 2**ADDR_BITS bytes."""
    from lutdnn.hw.axi_lite import ADDR_BITS
    return 1 << ADDR_BITS
