// Where a local mapping's address was handed to another context, for the
// kmap-escape report. The model sees a few hand-offs with their data:
// kthread_run()'s data, the work item schedule_work() queues, request_irq()'s
// dev_id, and the value of a marked store (WRITE_ONCE(), smp_store_release(),
// rcu_assign_pointer()). At each, the pointer itself and, for the calls, the
// pointer-sized words of the object holding it (the request a work item is
// embedded in, the structure a kthread gets) are compared with the live
// local/atomic windows; a match is recorded with the call's trace. The
// object's bounds come from AddressSanitizer (__asan_locate_address: the
// heap block, the stack variable or the global); without ASan only the
// pointer itself is compared. A store the model does not see (a plain store
// into a global another task reads, an xchg(), a list_add()) records
// nothing, and the report then says nothing about a hand-over.
#include <cstring>

#include "machine.h"
#include "reporter.h"

extern "C" const char *__asan_locate_address(void *addr, char *name, size_t name_size, void **region_address, size_t *region_size)
    __attribute__((weak));

namespace kmapsim {

namespace {
// A request structure, not a buffer: words past this are not looked at.
constexpr size_t kScanMax = 1024;
}  // namespace

void Reporter::note_handover(const void *obj, const char *api, bool scan_object) {
  if (!m_.in_run() || m_.cur_task() < 0 || !obj) return;
  // Nothing to find with no local mapping live, and ASan's lookup of a
  // fiber-stack address scans its large-allocation list (tens of us).
  if (!m_.arena().any_live_local()) return;
  auto check = [&](uintptr_t v) {
    bool guard = false;
    int w = m_.arena().window_of(reinterpret_cast<const void *>(v), &guard);
    if (w < 0 || guard || !m_.arena().is_local(w) || m_.arena().win(w).state != WinState::Live) return;
    if (handover_of(w)) return;  // the first hand-over of this mapping is the one the report names
    Handover h{w, events_.seq(), api, PcTrace{}};
    const ApiSite &s = m_.cur().site;
    if (s.fp) capture_trace(h.trace, s.fp);
    handovers_.push_back(h);
  };
  check(reinterpret_cast<uintptr_t>(obj));
  if (!scan_object || !__asan_locate_address) return;
  void *region = nullptr;
  size_t size = 0;
  char name[64];
  const char *kind = __asan_locate_address(const_cast<void *>(obj), name, sizeof name, &region, &size);
  if (!kind || !region || !size || (strcmp(kind, "heap") && strcmp(kind, "stack") && strcmp(kind, "global"))) return;
  const char *p = static_cast<const char *>(region);
  uintptr_t first = (reinterpret_cast<uintptr_t>(p) + sizeof(uintptr_t) - 1) & ~(sizeof(uintptr_t) - 1);
  const char *end = p + (size < kScanMax ? size : kScanMax);
  for (const char *q = reinterpret_cast<const char *>(first); q + sizeof(uintptr_t) <= end; q += sizeof(uintptr_t)) {
    uintptr_t v;
    memcpy(&v, q, sizeof v);
    check(v);
  }
}

const Reporter::Handover *Reporter::handover_of(int window) const {
  if (window < 0 || static_cast<size_t>(window) >= m_.arena().nwindows()) return nullptr;
  for (const Handover &h : handovers_)
    if (h.window == window && h.seq >= m_.arena().win(window).made_at) return &h;
  return nullptr;
}

}  // namespace kmapsim
