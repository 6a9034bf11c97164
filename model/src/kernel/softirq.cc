// Tasklets, as kernel/softirq.c runs them. tasklet_schedule() sets
// TASKLET_STATE_SCHED (a tasklet already queued is not queued again) and
// queues the tasklet on the calling CPU; that CPU's ksoftirqd, a task
// started at the CPU's first tasklet, takes the queue in order
// (HI_SOFTIRQ's before TASKLET_SOFTIRQ's) and runs each tasklet in softirq
// context. As in tasklet_action_common(), SCHED is cleared just before the
// function runs (so it may queue itself again) and TASKLET_STATE_RUN is set
// around it, so a tasklet never runs on two CPUs at once; a disabled one
// (its count above 0) stays queued until tasklet_enable(). A tasklet is its
// own context, as a work item is: it must not sleep, and must return
// holding no mapping and with the bottom-half, preemption and interrupt
// state it started with.
//
// The kernel also runs pending softirqs at the end of an interrupt and at
// local_bh_enable(), on top of the interrupted task; kmapsim runs them only
// in ksoftirqd, whose schedules cover every scheduling point of the other
// CPUs' tasks and the preemptible ones of its own CPU. (Not the kernel's
// either: ksoftirqd may move to another CPU, see schedule().)
#include <linux/interrupt.h>

#include <string>

#include "softirq.h"

#include "machine.h"

namespace kmapsim {

namespace {
constexpr unsigned long kSched = 1ul << TASKLET_STATE_SCHED;
constexpr unsigned long kRun = 1ul << TASKLET_STATE_RUN;
// The fields the subject's code changes with atomic operations.
unsigned long state_of(const struct tasklet_struct *t) { return __atomic_load_n(&t->state, __ATOMIC_SEQ_CST); }
bool disabled(const struct tasklet_struct *t) { return __atomic_load_n(&t->count.counter, __ATOMIC_SEQ_CST) > 0; }
}  // namespace

void Softirq::schedule(struct tasklet_struct *t, bool hi) {
  const char *api = hi ? "tasklet_hi_schedule" : "tasklet_schedule";
  if (!(__atomic_fetch_or(&t->state, kSched, __ATOMIC_SEQ_CST) & kSched)) {
    // Sized once per run: idle ksoftirqds sleep on their Cpu's address.
    if (cpus_.empty()) cpus_.resize(m_.sched().nr_cpus());
    size_t cpu = static_cast<size_t>(m_.cpu_of_current());
    Cpu &c = cpus_[cpu];
    (hi ? c.hi : c.normal).push_back(t);
    m_.event(Ev::Note, cpu, 0, "tasklet queued");
    if (c.ksoftirqd < 0) {
      // kthread_run() of ksoftirqd/N, on this CPU. Not bound to it: where a
      // task spins on this CPU with preemption off, the kernel would run
      // the tasklet at an interrupt's end on top of it, which kmapsim does
      // not; moving ksoftirqd to an idle CPU keeps that spin from hanging.
      c.ksoftirqd = m_.create_task("ksoftirqd/" + std::to_string(cpu), nullptr, &Softirq::ksoftirqd_fn, reinterpret_cast<void *>(cpu));
      m_.task(c.ksoftirqd).model_thread = true;  // set before it first runs: we hold the CPU (torture: the model lock)
    } else {
      m_.wake(Wait::IdleWorker, &c, true);
    }
  }
  m_.sched_point(api);
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
    run(t);
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

void Softirq::run(struct tasklet_struct *t) {
  Task &k = m_.cur();
  __atomic_fetch_or(&t->state, kRun, __ATOMIC_SEQ_CST);
  __atomic_fetch_and(&t->state, ~kSched, __ATOMIC_SEQ_CST);
  m_.event(Ev::Note, 0, 0, "tasklet starts");
  size_t depth = k.kmap_ctrl.size();
  int am = k.atomic_maps, io = k.irqs_off;
  m_.sched().bh_disable();  // softirq context: in_softirq(), preemption off (PREEMPT_RT: migration)
  int pc = k.preempt_count, bh = k.bh_disabled;
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
  if (k.kmap_ctrl.size() > depth) {
    const LocalMap &m = k.kmap_ctrl.back();
    m_.report(BugClass::KmapLeak, m.window, m.pfn, "tasklet returned holding %s() of pfn %u", m.api, m.pfn);
  }
  m_.pkmap().check_high_gets_at_return(k, 0, Pkmap::Returning::Task, "tasklet");  // ARM's kmap_high_get() mappings
  if (k.atomic_maps != am) m_.report(BugClass::KmapLeak, -1, -1, "tasklet returned with a kmap_atomic() never kunmap_atomic()ed");
  if (k.bh_disabled != bh)
    m_.report(BugClass::SleepInAtomic, -1, -1, "tasklet returned with bottom halves %s",
              k.bh_disabled > bh ? "disabled: local_bh_disable() or spin_lock_bh() without its release" : "enabled once too often");
  if (k.preempt_count != pc || k.irqs_off != io)
    m_.report(BugClass::SleepInAtomic, -1, -1, "tasklet returned with preempt_count %d%s", k.preempt_count - pc,
              k.irqs_off != io ? " and interrupts off" : "");
  k.serving_softirq--;
  k.local_sections = 0;
  __atomic_fetch_and(&t->state, ~kRun, __ATOMIC_SEQ_CST);  // tasklet_unlock(): the function may have freed it, as in the kernel
  m_.wake(Wait::Tasklet, t, true);
  // A tasklet queued on another CPU while it ran may run there now.
  for (Cpu &c : cpus_)
    if (!c.hi.empty() || !c.normal.empty()) m_.wake(Wait::IdleWorker, &c, true);
  m_.sched().bh_enable();
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
  for (Cpu &c : cpus_)
    if (!c.hi.empty() || !c.normal.empty()) m_.wake(Wait::IdleWorker, &c, true);
  m_.sched_point("tasklet_enable");
}

}  // namespace kmapsim
