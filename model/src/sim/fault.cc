// Turning a host fault into a report. Every temporary mapping lives in a
// window of the arena with a guard page after it; only the running
// context's live windows are accessible. So the faulting address says what
// happened: a guard page next to one of this context's mappings is an
// overrun, a window another context owns is an escape, a released window
// is a use after unmap, and an address in the first pages after
// page_address() returned NULL is a highmem page_address() use. Faults that
// are not kmapsim's go to the handler that was there before (ASan's). The
// report itself is made after the handler returned (kmapsim_fault_landing).
#include <signal.h>
#include <ucontext.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "machine.h"

// Where a fault of kmapsim's continues after the signal handler returned
// (see on_segv): handle_fault() reports it and ends the run.
extern "C" [[noreturn]] void kmapsim_fault_landing(void *addr, long is_write) {
  kmapsim::Machine *m = kmapsim::Machine::running();
  if (m) {
    // The access's call trace: this frame's return address is the faulting
    // instruction + 1 (on_segv) or kmapsim's access check (asan_window.cc),
    // whose callers lead to the subject's access.
    kmapsim::capture_trace(m->reporter().fault_trace(), __builtin_frame_address(0));
    m->reporter().set_fault_write(is_write != 0);
    m->handle_fault(addr, is_write != 0);
  }
  // Only torture mode sends an address here that handle_fault() may turn
  // down (a low address, decided under the model lock): a NULL dereference
  // in the subject, a finding as ASan's SEGV report is in deterministic mode.
  fprintf(stderr, "kmapsim: segmentation fault at %p, outside every kmapsim mapping (a NULL pointer dereference?)\n", addr);
  fflush(stderr);
  _exit(1);
}

namespace kmapsim {

namespace {
struct sigaction g_old_segv;
bool g_installed = false;

void on_segv(int sig, siginfo_t *si, void *uctx) {
  Machine *m = Machine::running();
#if defined(__x86_64__)
  if (m && m->fault_is_ours(si->si_addr)) {
    // The report is made outside the signal handler: the interrupted
    // context is rewritten so that, when the handler returns, the thread
    // continues in kmapsim_fault_landing(addr, is_write) on its own stack,
    // as if the faulting instruction had called it. Reporting formats,
    // allocates, takes the model lock in torture mode and ends the run; in
    // a handler that is signal-unsafe, and a handler that never returns
    // leaves ThreadSanitizer's thread state "inside a signal handler".
    greg_t *regs = static_cast<ucontext_t *>(uctx)->uc_mcontext.gregs;
    bool is_write = (regs[REG_ERR] & 2) != 0;
    // Below the interrupted frame's red zone, aligned as just after a call.
    uintptr_t sp = ((static_cast<uintptr_t>(regs[REG_RSP]) - 256) & ~uintptr_t(15)) - 8;
    // As if the faulting instruction had called the landing: its address
    // + 1 (return addresses are looked up at pc - 1) starts the report's
    // call trace.
    *reinterpret_cast<uintptr_t *>(sp) = static_cast<uintptr_t>(regs[REG_RIP]) + 1;
    regs[REG_RSP] = static_cast<greg_t>(sp);
    regs[REG_RDI] = reinterpret_cast<greg_t>(si->si_addr);
    regs[REG_RSI] = is_write;
    regs[REG_RIP] = reinterpret_cast<greg_t>(&kmapsim_fault_landing);
    return;
  }
  // Not ours (a NULL dereference): the sanitizer's handler reports it, and
  // the report names this access (sanitizer_report.cc). The frame chain is
  // walked only from a frame pointer inside the running context's stack.
  if (m && m->in_run() && m->cur_task() >= 0) {
    greg_t *regs = static_cast<ucontext_t *>(uctx)->uc_mcontext.gregs;
    const void *bp = reinterpret_cast<const void *>(regs[REG_RBP]);
    PcTrace &trace = m->reporter().fault_trace();
    trace.n = 0;
    if (m->cur().fiber.contains(bp) && !(reinterpret_cast<uintptr_t>(bp) & 7))
      capture_trace_at(trace, static_cast<uintptr_t>(regs[REG_RIP]) + 1, bp);
    m->reporter().set_fault_write((regs[REG_ERR] & 2) != 0);
  }
#endif
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

void install_sanitizer_report();  // sanitizer_report.cc

void install_fault_handler() {
  if (g_installed) return;
  g_installed = true;
  install_sanitizer_report();
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
  // SA_NODEFER: a fault that is not kmapsim's is chained from inside the
  // handler, and must be able to fault again there.
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, &g_old_segv);
}

static bool owned_by_current(const Machine &m, const Window &w) {
  return w.state == WinState::Live && w.owner_task == m.cur_task() && w.owner_irq == m.cur_irq();
}

// Called in the signal handler: only what can be decided there without the
// model lock. In deterministic mode exactly the faults handle_fault()
// reports; in torture mode every arena address and every low address, and
// handle_fault() decides under the lock.
bool Machine::fault_is_ours(const void *addr) const {
  bool low = reinterpret_cast<uintptr_t>(addr) < 16 * kPage;
  if (policy().parallel) return in_arena(addr) || low;
  return running_ && cur_task() >= 0 && (in_arena(addr) || (low && last_null_page_address_api_));
}

bool Machine::handle_fault(void *addr, bool is_write) {
  ApiGuard model_lock(*this);
  if (!running_ || cur_task() < 0) return false;
  const char *a = static_cast<const char *>(addr);
  const char *rw = is_write ? "write" : "read";
  bool guard = false;
  int w = arena_.window_of(addr, &guard);
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
    bool below = arena_.is_local(w) && owned_by_current(*this, arena_.win(w));
    bool above = arena_.is_local(w + 1) && owned_by_current(*this, arena_.win(w + 1));
    if (!below && above) target = w + 1;
  } else if (arena_.win(w).state == WinState::Unused) {
    // Far past a mapping: look for the nearest mapping of this context below.
    for (int k = w - 1; k >= 0 && k >= w - 64; k--)
      if (arena_.is_local(k) && owned_by_current(*this, arena_.win(k))) {
        target = k;
        guard = true;
        break;
      }
  }
  const Window &win = arena_.win(target);
  const char *start = arena_.addr(target);
  long off = static_cast<long>(a - start);
  if (arena_.is_pkmap(target)) {
    unsigned slot = arena_.pkmap_slot(target);
    if (guard)
      report(BugClass::KmapOverrun, target, pkmap_.page_in(slot), "%s at %p through the kmap() mapping of pfn %d at %p (offset %ld) left its one page", rw,
             addr, pkmap_.page_in(slot), static_cast<const void *>(start), off);
    if (win.via_page_address && pkmap_.count(slot) == 1)
      report(BugClass::HighmemPageAddress, target, pkmap_.page_in(slot),
             "%s at %p: page_address() of highmem pfn %d returned its old PKMAP address, which nobody holds (pkmap_count 1): the slot "
             "can be recycled at any kmap()",
             rw, addr, pkmap_.page_in(slot));
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
  bool same_ctx = win.owner_task == cur_task() && win.owner_irq == irq_instance_;
  if (win.state == WinState::Live)
    report(BugClass::KmapEscape, target, win.pfn, "%s at %p: the %s() address of pfn %u belongs to %s (cpu %d) but was used by %s (cpu %d)", rw,
           addr, win.api, win.pfn, task_label(win.owner_task, win.owner_irq), task(win.owner_task).cpu, task_label(cur_task(), irq_instance_),
           cur().cpu);
  if (win.state == WinState::Released && !same_ctx)
    report(BugClass::KmapEscape, target, win.pfn,
           "%s at %p: the %s() address of pfn %u made by %s was used by %s after its owner unmapped it: a local address must not leave its context",
           rw, addr, win.api, win.pfn, task_label(win.owner_task, win.owner_irq), task_label(cur_task(), irq_instance_));
  if (win.state == WinState::Released)
    report(BugClass::KmapUseAfterUnmap, target, win.pfn, "%s at %p: the %s() mapping of pfn %u was already released by %s() at event #%llu", rw, addr,
           win.api, win.pfn, win.atomic ? "kunmap_atomic" : "kunmap_local", static_cast<unsigned long long>(win.released_at));
  report(BugClass::KmapUseAfterUnmap, target, -1, "%s at %p: no mapping is live at this kmap address", rw, addr);
}

}  // namespace kmapsim
