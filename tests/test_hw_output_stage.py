"""Output stage (mask / magnitude) vs dnn.output_stage: MyHDL and Icarus."""

import numpy as np
import pytest
from hw_testing import clocked, needs_tools
from myhdl import ResetSignal, Signal

from lutdnn.hw.rtl.interfaces import Configuration, stage_sink, stage_source
from lutdnn.hw.rtl.output_stage import LATENCY, output_stage
from lutdnn.model.reference.dnn import output_stage as reference_output_stage
from lutdnn.model.reference.formats import OUTPUT_MAGNITUDE, OUTPUT_MASK


def run_stage(y, mag, mode, frac_out, floor, build_dir=None):
    clk, reset = Signal(bool(0)), ResetSignal(0, active=1, isasync=False)
    sink, config, source = stage_sink(), Configuration(), stage_source()
    got = []

    def body():
        config.output_mode.next, config.frac_out.next, config.mask_floor.next = mode, frac_out, floor
        for cycle in range(len(y) + LATENCY + 1):
            if cycle < len(y):
                sink.valid.next, sink.y.next, sink.mag.next = 1, int(y[cycle]), int(mag[cycle])
            else:
                sink.valid.next = 0
            yield clk.posedge
            if source.valid:
                got.append(int(source.mag))

    args = (clk, reset, sink, config, source)
    clocked(clk, reset, output_stage, args, build_dir, body).run_sim(quiet=1)
    return np.array(got)


def words(seed, n=300):
    rng = np.random.default_rng(seed)
    y = np.concatenate([[0, 65535, 65535, 1, 0], rng.integers(0, 65536, n)])
    mag = np.concatenate([[65535, 65535, 0, 1, 0], rng.integers(0, 65536, n)])
    return y, mag


@pytest.mark.parametrize("mode, frac_out, floor", [(OUTPUT_MASK, 12, 300), (OUTPUT_MASK, 16, 0),
                                                   (OUTPUT_MAGNITUDE, 13, 0), (OUTPUT_MAGNITUDE, 10, 0)])
def test_stage_matches_reference(mode, frac_out, floor):
    y, mag = words(41)
    want = reference_output_stage(y, mag, mode, frac_out, floor)
    assert np.array_equal(run_stage(y, mag, mode, frac_out, floor), want)


@needs_tools("iverilog")
@pytest.mark.parametrize("mode, frac_out, floor", [(OUTPUT_MASK, 14, 1000), (OUTPUT_MAGNITUDE, 12, 0)])
def test_stage_cosim_matches_reference(tmp_path, mode, frac_out, floor):
    y, mag = words(42, 100)
    want = reference_output_stage(y, mag, mode, frac_out, floor)
    assert np.array_equal(run_stage(y, mag, mode, frac_out, floor, build_dir=tmp_path), want)
