// The checks at the return of a context that runs on top of a task
// (context_return.cc): an interrupt handler, a tasklet, a work item.
#pragma once

#include <cstddef>

#include "pkmap.h"

namespace kmapsim {

class Machine;
struct Task;

// What such a context found on its task when it started. It must return
// leaving exactly that: the kernel checks the same at the end of a softirq
// handler ("huh, entered softirq ... exited with ...?") and of a work item
// ("BUG: workqueue leaked lock or atomic").
struct ContextEntry {
  size_t kmap_depth;
  int atomic_maps, preempt_count, pagefault_disabled, irqs_off, bh_disabled, local_sections;
  static ContextEntry of(const Task &t);
};

// kmap-leak for a mapping the context made and kept, sleep-in-atomic for a
// bottom-half, preemption, page-fault or interrupt state it left changed;
// then the task's count of direct-mapped local sections is what it was
// (those are not on kmap_ctrl, nor tracked by the kernel). `who` starts
// each report ("tasklet", "interrupt handler NAME"); `irq` is the
// context's interrupt instance (0: none) and `kind`/`high_get_who` say
// how ARM's kmap_high_get() mappings are named (Pkmap).
void check_context_return(Machine &m, Task &t, const ContextEntry &entry, const char *who, int irq, Pkmap::Returning kind,
                          const char *high_get_who);

}  // namespace kmapsim
