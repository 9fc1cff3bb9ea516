"""The register table (lutdnn.accelerator.registers) is the one description of the
register map: docs/register_map.md shows it, and the generated RTL decodes every entry of it."""

from pathlib import Path

import pytest
from hw_bench import random_image
from hw_testing import needs_tools

from lutdnn.accelerator import protocol
from lutdnn.accelerator import registers as regs
from lutdnn.accelerator.driver import Driver
from lutdnn.accelerator.transport import AcceleratorError

DOC = Path(__file__).resolve().parents[1] / "docs" / "register_map.md"


def test_the_documented_table_is_the_register_table():
    assert regs.markdown_table() in DOC.read_text()


def test_fields_do_not_overlap_and_fit_the_word():
    for register in regs.REGISTERS:
        used = 0
        for field in register.fields:
            assert field.msb < regs.DATA_BITS and not used & field.mask, (register.name, field.name)
            used |= field.mask


@pytest.fixture(scope="module")
def model():
    from lutdnn.hw.flow.verilator_model import VerilatorModel
    return VerilatorModel()


@needs_tools("verilator", "make", "g++")
def test_the_rtl_decodes_every_register_of_the_table(model):
    assert model.read(regs.address("ID")) == regs.ID_VALUE
    assert model.read(regs.address("VERSION")) == regs.REGISTER_MAP_VERSION
    assert protocol.Build.from_hw_params(model.read(regs.address("HW_PARAMS"))) == protocol.Build(16, 4, False)
    for register in regs.REGISTERS:
        if register.access == "RW":
            mask = sum(field.mask for field in register.fields)
            model.write(register.address, 0xFFFFFFFF)
            assert model.read(register.address) == mask, register.name
            model.write(register.address, 0)
            assert model.read(register.address) == 0, register.name


@needs_tools("verilator", "make", "g++")
def test_the_model_refuses_use_before_load_and_after_close():
    from lutdnn.hw.flow.verilator_model import VerilatorModel
    model = VerilatorModel()
    image = random_image(1)
    with pytest.raises(AcceleratorError, match=r"no weight image loaded: call load\(image\)"):
        Driver(model).run_frame([0] * 129, [0] * 129)
    with pytest.raises(AcceleratorError, match="an image other than the loaded one"):
        model.run_frames(image, [[0] * 129], [[0] * 129])
    model.close()
    with pytest.raises(AcceleratorError, match="the Verilator model was closed"):
        model.read(regs.address("ID"))
    with pytest.raises(AcceleratorError, match="the Verilator model was closed"):
        model.load(image)
