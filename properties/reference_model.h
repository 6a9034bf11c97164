// The reference model of the model-vs-reference property and what its
// commands share (reference.cc runs them, reference_commands.cc defines
// them). Kernel-style headers last.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness.h"

#include <kmapsim/subject.h>
#undef current

namespace kprop {
namespace ref {

namespace gen = rc::gen;

constexpr int kRefSlots = 3;
constexpr int kRefPages = kRefSlots * 4;  // page index: slot * 4 + subpage
constexpr int kTasks = 3;                 // main, kthread1, kthread2
inline const char *const kTaskNames[kTasks] = {"main", "kthread1", "kthread2"};

enum class How : uint8_t { LocalPage, LocalFolio, LocalPfn, Atomic, AtomicPfn };
inline const char *how_name(How h) {
  static const char *const n[] = {"kmap_local_page", "kmap_local_folio", "kmap_local_pfn", "kmap_atomic", "kmap_atomic_pfn"};
  return n[static_cast<int>(h)];
}
inline bool how_atomic(How h) { return h == How::Atomic || h == How::AtomicPfn; }
inline bool how_pfn(How h) { return h == How::LocalPfn || h == How::AtomicPfn; }

// ---- the reference model

struct RLocal {
  int id;     // names the address in g_addr
  int page;   // page index
  How how;
  bool real;  // a fixmap mapping the model tracks (else the direct map)
  bool irq;   // made by the interrupt handler
  bool high_get;  // ARM kmap_high_get(): the page's PKMAP address, one pkmap_count reference
  uint16_t in_page;
};

struct RTask {
  bool alive = true;
  int cpu = 0;
  std::vector<RLocal> stack;  // kmap_ctrl, as the reference sees it (real or not)
  int atomics = 0;            // kmap_atomic mappings on the stack
  int preempt = 0;            // explicit preempt_disable()s
  int irqs_off = 0;           // local_irq_save() nesting
};

enum class Pk : uint8_t { None, Held, Stale };  // PKMAP state of a highmem page

struct RSlot {
  bool allocated = false;
  bool high = false;
  int order = 0;
};

struct Ref {
  std::string profile;
  bool highmem = true, force_map = false, kmap_high_get = false;
  int max_local = 15;
  unsigned last_pkmap = 8;
  RSlot slots[kRefSlots];
  RTask tasks[kTasks];
  int cpu_curr[2] = {0, -1};
  int current = 0;
  bool in_irq = false;
  int holders[kRefPages][kTasks] = {};  // kmap() holds per page, per holder
  int high_gets[kRefPages] = {};        // kmap_high_get() references of local mappings
  Pk pk[kRefPages] = {};
  unsigned new_pkmaps = 0;  // kmap()s that needed a new PKMAP slot: below LAST_PKMAP no slot was ever flushed implicitly
  int next_id = 0;

  RTask &cur() { return tasks[current]; }
  const RTask &cur() const { return tasks[current]; }
  bool page_valid(int p) const { return slots[p / 4].allocated && (p % 4) < (1 << slots[p / 4].order); }
  bool high(int p) const { return slots[p / 4].high; }
  bool real(int p, How h) const { return highmem && (high(p) || force_map || how_pfn(h)); }
  int holders_of(int p) const { return holders[p][0] + holders[p][1] + holders[p][2] + high_gets[p]; }
  // Whether a local map of p reuses its PKMAP address (kmap_high_get()):
  // only for a page mapping of a highmem page with a PKMAP address.
  bool maps_by_high_get(int p, How h) const { return kmap_high_get && highmem && high(p) && !how_pfn(h) && pk[p] != Pk::None; }
  // A Stale page's slot may have been flushed when new kmap()s wrapped the pool.
  bool pk_exact() const { return new_pkmaps < last_pkmap; }
  int held_high_pages() const {
    int n = 0;
    for (int p = 0; p < kRefPages; p++) n += high(p) && holders_of(p) > 0;
    return n;
  }
  int preempt_count(int t) const { return tasks[t].atomics + tasks[t].preempt; }
  bool preemptible() const { return !in_irq && preempt_count(current) == 0 && cur().irqs_off == 0; }
  bool may_sleep() const { return preemptible(); }
  int real_depth(int t) const {
    int n = 0;
    for (const RLocal &l : tasks[t].stack) n += l.real;
    return n;
  }
  // The newest mapping of the running context (task or interrupt), or null.
  const RLocal *top() const {
    const std::vector<RLocal> &s = cur().stack;
    if (s.empty() || s.back().irq != in_irq) return nullptr;
    return &s.back();
  }
  bool page_in_use(int slot) const {
    for (const RTask &t : tasks)
      for (const RLocal &l : t.stack)
        if (l.page / 4 == slot) return true;
    for (int s = 0; s < 4; s++)
      if (holders_of(slot * 4 + s) || pk[slot * 4 + s] != Pk::None) return true;
    return false;
  }
  // The tasks the scheduler may run next, as the model's choose_next()
  // lists them: other CPUs' running tasks, tasks queued on idle CPUs, and
  // — only when the current task is preemptible — tasks queued on its CPU.
  std::vector<int> candidates(bool can_continue) const {
    std::vector<int> v;
    for (int c = 0; c < 2; c++) {
      int curr = cpu_curr[c];
      if (curr >= 0 && curr != current) {
        v.push_back(curr);
      } else if (curr < 0) {
        for (int t = 0; t < kTasks; t++)
          if (tasks[t].alive && tasks[t].cpu == c && !(can_continue && t == current)) v.push_back(t);
      }
    }
    if (can_continue && preemptible())
      for (int t = 0; t < kTasks; t++)
        if (tasks[t].alive && t != current && tasks[t].cpu == cur().cpu && cpu_curr[tasks[t].cpu] != t) v.push_back(t);
    return v;
  }
  void run_task(int t) {
    if (cpu_curr[tasks[t].cpu] != t) cpu_curr[tasks[t].cpu] = t;
    current = t;
  }
};

// An address the running context may use now.
struct Access {
  enum Kind { Local, Kmap, Direct } kind;
  int page;
  int id;  // Local: the mapping's id
};

// In a buffer that outlives the run: a report abandons the fiber's stack,

// Every address the running context may use now, its own local mappings
// newest first, then kmap() addresses, then the direct map. In a buffer
// that outlives the run: code inside a run keeps no heap-owning locals,
// because a report abandons the fiber's stack.
const std::vector<Access> &accessible(const Ref &s);

// ---- what the run keeps (the system under test's side)

struct Sut {};
using Cmd = rc::state::Command<Ref, Sut>;

struct Steer {  // the Steer source's orders
  bool high = false;
  bool fire_irq = false;
  bool migrate = false;
  int want = -1;  // >= 0: run this task at the next choice; -2: any task but the running one
  char error[256] = "";
};
extern Steer g_steer;

// The run's side of the state (globals: a report abandons the fiber's stack).
extern struct page *g_pages[kRefSlots];
extern uint8_t g_shadow[kRefPages][4096];  // what each page must hold
extern std::vector<char *> g_addr;        // by mapping id: the page-aligned address
extern char *g_kaddr[kRefPages];          // the kmap() address of each page (kept while stale)
extern unsigned long g_flags[kTasks][8];  // local_irq_save() flags per task
extern Ref g_ref;                         // the reference, after the command now running
extern bool g_exit_now, g_irq_exit;       // set by TaskExit / IrqExit for the run loop
extern struct completion g_tick;          // complete() on it: a scheduling point that never sleeps

std::string page_name(int p);
struct page *page_of(int p);
unsigned long pfn_of(int p);
// Pointers are compared as numbers: rapidcheck would print a char * as a
// string, reading through it.
inline uintptr_t U(const void *p) { return reinterpret_cast<uintptr_t>(p); }
// n bytes at addr, a mapping of page p at offset off: RC_FAIL unless they
// equal the reference's copy and the frame.
void check_bytes(const char *what, const char *addr, int p, size_t off, size_t n);
char *address_of(const Access &a);
// After a write to page p in [off, off + n): every other address of p shows it.
void check_aliases(const Ref &s, int p, size_t off, size_t n);

// reference_commands.cc: the next command for state s.
rc::Gen<std::shared_ptr<const Cmd>> gen_command(const Ref &s);
// "switches N, interrupts N, migrations N, task exits N" of a sequence.
std::string scheduling_events(const std::vector<std::shared_ptr<const Cmd>> &cmds);

}  // namespace ref
}  // namespace kprop
