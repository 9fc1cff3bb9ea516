"""What the two CORDIC pipelines (vectoring, rotation) share: their latency,
their port signals and range checks, and the registers between their
micro-rotation stages. (MyHDL wants each sub-block instantiated in the
``@block`` function itself, so the stages are not made here.)"""

from myhdl import ResetSignal, Signal, intbv

from lutdnn.model.reference.cordic import DEFAULT_PARAMS
from lutdnn.model.reference.formats import S16_MAX, S16_MIN, WORD_MAX

from lutdnn.hw.flow.port_check import require_range

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
    """Fresh signals for every port of a CORDIC pipeline, by port name: clk, reset,
    the sink and source handshakes, and the payload words ``{port name: kind}``."""
    def words(side):
        return {name: Signal(intbv(0, min=word_range(kind, params)[0], max=word_range(kind, params)[1] + 1))
                for name, kind in payload.items() if name.startswith(side)}
    return dict(clk=Signal(bool(0)), reset=ResetSignal(0, active=1, isasync=False),
                sink_valid=Signal(bool(0)), sink_ready=Signal(bool(0)), **words("sink_"),
                source_valid=Signal(bool(0)), source_ready=Signal(bool(0)), **words("source_"))


def require_payload_ranges(block_name, payload, params, **signals):
    """ValueError naming the port unless each payload signal holds its kind's range."""
    for name, kind in payload.items():
        require_range(block_name, name, signals[name], *word_range(kind, params))


def xyz_signals(params=DEFAULT_PARAMS):
    """Fresh ``(x, y, z)`` registers of one stage, sized for ``params``."""
    xy_lim = 1 << (params.xy_bits - 1)
    z_lim = 1 << (params.z_bits - 1)
    return (Signal(intbv(0, min=-xy_lim, max=xy_lim)), Signal(intbv(0, min=-xy_lim, max=xy_lim)),
            Signal(intbv(0, min=-z_lim, max=z_lim)))


def stage_registers(valid, x, y, z, params=DEFAULT_PARAMS):
    """``[(valid, x, y, z)]`` for the pipeline's input registers (the arguments) and
    fresh ones for the output of each micro-rotation: stage ``i`` of the chain
    reads entry ``i`` and loads entry ``i + 1``."""
    registers = [(valid, x, y, z)]
    for _ in params.atan_table:
        registers.append((Signal(bool(0)), *xyz_signals(params)))
    return registers
