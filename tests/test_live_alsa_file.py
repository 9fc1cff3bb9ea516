"""``lutdnn live`` through PortAudio's ALSA host API on ALSA's ``file`` plugin.

A second device path, no sound card and no server: an ``.asoundrc`` (in a
temporary HOME) defines a device whose capture reads a raw speech file and
whose playback goes to ALSA's ``null`` plugin.  ``null`` has no clock, so
the device runs as fast as PortAudio pulls it and the live client must drop
input (counted); what the engine did get must still be enhanced exactly as
file mode does it.
"""

import os
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf
from conftest import make_noisy_speech

from lutdnn.core.audio import resample
from lutdnn.host.backends import open_backend
from lutdnn.host.stream import DELAY, enhance_signal

RATE = 48000
ASOUNDRC = """
pcm.lutdnn_speech {{
    type plug
    slave {{
        pcm {{ type file  slave.pcm "null"  file "/dev/null"  infile "{raw}"  format "raw" }}
        format S16_LE
        rate {rate}
        channels 1
    }}
}}
"""


def test_live_reads_an_alsa_file_device(shared_data, tmp_path):
    import sounddevice as sd
    if not any(api["name"] == "ALSA" for api in sd.query_hostapis()):
        pytest.skip("this PortAudio has no ALSA host API")
    speech = resample(make_noisy_speech(shared_data, 5.0), 8000, RATE)
    words = np.round(np.clip(speech, -1, 1 - 2 ** -15) * 32768).astype("<i2")
    words.tofile(tmp_path / "speech.raw")
    (tmp_path / ".asoundrc").write_text(ASOUNDRC.format(raw=tmp_path / "speech.raw", rate=RATE))
    record = tmp_path / "rec"
    done = subprocess.run([sys.executable, "-m", "lutdnn.host.cli", "live", "--backend", "float",
                           "--input", "lutdnn_speech", "--output", "lutdnn_speech", "--seconds", "1",
                           "--record", str(record)],
                          env={**os.environ, "HOME": str(tmp_path)},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "dropped" in done.stderr   # the final meter line counts what the unclocked device cost
    captured, rate = sf.read(record / "input.wav", dtype="int16")
    assert rate == RATE
    assert np.array_equal(captured[:1024], words[:1024])   # the first blocks are the file's first samples
    heard, _ = sf.read(record / "input_8k.wav")
    made, _ = sf.read(record / "output_8k.wav")
    assert len(heard) == len(made) > 0
    file_mode = enhance_signal(heard, open_backend("float"))[:len(heard) - DELAY]
    assert np.allclose(made[DELAY:], file_mode, rtol=0, atol=1e-6)
