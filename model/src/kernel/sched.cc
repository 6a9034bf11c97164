// Tasks, CPUs and scheduling points. Every kernel-API call of the model is
// a scheduling point: the decision source may fire an interrupt, migrate
// the task, or run another task — preempting this one on its CPU (only where
// preemption is allowed) or letting another CPU's task run meanwhile (always
// allowed: CPUs run in parallel). Switching the running context flips which
// local mappings are accessible, as __kmap_local_sched_out/in do.
#include "scheduler.h"

#include <cstdio>

#include "access_budget.h"
#include "machine.h"

#include <linux/jiffies.h>

// linux/jiffies.h's clock. Only the model writes it (Sched::tick(), under
// the model lock in torture mode, where subject code reads it unlocked as
// the kernel's readers do: a race torture.cc tells ThreadSanitizer is benign).
volatile unsigned long jiffies = INITIAL_JIFFIES;

namespace kmapsim {

void Sched::tick() { jiffies = INITIAL_JIFFIES + steps_ + late_ticks_; }

uint64_t Sched::uptime_ns() const { return (steps_ + late_ticks_) * (1000000000ull / HZ); }

void Sched::reset() {
  ntasks_ = 0;
  for (Cpu &c : cpus_) c.curr = -1;
  cur_task_ = -1;
  for (auto &t : tasks_)
    if (t) t->site = ApiSite{};
  steps_ = 0;
  late_ticks_ = 0;
  tick();
  progress_total_ = spin_progress_ = idle_spins_ = 0;
  waiters_ = 0;
  slice_start_ = 0;
  last_api_ = "";
}

int Sched::create_task(const std::string &name, void (*subject)(), int (*fn)(void *), void *data, int worker_wq) {
  int id = m_.executor().claim_task_slot();  // torture mode: a dead task's slot, once its host thread is gone
  Task &t = *tasks_[id];
  t.id = id;
  t.name = name;
  t.state = TaskState::Runnable;
  t.wait = Wait::None;
  t.wait_obj = nullptr;
  t.cpu = cur_task_ >= 0 ? tasks_[cur_task_]->cpu : 0;
  t.is_worker = worker_wq >= 0;
  t.model_thread = false;
  t.bound = false;
  t.worker_wq = worker_wq;
  t.preempt_count = t.pagefault_disabled = t.migrate_disabled = t.irqs_off = t.bh_disabled = t.serving_softirq = 0;
  t.softirq_item = "a tasklet";
  t.atomic_maps = t.local_sections = 0;
  t.kmap_ctrl.clear();
  t.high_gets.clear();
  t.high_gets_released.clear();
  t.pcpu_uses.clear();
  t.progress = 0;
  t.progress_at_yield = t.progress_at_read = UINT64_MAX;
  t.last_read = nullptr;
  t.must_wait = 0;
  t.spin_api = nullptr;
  t.timed_wait = t.timed_out = false;
  t.wq_interruptible = false;
  t.should_stop = t.kicked = t.sleep_interruptible = false;
  t.sleep_state = 0;
  t.state_woken = false;
  t.exit_code = 0;
  t.usage = 0;
  t.signal = Signal::None;
  t.resched = false;
  t.api_depth = 0;
  t.irq = 0;
  // Nobody waits for a task that did not exist when they yielded.
  waiters_ &= ~(1ull << id);
  clear_waits_for(id);
  t.subject = subject;
  t.threadfn = fn;
  t.data = data;
  if (id) m_.event(Ev::TaskStart, static_cast<uint64_t>(id), 0, worker_wq >= 0 ? "kworker" : "kthread_run");
  m_.executor().start_task(t);  // a fiber, or its own host thread
  return id;
}

void Sched::task_entry(void *arg) {
  Task &t = *static_cast<Task *>(arg);
  Machine &m = M();
  Sched &s = m.sched();
  if (t.subject)
    t.subject();
  else if (t.is_worker)
    m.workqueue().worker_loop(t.worker_wq);
  else if (t.should_stop)
    t.exit_code = -EINTR;  // stopped before it was woken: kthread() never calls it
  else
    t.exit_code = t.threadfn(t.data);
  s.task_exited(t);
  s.choose_next(false, "task exit");
  fprintf(stderr, "kmapsim: internal error: a dead task was resumed\n");
  abort();
}

void Sched::task_exited(Task &t) {
  task_exit_checks(t);
  t.state = TaskState::Dead;
  if (cpus_[t.cpu].curr == t.id) cpus_[t.cpu].curr = -1;
  m_.event(Ev::TaskExit, static_cast<uint64_t>(t.id), 0, "returned");
  wake(Wait::Completion, &t, true);  // a kthread_stop() of it (kthread->exited)
}

// kmap-leak when a task returns holding mappings (the kernel's
// kmap_assert_nomap on return to user space, made exact here).
void Sched::task_exit_checks(Task &t) {
  if (!t.kmap_ctrl.empty()) {
    const LocalMap &m = t.kmap_ctrl.back();
    m_.report(BugClass::KmapLeak, m.window, m.pfn, "%s returned holding %zu local mapping%s: %s() of pfn %u was never unmapped", t.name.c_str(),
              t.kmap_ctrl.size(), t.kmap_ctrl.size() > 1 ? "s" : "", m.api, m.pfn);
  }
  // ARM's kmap_high_get() mappings are not on kmap_ctrl.
  m_.pkmap().check_high_gets_at_return(t, 0, Pkmap::Returning::Task, t.name.c_str());
  if (t.atomic_maps > 0)
    m_.report(BugClass::KmapLeak, -1, -1, "%s returned with %d kmap_atomic() mapping%s never kunmap_atomic()ed (preemption and page faults stay disabled)",
              t.name.c_str(), t.atomic_maps, t.atomic_maps > 1 ? "s" : "");
  if (t.bh_disabled > 0)
    m_.report(BugClass::SleepInAtomic, -1, -1, "%s returned with bottom halves disabled: local_bh_disable() or spin_lock_bh() without its release",
              t.name.c_str());
  if (t.preempt_count > 0)
    m_.report(BugClass::SleepInAtomic, -1, -1, "%s returned with preempt_count %d: preempt_disable() or spin_lock() without its release",
              t.name.c_str(), t.preempt_count);
  if (t.irqs_off > 0) m_.report(BugClass::SleepInAtomic, -1, -1, "%s returned with interrupts disabled", t.name.c_str());
  // Its stack is freed: a timer or tasklet queued there would run from freed
  // memory (timer_setup_on_stack() wants del_timer_sync() before the return).
  if (const struct tasklet_struct *q = m_.softirq().queued_on_stack(t))
    m_.report(BugClass::MemoryError, -1, -1, "%s returned with a %s on its stack still queued (%p): it would run from freed stack memory",
              t.name.c_str(), Softirq::is_timer(q) ? "timer" : "tasklet", static_cast<const void *>(q));
}

bool Sched::preemptible() const {
  const Task &t = *tasks_[cur_task_];
  return t.preempt_count == 0 && t.irqs_off == 0 && m_.cur_irq() == 0;
}

void Sched::decided_sched_point(const char *api) {
  last_api_ = api;
  rearm_access_budget();  // a new step: the watchdog's count starts again
  ++steps_;
  tick();
  if (steps_ > step_bound_) {
    m_.result_.livelock = true;
    m_.report(BugClass::SoftLockup, -1, -1, "no progress: the run exceeded %llu scheduling points (livelock?) at %s() in %s",
              static_cast<unsigned long long>(step_bound_), api, cur().name.c_str());
  }
  if (steps_ - slice_start_ >= kSliceSteps) slice_expired();
  m_.irq().maybe_fire();
  Task &t = cur();
  const Profile &prof = m_.profile();
  if (prof.nr_cpus > 1 && !t.pinned() && preemptible() && m_.decide(Site::Migrate)) {
    uint64_t k = m_.decisions_.ask({Site::MigrateTo, 0, prof.nr_cpus - 2u});
    int to = static_cast<int>(k) >= t.cpu ? static_cast<int>(k) + 1 : static_cast<int>(k);
    m_.event(Ev::Migrate, static_cast<uint64_t>(to), 0, api);
    cpus_[t.cpu].curr = -1;
    t.cpu = to;
    choose_next(false, api);
    return;
  }
  choose_next(true, api);
}

// The heart of the scheduler. Candidates, in a fixed order: the current
// task (when it can continue), then for each CPU either its running task
// (another CPU making progress) or, when the CPU is idle, its queued tasks,
// and finally the tasks queued on the current CPU when the current task is
// preemptible. One decision picks among them.
void Sched::choose_next(bool can_continue, const char *api) {
  // The only task, able to continue, is the only candidate (the common case
  // of single-task subjects: every API call passes here).
  if (can_continue && ntasks_ == 1) return;
  Task &t = cur();
  for (;;) {
    cands_.clear();
    bool preempt_ok = can_continue && preemptible();
    if (can_continue) cands_.push_back({cur_task_, false});
    for (size_t c = 0; c < cpus_.size(); c++) {
      int curr = cpus_[c].curr;
      if (curr >= 0 && curr != cur_task_) {
        if (tasks_[curr]->state == TaskState::Runnable) cands_.push_back({curr, can_continue});
      } else if (curr < 0) {
        for (size_t i = 0; i < ntasks_; i++) {
          Task &q = *tasks_[i];
          // The current task is here too when it just migrated to this CPU.
          if (q.state == TaskState::Runnable && q.cpu == static_cast<int>(c) && !(can_continue && q.id == cur_task_))
            cands_.push_back({q.id, can_continue});
        }
      }
    }
    if (preempt_ok) {
      for (size_t i = 0; i < ntasks_; i++) {
        Task &q = *tasks_[i];
        if (q.state == TaskState::Runnable && q.cpu == t.cpu && q.id != cur_task_ && cpus_[q.cpu].curr != q.id) cands_.push_back({q.id, true});
      }
    }
    fair_filter(can_continue);
    if (cands_.empty()) {
      if (wake_timed_waiter()) continue;  // a timed wait expires: that task runs on
      for (size_t i = 0; i < ntasks_; i++) {
        const Task &q = *tasks_[i];
        if (q.state == TaskState::Blocked && q.wait != Wait::IdleWorker && !q.created_asleep()) deadlock();
      }
      m_.finish_run();
    }
    // A spinner that keeps its CPU while the task it waits for is queued
    // behind a busy CPU: the kernel's idle balancing moves that task to an
    // idle CPU, so a fair schedule does too.
    if (cands_.size() == 1 && can_continue && cands_[0].task == cur_task_ && t.must_wait && idle_balance()) continue;
    break;
  }
  size_t idx = 0;
  if (cands_.size() > 1) {
    idx = m_.decisions_.ask({Site::NextTask, 0, cands_.size() - 1, cands_.data(), can_continue ? cur_task_ : -1});
  }
  int next = cands_[idx].task;
  // The chosen task runs a step: nobody waits for it any more.
  clear_waits_for(next);
  if (next == cur_task_ && can_continue) return;
  Task &n = *tasks_[next];
  if (cpus_[n.cpu].curr != next) {
    // A queued task takes its CPU: preempting the current task when it is
    // that CPU's running task.
    if (cpus_[n.cpu].curr == cur_task_ && can_continue) m_.event(Ev::Preempt, static_cast<uint64_t>(next), 0, api);
    cpus_[n.cpu].curr = next;
  }
  switch_to_task(next);
}

// need_resched(): whether the scheduler wants the CPU back. It becomes true
// where the run decides (a fallible call of kind Fault::Resched, so the
// fault sweep and exhaustive enumeration reach every check of it, and a
// loop's "drop the locks and mappings, cond_resched(), take them again"
// branch runs) and stays true until the task next goes through the
// scheduler: cond_resched(), schedule(), a sleep, or a switch away.
bool Sched::need_resched() {
  if (cur_task_ < 0) return false;
  Task &t = cur();
  if (m_.fallible(Fault::Resched, "need_resched: the scheduler wants the CPU")) t.resched = true;
  return t.resched;
}

void Sched::switch_to_task(int next) {
  int prev = cur_task_;
  if (next == prev) return;
  tasks_[prev]->resched = false;
  rearm_access_budget();  // the next task's step (a switch at a block has no scheduling point of its own)
  m_.event(Ev::Switch, static_cast<uint64_t>(next), 0, "run");
  tasks_[prev]->api_depth = m_.api_depth_;
  m_.api_depth_ = tasks_[next]->api_depth;
  // The context too: a task whose interrupt handler spins on a lock held on
  // another CPU is switched away from inside the handler (locking.cc).
  tasks_[prev]->irq = m_.cur_irq();
  m_.enter_irq(tasks_[next]->irq);
  cur_task_ = next;
  slice_start_ = steps_;
  m_.local().sched_out_in(next, tasks_[next]->irq);
  Fiber::switch_to(&tasks_[prev]->fiber, &tasks_[next]->fiber);
  // Resumed: whoever switched here set cur_task_ to us and activated us.
}

void Sched::block(Wait why, const void *obj, const char *api) {
  Task &t = cur();
  t.state = TaskState::Blocked;
  t.wait = why;
  t.wait_obj = obj;
  t.wait_api = api;
  // A spinning task keeps its CPU busy; a sleeping one gives it up.
  if (!keeps_cpu(why) && cpus_[t.cpu].curr == t.id) cpus_[t.cpu].curr = -1;
  // A kworker that sleeps in its item may let the queue start another.
  if (t.is_worker && why != Wait::IdleWorker && !keeps_cpu(why)) m_.workqueue().worker_sleeping(t.worker_wq);
  m_.event(Ev::Block, static_cast<uint64_t>(why), 0, api);
  m_.executor().sleep(t, why, api);  // another fiber runs, or a condition variable
  if (why != Wait::State) {  // the kernel's sleeps end in TASK_RUNNING
    t.sleep_state = 0;
    t.state_woken = false;
  }
}

void Sched::wake(Wait why, const void *obj, bool all) {
  for (size_t i = 0; i < ntasks_; i++) {
    Task &q = *tasks_[i];
    if (q.state == TaskState::Blocked && q.wait == why && (obj == nullptr || q.wait_obj == obj)) {
      make_runnable(q, "wake");
      if (!all) return;
    }
  }
}

void Sched::make_runnable(Task &q, const char *why) {
  q.state = TaskState::Runnable;
  q.wait = Wait::None;
  q.wait_obj = nullptr;
  m_.executor().woke();  // torture mode: the woken re-check once the model lock is free
  m_.event(Ev::Wake, static_cast<uint64_t>(q.id), 0, why);
}

std::string wait_description(const Task &t) {
  static const char *const kWhy[] = {"-", "a mutex", "a completion", "a work item", "a free PKMAP slot in kmap()", "a spinlock", "work", "a wait queue",
                                     "a running interrupt handler in free_irq()", "an rw_semaphore", "a tasklet", "a wake-up",
                                     "a running timer callback in del_timer_sync()", "a semaphore", "an SRCU grace period"};
  static_assert(sizeof kWhy / sizeof kWhy[0] == static_cast<size_t>(Wait::Srcu) + 1, "one description per Wait");
  std::string why = kWhy[static_cast<int>(t.wait)];
  if ((t.wait == Wait::Queue || t.wait == Wait::Srcu) && t.wait_api) why = why + " (" + t.wait_api + ")";
  if (t.wait == Wait::State && t.wait_api)
    why = why + " in " + t.wait_api + "() with " + ((t.sleep_state & kTaskInterruptible) ? "TASK_INTERRUPTIBLE" : "TASK_UNINTERRUPTIBLE") +
          " set (none came after it was set)";
  return why;
}

// Who waits for what, and what each CPU runs: the tail of deadlock and
// soft-lockup reports. Returns whether some task waits for a PKMAP slot.
bool Sched::describe_waiters(std::string &who) const {
  who.clear();
  bool pkmap = false;
  for (size_t i = 0; i < ntasks_; i++) {
    const Task &q = *tasks_[i];
    if (q.state == TaskState::Runnable && q.spin_api) {
      if (!who.empty()) who += "; ";
      who += q.name + " spins at " + q.spin_api + "()";
      continue;
    }
    if (q.state != TaskState::Blocked || q.wait == Wait::IdleWorker) continue;
    pkmap |= q.wait == Wait::Pkmap;
    if (!who.empty()) who += "; ";
    who += q.name + " waits for " + wait_description(q);
  }
  who += " [";
  for (size_t c = 0; c < cpus_.size(); c++) {
    who += c ? ", cpu" : "cpu";
    who += std::to_string(c) + ": " + (cpus_[c].curr >= 0 ? tasks_[cpus_[c].curr]->name : std::string("idle"));
  }
  who += "]";
  return pkmap;
}

[[noreturn]] void Sched::deadlock() {
  std::string &who = m_.result_.report.text;  // scratch; compose_report overwrites it
  bool pkmap = describe_waiters(who);
  char line[600];
  if (pkmap) {
    int held = 0;
    held = static_cast<int>(m_.pkmap().held());
    snprintf(line, sizeof line, "every task is blocked and kmap() waits for a PKMAP slot that can never be freed (%d of %u slots held): %s", held,
             m_.profile().last_pkmap, who.c_str());
  } else {
    snprintf(line, sizeof line, "every task is blocked: %s", who.c_str());
  }
  m_.report(BugClass::PkmapDeadlock, -1, -1, "%s", line);
}

// kernel/kthread.c's kthread_stop(): sets KTHREAD_SHOULD_STOP, sets
// TIF_NOTIFY_SIGNAL (signal_pending() is true for the thread from then on,
// so its interruptible sleeps end) and wakes it with wake_up_process(),
// then waits on its `exited` completion. The model wakes it from a
// wait-queue sleep (wait_event() then tests its condition again) and from
// an interruptible completion, mutex or rw_semaphore wait (which then ends
// with the signal); an uninterruptible one of those would only sleep again,
// so it is left asleep. A thread that already returned gives its value
// when the caller holds a reference (get_task_struct()); without one its
// task_struct was freed when it exited, and kthread_stop() is a use after
// free (the kernel's kthread_stop() takes its own reference only on entry).
int Sched::kthread_stop(int id) {
  Task &k = *tasks_[id];
  if (k.state == TaskState::Dead && k.usage == 0)
    m_.report(BugClass::MemoryError, -1, -1,
              "kthread_stop(%s) after the thread returned on its own: use after free of its task_struct, freed at its "
              "exit (get_task_struct() after kthread_run() keeps it, kthread_stop_put() drops that reference)",
              k.name.c_str());
  k.should_stop = true;
  if (k.signal == Signal::None) k.signal = Signal::Pending;
  note_progress();  // the flag a kthread_should_stop() loop reads
  kick(k, "kthread_stop");
  m_.sched_point("kthread_stop");
  while (tasks_[id]->state != TaskState::Dead) block(Wait::Completion, tasks_[id].get(), "kthread_stop");
  return tasks_[id]->exit_code;
}

// A thread kthread_create() made sleeps in the kthread() function before its
// thread function (the wait named after kthread_create for reports).
void Sched::kthread_created(int id) {
  Task &k = *tasks_[id];
  k.state = TaskState::Blocked;
  k.wait = Wait::Queue;
  k.wait_obj = &k;
  k.wait_api = "kthread_create";
  if (cpus_[k.cpu].curr == id) cpus_[k.cpu].curr = -1;
}

bool Sched::wake_up_process(int id) {
  bool woke = kick(*tasks_[id], "wake_up_process");
  m_.sched_point("wake_up_process");
  return woke;
}

// try_to_wake_up() of a task asleep where the wake-up ends the sleep: a
// wait-queue sleep (the loop tests its condition again: `kicked`), an
// interruptible completion, mutex or rw_semaphore wait (it tests for a
// signal again), or the sleep before a created kthread's function.
bool Sched::kick(Task &k, const char *why) {
  // TASK_NORMAL: wake_up_process() wakes either sleeping state (and a
  // task asleep in schedule() with it is woken there).
  bool matched = wake_state(k, kTaskNormal, why);
  if (k.state != TaskState::Blocked || !(k.wait == Wait::Queue || k.sleep_interruptible)) return matched;
  k.kicked = !k.created_asleep();
  make_runnable(k, why);
  return true;
}

bool Sched::wake_state(Task &k, unsigned mode, const char *why) {
  if (!(k.sleep_state & mode)) return false;
  k.sleep_state = 0;
  k.state_woken = true;
  if (k.state == TaskState::Blocked && k.wait == Wait::State) {
    k.timed_wait = false;
    make_runnable(k, why);
  }
  return true;
}

long Sched::schedule_state(long timeout, bool timed, const char *api) {
  if (!m_.in_run() || m_.in_irq()) return 0;
  Task &t = cur();
  unsigned s = t.sleep_state;
  if (!s) {
    bool woken = t.state_woken;
    t.state_woken = false;
    return woken ? timeout : 0;
  }
  // signal_pending_state(): a pending signal the state lets in means no
  // sleep (for a kthread, only kthread_stop()'s; signal.cc).
  bool interruptible = s & kTaskInterruptible, killable = s & kTaskWakeKill;
  if ((interruptible || killable) &&
      m_.signal_arrives(!interruptible, interruptible ? "interruptible sleep: signal" : "killable sleep: fatal signal")) {
    t.sleep_state = 0;
    return timeout;
  }
  t.timed_wait = timed;
  t.timed_out = false;
  while (t.sleep_state && !t.timed_out) block(Wait::State, &t, api);
  bool woken = !t.sleep_state;
  t.sleep_state = 0;
  t.state_woken = false;
  t.timed_wait = t.timed_out = false;
  return woken ? timeout : 0;
}

void Sched::might_sleep(const char *api) {
  if (!m_.in_run()) return;
  Task &t = cur();
  const char *why = nullptr;
  char softirq[64];
  if (m_.in_irq())
    why = "in interrupt context";
  else if (t.atomic_maps && !m_.profile().preempt_rt)  // PREEMPT_RT: kmap_atomic() leaves preemption on
    why = "inside kmap_atomic() (preemption disabled)";
  else if (t.irqs_off)
    why = "with interrupts disabled";
  else if (t.serving_softirq && !m_.profile().preempt_rt) {  // PREEMPT_RT: softirqs run in task context
    snprintf(softirq, sizeof softirq, "in softirq context (%s)", t.softirq_item);
    why = softirq;
  }
  else if (t.bh_disabled && !m_.profile().preempt_rt)  // PREEMPT_RT: a sleeping per-CPU lock
    why = "with bottom halves disabled (spin_lock_bh or local_bh_disable)";
  else if (t.preempt_count)
    why = "with preemption disabled (spin_lock, preempt_disable or get_cpu_ptr)";
  if (why) m_.report(BugClass::SleepInAtomic, -1, -1, "%s() may sleep and was called %s (preempt_count %d)", api, why, t.preempt_count);
}

// The kernel's __cant_sleep() and __cant_migrate(): quiet with interrupts
// disabled or a preempt count (spinlocks, kmap_atomic(), bottom halves,
// interrupt context: what the model counts apart, as might_sleep() does);
// cant_migrate() also with migration disabled. A thread bound to its CPU
// is no exception there, nor here.
void Sched::assume_atomic(const char *where, bool migrate_only) {
  if (!m_.in_run()) return;
  Task &t = cur();
  bool rt = m_.profile().preempt_rt;
  if (m_.in_irq() || t.irqs_off || t.preempt_count || (!rt && (t.atomic_maps || t.serving_softirq || t.bh_disabled))) return;
  if (migrate_only && t.migrate_disabled) return;
  const char *local = t.local_sections > t.atomic_maps
                          ? " inside a kmap_local section, which leaves preemption on where kmap_atomic() disabled it"
                          : "";
  m_.report(BugClass::LostAtomicity, -1, -1, "%s at %s in %s, preemptible context%s: the code assumes %s", migrate_only ? "cant_migrate()" : "cant_sleep()",
            where, t.name.c_str(), local, migrate_only ? "it cannot move to another CPU" : "atomic context");
}

void Sched::preempt_disable() { cur().preempt_count++; }

void Sched::preempt_enable(bool resched) {
  Task &t = cur();
  if (t.preempt_count <= 0) m_.report(BugClass::SubjectBug, -1, -1, "preempt_enable() without preempt_disable() (preempt_count underflow)");
  t.preempt_count--;
  if (resched && t.preempt_count == 0) m_.sched_point("preempt_enable");
}

void Sched::migrate_disable() { cur().migrate_disabled++; }

// local_bh_disable()/local_bh_enable() (kernel/softirq.c): the count
// (in_softirq()) and the preemption it disables. The outermost enable runs
// the tasklets queued on this CPU meanwhile, on top of the task, before
// preemption is enabled again (__local_bh_enable_ip()); then the task may
// be preempted (a scheduling point once preemptible).
void Sched::bh_disable() {
  Task &t = cur();
  t.bh_disabled++;
  if (m_.profile().preempt_rt)
    migrate_disable();
  else
    preempt_disable();
}

void Sched::bh_enable(bool softirqs, bool resched) {
  Task &t = cur();
  if (t.bh_disabled <= 0) m_.report(BugClass::SubjectBug, -1, -1, "local_bh_enable() without local_bh_disable()");
  t.bh_disabled--;
  if (softirqs && t.bh_disabled == 0) m_.softirq().do_softirq("softirqs at local_bh_enable");
  if (m_.profile().preempt_rt)
    migrate_enable();
  else
    preempt_enable(resched);
}

void Sched::migrate_enable() {
  Task &t = cur();
  if (t.migrate_disabled <= 0) m_.report(BugClass::SubjectBug, -1, -1, "migrate_enable() without migrate_disable()");
  t.migrate_disabled--;
}

unsigned long Sched::irq_save() {
  Task &t = cur();
  return static_cast<unsigned long>(t.irqs_off++);
}

void Sched::irq_restore(unsigned long flags) {
  Task &t = cur();
  if (t.irqs_off <= 0) m_.report(BugClass::SubjectBug, -1, -1, "local_irq_restore() without local_irq_save()");
  t.irqs_off = static_cast<int>(flags);
  if (t.irqs_off == 0 && t.preempt_count == 0) m_.sched_point("local_irq_restore");
}

unsigned Sched::blocked_on(Wait why) const {
  unsigned n = 0;
  for (size_t t = 0; t < ntasks_; t++) n += tasks_[t]->wait == why && tasks_[t]->state == TaskState::Blocked;
  return n;
}

}  // namespace kmapsim
