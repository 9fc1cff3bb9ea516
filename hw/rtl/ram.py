"""Simple dual-port RAM with one-cycle synchronous read (infers block or distributed RAM)."""

from myhdl import Signal, always, block, intbv


@block
def ram(clk, write, read):
    """One write port, one read port, ``2**len(write.addr)`` words of ``write.data``'s type.

    Ports:
      clk (in): clock
      write (in): WritePort (hw/rtl/interfaces.py): write ``data`` at ``addr`` when ``valid``
      read: ReadPort: ``addr`` (in); ``data`` (out), the word at ``addr`` one cycle
          later (old data on a same-cycle write)

    Contents are not reset: every user writes a word before it reads it (the
    context buffer masks frames it has not received yet).
    """
    wr_en, wr_addr, wr_data = write.valid, write.addr, write.data
    rd_addr, rd_data = read.addr, read.data
    if len(rd_addr) != len(wr_addr):
        raise ValueError("read and write addresses differ in width")
    mem = [Signal(intbv(0, min=wr_data.min, max=wr_data.max)) for _ in range(1 << len(wr_addr))]

    @always(clk.posedge)
    def access():
        if wr_en:
            mem[wr_addr].next = wr_data
        rd_data.next = mem[rd_addr]

    return access
