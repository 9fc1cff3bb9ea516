"""The accelerator's registers as the IP package lists them (so pynq's ``register_map`` works).

One function, :func:`register_list`, derived from the register table
(lutdnn.accelerator.registers, docs/register_map.md): name, byte offset, access, description.  The
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


# the register table's access words in Vivado's
VIVADO_ACCESS = {"R": "read-only", "W": "write-only", "W (self-clearing)": "write-only", "RW": "read-write"}


def register_list():
    """The registers of the AXI4-Lite slave, in address order, from the one register table."""
    from lutdnn.accelerator.registers import REGISTERS
    return [IpRegister(r.name, r.address, VIVADO_ACCESS[r.access], r.describe().replace("`", ""))
            for r in sorted(REGISTERS, key=lambda r: r.address)]


def address_block_bytes():
    """The AXI4-Lite slave's address space: 2**ADDR_BITS bytes."""
    from lutdnn.hw.rtl.axi_lite import ADDR_BITS
    return 1 << ADDR_BITS
