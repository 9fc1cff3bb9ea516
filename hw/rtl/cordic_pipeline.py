"""What the two CORDIC pipelines (vectoring, rotation) share: their latency,
their port signals and range checks, and the registers between their
micro-rotation stages. (MyHDL wants each sub-block instantiated in the
``@block`` function itself, so the stages are not made here.)"""

from myhdl import ResetSignal, Signal, intbv

from lutdnn.hw.flow.port_check import require_range
from lutdnn.hw.rtl.interfaces import Stream
from lutdnn.model.reference.cordic import DEFAULT_PARAMS
from lutdnn.model.reference.formats import S16_MAX, S16_MIN, WORD_MAX

# Kinds of payload word: the range of each follows from the parameters.
U16 = "u16"
S16 = "s16"
PHASE = "phase"


def pipeline_latency(params=DEFAULT_PARAMS):
    """Clocks from a sink beat to its source beat: the iterations plus three
    registers (pre-rotation, gain multiply, rounding with saturation)."""
    return params.iterations + 3


def word_range(kind, params=DEFAULT_PARAMS):
    """``(lo, hi)`` of a payload word of ``kind`` (U16, S16 or PHASE)."""
    half = 1 << (params.phase_bits - 1)
    return {U16: (0, WORD_MAX), S16: (S16_MIN, S16_MAX), PHASE: (-half, half - 1)}[kind]


def pipeline_ports(payload, params=DEFAULT_PARAMS):
    """Fresh ports of a CORDIC pipeline, by argument name: clk, reset, and the ``sink``
    and ``source`` Streams (hw/rtl/interfaces.py) of the payload words ``{port name: kind}``
    (``sink_<word>``, ``source_<word>``: the converted port names)."""
    def words(side):
        return {name[len(side):]: intbv(0, min=word_range(kind, params)[0], max=word_range(kind, params)[1] + 1)
                for name, kind in payload.items() if name.startswith(side)}
    return dict(clk=Signal(bool(0)), reset=ResetSignal(0, active=1, isasync=False),
                sink=Stream(**words("sink_")), source=Stream(**words("source_")))


def require_payload_ranges(block_name, payload, params, sink, source):
    """ValueError naming the port unless each payload signal holds its kind's range."""
    streams = dict(sink=sink, source=source)
    for name, kind in payload.items():
        side, word = name.split("_", 1)
        require_range(block_name, name, getattr(streams[side], word), *word_range(kind, params))


def xyz_signals(params=DEFAULT_PARAMS):
    """Fresh ``(x, y, z)`` registers of one stage, sized for ``params``."""
    xy_lim = 1 << (params.xy_bits - 1)
    z_lim = 1 << (params.z_bits - 1)
    return (Signal(intbv(0, min=-xy_lim, max=xy_lim)), Signal(intbv(0, min=-xy_lim, max=xy_lim)),
            Signal(intbv(0, min=-z_lim, max=z_lim)))


class StageRegisters:
    """The registers between two micro-rotation stages (stage ``i`` reads entry ``i``, loads ``i + 1``).

    Members (writing stage -> reading stage):
      valid: the registers hold a bin's words
      x, y, z: the rotating vector and the accumulated angle (signed, ``params``-sized)
    Iterates as ``(valid, x, y, z)``.
    """

    def __init__(self, valid, x, y, z):
        self.valid, self.x, self.y, self.z = valid, x, y, z

    def __iter__(self):
        return iter((self.valid, self.x, self.y, self.z))


def stage_registers(valid, x, y, z, params=DEFAULT_PARAMS):
    """``[StageRegisters]`` for the pipeline's input registers (the arguments) and
    fresh ones for the output of each micro-rotation: stage ``i`` of the chain
    reads entry ``i`` and loads entry ``i + 1``."""
    registers = [StageRegisters(valid, x, y, z)]
    for _ in params.atan_table:
        registers.append(StageRegisters(Signal(bool(0)), *xyz_signals(params)))
    return registers
