// The scheduler (kernel/sched/): tasks, CPUs, preemption, migration and
// fair exploration (sched.cc, sched_fair.cc). Every kernel-API call of the
// model is a scheduling point; the decision source may preempt the current
// task, migrate it or run another CPU's task. The executor (sim/executor.h)
// carries the choices out: FiberExecutor through this part's decided
// scheduling point, torture mode on host threads through its accessors.
// (Not sched.h: kernel/ is on the include path, and that name is the C
// library's <sched.h>, which <pthread.h> includes.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "arena.h"
#include "decision.h"
#include "fiber.h"
#include "report.h"

namespace kmapsim {

class Machine;
class FiberExecutor;

enum class TaskState : uint8_t { Runnable, Blocked, Dead };
// How a sleeping wait may end early (locking.h): by a signal, a fatal
// signal, its timeout.
enum class WaitMode : uint8_t { Uninterruptible, Interruptible, Killable, Timeout, InterruptibleTimeout, KillableTimeout };
// A signal pending for a task (signal.cc): none, one that interrupts
// interruptible sleeps, or a fatal one (SIGKILL) that also ends killable ones.
enum class Signal : uint8_t { None, Pending, Fatal };
// IrqSync: free_irq() waiting, as synchronize_irq() does, for a handler of
// its line still running on another CPU; it spins (keeps its CPU) like Spin.
// Tasklet: tasklet_kill()/tasklet_disable() waiting for a tasklet to run or end.
// State: schedule() with a task state set (Task::sleep_state), until a
// wake-up that matches the state. TimerSync: del_timer_sync() waiting for
// the timer's callback to end; it spins, as the kernel's does. Semaphore:
// down() waiting for up() to hand it a unit. Srcu: an SRCU grace period
// waiting for its readers, or for the domain's grace period before it, or
// srcu_barrier() for the domain's callbacks.
enum class Wait : uint8_t { None, Mutex, Completion, Work, Pkmap, Spin, IdleWorker, Queue, IrqSync, Rwsem, Tasklet, State, TimerSync, Semaphore, Srcu };
// The kernel's TASK_* bits (linux/sched.h) a task state holds.
constexpr unsigned kTaskInterruptible = 0x0001, kTaskUninterruptible = 0x0002, kTaskWakeKill = 0x0100;
constexpr unsigned kTaskNormal = kTaskInterruptible | kTaskUninterruptible;
inline bool keeps_cpu(Wait w) { return w == Wait::Spin || w == Wait::IrqSync || w == Wait::TimerSync; }
struct Task;
// What a blocked task waits for, as deadlock and soft-lockup reports say it
// ("a completion", "a wait queue (folio_lock)").
std::string wait_description(const Task &t);

// What a shared-memory access of the API (READ_ONCE, smp_load_acquire,
// atomic_*, cpu_relax, the barriers) tells the scheduler (sched_fair.cc).
// The values are those of KMAPSIM_SHARED_* in <linux/compiler.h>.
enum class Shared : uint8_t { Read, Write, Barrier, Relax, Progress };

// A temporary mapping on a task's kmap_local stack (kmap_ctrl.pteval[]):
// only real fixmap mappings are pushed, as in the kernel.
struct LocalMap {
  int window;
  Pfn pfn;
  bool atomic;   // made by kmap_atomic*: unmapping re-enables preemption and faults
  int owner_irq; // 0: the task itself; else the interrupt instance that pushed it
  const char *api;
  uint64_t made_at;  // event sequence number
};

struct PcpuUse {
  const void *base;
  int cpu;
  uint64_t version;  // version of (base, cpu) when this section first used it
};

struct Task {
  int id = 0;
  std::string name;
  TaskState state = TaskState::Runnable;
  Wait wait = Wait::None;
  const void *wait_obj = nullptr;
  Fiber fiber;
  int cpu = 0;
  bool is_worker = false;
  // threadfn is the model's own code (ksoftirqd): torture mode runs it
  // under the model lock, as it runs a kworker's loop.
  bool model_thread = false;
  int worker_wq = -1;  // a kworker's workqueue (workqueue.h)
  // Bound to its CPU (kthread_bind(), ksoftirqd): never migrated.
  bool bound = false;
  bool pinned() const { return bound || migrate_disabled; }  // may not change CPU now
  // A thread kthread_create() made that nobody has woken: it sleeps in
  // kthread() before its function, on itself (Sched::kthread_created()). It
  // is no waiter a deadlock counts, and the end of a run does not wait for it.
  bool created_asleep() const { return state == TaskState::Blocked && wait == Wait::Queue && wait_obj == this; }
  // Per-task context state, as in task_struct and thread_info.
  int preempt_count = 0;
  int pagefault_disabled = 0;
  int migrate_disabled = 0;
  int irqs_off = 0;  // nesting of local_irq_save / spin_lock_irqsave
  // Nesting of local_bh_disable / spin_lock_bh (softirq_count()): softirqs
  // cannot run on the task's CPU meanwhile. Besides this count it disables
  // preemption, as the kernel's SOFTIRQ_DISABLE_OFFSET in preempt_count
  // does (PREEMPT_RT: migration, its per-CPU lock being a sleeping one).
  int bh_disabled = 0;
  // Running a tasklet, in ksoftirqd or on top of the task (softirq.cc):
  // in_serving_softirq(), not in_task().
  int serving_softirq = 0;
  const char *softirq_item = "a tasklet";  // what it serves: "a tasklet" or "a timer callback", for reports
  int atomic_maps = 0;  // kmap_atomic()s not yet unmapped, any page
  int local_sections = 0;  // kmap_local/atomic mappings not yet unmapped, any page
  std::vector<LocalMap> kmap_ctrl;
  // PKMAP slots this task (or an interrupt on it) holds through
  // kmap_high_get() from kmap_local/kmap_atomic: {slot, owner_irq}.
  std::vector<std::pair<unsigned, int>> high_gets;
  std::vector<std::pair<unsigned, int>> high_gets_released;  // for naming a double unmap
  std::vector<PcpuUse> pcpu_uses;
  // Fair scheduling (sched_fair.cc). `progress` counts what the task did
  // that another context could observe (model events, shared writes); a
  // yield (cond_resched, schedule, cpu_relax) with no progress since the
  // previous one, or a re-read of the same shared location with none since
  // the last read, is a spin iteration: the task then may not run again
  // until every task in must_wait (one bit per task id) has run.
  uint64_t progress = 0;
  uint64_t progress_at_yield = UINT64_MAX;
  uint64_t progress_at_read = UINT64_MAX;
  const volatile void *last_read = nullptr;
  uint64_t must_wait = 0;
  const char *spin_api = nullptr;  // where it spins, for the soft-lockup report
  const char *wait_api = nullptr;  // the API it sleeps in (wait_event, folio_lock, ...), for the same reports
  // Waits that may end without their event (sched.cc): the timed waiter
  // times out once nothing else can run.
  bool timed_wait = false;
  bool timed_out = false;
  bool wq_interruptible = false;  // sleeps on a wait queue interruptibly (wait_queue.cc)
  // kthread_stop() (sched.cc): the flag kthread_should_stop() reads, the
  // thread function's value it returns, and the wake-up it gives a thread
  // asleep where a signal would end the sleep (`kicked`: the sleeping loop
  // looks at its condition and at signal_pending() again).
  bool should_stop = false;
  int exit_code = 0;
  // References the subject took with get_task_struct() and has not put.
  // A kthread that returned on its own is reaped at once (kthreadd does
  // not wait for it): without one, its task_struct is freed memory.
  int usage = 0;
  bool kicked = false;
  // The task state set_current_state() or prepare_to_wait() stored (the
  // kernel's __state: TASK_* bits, 0 for TASK_RUNNING). schedule() with one
  // set sleeps until a wake-up whose mode matches it clears it
  // (Sched::wake_state(), the kernel's try_to_wake_up()): a wake-up that
  // came before the state was set finds nothing to clear and is lost, as in
  // the kernel. Any other sleep ends with it cleared, as the kernel's
  // blocking primitives leave TASK_RUNNING.
  unsigned sleep_state = 0;
  bool state_woken = false;  // a wake-up cleared the state set last (schedule_timeout()'s time left)
  bool sleep_interruptible = false;  // asleep in an interruptible completion, mutex or rw_semaphore wait
  Signal signal = Signal::None;   // a signal pending for the task (signal.cc)
  bool resched = false;           // need_resched() said so; cleared by the next pass through the scheduler
  int api_depth = 0;  // Machine::api_depth_ while another fiber runs
  int irq = 0;        // the interrupt instance it is in while another fiber runs (a handler spinning on a lock)
  ApiSite site;       // where the subject called the API it is in (report.h)
  // What the task runs.
  void (*subject)() = nullptr;
  int (*threadfn)(void *) = nullptr;
  void *data = nullptr;
};

class Sched {
 public:
  explicit Sched(Machine &m) : m_(m) {}
  Sched(const Sched &) = delete;
  void init(unsigned nr_cpus) { cpus_.assign(nr_cpus, Cpu{}); }
  // No tasks, idle CPUs, no steps, no fairness state (Machine::reset).
  void reset();

  // ---- tasks (sched.cc)
  // worker_wq: the workqueue whose kworker the task is, or -1
  int create_task(const std::string &name, void (*subject)(), int (*fn)(void *), void *data, int worker_wq);
  // An executor's new task slot: the next id, its record made on first use.
  int add_task_slot() {
    if (tasks_.size() <= ntasks_) tasks_.push_back(std::make_unique<Task>());
    return static_cast<int>(ntasks_++);
  }
  Task &cur() { return *tasks_[cur_task_]; }
  Task &task(int id) { return *tasks_[id]; }
  const Task &task(int id) const { return *tasks_[id]; }
  size_t ntasks() const { return ntasks_; }     // live task ids of this run: 0..ntasks()-1
  size_t task_slots() const { return tasks_.size(); }  // records made (any run)
  int cur_task() const { return cur_task_; }
  // The task the executor runs now (-1: none, the host or torture's coordinator).
  void set_current(int task) { cur_task_ = task; }
  int cpu_of_current() const { return tasks_[cur_task_]->cpu; }
  // CPUs: the task each one runs (its runqueue's curr), -1 when idle.
  size_t nr_cpus() const { return cpus_.size(); }
  int cpu_curr(int cpu) const { return cpus_[cpu].curr; }
  void set_cpu_curr(int cpu, int task) { cpus_[cpu].curr = task; }
  // Tasks blocked in wait `why` (on any object).
  unsigned blocked_on(Wait why) const;
  // kmap-leak and sleep-in-atomic when task t returns holding mappings, a
  // disabled preemption or disabled interrupts.
  void task_exit_checks(Task &t);
  // Task t's function returned (any executor): the exit checks, t dead and
  // off its CPU, and a kthread_stop() waiting for it woken.
  void task_exited(Task &t);
  // Every task is blocked: a pkmap-deadlock report.
  [[noreturn]] void deadlock();
  // kthread_stop(): kthread_should_stop() becomes true for task id, a
  // signal is pending for it (TIF_NOTIFY_SIGNAL), it is woken where that
  // ends its sleep, and the caller waits until it has returned. Returns its
  // thread function's value.
  int kthread_stop(int id);
  // kthread_create(): task id made asleep until wake_up_process() starts it.
  void kthread_created(int id);
  // wake_up_process(): a thread kthread_create() made starts; one asleep in
  // a wait_event() or an interruptible wait is woken as kthread_stop()
  // wakes it (its loop tests its condition again). Returns whether it was
  // asleep.
  bool wake_up_process(int id);
  // try_to_wake_up() of a task state (Task::sleep_state): a task whose
  // state has a bit of mode set goes back to TASK_RUNNING and, if it sleeps
  // in schedule(), wakes. Whether its state matched.
  bool wake_state(Task &k, unsigned mode, const char *why);
  // schedule() and schedule_timeout() after the yield: with a task state
  // set, sleeps until wake_state() clears it, a signal the state lets in is
  // pending (signal_pending_state(): no sleep), or (timed) nothing else can
  // run. Returns timeout when a wake-up cleared the state (before the
  // sleep or during it: no time passed), 0 when the time ran out or no
  // state was set (a plain yield lasts its whole timeout: simulated time
  // does not pass, and a loop on the time left must end).
  long schedule_state(long timeout, bool timed, const char *api);

  // ---- scheduling points, sleeping, preemption (sched.cc)
  void block(Wait why, const void *obj, const char *api);
  void wake(Wait why, const void *obj, bool all);
  // A blocked task goes back on its run queue, `why` naming the wake-up in
  // the trace; torture mode's sleepers re-check (every wake-up ends here).
  void make_runnable(Task &q, const char *why);
  void might_sleep(const char *api);
  // cant_sleep() (migrate_only: cant_migrate()) at `where`: lost-atomicity
  // when the current context could be preempted (or migrated).
  void assume_atomic(const char *where, bool migrate_only);
  bool preemptible() const;
  bool need_resched();
  void preempt_disable();
  void preempt_enable(bool resched);
  void migrate_disable();
  void migrate_enable();
  void bh_disable();
  // softirqs: the outermost enable runs what is pending (do_softirq());
  // resched: a scheduling point once preemptible again.
  void bh_enable(bool softirqs = true, bool resched = true);
  unsigned long irq_save();
  void irq_restore(unsigned long flags);
  // Scheduling points taken this run (torture mode counts its own).
  uint64_t steps() const { return steps_; }
  void count_step() {
    steps_++;
    tick();
  }
  void set_step_bound(uint64_t n) { step_bound_ = n; }
  // The clock (linux/timekeeping.h): the time since boot the jiffies count.
  uint64_t uptime_ns() const;
  // The running task was held up for `ticks` (a clock read found time gone,
  // time_api.cc; a delay stalled, Machine::stall()); the jiffies move with it.
  // How long a hold-up lasts: past the timeouts drivers give their polls
  // (microseconds to a few seconds), so a poll with a deadline times out.
  static constexpr uint64_t kHeldUpSeconds = 60;
  void clock_jump(uint64_t ticks) {
    late_ticks_ += ticks;
    tick();
  }
  const char *last_api() const { return last_api_; }  // the last decided scheduling point's API

  // ---- fairness (sched_fair.cc): cond_resched/schedule/cpu_relax, and the
  // shared-memory API.
  void yield_point(const char *api);
  // A timed wait expires once nothing else can run (simulated time does not
  // pass): the first blocked timed waiter is woken, timed out. Whether one was.
  bool wake_timed_waiter();
  void shared_access(const volatile void *addr, Shared kind, const char *api);
  void note_progress() {
    if (cur_task_ >= 0) {
      tasks_[cur_task_]->progress++;
      tasks_[cur_task_]->spin_api = nullptr;
    }
    progress_total_++;
  }

 private:
  friend class FiberExecutor;
  struct Cpu {
    int curr = -1;  // the task on this CPU, or -1 when idle
  };
  // The deterministic scheduling point: step bound, interrupts, migration
  // and the choice of the next task (FiberExecutor::sched_point).
  void decided_sched_point(const char *api);
  void choose_next(bool current_can_continue, const char *api);
  void switch_to_task(int next);
  void slice_expired();
  uint64_t runnable_others(const Task &t) const;  // one bit per runnable task but t: whom a spinner or a spent slice waits for
  static void task_entry(void *arg);
  void fair_filter(bool can_continue);
  bool idle_balance();
  [[noreturn]] void soft_lockup(const char *why);
  void spin_iteration(Task &t, const char *api, bool waits_on_memory);
  bool kick(Task &k, const char *why);
  // jiffies (linux/jiffies.h): INITIAL_JIFFIES plus the scheduling points so
  // far and the ticks the clock jumped by.
  void tick();
  void clear_waits_for(int task) {  // `task` ran a step: nobody waits for it any more
    for (uint64_t w = waiters_; w; w &= w - 1) {
      Task &q = *tasks_[__builtin_ctzll(w)];
      q.must_wait &= ~(1ull << task);
      if (!q.must_wait) waiters_ &= ~(1ull << q.id);
    }
  }
  // Who waits for what and what each CPU runs, for deadlock reports.
  bool describe_waiters(std::string &who) const;

  Machine &m_;
  std::vector<std::unique_ptr<Task>> tasks_;
  size_t ntasks_ = 0;  // live entries of tasks_ in this run
  std::vector<Cpu> cpus_;
  int cur_task_ = -1;
  std::vector<Candidate> cands_;
  uint64_t steps_ = 0;
  uint64_t late_ticks_ = 0;  // ticks the clock jumped by this run (clock_jump())
  uint64_t step_bound_ = 200000;
  const char *last_api_ = "";  // the last scheduling point's API, for the watchdog's report
  // Fairness and the soft-lockup check.
  uint64_t progress_total_ = 0;  // progress of every task, this run
  uint64_t waiters_ = 0;         // tasks whose must_wait is not empty (one bit per id): fairness costs nothing without
  uint64_t spin_progress_ = 0;   // progress_total_ when idle_spins_ started counting
  uint64_t idle_spins_ = 0;      // spin iterations since anything made progress
  static constexpr uint64_t kSpinLimit = 5000;
  // CFS's time slice, in scheduling points (sched_fair.cc, slice_expired()):
  // after this many in a row, the current task waits for every other
  // runnable task. Large enough that no corpus replay changed; far below
  // the step bound, so the others run before the bound ends the run.
  static constexpr uint64_t kSliceSteps = 10000;
  uint64_t slice_start_ = 0;     // steps_ when the current task last took the CPU
  static constexpr uint64_t kIrqAfterSpins = 16;  // a lone spinner lets interrupts in after this many
};

}  // namespace kmapsim
