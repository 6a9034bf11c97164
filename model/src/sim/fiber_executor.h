// The deterministic executor (sim/executor.h): every task a fiber of the
// host thread running the machine, one context at a time, every choice a
// decision of the run's source. The scheduling itself is the scheduler's
// (kernel/sched.cc); this is how its choices are carried out.
#pragma once

#include "executor.h"

namespace kmapsim {

class Machine;

class FiberExecutor final : public Executor {
 public:
  explicit FiberExecutor(Machine &m) : Executor(ExecPolicy{}), m_(m) {}
  void enter_api() override;
  void exit_api() override;
  int claim_task_slot() override;
  void start_task(Task &t) override;
  void sched_point(const char *api) override;
  void sleep(Task &t, Wait why, const char *api) override;
  void woke() override {}
  void run_subject(const void *key, void (*fn)(void *), void *arg) override;
  void synchronize_irq(const void *dev_id) override;
  bool stopping() const override { return false; }
  [[noreturn]] void end_at_report() override;

 private:
  Machine &m_;
};

}  // namespace kmapsim
