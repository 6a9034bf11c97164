// What every entry point of the kernel-facing C API (model/include/linux/*.h;
// mm_api.cc, sched_api.cc, locking_api.cc, subject_api.cc) does on entry:
// find the Machine running on this host thread, hold an ApiGuard for the
// call and record where the subject called. The entry points are thin:
// kernel semantics live in the parts; the entries only adapt signatures.
#pragma once

#include <cstdint>
#include <optional>

#include "machine.h"

#include <kmapsim/selfcheck.h>
#include <kmapsim/subject.h>
#undef current

namespace kmapsim {

// Records the subject's call site in the running context's ApiSite (the
// outermost entry of the context only: a return address and the frame, two
// stores), for the event list and the report's call traces; restores the
// previous one when the entry returns.
class SiteGuard {
 public:
  SiteGuard(Machine &m, uintptr_t pc, const void *fp, const char *api) {
    if (m.cur_task() < 0) return;
    ApiSite &s = m.cur().site;
    // Deterministic mode counts API depth per context (an interrupt handler
    // starts again at 0); torture mode does not, and an empty slot says
    // this is the outermost call.
    if (m.policy().parallel ? s.pc != 0 : m.api_depth() != 1) return;
    slot_ = &s;
    prev_ = s;
    s = {pc, fp, api};
  }
  ~SiteGuard() {
    if (slot_) *slot_ = prev_;
  }
  SiteGuard(const SiteGuard &) = delete;
  SiteGuard &operator=(const SiteGuard &) = delete;

 private:
  ApiSite *slot_ = nullptr;
  ApiSite prev_;
};

// For the few entries that also work outside a run (they read a lock or a
// completion the model writes under its lock).
struct GuardIfRunning {
  GuardIfRunning() {
    if (Machine *m = Machine::running()) g.emplace(*m);
  }
  std::optional<ApiGuard> g;
};

}  // namespace kmapsim

// Every entry that touches the model starts with this: `m` is the running
// Machine; the ApiGuard is the model lock in torture mode and the API depth
// in deterministic mode; the SiteGuard records the subject's call site.
#define KMAPSIM_API                          \
  kmapsim::Machine &m = kmapsim::M();        \
  kmapsim::ApiGuard api_guard_(m);           \
  kmapsim::SiteGuard api_site_(m, reinterpret_cast<uintptr_t>(__builtin_return_address(0)), __builtin_frame_address(0), __func__)
