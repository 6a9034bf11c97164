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
// Locking (locking.h) and Percpu (percpu.h). The parts reach each other,
// the current context and the machine's events and reports through
// Machine's public methods.
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
#include "percpu.h"
#include "physmem.h"
#include "pkmap.h"
#include "profile.h"
#include "report.h"
#include "scheduler.h"
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
  void set_replay_hint(std::string s) { replay_hint_ = std::move(s); }
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
  Percpu &percpu() { return percpu_; }
  Locking &locking() { return locking_; }
  Sched &sched() { return sched_; }
  const Sched &sched() const { return sched_; }
  // Closes window w for good, released by the running context.
  void release_window(int w) { arena_.release(w, events_.seq(), sched_.cur_task(), irq_instance_); }
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
  const EventRing &events() const { return events_; }

  // ---- entry_contract.cc: a BUG/WARN on an imported function's entry
  void entry_begin(const char *fn);
  void entry_end();
  void entry_action(const char *api);
  void entry_check_failed(const char *file, int line, const char *cond);

  // ---- the current context and the scheduler (Sched, kernel/scheduler.h)
  // A scheduling point of the running task (machine.cc): the executor's.
  void sched_point(const char *api);
  void might_sleep(const char *api) { sched_.might_sleep(api); }
  int create_task(const std::string &name, void (*subject)(), int (*fn)(void *), void *data, bool worker = false) {
    return sched_.create_task(name, subject, fn, data, worker);
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
  // A recorded choice among 0..hi; out of range: 0.
  uint64_t decide_index(Site s, uint64_t hi) { return decisions_.ask({s, 0, hi}); }
  // A fallible call of kind f: true when the run makes it fail (the decision
  // source says so; recorded as Site::Inject with the call's ordinal).
  bool fallible(Fault f, const char *api);
  // Fairness (sched_fair.cc): cond_resched/schedule/cpu_relax, and the
  // shared-memory API.
  void yield_point(const char *api) { sched_.yield_point(api); }
  void shared_access(const volatile void *addr, Shared kind, const char *api) { sched_.shared_access(addr, kind, api); }
  void note_progress() { sched_.note_progress(); }
  // The host-time watchdog (watchdog.cc): a context that runs this long
  // without a scheduling point is a soft-lockup.
  void set_watchdog_seconds(double s) { watchdog_seconds_ = s; }
  double watchdog_seconds() const { return watchdog_seconds_; }

  // ---- report_format.cc: reports. Formatting happens in members, never in
  // heap-owning locals, because a report abandons the fiber's stack.
  // window >= 0 adds the mapping's description, pfn >= 0 the page's.
  [[noreturn]] void report(BugClass cls, int window, int64_t pfn, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
  uint64_t event(Ev kind, uint64_t a, uint64_t b, const char *what);
  void compose_report(BugClass cls, int window, int64_t pfn, const char *line);
  void describe_context(std::string &out) const;
  void describe_window(std::string &out, int w) const;
  void describe_page(std::string &out, Pfn pfn) const;
  const char *task_label(int task, int irq) const;
  // An address for a report: model addresses (direct map, windows) and
  // small ones print as numbers — they are the same in every process —
  // anything else (stack, heap, globals: ASLR) as a description, so
  // replayed reports stay byte-for-byte identical.
  const char *addr_str(const void *p) const;

  void format_event(std::string &out, const Event &e) const;
  ReportEvent report_event(const Event &e) const;
  void report_sites(int window);
  // Call traces of this run's map events (by event sequence number), and
  // the faulting access's (fault.cc) for the report being composed.
  std::vector<std::pair<uint64_t, PcTrace>> map_traces_;
  PcTrace fault_trace_;
  bool fault_write_ = false;
  std::string report_note_;  // a line the next report adds (BUG()'s "kernel BUG at ...")
  // This run's kmapsim_user_map() and flush_dcache_page() calls: {pfn, the
  // subject's call site, API}, for missing-flush-dcache's report.
  struct DcacheCall {
    Pfn pfn;
    uintptr_t pc;
    const char *api;
    uint64_t seq;
  };
  std::vector<DcacheCall> dcache_calls_;
  void note_dcache_call(Pfn pfn, const char *api) {
    dcache_calls_.push_back({pfn, sched_.cur_task() >= 0 ? sched_.cur().site.pc : 0, api, events_.seq()});
  }
  void report_details(BugClass cls, int window, int64_t pfn);
  // Print every event to stderr as it happens (repro --events).
  void set_log_events(bool on) { log_events_ = on; }
  bool log_events_ = false;
  // invariants.cc: "" when the model's state is consistent, else what is not.
  std::string check_invariants() const;
  // fault.cc: true when the fault was kmapsim's (then it never returns).
  bool handle_fault(void *addr, bool is_write);
  // fault.cc, in the signal handler: whether to hand the fault to handle_fault().
  bool fault_is_ours(const void *addr) const;
  bool in_arena(const void *a) const { return arena_.contains(a); }
  // sanitizer_report.cc: an ASan/UBSan finding during the run (memory-error).
  [[noreturn]] void report_sanitizer(const std::string &line, const std::string &detail);
  const char *last_null_page_address_api_ = nullptr;

 private:
  friend class Torture;
  friend class FiberExecutor;
  friend class Sched;
  void reset();
  void end_run_checks();
  [[noreturn]] void finish_run();
  [[noreturn]] void abandon_run();
  mutable char label_buf_[4][64];
  mutable int label_next_ = 0;

 public:
  // State is public to the model's own files and tests; subjects never see it.
  Profile prof_;
  // The parts (declaration order: the arena's range belongs to PhysMem).
  Arena arena_;
  PhysMem mem_{*this};
  Pkmap pkmap_{*this};
  KmapLocal local_{*this};
  UserMem user_{*this};
  Irq irq_{*this};
  Workqueue wq_{*this};
  Percpu percpu_{*this};
  Locking locking_{*this};
  Sched sched_{*this};  // tasks and CPUs

  int irq_instance_ = 0;  // the current context: 0 the task, else its interrupt instance
  std::vector<void *> kmallocs_;

  Fiber host_;
  DecisionPath decisions_;  // every decision of the run: asked of its source, recorded (decision.h)
  EventRing events_;
  uint64_t fallible_calls_ = 0;     // fallible calls of this run (Site::Inject ordinals)
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
  void arm_watchdog();                                  // watchdog.cc
  [[noreturn]] void watchdog_report(const void *pc);   // watchdog.cc
  bool running_ = false;
  BugClass expected_ = BugClass::None;
  RunResult result_;
  int entry_task_ = -1;             // the task inside an imported function's entry, or -1
  // Kernel objects C code reads directly, made on first use and renewed
  // each run: task_struct.cc (struct task_struct per task, the run's
  // mm_struct), rcu.cc (readers, callbacks).
  std::shared_ptr<void> kernel_tasks_, rcu_;
  const char *entry_fn_ = nullptr;  // that function
  std::string replay_hint_;
  uint64_t obs_hash_ = kFnvBasis;  // hash of observable events, for determinism checks
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
