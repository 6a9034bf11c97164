// Tasklets (softirq.cc): tasklet_schedule() and the per-CPU ksoftirqd
// tasks that run them.
#pragma once

#include <cstddef>
#include <vector>

struct tasklet_struct;

namespace kmapsim {

class Machine;

class Softirq {
 public:
  explicit Softirq(Machine &m) : m_(m) {}
  // tasklet_schedule() (hi: tasklet_hi_schedule(), HI_SOFTIRQ, run first).
  void schedule(struct tasklet_struct *t, bool hi);
  // tasklet_kill(): waits until t is neither queued nor running.
  void kill(struct tasklet_struct *t);
  // tasklet_unlock_wait(): waits until t is not running.
  void unlock_wait(struct tasklet_struct *t, const char *api);
  // tasklet_enable(): a queued tasklet may run again.
  void enable(struct tasklet_struct *t);
  void reset() { cpus_.clear(); }

 private:
  // One CPU's queues and its ksoftirqd (a task id, -1 until first needed).
  struct Cpu {
    std::vector<struct tasklet_struct *> hi, normal;
    int ksoftirqd = -1;
  };
  static int ksoftirqd_fn(void *arg);
  void ksoftirqd_loop(size_t cpu);
  // The first queued tasklet of cpu that may run now, taken off its queue.
  struct tasklet_struct *take(Cpu &c);
  void run(struct tasklet_struct *t);
  Machine &m_;
  std::vector<Cpu> cpus_;
};

}  // namespace kmapsim
