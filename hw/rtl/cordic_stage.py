"""One CORDIC micro-rotation as a pipeline register stage (shared by vectoring and rotation)."""

from myhdl import Signal, always_comb, always_seq, block

VECTORING = "vectoring"
ROTATION = "rotation"


@block
def cordic_stage(clk, reset, enable, previous, registers, shift, atan, mode):
    """Micro-rotation ``i = shift`` by ``atan = atan(2**-shift)`` (internal angle units).

    Ports:
        clk, reset (in): clock, synchronous reset (ResetSignal).
        enable (in): the stage registers load only while high (pipeline stall when low).
        previous (in): StageRegisters (hw/rtl/cordic_pipeline.py) of the previous stage
            (valid, x, y, z; x, y, z signed).
        registers (out): StageRegisters of this stage.

    Parameters:
        shift, atan: the iteration index and its angle constant.
        mode: VECTORING turns counter-clockwise while ``y < 0`` (drives y to 0),
            ROTATION while ``z >= 0`` (drives z to 0); either way a
            counter-clockwise turn subtracts ``atan`` from z.
    """
    if mode not in (VECTORING, ROTATION):
        raise ValueError(f"cordic_stage mode must be {VECTORING!r} or {ROTATION!r}, got {mode!r}")
    valid_in, x_in, y_in, z_in = previous
    valid_out, x_out, y_out, z_out = registers
    ccw = Signal(bool(0))

    @always_comb
    def steer_by_y():
        ccw.next = y_in < 0

    @always_comb
    def steer_by_z():
        ccw.next = z_in >= 0

    @always_seq(clk.posedge, reset=reset)
    def rotate():
        if enable:
            valid_out.next = valid_in
            if ccw:
                x_out.next = x_in - (y_in >> shift)
                y_out.next = y_in + (x_in >> shift)
                z_out.next = z_in - atan
            else:
                x_out.next = x_in + (y_in >> shift)
                y_out.next = y_in - (x_in >> shift)
                z_out.next = z_in + atan

    return (steer_by_y if mode == VECTORING else steer_by_z), rotate
