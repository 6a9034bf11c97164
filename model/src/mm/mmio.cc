// Memory-mapped I/O: what a driver's register accesses see (asm/io.h).
//
// A window is host heap memory of the size ioremap() was asked for, so the
// subject's own loads and stores in readl()/writel() (inline in its code,
// instrumented) are bounds- and lifetime-checked by ASan like any heap
// access. The value a read returns is decided here: the device is input to
// the run, as a kmapsim_pick() is. A register's first kPickedReads reads
// are picks over its width, so every answer a driver branches on (ready or
// not, an error bit, a count) is explored by the fuzzer, the random walks
// and the exhaustive enumeration's boundary values. Later reads answer the
// complement of the last value: a register read that often is being
// polled (`while (!(readl(status) & READY)) cpu_relax();`) or drained, and
// a device that works changes its state eventually; with the complement
// every bit changes, whichever one the loop waits for, so no run spins for
// ever on a device that a real one would not leave stuck.
//
// The first of those later reads is also where the device may stall (a
// delay of the run, Machine::stall()): the register holds its answer for
// kHeldReads reads, and the clocks move on as for a stalled delay. A poll
// bounded by a count of reads (`for (i = 0; i < 1000; i++) if (readl(st)
// & READY) break;`, 6.12's read_poll_timeout_atomic()) then runs out and
// takes its timeout path, as one bounded by the jiffies or ktime does at
// its next clock read; answers that came in time never took either there.
// The run asks once per register and command (a write to its window
// starts a new exchange, whose poll may stall again): asking at every read
// would stall nearly every drain of a FIFO somewhere, and a held poll
// costs its thousands of reads.
#include "mmio.h"

#include <cstdlib>
#include <cstring>

#include "machine.h"

namespace kmapsim {

void *Mmio::ioremap(uint64_t offset, size_t size, const char *api) {
  (void)offset;  // the physical address picks the device; here each window is its own device
  // get_vm_area() and the page tables: GFP_KERNEL allocations, which may
  // sleep and may fail
  m_.might_sleep(api);
  m_.sched_point(api);
  if (!size || m_.alloc_fails("ioremap: injected allocation failure")) return nullptr;
  void *p = calloc(1, size);
  if (!p) return nullptr;
  m_.note_kmalloc(p);  // freed with the run's other allocations if the subject does not
  windows_.push_back({reinterpret_cast<uintptr_t>(p), size});
  return p;
}

void Mmio::iounmap(const volatile void *addr, const char *api) {
  if (!addr) return;
  m_.might_sleep(api);
  m_.sched_point(api);
  uintptr_t a = reinterpret_cast<uintptr_t>(addr);
  for (size_t i = 0; i < windows_.size(); i++) {
    if (windows_[i].base != a) continue;
    const Window w = windows_[i];
    windows_.erase(windows_.begin() + static_cast<long>(i));
    for (auto it = regs_.begin(); it != regs_.end();)
      it = it->first - w.base < w.size ? regs_.erase(it) : std::next(it);
    void *p = reinterpret_cast<void *>(a);
    if (m_.forget_kmalloc(p)) free(p);
    return;
  }
  // No address in the text: it differs between runs, the report must not.
  m_.report(BugClass::SubjectBug, -1, -1, "%s() of an address that is not the start of a window ioremap() gave (a second %s()?)",
            api, api);
}

Mmio::Window *Mmio::window_of(uintptr_t a, unsigned bytes) {
  for (Window &w : windows_)
    if (a - w.base < w.size && bytes <= w.size - (a - w.base)) return &w;
  return nullptr;
}

uint64_t Mmio::read(const volatile void *addr, unsigned bytes, uint64_t held, const char *api) {
  m_.sched_point(api);
  uintptr_t a = reinterpret_cast<uintptr_t>(addr);
  const Window *w = window_of(a, bytes);
  if (!w) return held;
  const uint64_t mask = bytes >= 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
  Reg &r = regs_[a];
  if (r.reads < kPickedReads) {
    r.reads++;
    r.last = m_.decide_pick(0, mask);
  } else if (r.held) {
    // No event: the stall's event says what every held read answers, and
    // thousands of them would push it and what led to it out of a
    // report's last events. Nor progress: the device is stuck, so a task
    // polling it yields its turn at each delay as any spinner does.
    r.held--;
    return r.last;
  } else {
    bool stalls = false;
    if (r.stall_asked != w->commands) {
      r.stall_asked = w->commands;
      stalls = m_.stall(api, true);
    }
    if (stalls)
      r.held = kHeldReads - 1;  // this read is the first of them
    else
      r.last = ~r.last & mask;
  }
  m_.event(Ev::Pick, r.last, 0, api);
  return r.last;
}

void Mmio::range(const volatile void *addr, size_t n, const char *api) {
  m_.sched_point(api);
  (void)addr;  // the caller copies: ASan bounds the range by the window
  m_.event(Ev::Note, n, 0, api);
}

void Mmio::write(const volatile void *addr, unsigned bytes, const char *api) {
  if (Window *w = window_of(reinterpret_cast<uintptr_t>(addr), bytes)) w->commands++;
  m_.sched_point(api);
}

}  // namespace kmapsim
