"""Ctrl-C while the cosim backend runs frames ends the command cleanly (status 130, no traceback).

An interrupt that lands inside a ctypes call into the Verilator library used to surface as
ctypes.ArgumentError; the arrays now go to the library as raw addresses (hw/flow/verilator_model.py).
The moments are spread over the run so some land in the frame loop (the library is cached by
then: the first moment also covers an interrupt during the build).
"""

import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import soundfile as sf


@pytest.mark.parametrize("after_s", [3.0, 5.0, 7.0])
def test_ctrl_c_during_cosim_is_a_clean_stop(tmp_path, after_s):
    src = tmp_path / "long.wav"
    rng = np.random.default_rng(0)
    sf.write(src, 0.1 * rng.standard_normal(8000 * 60), 8000)
    child = subprocess.Popen([sys.executable, "-m", "lutdnn.host.cli", "enhance", str(src),
                              "-o", str(tmp_path / "out.wav"), "--backend", "cosim"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(after_s)
        assert child.poll() is None, "the run ended before the interrupt: make the recording longer"
        child.send_signal(signal.SIGINT)
        status = child.wait(timeout=60)
    finally:
        child.kill()
    err = child.stderr.read()
    assert status == 130, err
    assert "Traceback" not in err and "ArgumentError" not in err
    assert not (tmp_path / "out.wav").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["long.wav"]
