"""Frame controller: sequences one frame through the accelerator.

    SPECTRUM      accept 65 spectrum beats, push their 129 bins into CORDIC vectoring
    VECTOR_DRAIN  wait until every magnitude/phase is written
    CODES         one code beat per cycle: layer 1 (blocks of P outputs x 1032
                  inputs), then layer 2 (x 256 inputs); each beat is one MAC step
    MAC_DRAIN     wait until the last block's outputs are written
    OUTPUT        read y, |X| and the phase of bins 0..128 into the output stage
    ROTATE_DRAIN  wait until every rotated bin is in the output buffer
    SEND          stream the 65 output beats, TLAST on the last
    DISCARD       after a packet without its TLAST: drop beats up to the next TLAST
    ABORT_DRAIN   after a malformed packet: let the pipelines empty, then SPECTRUM

A spectrum packet is 65 beats with TLAST on the last; the codes of a frame
are one packet (layer 1 then layer 2) with TLAST on its last beat
(docs/hardware.md).  TLAST anywhere else, or missing, raises an error cause
for the status register, empties the context and drops the frame.
"""

from myhdl import Signal, always_comb, always_seq, block, concat, enum, intbv, modbv

from lutdnn.accelerator import registers as register_table
from lutdnn.accelerator.protocol import SPECTRUM_BEATS
from lutdnn.core.framing import BINS, CONTEXT
from lutdnn.model.model_file import HIDDEN
from lutdnn.model.reference.packing import BEAT_BITS

LAST_BEAT = SPECTRUM_BEATS - 1
# error_set raises STATUS's stream causes at bit 0 (hw/rtl/axi_lite.py puts them at STATUS_CAUSE_LSB)
# (a module, not its functions, in this namespace: MyHDL's always_comb refuses function globals)
ERROR_EARLY_TLAST = register_table.bit("STATUS", "EARLY_TLAST") >> register_table.STATUS_CAUSE_LSB
ERROR_MISSING_TLAST = register_table.bit("STATUS", "MISSING_TLAST") >> register_table.STATUS_CAUSE_LSB
CYCLE_BITS = 32
ABORT_CYCLES = 64   # pipeline depth margin: every in-flight result lands before the next frame

State = enum("SPECTRUM", "VECTOR_DRAIN", "CODES", "MAC_DRAIN", "OUTPUT", "ROTATE_DRAIN", "SEND",
             "DISCARD", "ABORT_DRAIN")


@block
def frame_controller(clk, reset, s_axis, m_axis, status, bins, vectored, context, act_read, mac, stage_in,
                     out_buf, lanes):
    """Ports (interface classes in hw/rtl/interfaces.py and hw/rtl/axi_stream.py):
      clk, reset (in): clock, synchronous reset (ResetSignal)
      s_axis: AxiStream in (spectra then codes): tready (out), the rest (in)
      m_axis: AxiStream out (spectra): tready (in), the rest (out)
      status (out): FrameStatus: error_set, idle, frame_cycles, frames
      bins (out): Stream of ``re``, ``im`` into CORDIC vectoring (``ready`` unread:
          the pipeline is enabled while a bin enters)
      vectored: WritePort of the context buffer and phase RAM: valid (in) a
          vectoring result comes out; addr (out) its bin
      context (out): ContextPort: advance, clear; age, bin the context (and
          phase) read address (``data`` unread)
      act_read (out): ReadPort of the activation RAM: addr (``data`` unread)
      mac: MacCommand: code_layer, valid, first, last, layer, block_base,
          x_from_hidden (out): the MAC step of the previous cycle's code beat
          (aligned with the decoded weights); busy (in)
      stage_in (out): the output stage's input Stream: valid (aligned with the
          read data; its payload is the read data)
      out_buf: OutputBuffer: written (in), bin (out), rd_addr (out), even, odd (in)
    Parameters:
      lanes: P
    """
    vec_push, vec_re, vec_im = bins.valid, bins.re, bins.im
    vec_done, vec_bin = vectored.valid, vectored.addr
    ctx_advance, ctx_clear, rd_age, rd_bin = context.advance, context.clear, context.age, context.bin
    act_rd_addr = act_read.addr
    code_layer, mac_step, mac_first, mac_last = mac.code_layer, mac.valid, mac.first, mac.last
    mac_layer, mac_block_base, x_from_hidden, mac_busy = mac.layer, mac.block_base, mac.x_from_hidden, mac.busy
    stage_valid = stage_in.valid
    rot_done, out_bin, out_rd_addr, out_even, out_odd = (out_buf.written, out_buf.bin, out_buf.rd_addr,
                                                          out_buf.even, out_buf.odd)
    blocks_1 = -(-HIDDEN // lanes)
    blocks_2 = -(-BINS // lanes)
    state = Signal(State.SPECTRUM)
    beat_count = Signal(intbv(0, min=0, max=SPECTRUM_BEATS + 1))
    pending = Signal(bool(0))          # beat_reg holds bins not yet pushed
    high_half = Signal(bool(0))        # the next push is the beat's second bin
    reg_is_last = Signal(bool(0))      # beat_reg is beat 64 (one bin)
    beat_reg = Signal(intbv(0)[BEAT_BITS:])
    vec_count = Signal(intbv(0, min=0, max=BINS + 1))
    layer = Signal(bool(0))
    block_index = Signal(intbv(0, min=0, max=max(blocks_1, blocks_2)))
    age = Signal(intbv(0, min=0, max=CONTEXT))
    bin_index = Signal(intbv(0, min=0, max=HIDDEN))
    issue = Signal(intbv(0, min=0, max=BINS + 1))
    rot_count = Signal(intbv(0, min=0, max=BINS + 1))
    send_beat = Signal(intbv(0, min=0, max=SPECTRUM_BEATS))
    loaded = Signal(bool(0))
    cycles = Signal(modbv(0)[CYCLE_BITS:])
    timer = Signal(intbv(0, min=0, max=ABORT_CYCLES + 1))
    handshake = Signal(bool(0))
    last_input = Signal(bool(0))
    last_block = Signal(bool(0))
    tready = Signal(bool(0))

    @always_comb
    def ready():
        if state == State.SPECTRUM:
            # a beat's second bin is pushed in the cycle the next beat arrives
            # (!= rather than <: the count never passes SPECTRUM_BEATS, and an
            # equality needs no carry chain on this path into the handshake)
            tready.next = beat_count != SPECTRUM_BEATS and (not pending or high_half)
        elif state == State.CODES or state == State.DISCARD:
            tready.next = 1
        else:
            tready.next = 0

    @always_comb
    def stream_in():
        s_axis.tready.next = tready
        handshake.next = tready and s_axis.tvalid

    @always_comb
    def push():
        vec_push.next = pending
        if high_half:
            vec_re.next = beat_reg[48:32].signed()
            vec_im.next = beat_reg[64:48].signed()
        else:
            vec_re.next = beat_reg[16:0].signed()
            vec_im.next = beat_reg[32:16].signed()

    @always_comb
    def position():
        if layer:
            last_input.next = bin_index == HIDDEN - 1
            last_block.next = block_index == blocks_2 - 1
        else:
            last_input.next = age == CONTEXT - 1 and bin_index == BINS - 1
            last_block.next = block_index == blocks_1 - 1

    @always_comb
    def addresses():
        code_layer.next = layer
        vec_bin.next = vec_count
        out_bin.next = rot_count
        out_rd_addr.next = send_beat
        if state == State.CODES:
            rd_age.next = age
            rd_bin.next = bin_index
            act_rd_addr.next = concat(False, bin_index[8:])
        else:
            rd_age.next = CONTEXT - 1
            rd_bin.next = issue[8:]
            act_rd_addr.next = concat(True, issue[8:])

    @always_comb
    def stream_out():
        if send_beat == LAST_BEAT:
            m_axis.tdata.next = concat(intbv(0)[32:], out_even)
        else:
            m_axis.tdata.next = concat(out_odd, out_even)
        m_axis.tlast.next = send_beat == LAST_BEAT

    @always_comb
    def report():
        status.idle.next = state == State.SPECTRUM and beat_count == 0 and not pending

    @always_seq(clk.posedge, reset=reset)
    def count_results():
        # restarted by ctx_advance, the registered first beat of a frame, not by
        # the handshake itself: that path, into 40 registers, missed 100 MHz; no
        # result arrives in the cycle between
        if ctx_advance:
            vec_count.next = 0
        elif vec_done and vec_count < BINS:
            vec_count.next = vec_count + 1
        if state == State.MAC_DRAIN:
            rot_count.next = 0
        elif rot_done and rot_count < BINS:
            rot_count.next = rot_count + 1
        if ctx_advance:
            cycles.next = 2      # the first beat's cycle was 1
        else:
            cycles.next = cycles + 1

    @always_seq(clk.posedge, reset=reset)
    def sequence():
        ctx_advance.next = 0
        ctx_clear.next = 0
        status.error_set.next = 0
        mac_step.next = 0
        stage_valid.next = 0
        if state == State.SPECTRUM:
            if pending and not (handshake and high_half):
                if high_half or reg_is_last:
                    pending.next = 0
                    high_half.next = 0
                else:
                    high_half.next = 1
            if handshake:
                beat_reg.next = s_axis.tdata
                pending.next = 1
                high_half.next = 0
                reg_is_last.next = beat_count == LAST_BEAT
                if beat_count == 0:
                    ctx_advance.next = 1
                if s_axis.tlast and beat_count != LAST_BEAT:
                    status.error_set.next = ERROR_EARLY_TLAST
                    ctx_clear.next = 1
                    pending.next = 0
                    beat_count.next = 0
                    timer.next = 0
                    state.next = State.ABORT_DRAIN
                elif beat_count == LAST_BEAT and not s_axis.tlast:
                    status.error_set.next = ERROR_MISSING_TLAST
                    ctx_clear.next = 1
                    pending.next = 0
                    beat_count.next = 0
                    state.next = State.DISCARD
                else:
                    beat_count.next = beat_count + 1
            elif beat_count == SPECTRUM_BEATS and not pending:
                beat_count.next = 0
                state.next = State.VECTOR_DRAIN
        elif state == State.VECTOR_DRAIN:
            layer.next = 0
            block_index.next = 0
            age.next = 0
            bin_index.next = 0
            if vec_count == BINS:
                state.next = State.CODES
        elif state == State.CODES:
            if handshake:
                mac_step.next = 1
                mac_first.next = age == 0 and bin_index == 0
                mac_last.next = last_input
                mac_layer.next = layer
                mac_block_base.next = block_index * lanes
                x_from_hidden.next = layer
                frame_end = layer and last_input and last_block
                if s_axis.tlast and not frame_end:
                    status.error_set.next = ERROR_EARLY_TLAST
                    ctx_clear.next = 1
                    timer.next = 0
                    state.next = State.ABORT_DRAIN
                elif frame_end and not s_axis.tlast:
                    status.error_set.next = ERROR_MISSING_TLAST
                    ctx_clear.next = 1
                    state.next = State.DISCARD
                elif frame_end:
                    state.next = State.MAC_DRAIN
                elif last_input:
                    age.next = 0
                    bin_index.next = 0
                    if last_block:
                        layer.next = 1
                        block_index.next = 0
                    else:
                        block_index.next = block_index + 1
                elif not layer and bin_index == BINS - 1:
                    bin_index.next = 0
                    age.next = age + 1
                else:
                    bin_index.next = bin_index + 1
        elif state == State.MAC_DRAIN:
            issue.next = 0
            if not mac_step and not mac_busy:
                state.next = State.OUTPUT
        elif state == State.OUTPUT:
            stage_valid.next = 1
            if issue == BINS - 1:
                state.next = State.ROTATE_DRAIN
            issue.next = issue + 1
        elif state == State.ROTATE_DRAIN:
            send_beat.next = 0
            loaded.next = 0
            if rot_count == BINS:
                state.next = State.SEND
        elif state == State.SEND:
            if not loaded:
                loaded.next = 1
                m_axis.tvalid.next = 1
            elif m_axis.tready:
                m_axis.tvalid.next = 0
                loaded.next = 0
                if send_beat == LAST_BEAT:
                    status.frame_cycles.next = cycles + 1
                    status.frames.next = status.frames + 1
                    state.next = State.SPECTRUM
                else:
                    send_beat.next = send_beat + 1
        elif state == State.DISCARD:
            if handshake and s_axis.tlast:
                timer.next = 0
                state.next = State.ABORT_DRAIN
        else:
            # ABORT_DRAIN
            if timer == ABORT_CYCLES:
                if not mac_busy:
                    state.next = State.SPECTRUM
            else:
                timer.next = timer + 1

    return ready, stream_in, push, position, addresses, stream_out, report, count_results, sequence
