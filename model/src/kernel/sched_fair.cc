// Fair exploration (the idea of CHESS's fair stateless model checking,
// Musuvathi & Qadeer, PLDI 2008). A task that spins — a yield
// (cond_resched, schedule, cpu_relax) with no progress since its previous
// yield, or a re-read of the same shared location (READ_ONCE,
// smp_load_acquire, atomic_read) with no progress since it last read it —
// may not run again until every task that was runnable then has run a
// step. Every explored schedule is then one a kernel could run: no task
// waits forever behind a spinner. Since the task chosen at each step is
// taken out of every waiting set, "t waits for u" always points from a later
// yield to an earlier one, so some candidate is always free to run.
//
// Switching away from a task that may not run is not a preemption: the
// exhaustive bound K counts switches away from a task that could have
// continued fairly; PCT's steps count choices among the fair candidates.
//
// Progress is what another context could observe: a model event of the task
// (a mapping, an allocation, a copy, a wake-up, a task start or exit, a
// pick) or a shared-memory write. When nothing anywhere made progress for
// kSpinLimit spin iterations, no fair schedule makes progress: soft-lockup.
#include <cstdio>
#include <string>

#include "machine.h"
#include "scheduler.h"

namespace kmapsim {

void Sched::fair_filter(bool can_continue) {
  if (!waiters_) return;
  uint64_t mask = 0;
  bool any = false;
  for (const Candidate &c : cands_) mask |= 1ull << c.task;
  for (const Candidate &c : cands_) any |= (tasks_[c.task]->must_wait & mask) != 0;
  if (!any) return;
  size_t out = 0;
  bool current_yields = false;
  for (const Candidate &c : cands_) {
    if (tasks_[c.task]->must_wait & mask & ~(1ull << c.task)) {
      current_yields |= can_continue && c.task == cur_task_;
      continue;
    }
    cands_[out++] = c;
  }
  if (out == 0) return;  // cannot happen (the waits-for relation is acyclic); keep every candidate
  cands_.resize(out);
  // The current task yields its turn: running another is no preemption.
  if (current_yields)
    for (Candidate &c : cands_) c.preempts = false;
}

// A task that keeps making progress never spins, so the rule above never
// moves it, yet a kernel would: the fair class preempts a task that has used
// its slice while others wait on its CPU, and a task on another CPU runs at
// the same time, not only when the explorer picks it. Without this, an
// explored schedule may keep a kworker whose item queues itself again
// running until the step bound, while the task that would stop the chain
// waits runnable, on the kworker's CPU or on an idle one: a soft-lockup no
// kernel has. So once the current task has passed kSliceSteps scheduling
// points in a row, it waits, as a spinner does, until every other runnable
// task has run a step. The switch is then the fair one, not a preemption
// the bound counts; a task queued on its CPU takes it at the next
// preemptible point (only there is it a candidate).
uint64_t Sched::runnable_others(const Task &t) const {
  uint64_t mask = 0;
  for (size_t i = 0; i < ntasks_; i++)
    if (static_cast<int>(i) != t.id && tasks_[i]->state == TaskState::Runnable) mask |= 1ull << i;
  return mask;
}

void Sched::slice_expired() {
  slice_start_ = steps_;
  Task &t = cur();
  uint64_t others = runnable_others(t);
  if (!others) return;
  t.must_wait |= others;
  waiters_ |= 1ull << t.id;
}

bool Sched::idle_balance() {
  for (size_t c = 0; c < cpus_.size(); c++) {
    if (cpus_[c].curr >= 0) continue;
    for (size_t i = 0; i < ntasks_; i++) {
      Task &q = *tasks_[i];
      if (q.state != TaskState::Runnable || q.id == cur_task_ || cpus_[q.cpu].curr == q.id || q.pinned()) continue;
      q.cpu = static_cast<int>(c);
      m_.event(Ev::Migrate, c, static_cast<uint64_t>(q.id), "idle balance");
      return true;
    }
  }
  return false;
}

bool Sched::wake_timed_waiter() {
  for (size_t i = 0; i < ntasks_; i++) {
    Task &q = *tasks_[i];
    if (q.state == TaskState::Blocked && q.timed_wait) {
      q.timed_out = true;
      make_runnable(q, "timeout");
      return true;
    }
  }
  return false;
}

void Sched::soft_lockup(const char *why) {
  std::string &who = m_.result_.report.text;  // scratch; compose_report overwrites it
  who.clear();
  for (size_t i = 0; i < ntasks_; i++) {
    const Task &q = *tasks_[i];
    std::string part;
    if (q.state == TaskState::Runnable && q.spin_api)
      part = q.name + " spins at " + q.spin_api + "()";
    else if (q.state == TaskState::Runnable)
      part = q.name + " runs";
    else if (q.state == TaskState::Blocked && q.wait != Wait::IdleWorker)
      part = q.name + " waits for " + wait_description(q);
    if (part.empty()) continue;
    if (!who.empty()) who += "; ";
    who += part;
  }
  who += " [";
  for (size_t c = 0; c < cpus_.size(); c++) {
    who += c ? ", cpu" : "cpu";
    who += std::to_string(c) + ": " + (cpus_[c].curr >= 0 ? tasks_[cpus_[c].curr]->name : std::string("idle"));
  }
  who += "]";
  char line[700];
  snprintf(line, sizeof line, "%s: %s", why, who.c_str());
  m_.report(BugClass::SoftLockup, -1, -1, "%s", line);
}

// A spin iteration: the task yields its turn to every other runnable task.
// Re-reads of shared memory also count towards a soft-lockup: a loop that
// only yields (`for (;;) cond_resched();`) waits for nothing in particular
// — the kernel would call it a hung task, not a soft lockup — and ends at
// the step bound instead, while a pure computation loop with cond_resched()
// stays legal however long it runs.
void Sched::spin_iteration(Task &t, const char *api, bool waits_on_memory) {
  t.spin_api = api;
  t.must_wait = runnable_others(t);
  if (t.must_wait)
    waiters_ |= 1ull << t.id;
  else
    waiters_ &= ~(1ull << t.id);
  if (!waits_on_memory) return;
  if (progress_total_ != spin_progress_) {
    spin_progress_ = progress_total_;
    idle_spins_ = 0;
  }
  idle_spins_++;
  // Alone, with interrupts that could end the wait: a fair schedule lets
  // them in (no decision: every schedule does, after the same spins).
  if (!t.must_wait && m_.irq().idle_handlers() && !t.irqs_off && !m_.in_irq() && idle_spins_ % kIrqAfterSpins == 0)
    m_.irq().fire_idle((idle_spins_ / kIrqAfterSpins) % m_.irq().idle_handlers());
  // The timer tick too, whoever else is runnable: its irq_exit() runs what
  // is queued on this CPU (a tasklet the spinner waits for, while the
  // spinner keeps ksoftirqd off the CPU).
  if (idle_spins_ % kIrqAfterSpins == kIrqAfterSpins / 2 && m_.softirq().pending_here())
    m_.softirq().irq_exit("softirqs at a timer tick's irq_exit");
  if (idle_spins_ >= kSpinLimit) {
    char why[200];
    snprintf(why, sizeof why, "%s spins at %s() on cpu %d and no fair schedule makes progress (%llu spin iterations with nothing changed)",
             t.name.c_str(), api, t.cpu, static_cast<unsigned long long>(idle_spins_));
    soft_lockup(why);
  }
}

void Sched::yield_point(const char *api) {
  if (!m_.in_run() || !m_.policy().decides_schedule || m_.in_irq()) return;
  Task &t = cur();
  t.resched = false;  // the task went through the scheduler (need_resched(), sched.cc)
  if (t.progress == t.progress_at_yield) {
    spin_iteration(t, api, false);
  } else {
    t.progress_at_yield = t.progress;
    t.must_wait = 0;
    waiters_ &= ~(1ull << t.id);
    t.spin_api = nullptr;
  }
}

void Sched::shared_access(const volatile void *addr, Shared kind, const char *api) {
  if (!m_.in_run()) return;
  if (!m_.policy().decides_schedule) return m_.sched_point(api);
  Task &t = cur();
  switch (kind) {
    case Shared::Read:
      if (m_.in_irq()) break;
      if (t.last_read == addr && t.progress_at_read == t.progress) {
        spin_iteration(t, api, true);
      } else {
        t.last_read = addr;
        t.progress_at_read = t.progress;
      }
      break;
    case Shared::Write:
      note_progress();
      t.last_read = nullptr;
      break;
    case Shared::Barrier: break;
    case Shared::Relax: yield_point(api); break;
    case Shared::Progress:  // a read-modify-write that turned out to write: no scheduling point of its own
      note_progress();
      t.last_read = nullptr;
      return;
  }
  m_.sched_point(api);
}

}  // namespace kmapsim
