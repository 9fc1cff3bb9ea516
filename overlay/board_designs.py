"""What differs between the boards the overlay is built for, and what does not: data only.

The Tcl generator (overlay.build_tcl) reads everything from here; the
boards' makefiles name a board and nothing else.  ``VIVADO_VERSION`` is
the one Vivado the scripts accept (PYNQ 3.0.x images are built with it).
"""

from dataclasses import dataclass, field

VIVADO_VERSION = "2022.1"
OVERLAY_NAME = "lutdnn"            # lutdnn.bit + lutdnn.hwh
IP_CELL = "lutdnn"                 # the accelerator's block design cell (the overlay attribute pynq creates)
DMA_CELL = "axi_dma"
FCLK_MHZ = 100
# AXI DMA 7.1 in simple (register) mode, 64-bit streams and memory maps; 26-bit
# length register: up to 64 MB per transfer (the code packet is 150528 bytes;
# the 14-bit default of 16 KB would not hold it)
DMA_CONFIG = {
    "c_include_sg": 0,
    "c_sg_length_width": 26,
    "c_sg_include_stscntrl_strm": 0,
    "c_m_axi_mm2s_data_width": 64,
    "c_m_axis_mm2s_tdata_width": 64,
    "c_m_axi_s2mm_data_width": 64,
    "c_s_axis_s2mm_tdata_width": 64,
    "c_mm2s_burst_size": 64,
    "c_s2mm_burst_size": 64,
}
STREAM_BITS = 64                   # the IP's s_axis/m_axis TDATA (checked against the Verilog)


@dataclass(frozen=True)
class Board:
    name: str                      # the folder under overlay/boards/
    part: str
    board_part: str                # "" when Vivado ships no board file for it
    ps_vlnv: str
    ps_rule: str                   # apply_bd_automation rule that sets the PS up
    ps_automation: str             # and its -config
    master: str                    # PS port the AXI4-Lite slaves hang from
    hp_port: str                   # the one high-performance slave port the DMA uses
    fclk: str                      # PS pin of the 100 MHz fabric clock
    fclk_reset: str                # PS pin of its reset (active low)
    ps_config: dict = field(default_factory=dict)
    dma_offset: int = 0
    ip_offset: int = 0


BOARDS = {
    "Pynq-Z2": Board(
        name="Pynq-Z2", part="xc7z020clg400-1", board_part="",
        ps_vlnv="xilinx.com:ip:processing_system7:5.5", ps_rule="xilinx.com:bd_rule:processing_system7",
        ps_automation='make_external "FIXED_IO, DDR" apply_board_preset "0" Master "Disable" Slave "Disable"',
        master="M_AXI_GP0", hp_port="S_AXI_HP0", fclk="FCLK_CLK0", fclk_reset="FCLK_RESET0_N",
        ps_config={"PCW_USE_M_AXI_GP0": 1, "PCW_USE_S_AXI_HP0": 1, "PCW_S_AXI_HP0_DATA_WIDTH": 64,
                   "PCW_EN_CLK0_PORT": 1, "PCW_EN_RST0_PORT": 1,
                   "PCW_FPGA0_PERIPHERAL_FREQMHZ": FCLK_MHZ},
        dma_offset=0x4040_0000, ip_offset=0x43C0_0000),
    "ZCU104": Board(
        name="ZCU104", part="xczu7ev-ffvc1156-2-e", board_part="xilinx.com:zcu104:part0:1.1",
        ps_vlnv="xilinx.com:ip:zynq_ultra_ps_e:3.4", ps_rule="xilinx.com:bd_rule:zynq_ultra_ps_e",
        ps_automation='apply_board_preset "1"',
        master="M_AXI_HPM0_FPD", hp_port="S_AXI_HP0_FPD", fclk="pl_clk0", fclk_reset="pl_resetn0",
        ps_config={"PSU__USE__M_AXI_GP0": 1, "PSU__USE__M_AXI_GP1": 0, "PSU__USE__M_AXI_GP2": 0,
                   "PSU__USE__S_AXI_GP2": 1, "PSU__SAXIGP2__DATA_WIDTH": 64,
                   "PSU__FPGA_PL0_ENABLE": 1, "PSU__CRL_APB__PL0_REF_CTRL__FREQMHZ": FCLK_MHZ},
        dma_offset=0xA000_0000, ip_offset=0xA001_0000),
}
