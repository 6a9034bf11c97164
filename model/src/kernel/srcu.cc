// Sleepable RCU (linux/srcu.h): per-domain readers that may sleep, grace
// periods that wait only for their own domain's readers, and callbacks.
//
// The domain's state is in the subject's struct srcu_struct, as the kernel
// keeps its counters there: the index new readers count on and the readers
// inside per index. A grace period flips the index and sleeps until the
// old index's readers are gone (srcu_read_unlock() wakes it), as the
// kernel's srcu_flip() and its wait for the old counters do; the model's
// reader needs no second flip, since reading the index and counting on it
// are one step here. Grace periods of a domain follow each other (the
// kernel's srcu_gp_mutex), so at a grace period's start every reader
// inside counts on the current index. call_srcu() queues a callback per
// domain; an "srcu_gp" kernel thread per domain with callbacks runs them,
// each after a grace period that started after it was queued, with bottom
// halves disabled as the kernel's srcu_invoke_callbacks() does. Callbacks
// still queued when a run ends are dropped with the run.
#include <deque>
#include <utility>
#include <vector>

#include "machine.h"

#include <kmapsim/subject.h>
#include <linux/srcu.h>
#undef current

namespace kmapsim {
namespace {

struct SrcuCallback {
  struct rcu_head *head;
  rcu_callback_t func;
};

// A domain with callbacks queued, and whether its srcu_gp thread runs.
struct SrcuDomain {
  struct srcu_struct *ssp;
  std::deque<SrcuCallback> pending;
  bool gp_thread = false;
};

struct SrcuState {
  uint64_t run = 0;
  std::vector<SrcuDomain> domains;
};

SrcuState &srcu(Machine &m) { return m.per_run<SrcuState>(m.srcu_state()); }

SrcuDomain &domain(Machine &m, struct srcu_struct *ssp) {
  SrcuState &s = srcu(m);
  for (SrcuDomain &d : s.domains)
    if (d.ssp == ssp) return d;
  s.domains.push_back(SrcuDomain{ssp, {}, false});
  return s.domains.back();
}

const char *name_of(const struct srcu_struct *ssp) { return ssp->name ? ssp->name : "?"; }

// One grace period of the domain. The caller holds an ApiGuard.
void grace_period(Machine &m, struct srcu_struct *ssp, const char *api) {
  while (ssp->srcu_gp_busy) m.block(Wait::Srcu, ssp, api);
  ssp->srcu_gp_busy = 1;
  int old = ssp->srcu_idx & 1;
  ssp->srcu_idx = old ^ 1;
  while (ssp->srcu_readers[old] > 0) m.block(Wait::Srcu, ssp, api);
  ssp->srcu_gp_busy = 0;
  ssp->srcu_gp_done++;
  m.wake(Wait::Srcu, ssp, true);  // the next grace period, srcu_barrier(), pollers
}

int srcu_gp_thread(void *arg) {
  Machine &m = M();
  auto *ssp = static_cast<struct srcu_struct *>(arg);
  for (;;) {
    SrcuCallback cb;
    {
      ApiGuard g(m);
      SrcuDomain &d = domain(m, ssp);
      if (d.pending.empty()) {
        d.gp_thread = false;
        return 0;
      }
      cb = d.pending.front();
      grace_period(m, ssp, "srcu_gp");
      domain(m, ssp).pending.pop_front();
      m.sched().bh_disable();  // a sleep in the callback is sleep-in-atomic, in_softirq() is true
    }
    cb.func(cb.head);
    ApiGuard g(m);
    m.sched().bh_enable(true, false);  // runs what the callback queued (a tasklet, a timer)
    ssp->srcu_cbs--;
    m.wake(Wait::Srcu, ssp, true);  // srcu_barrier()
    m.sched_point("srcu_gp");
  }
}

}  // namespace
}  // namespace kmapsim

using kmapsim::M;

extern "C" {

int __kmapsim_init_srcu_struct(struct srcu_struct *ssp, const char *name) {
  *ssp = {};
  ssp->name = name;
  return 0;
}

void cleanup_srcu_struct(struct srcu_struct *ssp) {
  kmapsim::Machine &m = M();
  kmapsim::ApiGuard g(m);
  m.might_sleep("cleanup_srcu_struct");
  long inside = ssp->srcu_readers[0] + ssp->srcu_readers[1];
  if (inside || ssp->srcu_cbs || ssp->srcu_gp_busy)
    m.report(kmapsim::BugClass::SubjectBug, -1, -1,
             "cleanup_srcu_struct(%s) with %ld reader(s) inside, %lu callback(s) queued%s: the domain is freed under them",
             kmapsim::name_of(ssp), inside, ssp->srcu_cbs, ssp->srcu_gp_busy ? " and a grace period running" : "");
}

int srcu_read_lock(struct srcu_struct *ssp) {
  kmapsim::Machine &m = M();
  kmapsim::ApiGuard g(m);
  int idx = ssp->srcu_idx & 1;
  ssp->srcu_readers[idx]++;
  return idx;
}

void srcu_read_unlock(struct srcu_struct *ssp, int idx) {
  kmapsim::Machine &m = M();
  kmapsim::ApiGuard g(m);
  if ((idx != 0 && idx != 1) || ssp->srcu_readers[idx] <= 0)
    m.report(kmapsim::BugClass::SubjectBug, -1, -1, "srcu_read_unlock(%s, %d) with no reader inside on index %d", kmapsim::name_of(ssp), idx,
             idx);
  if (--ssp->srcu_readers[idx] == 0 && ssp->srcu_gp_busy) m.wake(kmapsim::Wait::Srcu, ssp, true);
}

void synchronize_srcu(struct srcu_struct *ssp) {
  kmapsim::Machine &m = M();
  kmapsim::ApiGuard g(m);
  m.might_sleep("synchronize_srcu");
  m.sched_point("synchronize_srcu");
  kmapsim::grace_period(m, ssp, "synchronize_srcu");
}

void call_srcu(struct srcu_struct *ssp, struct rcu_head *head, rcu_callback_t func) {
  kmapsim::Machine &m = M();
  kmapsim::ApiGuard g(m);
  kmapsim::SrcuDomain &d = kmapsim::domain(m, ssp);
  d.pending.push_back(kmapsim::SrcuCallback{head, func});
  ssp->srcu_cbs++;
  if (!d.gp_thread) {
    d.gp_thread = true;
    m.create_task("srcu_gp", nullptr, kmapsim::srcu_gp_thread, ssp);
  }
}

void srcu_barrier(struct srcu_struct *ssp) {
  kmapsim::Machine &m = M();
  kmapsim::ApiGuard g(m);
  m.might_sleep("srcu_barrier");
  m.sched_point("srcu_barrier");
  while (ssp->srcu_cbs) m.block(kmapsim::Wait::Srcu, ssp, "srcu_barrier");
}

// A cookie is the number of grace periods that must have completed: one
// that starts after now, so the next but one while one is running.
unsigned long get_state_synchronize_srcu(struct srcu_struct *ssp) {
  kmapsim::Machine &m = M();
  kmapsim::ApiGuard g(m);
  return ssp->srcu_gp_done + 1 + (ssp->srcu_gp_busy ? 1 : 0);
}

// A grace period the cookie needs, started on the domain's srcu_gp thread
// as a callback that does nothing.
static void srcu_poll_nop(struct rcu_head *) {}

unsigned long start_poll_synchronize_srcu(struct srcu_struct *ssp) {
  unsigned long cookie = get_state_synchronize_srcu(ssp);
  call_srcu(ssp, nullptr, srcu_poll_nop);
  return cookie;
}

bool poll_state_synchronize_srcu(struct srcu_struct *ssp, unsigned long cookie) {
  kmapsim::Machine &m = M();
  kmapsim::ApiGuard g(m);
  return ssp->srcu_gp_done >= cookie;
}

}  // extern "C"
