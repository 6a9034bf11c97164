// The simulated 32-bit HIGHMEM machine: physical memory, the direct map,
// the PKMAP pool, the per-task kmap_local stacks on real host mappings,
// CPUs, tasks and interrupts. One Machine runs one subject at a time; the
// kernel-style C API (model/include/linux) calls into the Machine that is
// running on this host thread.
//
// Machine composes the parts, each with its own header and private state:
// PhysMem (physmem.h: frames, zones, the allocator, the direct map), Arena
// (arena.h: the host windows behind every temporary mapping), Pkmap
// (pkmap.h: kmap/kunmap and the PKMAP pool), KmapLocal (kmap_local.h:
// kmap_local/kmap_atomic and the fixmap slots), UserMem (user_mem.h: user
// buffers, copies, the aliasing data cache), Sched (scheduler.h: tasks, CPUs,
// preemption, migration, fairness), Irq (irq.h), Workqueue (workqueue.h),
// Softirq (softirq.h: tasklets and ksoftirqd),
// Locking (locking.h), Percpu (percpu.h) and Reporter (reporter.h: the run's
// events and the composing of reports). The parts reach each other and the
// current context through Machine's public methods.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "arena.h"
#include "decision.h"
#include "executor.h"
#include "fiber.h"
#include "fiber_executor.h"
#include "irq.h"
#include "kmap_local.h"
#include "locking.h"
#include "mmio.h"
#include "percpu.h"
#include "physmem.h"
#include "pkmap.h"
#include "profile.h"
#include "report.h"
#include "reporter.h"
#include "scheduler.h"
#include "softirq.h"
#include "user_mem.h"
#include "workqueue.h"

struct page;
struct folio;
struct spinlock;
struct mutex;
struct completion;
struct work_struct;

struct task_struct;  // linux/sched.h: the C view of a task (task_struct.cc)

namespace kmapsim {

class Torture;  // torture/torture.h: torture mode, simulated CPUs on real host threads

struct RunResult {
  bool reported = false;
  Report report;
  uint64_t trace_hash = 0;
  uint64_t steps = 0;
  uint64_t decisions = 0;
  bool livelock = false;  // the step bound ended the run
  bool expected = false;  // the report is the one the subject announced (kmapsim_expect)
  // The run broke an imported function's entry check (entry_contract.cc):
  // the caller's contract, not a finding. discarded_by names the check.
  bool discarded = false;
  std::string discarded_by;
};

class Machine {
 public:
  explicit Machine(const Profile &p);
  ~Machine();
  Machine(const Machine &) = delete;

  // Runs body as the main task of a fresh machine, asking src for every
  // decision. Returns when every task has finished, or at the first report.
  RunResult run(void (*body)(), DecisionSource &src);
  const Profile &profile() const { return prof_; }
  const Trace &trace() const { return decisions_.trace(); }
  // The Machine running on this host thread (inside run()), or nullptr.
  static Machine *running();
  // Torture mode: makes m the Machine of the calling host thread.
  static void bind_thread(Machine *m);
  // The largest number of scheduling points a run may take.
  void set_step_bound(uint64_t n) { sched_.set_step_bound(n); }
  // Appended to every report: the command that replays this run.
  void set_replay_hint(std::string s) { reporter_.set_replay_hint(std::move(s)); }
  // Test hook: a deliberately broken model (properties must notice).
  void set_broken_sched_in(bool b) { local_.set_broken_sched_in(b); }

  // The parts.
  PhysMem &mem() { return mem_; }
  const PhysMem &mem() const { return mem_; }
  Arena &arena() { return arena_; }
  const Arena &arena() const { return arena_; }
  Pkmap &pkmap() { return pkmap_; }
  const Pkmap &pkmap() const { return pkmap_; }
  KmapLocal &local() { return local_; }
  UserMem &user() { return user_; }
  Irq &irq() { return irq_; }
  Workqueue &workqueue() { return wq_; }
  Softirq &softirq() { return softirq_; }
  Percpu &percpu() { return percpu_; }
  Mmio &mmio() { return mmio_; }
  Locking &locking() { return locking_; }
  Sched &sched() { return sched_; }
  const Sched &sched() const { return sched_; }
  Reporter &reporter() { return reporter_; }
  const Reporter &reporter() const { return reporter_; }
  // Closes window w for good, released by the running context.
  void release_window(int w) { arena_.release(w, reporter_.events().seq(), sched_.cur_task(), irq_instance_); }
  // page_address() gave NULL for a highmem page: a later fault at a low
  // address is a highmem-page-address report.
  void note_null_page_address(const char *api) { last_null_page_address_api_ = api; }
  bool in_run() const { return running_; }
  // How tasks run (sim/executor.h): the fibers of this host thread by
  // default, torture mode's host threads while a Torture runs (nullptr:
  // back to the fibers).
  void set_executor(Executor *e);
  Executor &executor() { return *exec_; }
  const ExecPolicy &policy() const { return exec_->policy(); }
  const EventRing &events() const { return reporter_.events(); }

  // ---- entry_contract.cc: a BUG/WARN on an imported function's entry
  void entry_begin(const char *fn);
  void entry_end();
  void entry_action(const char *api);
  void entry_check_failed(const char *file, int line, const char *cond);

  // ---- the current context and the scheduler (Sched, kernel/scheduler.h)
  // A scheduling point of the running task (machine.cc): the executor's.
  void sched_point(const char *api);
  void might_sleep(const char *api) { sched_.might_sleep(api); }
  int create_task(const std::string &name, void (*subject)(), int (*fn)(void *), void *data, int worker_wq = -1) {
    return sched_.create_task(name, subject, fn, data, worker_wq);
  }
  void block(Wait why, const void *obj, const char *api) { sched_.block(why, obj, api); }
  void wake(Wait why, const void *obj, bool all) { sched_.wake(why, obj, all); }
  Task &cur() { return sched_.cur(); }
  Task &task(int id) { return sched_.task(id); }
  const Task &task(int id) const { return sched_.task(id); }
  size_t ntasks() const { return sched_.ntasks(); }
  unsigned blocked_on(Wait why) const { return sched_.blocked_on(why); }
  int cur_task() const { return sched_.cur_task(); }
  int cur_irq() const { return irq_instance_; }
  // Irq::fire(): the current context becomes interrupt instance `instance`
  // (0: back to the task).
  void enter_irq(int instance) { irq_instance_ = instance; }
  int cpu_of_current() const { return sched_.cpu_of_current(); }
  bool preemptible() const { return sched_.preemptible(); }
  bool in_irq() const { return irq_instance_ != 0; }
  void preempt_disable() { sched_.preempt_disable(); }
  void preempt_enable(bool resched) { sched_.preempt_enable(resched); }
  void migrate_disable() { sched_.migrate_disable(); }
  void migrate_enable() { sched_.migrate_enable(); }
  unsigned long irq_save() { return sched_.irq_save(); }
  void irq_restore(unsigned long flags) { sched_.irq_restore(flags); }
  // ---- decisions (machine.cc)
  uint64_t decide_pick(uint64_t lo, uint64_t hi);
  bool decide(Site s);
  // An allocation the run makes fail (Site::AllocFail), noted in the event
  // trace as `what` (a literal: "kmalloc: injected allocation failure"),
  // so a report reached through the failure shows where it failed.
  bool alloc_fails(const char *what);
  // A recorded choice among 0..hi; out of range: 0.
  uint64_t decide_index(Site s, uint64_t hi) { return decisions_.ask({s, 0, hi}); }
  // A fallible call of kind f: true when the run makes it fail (the decision
  // source says so; recorded as Site::Inject with the call's ordinal).
  bool fallible(Fault f, const char *api);
  // A delay (udelay(), msleep(), ...): true when the run makes it last long
  // (Sched::kHeldUpSeconds, the jiffies and clocks move on), as a task in a
  // preemptible kernel or a stalled CPU may find at any point. Delays are
  // numbered apart from the fallible calls (recorded as Site::Stall with
  // the delay's ordinal), so traces recorded before delays could stall
  // replay unchanged. device: the wait is a device's (a register that
  // holds its answer, mmio.cc), so the event says so.
  bool stall(const char *api, bool device = false);
  // Whether a signal interrupts the current task here (signal.cc): one
  // already pending (a fatal one when fatal_only), or one the run sends now.
  bool signal_arrives(bool fatal_only, const char *api);
  // Fairness (sched_fair.cc): cond_resched/schedule/cpu_relax, and the
  // shared-memory API.
  void yield_point(const char *api) { sched_.yield_point(api); }
  bool need_resched() { return in_run() && sched_.need_resched(); }
  void shared_access(const volatile void *addr, Shared kind, const char *api) { sched_.shared_access(addr, kind, api); }
  void note_progress() { sched_.note_progress(); }
  // The host-time watchdog (watchdog.cc): a context that runs this long
  // without a scheduling point is a soft-lockup.
  void set_watchdog_seconds(double s) { watchdog_seconds_ = s; }
  double watchdog_seconds() const { return watchdog_seconds_; }
  // The run's state other files read (watchdog.cc's timer, plain_access.cc,
  // the C API, task_struct.cc and rcu.cc); the fields themselves are private.
  int api_depth() const { return api_depth_; }
  uint64_t run_serial() const { return run_serial_; }
  bool watchdog_fired() const { return watchdog_fired_; }
  void set_watchdog_fired() { watchdog_fired_ = true; }
  bool plain_access_points() const { return plain_access_points_; }
  // One more plain-access scheduling point of this run: false past the budget.
  bool take_plain_point() { return ++plain_points_ <= kPlainPointBudget; }
  void note_kmalloc(void *p) { kmallocs_.push_back(p); }
  bool forget_kmalloc(const void *p);  // machine.cc: false when p is no live kmalloc()
  void set_expected(BugClass c) { expected_ = c; }  // kmapsim_expect()
  BugClass expected() const { return expected_; }
  // Kernel objects C code reads directly (task_struct.cc, rcu.cc).
  std::shared_ptr<void> &kernel_tasks_state() { return kernel_tasks_; }
  std::shared_ptr<void> &rcu_state() { return rcu_; }
  std::shared_ptr<void> &srcu_state() { return srcu_; }
  // The state in a slot above, made on first use and fresh for each run (T
  // has a `uint64_t run` member that holds the run it was made for).
  template <class T>
  T &per_run(std::shared_ptr<void> &slot) {
    if (!slot) slot = std::make_shared<T>();
    T &s = *static_cast<T *>(slot.get());
    if (s.run != run_serial_) {
      s = T{};
      s.run = run_serial_;
    }
    return s;
  }

  // ---- reports (the Reporter part, reporter.h). Formatting happens in
  // members, never in heap-owning locals, because a report abandons the
  // fiber's stack. report() ends the run (machine.cc): window >= 0 adds the
  // mapping's description, pfn >= 0 the page's.
  [[noreturn]] void report(BugClass cls, int window, int64_t pfn, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
  uint64_t event(Ev kind, uint64_t a, uint64_t b, const char *what) { return reporter_.event(kind, a, b, what); }
  const char *task_label(int task, int irq) const { return reporter_.task_label(task, irq); }
  const char *addr_str(const void *p) const { return reporter_.addr_str(p); }
  void note_dcache_call(Pfn pfn, const char *api) { reporter_.note_dcache_call(pfn, api); }
  void note_handover(const void *obj, const char *api) { reporter_.note_handover(obj, api); }
  // Print every event to stderr as it happens (repro --events).
  void set_log_events(bool on) { reporter_.set_log_events(on); }
  // invariants.cc: "" when the model's state is consistent, else what is not.
  std::string check_invariants() const;
  // fault.cc: true when the fault was kmapsim's (then it never returns).
  bool handle_fault(void *addr, bool is_write);
  // fault.cc, in the signal handler: whether to hand the fault to handle_fault().
  bool fault_is_ours(const void *addr) const;
  bool in_arena(const void *a) const { return arena_.contains(a); }
  // sanitizer_report.cc: an ASan/UBSan finding during the run (memory-error).
  [[noreturn]] void report_sanitizer(const std::string &line, const std::string &detail);

 private:
  friend class Torture;
  friend class FiberExecutor;
  friend class Sched;
  void reset();
  void end_run_checks();
  [[noreturn]] void finish_run();
  [[noreturn]] void abandon_run();
  // The run's report from what the Reporter composes (report(),
  // report_sanitizer()).
  void compose_report(BugClass cls, int window, int64_t pfn, const char *line);

 private:
  // The machine's state: its own and its friends' (the executors and the
  // scheduler); every other file goes through the methods above.
  Profile prof_;
  // The parts (declaration order: the arena's range belongs to PhysMem).
  Arena arena_;
  PhysMem mem_{*this};
  Pkmap pkmap_{*this};
  KmapLocal local_{*this};
  UserMem user_{*this};
  Irq irq_{*this};
  Workqueue wq_{*this};
  Softirq softirq_{*this};
  Percpu percpu_{*this};
  Mmio mmio_{*this};
  Locking locking_{*this};
  Sched sched_{*this};  // tasks and CPUs
  Reporter reporter_{*this};  // events and reports

  int irq_instance_ = 0;  // the current context: 0 the task, else its interrupt instance
  // page_address() gave NULL for a highmem page in this run (its API): a
  // fault at a low address is then a highmem-page-address report (fault.cc).
  const char *last_null_page_address_api_ = nullptr;
  std::vector<void *> kmallocs_;

  Fiber host_;
  DecisionPath decisions_;  // every decision of the run: asked of its source, recorded (decision.h)
  uint64_t fallible_calls_ = 0;     // fallible calls of this run (Site::Inject ordinals)
  uint64_t delays_ = 0;             // delays of this run (Site::Stall ordinals)
  // The watchdog (watchdog.cc).
  int api_depth_ = 0;               // >0 while the model runs an API call (the watchdog waits)
  uint64_t run_serial_ = 0;         // counts runs, so the watchdog tells them apart
  double watchdog_seconds_ = 3;
  // plain_access.cc: plain loads/stores of instrumented subject code are
  // scheduling points (KMAPSIM_PLAIN_ACCESS=0 in the environment turns it off).
  bool plain_access_points_ = true;
  uint64_t plain_points_ = 0;  // this run's plain-access scheduling points
  static constexpr uint64_t kPlainPointBudget = 20000;
  bool watchdog_fired_ = false;

 public:
  void arm_watchdog();                                  // watchdog.cc
  // counted: the access budget ended the step (access_budget.h), not the timer.
  [[noreturn]] void watchdog_report(const void *pc, bool counted);  // watchdog.cc

 private:
  bool running_ = false;
  BugClass expected_ = BugClass::None;
  RunResult result_;
  int entry_task_ = -1;             // the task inside an imported function's entry, or -1
  // Kernel objects C code reads directly, made on first use and renewed
  // each run: task_struct.cc (struct task_struct per task, the run's
  // mm_struct), rcu.cc (readers, callbacks).
  std::shared_ptr<void> kernel_tasks_, rcu_, srcu_;
  const char *entry_fn_ = nullptr;  // that function
  FiberExecutor fibers_{*this};
  Executor *exec_ = &fibers_;
};

// Held by every entry of the kernel-style C API for the length of the call
// (Executor::enter_api/exit_api): in deterministic mode it counts the API
// calls the running fiber is in (the watchdog never interrupts the model
// itself); in torture mode it takes the model lock and makes the calling
// host thread's task the current one.
class ApiGuard {
 public:
  explicit ApiGuard(Machine &m) : e_(m.executor()) { e_.enter_api(); }
  ~ApiGuard() { e_.exit_api(); }
  ApiGuard(const ApiGuard &) = delete;
  ApiGuard &operator=(const ApiGuard &) = delete;

 private:
  Executor &e_;
};

// The struct task_struct C code sees for task id (task_struct.cc).
::task_struct *kernel_task(Machine &m, int id);

// The running machine, or a one-line error and exit 2 when the kernel API is
// used outside a run (a subject called from main(), say).
Machine &M();

}  // namespace kmapsim
