"""docs/hardware.md's block diagram is the one read from the elaborated top level."""

from pathlib import Path

import pytest

from lutdnn.hw.flow.block_diagram import connections, documented, elaborated_top, markdown

DOC = Path(__file__).resolve().parent.parent / "docs" / "hardware.md"


@pytest.fixture(scope="module")
def edges():
    return connections(*elaborated_top())


def test_the_documented_diagram_is_the_designs(edges):
    assert documented(DOC.read_text()) == markdown(edges), \
        "docs/hardware.md's block diagram is stale: python3 -m lutdnn.hw.flow.block_diagram prints the new one"


def test_the_diagram_follows_the_interfaces_between_blocks(edges):
    assert edges[("controller", "lanes_inst", "command (MacCommand)")] == {"valid", "first", "last", "layer",
                                                                          "block_base"}
    assert edges[("lanes_inst", "controller", "mac (MacCommand)")] == {"busy"}
    assert edges[("registers", "decoder", "lut (LutWrite)")] == {"valid", "layer", "code", "value", "shift"}
    assert edges[("controller", "vectoring", "sink (Stream)")] == {"valid", "re", "im"}
    assert edges[("s_axis", "controller", "s_axis (AxiStream)")] == {"tdata", "tlast", "tvalid"}
    assert edges[("controller", "m_axis", "m_axis (AxiStream)")] == {"tdata", "tlast", "tvalid"}
    # every block instance of the top level is in the diagram
    nodes = {n for driver, reader, _ in edges for n in (driver, reader)}
    assert {"registers", "controller", "vectoring", "vec_gate", "context_inst", "phases", "decoder", "lanes_inst",
            "activations", "stage", "rotation", "rot_gate", "out_even_ram", "out_odd_ram"} <= nodes
