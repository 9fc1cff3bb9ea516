// C API over the Verilator model of accelerator_top, loaded with ctypes by
// lutdnn.hw.flow.verilator_model.  One clock cycle = one eval at each edge; the
// stream loop runs here (not in Python) so a frame costs no Python per cycle.
#include <cstdint>
#include <memory>

#include "Vaccelerator_top.h"
#include "verilated.h"

namespace {

struct Model {
    VerilatedContext context;
    std::unique_ptr<Vaccelerator_top> top;
    uint64_t cycles = 0;
    uint64_t lcg = 1;
    Model() : top(new Vaccelerator_top(&context)) {}

    // Inputs change after the rising edge; outputs read before it see the
    // cycle that is ending, as a synchronous sink does.  The falling edge
    // needs no eval of its own: the design has no negative-edge logic, and
    // the eval after the next input change settles it.
    void tick() {
        top->clk = 1;
        top->eval();
        top->clk = 0;
        ++cycles;
    }

    // Clock until flag() holds, counting into *waited; false once that passes max_cycles.
    template <typename Flag>
    bool wait_for(Flag flag, int* waited, int max_cycles) {
        while (!flag()) {
            if (++*waited > max_cycles) return false;
            tick();
            top->eval();
        }
        return true;
    }

    bool chance(double p) {  // deterministic, seeded: reproducible backpressure
        lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
        return p > 0 && static_cast<double>(lcg >> 11) * (1.0 / 9007199254740992.0) < p;
    }
};

}  // namespace

extern "C" {

void* lutdnn_model_new() {
    Model* m = new Model();
    m->top->clk = 0;
    m->top->reset = 1;
    m->top->eval();
    for (int i = 0; i < 4; ++i) m->tick();
    m->top->reset = 0;
    m->tick();
    m->top->eval();
    return m;
}

void lutdnn_model_free(void* handle) { delete static_cast<Model*>(handle); }

uint64_t lutdnn_model_cycles(void* handle) { return static_cast<Model*>(handle)->cycles; }

// One AXI4-Lite write; returns 0, or -1 when the slave did not answer within max_cycles.
int lutdnn_axil_write(void* handle, uint32_t addr, uint32_t data, int max_cycles) {
    Model* m = static_cast<Model*>(handle);
    Vaccelerator_top* t = m->top.get();
    t->s_axi_awaddr = addr;
    t->s_axi_awvalid = 1;
    t->s_axi_wdata = data;
    t->s_axi_wstrb = 0xF;
    t->s_axi_wvalid = 1;
    t->s_axi_bready = 1;
    int waited = 0;
    t->eval();
    if (!m->wait_for([t] { return t->s_axi_awready; }, &waited, max_cycles)) return -1;
    m->tick();
    t->s_axi_awvalid = 0;
    t->s_axi_wvalid = 0;
    t->eval();
    if (!m->wait_for([t] { return t->s_axi_bvalid; }, &waited, max_cycles)) return -1;
    m->tick();
    t->s_axi_bready = 0;
    t->eval();
    return 0;
}

// One AXI4-Lite read into *data; returns 0, or -1 on a time-out.
int lutdnn_axil_read(void* handle, uint32_t addr, uint32_t* data, int max_cycles) {
    Model* m = static_cast<Model*>(handle);
    Vaccelerator_top* t = m->top.get();
    t->s_axi_araddr = addr;
    t->s_axi_arvalid = 1;
    t->s_axi_rready = 1;
    int waited = 0;
    t->eval();
    if (!m->wait_for([t] { return t->s_axi_arready; }, &waited, max_cycles)) return -1;
    m->tick();
    t->s_axi_arvalid = 0;
    t->eval();
    if (!m->wait_for([t] { return t->s_axi_rvalid; }, &waited, max_cycles)) return -1;
    *data = t->s_axi_rdata;
    m->tick();
    t->s_axi_rready = 0;
    t->eval();
    return 0;
}

// Stream n_in beats into s_axis while collecting n_out beats from m_axis.
// gap / stall: probability of a cycle without TVALID / TREADY.  Returns the
// cycles taken, or -1 when max_cycles passed first (*sent, *received say how far it got).
int64_t lutdnn_stream(void* handle, const uint64_t* in, const uint8_t* in_last, int64_t n_in,
                      uint64_t* out, uint8_t* out_last, int64_t n_out,
                      double gap, double stall, uint64_t seed, int64_t max_cycles,
                      int64_t* sent, int64_t* received) {
    Model* m = static_cast<Model*>(handle);
    Vaccelerator_top* t = m->top.get();
    m->lcg = seed * 2 + 1;
    int64_t i = 0, o = 0, cycles = 0;
    while (i < n_in || o < n_out) {
        if (cycles++ >= max_cycles) {
            *sent = i;
            *received = o;
            return -1;
        }
        bool valid = i < n_in && !m->chance(gap);
        t->s_axis_tvalid = valid;
        if (valid) {
            t->s_axis_tdata = in[i];
            t->s_axis_tlast = in_last[i];
        }
        bool ready = o < n_out && !m->chance(stall);
        t->m_axis_tready = ready;
        t->eval();
        bool accepted = valid && t->s_axis_tready;
        bool delivered = ready && t->m_axis_tvalid;
        if (delivered) {
            out[o] = t->m_axis_tdata;
            out_last[o] = t->m_axis_tlast;
        }
        m->tick();
        if (accepted) ++i;
        if (delivered) ++o;
    }
    t->s_axis_tvalid = 0;
    t->m_axis_tready = 0;
    t->eval();
    *sent = i;
    *received = o;
    return cycles;
}

}  // extern "C"
