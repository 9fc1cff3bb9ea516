"""The accelerator's AXI4-Lite register map, described once as data.

The MyHDL decoder (lutdnn.hw.rtl.axi_lite), the driver (lutdnn.accelerator)
and docs/register_map.md (checked by tests/test_register_map.py, printed by
``python -m lutdnn.accelerator.registers``) all derive from
:data:`REGISTERS`.  Pure Python: the board imports it without MyHDL.
"""

from dataclasses import dataclass

ADDR_BITS = 13
DATA_BITS = 32
ID_VALUE = 0x4C555444          # "LUTD"
REGISTER_MAP_VERSION = 1
TABLE_STRIDE = 256             # entries reserved per layer in the LUT and bias tables


@dataclass(frozen=True)
class Field:
    """Bits ``lsb .. lsb + width - 1`` of a register."""
    name: str
    lsb: int
    width: int
    doc: str

    @property
    def msb(self):
        return self.lsb + self.width - 1

    @property
    def mask(self):
        return ((1 << self.width) - 1) << self.lsb

    def describe(self):
        bits = str(self.lsb) if self.width == 1 else f"{self.msb}:{self.lsb}"
        return f"{bits} {self.name}: {self.doc}" if self.name else f"{bits} {self.doc}"


@dataclass(frozen=True)
class Register:
    """A register (or, with ``address_doc``, a table of ``2 * TABLE_STRIDE`` word entries)."""
    name: str
    address: int
    access: str
    fields: tuple
    doc: str = ""
    address_doc: str = ""

    def field(self, name):
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(f"{self.name} has no field {name}")

    def describe(self):
        return "; ".join(filter(None, [self.doc] + [f.describe() for f in self.fields]))


STATUS_CAUSE_LSB = 4
REGISTERS = (
    Register("ID", 0x000, "R", (), doc='`0x4C555444` ("LUTD")'),
    Register("VERSION", 0x004, "R", (), doc="register map version, 1"),
    Register("CONTROL", 0x008, "W (self-clearing)", (
        Field("SOFT_RESET", 0, 1, "abort the frame, reset the datapath, empty the context, clear ERROR, "
                                  "zero FRAMES/CYCLES"),
        Field("CLEAR_CONTEXT", 1, 1, "the next frame starts a recording (context of zeros)"),
        Field("CLEAR_ERROR", 2, 1, "clear the error causes"))),
    Register("STATUS", 0x00C, "R", (
        Field("ERROR", 0, 1, "any cause below"),
        Field("IDLE", 1, 1, "waiting for a spectrum packet"),
        Field("EARLY_TLAST", STATUS_CAUSE_LSB, 1, "TLAST before the last beat of a packet"),
        Field("MISSING_TLAST", STATUS_CAUSE_LSB + 1, 1, "no TLAST on the last beat of a packet"),
        Field("BAD_LUT_SHIFT", STATUS_CAUSE_LSB + 2, 1, "a LUT entry written with shift K > 8 (ignored)"),
        Field("BAD_LUT_VALUE", STATUS_CAUSE_LSB + 3, 1, "shift build only: a LUT value neither 0 nor ±2**a "
                                                         "was written and ignored; always 0 in the multiplier build")),
             doc="causes are sticky until CLEAR_ERROR / SOFT_RESET"),
    Register("CYCLES", 0x010, "R", (), doc="clock cycles of the last completed frame, from the cycle its first "
             "spectrum beat was accepted to the cycle its last output beat was taken (inclusive)"),
    Register("FRAMES", 0x014, "R", (), doc="frames completed since reset (wraps at 2**32)"),
    Register("HW_PARAMS", 0x018, "R", (
        Field("LANES", 0, 16, "lanes P"),
        Field("MAX_CODE_BITS", 16, 4, "max code bits of this build"),
        Field("SHIFT_LANES", 20, 1, "the MAC lanes shift instead of multiplying (`--shift-lanes`), so every "
                                    "LUT value must be 0 or ±2**a"))),
    Register("CODE_BITS_1", 0x020, "RW", (
        Field("", 0, 4, "code width M of layer 1 (2, 3, 4, or 8 when built for it; any other value decodes "
                        "every code as 0)"),)),
    Register("CODE_BITS_2", 0x024, "RW", (Field("", 0, 4, "code width M of layer 2"),)),
    Register("FRAC_IN", 0x028, "RW", (Field("", 0, 5, "`F_1`, fraction bits of layer 1's input words "
                                                      "(docs/arithmetic.md section 3)"),)),
    Register("FRAC_HIDDEN", 0x02C, "RW", (Field("", 0, 5, "`F_2`, of layer 1's outputs = layer 2's inputs"),)),
    Register("FRAC_OUT", 0x030, "RW", (Field("", 0, 5, "`F_3`, of layer 2's outputs"),)),
    Register("OUTPUT_MODE", 0x034, "RW", (Field("", 0, 1, "0: mask (`OUTPUT_MASK`), 1: magnitude "
                                                          "(`OUTPUT_MAGNITUDE`)"),)),
    Register("MASK_FLOOR", 0x038, "RW", (Field("", 0, 16, "`mask_floor` (u16, `F_3` fraction bits)"),)),
    Register("LUT", 0x800, "W", (
        Field("VALUE", 0, 8, "s8"),
        Field("SHIFT", 8, 4, "K (0..8)")),
             address_doc="0x800 + 4·(256·l + c)",
             doc="layer `l` (0, 1), code `c`. K > 8 is refused (BAD_LUT_SHIFT); in a shift build a value other "
                 "than 0 or ±2**a is refused (BAD_LUT_VALUE, the entry keeps its old value); codes beyond the "
                 "build's table (c >= 2**max code bits) are ignored"),
    Register("BIAS", 0x1000, "W", (Field("VALUE", 0, 8, "bias (s8, Q0.7)"),),
             address_doc="0x1000 + 4·(256·l + i)", doc="layer `l`, output `i`"),
)
BY_NAME = {register.name: register for register in REGISTERS}


def address(name):
    return BY_NAME[name].address


def field(register, name=""):
    return BY_NAME[register].field(name)


def bit(register, name):
    """The single-bit field ``register.name`` as a mask."""
    return field(register, name).mask


def table_address(name, layer, index):
    """Byte address of entry ``index`` of ``layer`` in the LUT or BIAS table."""
    return BY_NAME[name].address + 4 * (TABLE_STRIDE * layer + index)


def markdown_table():
    """The register table of docs/register_map.md."""
    rows = ["| address | name | access | bits |", "| --- | --- | --- | --- |"]
    for register in REGISTERS:
        where = register.address_doc or f"0x{register.address:03X}"
        name = f"{register.name}[l][{'c' if register.name == 'LUT' else 'i'}]" if register.address_doc \
            else register.name
        rows.append(f"| {where} | {name} | {register.access} | {register.describe()} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
