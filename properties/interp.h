// The program interpreter's state and helpers, shared by interp.cc (tasks,
// runs), interp_steps.cc (legal steps) and inject.cc (the injected
// violations). Kernel-style code: the
// kernel headers come last, and everything here lives in globals because a
// report abandons the running fiber's stack.
#pragma once

#include "program.h"

#include <kmapsim/selfcheck.h>
#include <kmapsim/subject.h>
#undef current

namespace kprop {

struct Mapping {
  char *base;  // the page-aligned address of the mapped (sub)page
  int slot, sub;
  MapVariant variant;
  bool atomic;
};

struct PageSlot {
  struct page *page;  // head page; nullptr: slot empty
  unsigned order;
  unsigned user_mapped;  // bit per subpage: kmapsim_user_map()ped
  unsigned dirty;        // bit per subpage: written since the last flush_dcache_page()
};

// One simulated context running steps: a task, or the interrupt handler.
struct Ctx {
  int id;  // task index (0 main), or -1 for the interrupt handler
  const std::vector<Step> *steps;
  PageSlot pages[kSlots];
  uint8_t shadow[kSlots][4][4096];  // what each (slot, subpage) must hold
  Mapping stack[24];
  int depth;
  int atomics;  // kmap_atomic mappings on the stack
  struct {
    int slot, sub;
    char *addr;
  } kmaps[2];
  int nkmaps;
  int preempt_off;
  unsigned long irq_flags[4];
  int irq_off;
  bool spin, mutex;
  char buf[4096];  // a kernel buffer for helpers and user reads
  char *ubuf;  // two user pages
  uint8_t ushadow[2 * 4096];
  void *kmem[2];
  uint64_t obs;
  uint32_t nobs;
  bool in_irq;
  struct completion done;
};

extern Ctx g_ctx[1 + kMaxWorkers];
extern Ctx g_irq_ctx;
extern const Program *g_prog;
extern spinlock_t g_lock;
extern struct mutex g_mutex;
extern struct completion g_tick;  // complete() on it is a scheduling point that never sleeps

// Interpreter results (reset by run_program).
extern char g_error[2048];
extern bool g_injected, g_missed, g_return_now;
extern uint64_t g_steps_done;
extern std::vector<std::string> g_expect_words;

// Records a finding of the interpreter and ends the run (SubjectBug).
[[noreturn]] void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

bool atomic_ctx(const Ctx &c);
void exec_step(Ctx &c, const Step &s);
void pop_mapping(Ctx &c, unsigned off);
void drain(Ctx &c);
// Drops atomic sections, disabled preemption/interrupts and locks (in a
// legal order), and keeps at most `max_depth` local mappings.
void normalize(Ctx &c, int max_depth);
// A fresh page of the asked zone (the source is forced to choose it).
struct page *fresh_page(bool highmem, unsigned order = 0);
// The words of a page/address as the model prints them.
std::string pfn_word(struct page *page);
std::string addr_word(const void *addr);

// Whether the program's own interrupt handler is registered (handler #0).
bool irq_handler_registered();

// inject.cc: breaks g_prog->inject's rule in context c.
void inject(Ctx &c);

}  // namespace kprop
