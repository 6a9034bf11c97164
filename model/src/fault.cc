// Turning a host fault into a report. Every temporary mapping lives in a
// window of the arena with a guard page after it; only the running
// context's live windows are accessible. So the faulting address says what
// happened: a guard page next to one of this context's mappings is an
// overrun, a window another context owns is an escape, a released window
// is a use after unmap, and an address in the first pages after
// page_address() returned NULL is a highmem page_address() use. Faults that
// are not kmapsim's go to the handler that was there before (ASan's).
#include <signal.h>
#include <ucontext.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "machine.h"

namespace kmapsim {

namespace {
struct sigaction g_old_segv;
bool g_installed = false;

void on_segv(int sig, siginfo_t *si, void *uctx) {
  Machine *m = Machine::running();
  bool is_write = false;
#if defined(__x86_64__)
  is_write = (static_cast<ucontext_t *>(uctx)->uc_mcontext.gregs[REG_ERR] & 2) != 0;
#endif
  if (m && m->handle_fault(si->si_addr, is_write)) return;  // not reached: handle_fault ends the run
  // Not ours: chain.
  if (g_old_segv.sa_flags & SA_SIGINFO) {
    if (g_old_segv.sa_sigaction) {
      g_old_segv.sa_sigaction(sig, si, uctx);
      return;
    }
  } else if (g_old_segv.sa_handler != SIG_DFL && g_old_segv.sa_handler != SIG_IGN) {
    g_old_segv.sa_handler(sig);
    return;
  }
  signal(SIGSEGV, SIG_DFL);  // re-executing the access now ends the process
}
}  // namespace

void install_fault_handler() {
  if (g_installed) return;
  g_installed = true;
  // Without a sanitizer nothing has given this thread an alternate stack;
  // a fiber's stack overflow must still reach a handler.
  stack_t cur;
  if (sigaltstack(nullptr, &cur) == 0 && (cur.ss_flags & SS_DISABLE)) {
    stack_t ss;
    ss.ss_size = 64 * 1024;
    ss.ss_sp = malloc(ss.ss_size);
    ss.ss_flags = 0;
    sigaltstack(&ss, nullptr);
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  // SA_NODEFER: a report jumps out of the handler to the host context and
  // never returns through sigreturn, so SIGSEGV must not stay blocked.
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, &g_old_segv);
}

static bool owned_by_current(const Machine &m, const Window &w) {
  return w.state == WinState::Live && w.owner_task == m.cur_task() && w.owner_irq == m.cur_irq();
}

bool Machine::handle_fault(void *addr, bool is_write) {
  if (!running_ || cur_task_ < 0) return false;
  const char *a = static_cast<const char *>(addr);
  const char *rw = is_write ? "write" : "read";
  bool guard = false;
  int w = window_of(addr, &guard);
  if (w < 0) {
    if (reinterpret_cast<uintptr_t>(a) < 16 * kPage && last_null_page_address_api_)
      report(BugClass::HighmemPageAddress, -1, -1,
             "%s at %p: page_address() returned NULL for a highmem page earlier in this run, and the result was dereferenced "
             "(use kmap_local_page() for pages that may come from highmem)",
             rw, addr);
    return false;
  }
  // Which window was the access aimed at? A guard page belongs to the
  // mapping below it (an overrun), unless only the mapping above it is this
  // context's (an underrun).
  int target = w;
  if (guard) {
    bool below = static_cast<size_t>(w) < nlocal_windows_ && owned_by_current(*this, windows_[w]);
    bool above = static_cast<size_t>(w + 1) < nlocal_windows_ && owned_by_current(*this, windows_[w + 1]);
    if (!below && above) target = w + 1;
  } else if (windows_[w].state == WinState::Unused) {
    // Far past a mapping: look for the nearest mapping of this context below.
    for (int k = w - 1; k >= 0 && k >= w - 64; k--)
      if (static_cast<size_t>(k) < nlocal_windows_ && owned_by_current(*this, windows_[k])) {
        target = k;
        guard = true;
        break;
      }
  }
  Window &win = windows_[target];
  const char *start = window_addr(target);
  long off = static_cast<long>(a - start);
  if (static_cast<size_t>(target) >= nlocal_windows_) {
    unsigned slot = static_cast<unsigned>(target - nlocal_windows_);
    if (guard)
      report(BugClass::KmapOverrun, target, pkmap_page_[slot], "%s at %p through the kmap() mapping at %p (offset %ld) left its one page", rw, addr,
             static_cast<const void *>(start), off);
    if (win.via_page_address && pkmap_count_[slot] == 1)
      report(BugClass::HighmemPageAddress, target, pkmap_page_[slot],
             "%s at %p: page_address() of highmem pfn %d returned its old PKMAP address, which nobody holds (pkmap_count 1): the slot "
             "can be recycled at any kmap()",
             rw, addr, pkmap_page_[slot]);
    if (win.state == WinState::Unused)  // no page was ever kmap()ed here: there is no pfn to name
      report(BugClass::KmapUseAfterUnmap, target, -1, "%s at %p: no mapping is live at this kmap address (PKMAP slot %u was never used)", rw,
             addr, slot);
    report(BugClass::KmapUseAfterUnmap, target, win.pfn, "%s at %p: the kmap() address of pfn %u was used after kunmap() released it", rw, addr,
           win.pfn);
  }
  if (guard) {
    report(BugClass::KmapOverrun, target, win.pfn,
           "%s at %p through the %s() mapping of pfn %u at %p reached offset %ld: a single-page mapping gives access to one page only",
           rw, addr, win.api, win.pfn, static_cast<const void *>(start), off);
  }
  bool same_ctx = win.owner_task == cur_task_ && win.owner_irq == irq_instance_;
  if (win.state == WinState::Live)
    report(BugClass::KmapEscape, target, win.pfn, "%s at %p: the %s() address of pfn %u belongs to %s (cpu %d) but was used by %s (cpu %d)", rw,
           addr, win.api, win.pfn, task_label(win.owner_task, win.owner_irq), tasks_[win.owner_task]->cpu, task_label(cur_task_, irq_instance_),
           cur().cpu);
  if (win.state == WinState::Released && !same_ctx)
    report(BugClass::KmapEscape, target, win.pfn,
           "%s at %p: the %s() address of pfn %u made by %s was used by %s after its owner unmapped it: a local address must not leave its context",
           rw, addr, win.api, win.pfn, task_label(win.owner_task, win.owner_irq), task_label(cur_task_, irq_instance_));
  if (win.state == WinState::Released)
    report(BugClass::KmapUseAfterUnmap, target, win.pfn, "%s at %p: the %s() mapping of pfn %u was already released by %s() at event #%llu", rw, addr,
           win.api, win.pfn, win.atomic ? "kunmap_atomic" : "kunmap_local", static_cast<unsigned long long>(win.released_at));
  report(BugClass::KmapUseAfterUnmap, target, -1, "%s at %p: no mapping is live at this kmap address", rw, addr);
}

}  // namespace kmapsim
