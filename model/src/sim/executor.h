// How the machine's simulated tasks are executed. The model asks its
// executor at every point where the two modes differ, instead of testing
// which mode it is in:
//
//   FiberExecutor (fiber_executor.cc, the default): every task is a fiber
//   of one host thread; exactly one context runs at a time and every choice
//   is a decision, so a run is replayable from its trace.
//   Torture (torture/torture.h): every task is a host thread holding one of
//   the simulated CPUs; subject code runs truly in parallel under one model
//   lock, for ThreadSanitizer.
#pragma once

#include <cstdint>

namespace kmapsim {

struct Task;
enum class Wait : uint8_t;

// What an execution mode allows the model to do, fixed for its lifetime.
struct ExecPolicy {
  // One context at a time: only the running context's local windows are
  // open (__kmap_local_sched_out/_in), so escapes are caught.
  bool isolates_contexts = true;
  // Windows may be opened through ASan's shadow instead of mprotect().
  bool poisons_windows = true;
  // Decisions drive the schedule: fairness, injected faults, plain-access
  // scheduling points and the host-time watchdog apply.
  bool decides_schedule = true;
  // Contexts run in parallel on host threads: a handler may spin on a lock
  // another CPU holds, and any fault in the arena or a low page is handed
  // to the model (it decides under the model lock).
  bool parallel = false;
};

class Executor {
 public:
  virtual ~Executor() = default;
  const ExecPolicy &policy() const { return policy_; }

  // Every entry of the kernel-style C API, for the length of the call.
  virtual void enter_api() = 0;
  virtual void exit_api() = 0;
  // create_task(): a free task slot, then the task (filled in) is started.
  virtual int claim_task_slot() = 0;
  virtual void start_task(Task &t) = 0;
  // A scheduling point in task context with a running machine.
  virtual void sched_point(const char *api) = 0;
  // The current task t was marked blocked in wait `why`: returns once it
  // may run again.
  virtual void sleep(Task &t, Wait why, const char *api) = 0;
  // Some task was (or may have been) made runnable.
  virtual void woke() = 0;
  // Runs subject code from inside the model: an interrupt handler (key: its
  // dev_id) or a work item (key: nullptr).
  virtual void run_subject(const void *key, void (*fn)(void *), void *arg) = 0;
  // free_irq(): waits for the handler instances still running elsewhere.
  virtual void synchronize_irq(const void *dev_id) = 0;
  // The run is ending: the idle kworker returns.
  virtual bool stopping() const = 0;
  // The report is composed: end the run (deterministic) or the process.
  [[noreturn]] virtual void end_at_report() = 0;

 protected:
  explicit Executor(const ExecPolicy &p) : policy_(p) {}

 private:
  ExecPolicy policy_;
};

}  // namespace kmapsim
