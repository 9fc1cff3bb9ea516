"""Simple dual-port RAM with one-cycle synchronous read (infers block or distributed RAM)."""

from myhdl import Signal, always, block, intbv


@block
def ram(clk, wr_en, wr_addr, wr_data, rd_addr, rd_data):
    """One write port, one read port, ``2**len(wr_addr)`` words of ``wr_data``'s type.

    Ports:
      clk: clock
      wr_en, wr_addr, wr_data: write ``wr_data`` at ``wr_addr`` when ``wr_en``
      rd_addr: read address
      rd_data: the word at ``rd_addr`` one cycle later (old data on a same-cycle write)

    Contents are not reset: every user writes a word before it reads it (the
    context buffer masks frames it has not received yet).
    """
    if len(rd_addr) != len(wr_addr):
        raise ValueError("read and write addresses differ in width")
    mem = [Signal(intbv(0, min=wr_data.min, max=wr_data.max)) for _ in range(1 << len(wr_addr))]

    @always(clk.posedge)
    def access():
        if wr_en:
            mem[wr_addr].next = wr_data
        rd_data.next = mem[rd_addr]

    return access
