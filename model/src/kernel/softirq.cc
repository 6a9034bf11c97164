// Tasklets, as kernel/softirq.c runs them. tasklet_schedule() sets
// TASKLET_STATE_SCHED (a tasklet already queued is not queued again) and
// queues the tasklet on the calling CPU. As in tasklet_action_common(),
// SCHED is cleared just before the function runs (so it may queue itself
// again) and TASKLET_STATE_RUN is set around it, so a tasklet never runs on
// two CPUs at once; a disabled one (its count above 0) stays queued until
// tasklet_enable(). A tasklet is its own context, as a work item is: it
// must not sleep, and must return holding no mapping and with the
// bottom-half, preemption and interrupt state it started with.
//
// Where a queued tasklet runs is where the kernel runs pending softirqs:
//  - do_softirq() on top of the current task: at the end of an interrupt
//    (irq_exit(): irq.cc), at the outermost local_bh_enable() (sched.cc),
//    and at the timer tick's irq_exit() of a CPU whose task spins
//    (sched_fair.cc, torture.cc), each when the task is not in interrupt
//    context, with bottom halves and interrupts enabled. Up to
//    MAX_SOFTIRQ_RESTART passes over the queue; what is still queued then
//    goes to ksoftirqd.
//  - ksoftirqd/N, a task bound to CPU N (kthread_create_on_cpu()), woken
//    where raise_softirq_irqoff() wakes it: a tasklet queued from task
//    context with bottom halves enabled. It runs when CPU N is free or its
//    task may be preempted. So a tasklet queued on a CPU whose task has
//    bottom halves disabled does not run anywhere until that task enables
//    them, as in the kernel.
// PREEMPT_RT runs no softirq at an interrupt's end: ksoftirqd does.
#include <linux/interrupt.h>
#include <linux/timer.h>

#include <string>

#include "softirq.h"

#include "context_return.h"
#include "machine.h"

namespace kmapsim {

namespace {
constexpr unsigned long kSched = 1ul << TASKLET_STATE_SCHED;
constexpr unsigned long kRun = 1ul << TASKLET_STATE_RUN;
// The fields the subject's code changes with atomic operations.
unsigned long state_of(const struct tasklet_struct *t) { return __atomic_load_n(&t->state, __ATOMIC_SEQ_CST); }
bool disabled(const struct tasklet_struct *t) { return __atomic_load_n(&t->count.counter, __ATOMIC_SEQ_CST) > 0; }
}  // namespace

bool Softirq::is_timer(const struct tasklet_struct *t) { return t->use_callback && t->callback == kmapsim_timer_fire; }

bool Softirq::schedule(struct tasklet_struct *t, bool hi, int on_cpu) {
  bool queued = !(__atomic_fetch_or(&t->state, kSched, __ATOMIC_SEQ_CST) & kSched);
  if (queued) {
    // Sized once per run: idle ksoftirqds sleep on their Cpu's address.
    if (cpus_.empty()) cpus_.resize(m_.sched().nr_cpus());
    bool here = on_cpu < 0 || on_cpu == m_.cpu_of_current();
    size_t cpu = static_cast<size_t>(here ? m_.cpu_of_current() : on_cpu);
    (hi ? cpus_[cpu].hi : cpus_[cpu].normal).push_back(t);
    m_.event(Ev::Note, cpu, 0, is_timer(t) ? "timer armed" : "tasklet queued");
    // raise_softirq_irqoff(): in an interrupt, or with bottom halves
    // disabled, the softirq runs at that context's end; else ksoftirqd.
    // Another CPU's runs at its own tick: its ksoftirqd here.
    if (!here || (!m_.in_irq() && m_.cur().bh_disabled == 0)) wakeup_softirqd(cpu);
    else if (m_.profile().preempt_rt && m_.in_irq()) wakeup_softirqd(cpu);
  }
  return queued;
}

bool Softirq::dequeue(struct tasklet_struct *t) {
  for (Cpu &c : cpus_)
    for (std::vector<struct tasklet_struct *> *q : {&c.hi, &c.normal})
      for (size_t i = 0; i < q->size(); i++)
        if ((*q)[i] == t) {
          q->erase(q->begin() + static_cast<long>(i));
          __atomic_fetch_and(&t->state, ~kSched, __ATOMIC_SEQ_CST);
          return true;
        }
  return false;
}

void Softirq::spin_until_done(struct tasklet_struct *t, const char *api) {
  while (state_of(t) & kRun) m_.block(Wait::TimerSync, t, api);
}

void Softirq::wakeup_softirqd(size_t cpu) {
  Cpu &c = cpus_[cpu];
  if (c.ksoftirqd >= 0) return m_.wake(Wait::IdleWorker, &c, true);
  c.ksoftirqd = m_.create_task("ksoftirqd/" + std::to_string(cpu), nullptr, &Softirq::ksoftirqd_fn, reinterpret_cast<void *>(cpu));
  // Set before it first runs: we hold the CPU (torture: the model lock).
  Task &k = m_.task(c.ksoftirqd);
  k.model_thread = true;
  k.cpu = static_cast<int>(cpu);
  k.bound = true;
}

int Softirq::ksoftirqd_fn(void *arg) {
  M().softirq().ksoftirqd_loop(reinterpret_cast<size_t>(arg));
  return 0;
}

void Softirq::ksoftirqd_loop(size_t cpu) {
  for (;;) {
    struct tasklet_struct *t = take(cpus_[cpu]);
    if (!t) {
      if (m_.executor().stopping()) return;  // torture mode ends the host thread
      m_.block(Wait::IdleWorker, &cpus_[cpu], "ksoftirqd");
      continue;
    }
    run(t, false);
    m_.sched_point("ksoftirqd");
  }
}

// In queue order, HI first; a disabled tasklet, or one still running on
// another CPU (queued again meanwhile), waits for its turn.
struct tasklet_struct *Softirq::take(Cpu &c) {
  for (std::vector<struct tasklet_struct *> *q : {&c.hi, &c.normal})
    for (size_t i = 0; i < q->size(); i++) {
      struct tasklet_struct *t = (*q)[i];
      if (disabled(t) || (state_of(t) & kRun)) continue;
      q->erase(q->begin() + static_cast<long>(i));
      return t;
    }
  return nullptr;
}

bool Softirq::runnable(const Cpu &c) {
  for (const std::vector<struct tasklet_struct *> *q : {&c.hi, &c.normal})
    for (const struct tasklet_struct *t : *q)
      if (!disabled(t) && !(state_of(t) & kRun)) return true;
  return false;
}

const struct tasklet_struct *Softirq::queued_on_stack(const Task &t) const {
  for (const Cpu &c : cpus_)
    for (const std::vector<struct tasklet_struct *> *q : {&c.hi, &c.normal})
      for (const struct tasklet_struct *tl : *q)
        if (t.fiber.contains(tl)) return tl;
  return nullptr;
}

bool Softirq::pending_here() const {
  if (cpus_.empty() || m_.cur_task() < 0) return false;
  return runnable(cpus_[static_cast<size_t>(m_.cpu_of_current())]);
}

// __do_softirq() on the current context. Not in an interrupt, nor with
// bottom halves (which includes a softirq being served) or interrupts
// disabled: the kernel's in_interrupt() test, and local_bh_enable()'s
// with interrupts off is its WARN.
void Softirq::do_softirq(const char *where) {
  if (m_.in_irq() || !pending_here()) return;
  Task &k = m_.cur();
  if (k.bh_disabled || k.irqs_off) return;
  size_t cpu = static_cast<size_t>(k.cpu);  // fixed meanwhile: softirq context is not preemptible
  m_.event(Ev::Note, cpu, 0, where);
  for (int pass = 0; pass < kMaxRestart; pass++) {
    size_t n = cpus_[cpu].hi.size() + cpus_[cpu].normal.size();
    bool ran = false;
    for (size_t i = 0; i < n; i++) {
      struct tasklet_struct *t = take(cpus_[cpu]);
      if (!t) break;
      run(t, true);
      ran = true;
    }
    if (!ran) return;
  }
  wake_queued();
}

void Softirq::irq_exit(const char *where) {
  if (!m_.profile().preempt_rt) do_softirq(where);
}

void Softirq::run(struct tasklet_struct *t, bool nested) {
  Task &k = m_.cur();
  __atomic_fetch_or(&t->state, kRun, __ATOMIC_SEQ_CST);
  __atomic_fetch_and(&t->state, ~kSched, __ATOMIC_SEQ_CST);
  bool timer = is_timer(t);
  m_.event(Ev::Note, 0, 0, timer ? "timer callback starts" : "tasklet starts");
  const char *outer_item = k.softirq_item;  // restored after, as serving_softirq is
  k.softirq_item = timer ? "a timer callback" : "a tasklet";
  m_.sched().bh_disable();  // softirq context: in_softirq(), preemption off (PREEMPT_RT: migration)
  ContextEntry entry = ContextEntry::of(k);
  k.serving_softirq++;
  // Subject code (torture mode: without the model lock).
  m_.executor().run_subject(nullptr, [](void *arg) {
    struct tasklet_struct *tl = static_cast<struct tasklet_struct *>(arg);
    if (tl->use_callback)
      tl->callback(tl);
    else
      tl->func(tl->data);
  }, t);
  // The checks at the return report in the tasklet's context.
  check_context_return(m_, k, entry, timer ? "timer callback" : "tasklet", 0, Pkmap::Returning::Task, timer ? "timer" : "tasklet");
  k.serving_softirq--;
  k.softirq_item = outer_item;
  __atomic_fetch_and(&t->state, ~kRun, __ATOMIC_SEQ_CST);  // tasklet_unlock(): the function may have freed it, as in the kernel
  m_.wake(Wait::Tasklet, t, true);
  m_.wake(Wait::TimerSync, t, true);
  // A tasklet queued again on another CPU while it ran may run there now
  // (this CPU's: the loop or the pass that runs this one).
  wake_queued(k.cpu);
  // __local_bh_enable(SOFTIRQ_OFFSET): no softirq processing of its own
  // (do_softirq()'s passes, ksoftirqd's loop), and nested, no preemption
  // point: the interrupted or bh-enabling task's own comes next.
  m_.sched().bh_enable(false, !nested);
}

void Softirq::wake_queued(int except_cpu) {
  for (size_t cpu = 0; cpu < cpus_.size(); cpu++)
    if (static_cast<int>(cpu) != except_cpu && runnable(cpus_[cpu])) wakeup_softirqd(cpu);
}

void Softirq::unlock_wait(struct tasklet_struct *t, const char *api) {
  m_.might_sleep(api);
  m_.sched_point(api);
  while (state_of(t) & kRun) m_.block(Wait::Tasklet, t, api);
}

void Softirq::kill(struct tasklet_struct *t) {
  m_.might_sleep("tasklet_kill");
  m_.sched_point("tasklet_kill");
  while (state_of(t) & (kSched | kRun)) m_.block(Wait::Tasklet, t, "tasklet_kill");
}

void Softirq::enable(struct tasklet_struct *t) {
  __atomic_fetch_sub(&t->count.counter, 1, __ATOMIC_SEQ_CST);
  wake_queued();
  m_.sched_point("tasklet_enable");
}

}  // namespace kmapsim
