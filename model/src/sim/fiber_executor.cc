// The deterministic executor: tasks are fibers switched by the scheduler's
// decisions (kernel/sched.cc), so a run is a function of its decisions.
#include "fiber_executor.h"

#include "machine.h"

namespace kmapsim {

// The model's own code is not subject code: the watchdog and the access
// callbacks leave a context alone while it is inside an API call.
void FiberExecutor::enter_api() { ++m_.api_depth_; }
void FiberExecutor::exit_api() { --m_.api_depth_; }

int FiberExecutor::claim_task_slot() {
  if (m_.ntasks() >= 64) m_.report(BugClass::SubjectBug, -1, -1, "more than 64 simulated tasks in one run");
  return m_.sched().add_task_slot();
}

void FiberExecutor::start_task(Task &t) { t.fiber.init(&Sched::task_entry, &t); }

void FiberExecutor::sched_point(const char *api) { m_.sched().decided_sched_point(api); }

// Blocked: another task runs (on this host thread) until this one is woken
// and chosen again.
void FiberExecutor::sleep(Task &, Wait, const char *api) { m_.sched().choose_next(false, api); }

// Subject code the model runs (an interrupt handler, a work item) may be
// interrupted by the watchdog like any subject code.
void FiberExecutor::run_subject(const void *, void (*fn)(void *), void *arg) {
  int depth = m_.api_depth_;
  m_.api_depth_ = 0;
  fn(arg);
  m_.api_depth_ = depth;
}

// free_irq(): a handler of dev_id whose task was switched away while the
// handler spins on a lock (kernel/locking.cc) is still in progress on its
// CPU; as the kernel's synchronize_irq() does, wait (spinning, keeping this
// CPU) until it returns. Otherwise nothing runs elsewhere: no decision.
void FiberExecutor::synchronize_irq(const void *dev_id) {
  while (m_.irq().in_progress(dev_id)) m_.block(Wait::IrqSync, m_.irq().done_key(), "synchronize_irq");
}

void FiberExecutor::end_at_report() { m_.abandon_run(); }

}  // namespace kmapsim
