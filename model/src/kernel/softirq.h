// Tasklets (softirq.cc): tasklet_schedule(), the per-CPU ksoftirqd tasks,
// and do_softirq() on top of the current task.
#pragma once

#include <cstddef>
#include <vector>

struct tasklet_struct;

namespace kmapsim {

class Machine;
struct Task;

class Softirq {
 public:
  explicit Softirq(Machine &m) : m_(m) {}
  // tasklet_schedule() (hi: tasklet_hi_schedule(), HI_SOFTIRQ, run first)
  // on the current CPU, or on cpu (a timer's expiry there: its ksoftirqd
  // runs it). Whether it was queued now (not queued already).
  bool schedule(struct tasklet_struct *t, bool hi, int cpu = -1);
  // Takes a queued t that has not started off its queue (del_timer()).
  // Whether it was queued.
  bool dequeue(struct tasklet_struct *t);
  // del_timer_sync()'s wait: spins until t is not running anywhere.
  void spin_until_done(struct tasklet_struct *t, const char *api);
  // tasklet_kill(): waits until t is neither queued nor running.
  void kill(struct tasklet_struct *t);
  // tasklet_unlock_wait(): waits until t is not running.
  void unlock_wait(struct tasklet_struct *t, const char *api);
  // tasklet_enable(): a queued tasklet may run again.
  void enable(struct tasklet_struct *t);
  // do_softirq() on the current context, where the kernel runs pending
  // softirqs: at an interrupt's end (irq_exit()), at the outermost
  // local_bh_enable(), and at a timer tick's end while a task spins.
  // `where` names it in the run's events.
  void do_softirq(const char *where);
  // irq_exit()'s do_softirq() (an interrupt's end, a timer tick's):
  // PREEMPT_RT leaves pending softirqs to ksoftirqd there.
  void irq_exit(const char *where);
  // A tasklet queued on the current CPU could run now.
  bool pending_here() const;
  // A queued item (a tasklet or an armed timer) on t's stack, or nullptr.
  const struct tasklet_struct *queued_on_stack(const Task &t) const;
  // A timer's softirq item (linux/timer.h), named as a timer in events and reports.
  static bool is_timer(const struct tasklet_struct *t);
  void reset() { cpus_.clear(); }

 private:
  // One CPU's queues and its ksoftirqd (a task id, -1 until first needed).
  struct Cpu {
    std::vector<struct tasklet_struct *> hi, normal;
    int ksoftirqd = -1;
  };
  // __do_softirq()'s MAX_SOFTIRQ_RESTART: passes over the queues before
  // what is still pending is left to ksoftirqd.
  static constexpr int kMaxRestart = 10;
  static int ksoftirqd_fn(void *arg);
  void ksoftirqd_loop(size_t cpu);
  // The first queued tasklet of cpu that may run now, taken off its queue.
  struct tasklet_struct *take(Cpu &c);
  static bool runnable(const Cpu &c);
  // Runs t in softirq context on the current task: ksoftirqd's, or nested
  // on the interrupted or bh-enabling task (do_softirq()).
  void run(struct tasklet_struct *t, bool nested);
  // Starts cpu's ksoftirqd at its first use, or wakes it.
  void wakeup_softirqd(size_t cpu);
  // wakeup_softirqd() on every CPU (but except_cpu) with a tasklet that may run.
  void wake_queued(int except_cpu = -1);
  Machine &m_;
  std::vector<Cpu> cpus_;
};

}  // namespace kmapsim
