// An imported function's entry checks are its caller's contract.
//
// Kernel functions state what they accept on entry: VM_BUG_ON(), `if
// (WARN_ON_ONCE(...)) return`, page_copy_sane(). A harness that picks its
// arguments (the one check --kernel writes, or a KMAPSIM_IMPORT harness)
// may break such a check; that is the harness calling the function wrongly,
// not a bug of the function, so the run is discarded: it ends there, with
// no report, and the explorer counts it.
//
// "On entry" is from the call up to the function's first scheduling point
// (Machine::sched_point): every action the model implements passes one (a
// kmap, an allocation, a lock, a user copy, a wake-up, a per-CPU access),
// queries (PageHighMem, compound_head, page_size) do not. might_sleep() is a
// scheduling point but no action, so it does not end the entry. A BUG or
// WARN after the first action is the function's own: BUG_ON is a
// subject-bug report, WARN an event, as everywhere else. Interrupt handlers
// and other tasks never end or trip the entry of the task that called.
#include <cstring>

#include "machine.h"

#include <kmapsim/subject.h>

namespace kmapsim {

void Machine::entry_begin(const char *fn) {
  entry_task_ = cur_task();
  entry_fn_ = fn;
}

void Machine::entry_end() {
  entry_task_ = -1;
  entry_fn_ = nullptr;
}

void Machine::entry_action(const char *api) {
  if (api && strcmp(api, "might_sleep") == 0) return;
  entry_end();
}

void Machine::entry_check_failed(const char *file, int line, const char *cond) {
  if (entry_task_ < 0 || entry_task_ != cur_task() || irq_instance_ || !policy().decides_schedule) return;
  char why[320];
  snprintf(why, sizeof why, "%s(): %s at %s:%d", entry_fn_ ? entry_fn_ : "?", cond ? cond : "?", file ? file : "?", line);
  result_.discarded = true;
  result_.discarded_by = why;
  entry_end();
  abandon_run();
}

}  // namespace kmapsim

extern "C" {

void kmapsim_entry_begin(const char *fn) {
  kmapsim::Machine &m = kmapsim::M();
  kmapsim::ApiGuard g(m);
  m.entry_begin(fn);
}

void kmapsim_entry_end(void) {
  kmapsim::Machine &m = kmapsim::M();
  kmapsim::ApiGuard g(m);
  m.entry_end();
}

}  // extern "C"
