// Scheduling points between two plain memory accesses. Subject code built
// with clang's -fsanitize-coverage=trace-loads,trace-stores (together with
// a coverage mode: libFuzzer's, or trace-pc-guard/edge) calls these hooks
// before every load and store. An access to memory another context could
// see (globals, the heap, the direct map, kmap windows: anything but the
// running task's own stack) becomes a scheduling point, so a preemption may
// fall between two plain accesses as on a real kernel, and a plain re-read
// in a loop (`while (!flag) ;`) is a spin that fairness resolves. Without
// the flag (the default build of subjects), nothing calls them.
//
// Cost: one hook call per access, and a scheduling point (decisions, a
// bigger schedule space) per shared one outside page contents.
#include <cstdint>

#include "machine.h"

namespace kmapsim {

namespace {
inline void plain_access(const void *addr, bool write) {
  Machine *m = Machine::running();
  // The model's own code is not instrumented, but subject callbacks the
  // model runs (handlers, thread functions) are: skip while inside an API
  // call, in an interrupt handler (no scheduling there), in torture mode.
  if (!m || !m->running_ || !m->policy().decides_schedule || m->api_depth_ || m->irq_instance_ || m->cur_task() < 0) return;
  if (!m->plain_access_points_) return;
  if (m->cur().fiber.contains(addr)) return;  // the task's own stack: nobody else sees it
  // Page contents (the direct map, kmap windows) are left out: loops over a
  // page's bytes would make every byte a scheduling point (thousands per
  // page) for interleavings that rarely matter; the kmap rules about those
  // accesses are checked by the faults anyway. Flags, counters and pointers
  // in globals and on the heap are what plain-access points are for.
  if (m->in_arena(addr) || m->mem().in_direct_map(addr)) return;
  // A budget per run: a loop over a heap buffer (parity, checksums) would
  // otherwise spend the step bound one byte at a time. The first
  // kPlainPointBudget shared plain accesses of a run are scheduling points.
  if (++m->plain_points_ > Machine::kPlainPointBudget) return;
  ApiGuard guard(*m);
  m->shared_access(addr, write ? Shared::Write : Shared::Read, write ? "a plain store" : "a plain load");
}
}  // namespace

}  // namespace kmapsim

extern "C" {
void __sanitizer_cov_load1(uint8_t *addr) { kmapsim::plain_access(addr, false); }
void __sanitizer_cov_load2(uint16_t *addr) { kmapsim::plain_access(addr, false); }
void __sanitizer_cov_load4(uint32_t *addr) { kmapsim::plain_access(addr, false); }
void __sanitizer_cov_load8(uint64_t *addr) { kmapsim::plain_access(addr, false); }
void __sanitizer_cov_load16(__int128 *addr) { kmapsim::plain_access(addr, false); }
void __sanitizer_cov_store1(uint8_t *addr) { kmapsim::plain_access(addr, true); }
void __sanitizer_cov_store2(uint16_t *addr) { kmapsim::plain_access(addr, true); }
void __sanitizer_cov_store4(uint32_t *addr) { kmapsim::plain_access(addr, true); }
void __sanitizer_cov_store8(uint64_t *addr) { kmapsim::plain_access(addr, true); }
void __sanitizer_cov_store16(__int128 *addr) { kmapsim::plain_access(addr, true); }
}

namespace kmapsim {
// Referenced by the Machine's constructor so this file is always linked:
// a sanitizer runtime's weak defaults of the hooks must not win.
void plain_access_link() {}
}  // namespace kmapsim
