// RCU (linux/rcupdate.h): read-side sections, grace periods, callbacks.
//
// A read-side section runs with preemption disabled, as on a kernel without
// PREEMPT_RCU, and is counted per task (nesting; `exits` counts outermost
// sections left). A grace period that starts now waits for the tasks inside
// a section now: it ends once each has left the section it was in (its
// exits count moved on). synchronize_rcu() yields until then; the fair
// scheduler lets the readers run meanwhile. call_rcu() and kfree_rcu()
// queue a callback with the readers of that moment; an "rcu_gp" kernel
// thread, started when a callback is queued and none is running, waits for
// each callback's grace period and runs it with preemption disabled (the
// kernel runs them in softirq context), in queueing order, then exits when
// the queue is empty. Callbacks still queued when a run ends are dropped
// with the run, as a run's memory is.
#include <deque>
#include <utility>
#include <vector>

#include "machine.h"

#include <kmapsim/subject.h>
#include <linux/rcupdate.h>
#undef current

namespace kmapsim {
namespace {

struct Callback {
  struct rcu_head *head;
  rcu_callback_t func;
  const void *kfree_ptr;  // kfree_rcu(): what to kfree() instead of calling func
  std::vector<std::pair<int, uint64_t>> readers;  // {task, its exits when queued}
};

struct RcuState {
  uint64_t run = 0;
  std::vector<int> nesting;
  std::vector<uint64_t> exits;
  std::deque<Callback> pending;
  bool gp_thread = false;
};

RcuState &rcu(Machine &m) {
  RcuState &s = m.per_run<RcuState>(m.rcu_state());
  size_t n = m.sched().task_slots() > m.ntasks() ? m.sched().task_slots() : m.ntasks();
  if (s.nesting.size() < n) {
    s.nesting.resize(n, 0);
    s.exits.resize(n, 0);
  }
  return s;
}

std::vector<std::pair<int, uint64_t>> readers_now(Machine &m) {
  RcuState &s = rcu(m);
  std::vector<std::pair<int, uint64_t>> out;
  for (size_t i = 0; i < s.nesting.size(); i++)
    if (s.nesting[i] > 0 && static_cast<int>(i) != m.cur_task()) out.emplace_back(static_cast<int>(i), s.exits[i]);
  return out;
}

bool grace_period_over(Machine &m, const std::vector<std::pair<int, uint64_t>> &readers) {
  RcuState &s = rcu(m);
  for (auto [task, exits] : readers)
    if (s.exits[task] == exits && s.nesting[task] > 0) return false;
  return true;
}

// Yields until the readers of `readers` have left their sections. The
// caller holds no ApiGuard across the yields' switches beyond its own.
void wait_grace_period(Machine &m, const std::vector<std::pair<int, uint64_t>> &readers, const char *api) {
  while (!grace_period_over(m, readers)) {
    m.yield_point(api);
    m.sched_point(api);
  }
}

int rcu_gp_thread(void *) {
  Machine &m = M();
  for (;;) {
    Callback cb;
    {
      ApiGuard g(m);
      RcuState &s = rcu(m);
      if (s.pending.empty()) {
        s.gp_thread = false;
        return 0;
      }
      cb = s.pending.front();
      wait_grace_period(m, cb.readers, "rcu_gp");
      rcu(m).pending.pop_front();
      m.preempt_disable();
    }
    if (cb.kfree_ptr)
      kfree(cb.kfree_ptr);
    else
      cb.func(cb.head);
    ApiGuard g(m);
    m.preempt_enable(false);
    m.sched_point("rcu_gp");
  }
}

void queue(Machine &m, struct rcu_head *head, rcu_callback_t func, const void *ptr) {
  RcuState &s = rcu(m);
  s.pending.push_back(Callback{head, func, ptr, readers_now(m)});
  if (!s.gp_thread) {
    s.gp_thread = true;
    m.create_task("rcu_gp", nullptr, rcu_gp_thread, nullptr);
  }
}

}  // namespace
}  // namespace kmapsim

using kmapsim::M;

extern "C" {

void rcu_read_lock(void) {
  kmapsim::Machine &m = M();
  kmapsim::ApiGuard g(m);
  m.preempt_disable();
  kmapsim::rcu(m).nesting[m.cur_task()]++;
}

void rcu_read_unlock(void) {
  kmapsim::Machine &m = M();
  kmapsim::ApiGuard g(m);
  kmapsim::RcuState &s = kmapsim::rcu(m);
  int t = m.cur_task();
  if (s.nesting[t] <= 0) m.report(kmapsim::BugClass::SubjectBug, -1, -1, "rcu_read_unlock() without rcu_read_lock()");
  if (--s.nesting[t] == 0) s.exits[t]++;
  m.preempt_enable(true);
}

int kmapsim_rcu_read_lock_held(void) {
  kmapsim::Machine &m = M();
  kmapsim::ApiGuard g(m);
  return kmapsim::rcu(m).nesting[m.cur_task()] > 0;
}

void synchronize_rcu(void) {
  kmapsim::Machine &m = M();
  kmapsim::ApiGuard g(m);
  m.might_sleep("synchronize_rcu");
  m.sched_point("synchronize_rcu");
  kmapsim::wait_grace_period(m, kmapsim::readers_now(m), "synchronize_rcu");
}

void rcu_barrier(void) {
  kmapsim::Machine &m = M();
  kmapsim::ApiGuard g(m);
  m.might_sleep("rcu_barrier");
  while (!kmapsim::rcu(m).pending.empty()) {
    m.yield_point("rcu_barrier");
    m.sched_point("rcu_barrier");
  }
}

void call_rcu(struct rcu_head *head, rcu_callback_t func) {
  kmapsim::Machine &m = M();
  kmapsim::ApiGuard g(m);
  kmapsim::queue(m, head, func, nullptr);
}

void kmapsim_kvfree_rcu(const void *ptr) {
  if (!ptr) return;
  kmapsim::Machine &m = M();
  kmapsim::ApiGuard g(m);
  kmapsim::queue(m, nullptr, nullptr, ptr);
}

}  // extern "C"
