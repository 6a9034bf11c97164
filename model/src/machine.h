// The simulated 32-bit HIGHMEM machine: physical memory, the direct map,
// the PKMAP pool, the per-task kmap_local stacks on real host mappings,
// CPUs, tasks and interrupts. One Machine runs one subject at a time; the
// kernel-style C API (model/include/linux) calls into the Machine that is
// running on this host thread.
//
// The pieces live in files named after the kernel concept they model:
// physmem.cc (page frames, zones, the allocator, the direct map),
// arena.cc (host windows that back every temporary mapping), pkmap.cc
// (kmap/kunmap), kmap_local.cc (kmap_local/kmap_atomic), highmem_helpers.cc,
// sched.cc (tasks, CPUs, scheduling points), irq.cc, locking.cc,
// workqueue.cc, percpu.cc, uaccess.cc, iov_iter.cc, cacheflush.cc,
// fault.cc (SIGSEGV to report) and machine.cc (runs and reports).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "decision.h"
#include "fiber.h"
#include "profile.h"
#include "report.h"

struct page;
struct folio;
struct spinlock;
struct mutex;
struct completion;
struct work_struct;

struct task_struct;  // linux/sched.h: the C view of a task (task_struct.cc)

namespace kmapsim {

class Torture;  // torture.h: torture mode, simulated CPUs on real host threads

using Pfn = uint32_t;
constexpr size_t kPage = 4096;

enum class TaskState : uint8_t { Runnable, Blocked, Dead };
enum class Wait : uint8_t { None, Mutex, Completion, Work, Pkmap, Spin, IdleWorker, Queue };

// What a shared-memory access of the API (READ_ONCE, smp_load_acquire,
// atomic_*, cpu_relax, the barriers) tells the scheduler (sched.cc).
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
  // Per-task context state, as in task_struct and thread_info.
  int preempt_count = 0;
  int pagefault_disabled = 0;
  int migrate_disabled = 0;
  int irqs_off = 0;  // nesting of local_irq_save / spin_lock_irqsave
  int atomic_maps = 0;  // kmap_atomic()s not yet unmapped, any page
  int local_sections = 0;  // kmap_local/atomic mappings not yet unmapped, any page
  std::vector<LocalMap> kmap_ctrl;
  // PKMAP slots this task (or an interrupt on it) holds through
  // kmap_high_get() from kmap_local/kmap_atomic: {slot, owner_irq}.
  std::vector<std::pair<unsigned, int>> high_gets;
  std::vector<std::pair<unsigned, int>> high_gets_released;  // for naming a double unmap
  std::vector<PcpuUse> pcpu_uses;
  // Fair scheduling (sched.cc). `progress` counts what the task did that
  // another context could observe (model events, shared writes); a yield
  // (cond_resched, schedule, cpu_relax) with no progress since the previous
  // one, or a re-read of the same shared location with none since the last
  // read, is a spin iteration: the task then may not run again until every
  // task in must_wait (one bit per task id) has run.
  uint64_t progress = 0;
  uint64_t progress_at_yield = UINT64_MAX;
  uint64_t progress_at_read = UINT64_MAX;
  const volatile void *last_read = nullptr;
  uint64_t must_wait = 0;
  const char *spin_api = nullptr;  // where it spins, for the soft-lockup report
  // Waits that may end without their event (sched.cc): the timed waiter
  // times out once nothing else can run.
  bool timed_wait = false;
  bool timed_out = false;
  bool wq_interruptible = false;  // sleeps on a wait queue interruptibly (wait_queue.cc)
  int api_depth = 0;  // Machine::api_depth_ while another fiber runs
  ApiSite site;       // where the subject called the API it is in (report.h)
  // What the task runs.
  void (*subject)() = nullptr;
  int (*threadfn)(void *) = nullptr;
  void *data = nullptr;
};

struct Cpu {
  int curr = -1;  // the task on this CPU, or -1 when idle
};

enum class WinKind : uint8_t { Frame, Pkmap };
enum class WinState : uint8_t { Unused, Live, Released };

// One page-sized host window of the arena with an inaccessible guard page
// after it. Frame windows belong to one frame (kCopies per frame, used in
// turn so a released address is not handed out again soon); PKMAP windows
// are the pool's slots.
struct Window {
  int32_t mapped_pfn = -1;  // frame the host mapping shows, -1: none yet
  WinState state = WinState::Unused;
  bool accessible = false;
  bool atomic = false;
  int16_t owner_task = -1;
  int32_t owner_irq = 0;
  Pfn pfn = 0;
  const char *api = "";
  uint64_t made_at = 0, released_at = 0;
  int16_t released_by = -1;
  int32_t released_irq = 0;
  bool via_page_address = false;  // PKMAP: page_address() handed it out while unheld
  bool touched = false;           // on Machine::touched_windows_ (reset after the run)
};

struct UserBuf {
  char *base;
  size_t len;
  std::vector<int8_t> present;  // per page: -1 undecided, 0 absent, 1 present, kBad: a bad address (injected)
  static constexpr int8_t kBad = 2;
  bool bad_page_in(const char *u, size_t n) const {
    for (size_t pg = static_cast<size_t>(u - base) / 4096; n && pg <= static_cast<size_t>(u + n - 1 - base) / 4096; pg++)
      if (present[pg] == kBad) return true;
    return false;
  }
  void mark_bad(const char *at) {
    if (at >= base && at < base + len) present[static_cast<size_t>(at - base) / 4096] = kBad;
  }
};

struct IrqHandler {
  unsigned irq;
  int (*handler)(int, void *);
  void *dev_id;
  const char *name;
};

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
  void set_step_bound(uint64_t n) { step_bound_ = n; }
  // Appended to every report: the command that replays this run.
  void set_replay_hint(std::string s) { replay_hint_ = std::move(s); }
  // Test hook: a deliberately broken model (properties must notice).
  void set_broken_sched_in(bool b) { broken_sched_in_ = b; }

  // ---- physmem.cc
  struct page *alloc_pages(unsigned gfp, unsigned order, const char *api);
  void free_pages(struct page *page, unsigned order, const char *api);
  void *page_address(const struct page *page);
  struct page *pfn_to_page(unsigned long pfn);
  unsigned long page_to_pfn(const struct page *page);
  struct page *virt_to_page(const void *addr);
  void get_page(struct page *page);
  void put_page(struct page *page);
  bool is_highmem(Pfn pfn) const { return pfn >= prof_.lowmem_pages; }
  Pfn checked_pfn(const struct page *page, const char *api);
  char *phys(Pfn pfn) const { return phys_ + static_cast<size_t>(pfn) * kPage; }
  char *direct_map(Pfn pfn) const { return dmap_ + static_cast<size_t>(pfn) * kPage; }
  bool in_direct_map(const void *a) const;
  bool page_mapped_to_user(Pfn pfn) const;

  // ---- arena.cc
  int window_of(const void *addr, bool *in_guard) const;
  char *window_addr(int w) const { return arena_ + static_cast<size_t>(w) * 2 * kPage; }
  int open_frame_window(Pfn pfn);
  void set_window_access(int w, bool rw);
  void show_and_open_window(int w, Pfn pfn, const char *what);
  void release_window(int w);
  void activate_context(int task, int irq);
  bool in_arena(const void *a) const;
  int pkmap_window(unsigned slot) const { return static_cast<int>(nlocal_windows_ + slot); }
  bool poisons_windows() const;  // asan_window.h: shadow instead of mprotect()
  void arena_teardown();

  // ---- pkmap.cc
  void *kmap(struct page *page);
  void kunmap(struct page *page);
  void kmap_flush_unused();
  void *pkmap_address(Pfn pfn) const;
  void *kmap_high_get(Pfn pfn, const char *api);
  void kunmap_high_local(unsigned slot, const char *api);

  // ---- kmap_local.cc
  void *kmap_local(struct page *page, bool atomic, const char *api);
  void *kmap_local_pfn(unsigned long pfn, bool atomic, const char *api);
  void kunmap_local_indexed(const void *addr, bool atomic, const char *api);
  struct page *kmap_to_page(void *addr);
  bool is_kmap_addr(const void *addr) const;
  bool partial_kmap(const struct folio *folio) const;

  // ---- entry_contract.cc: a BUG/WARN on an imported function's entry
  void entry_begin(const char *fn);
  void entry_end();
  void entry_action(const char *api);
  void entry_check_failed(const char *file, int line, const char *cond);

  // ---- sched.cc
  void sched_point(const char *api);
  void might_sleep(const char *api);
  int create_task(const std::string &name, void (*subject)(), int (*fn)(void *), void *data, bool worker = false);
  void block(Wait why, const void *obj, const char *api);
  void wake(Wait why, const void *obj, bool all);
  Task &cur() { return *tasks_[cur_task_]; }
  int cur_task() const { return cur_task_; }
  int cur_irq() const { return irq_instance_; }
  int cpu_of_current() const { return tasks_[cur_task_]->cpu; }
  bool preemptible() const;
  bool in_irq() const { return irq_instance_ != 0; }
  void preempt_disable();
  void preempt_enable(bool resched);
  void migrate_disable();
  void migrate_enable();
  unsigned long irq_save();
  void irq_restore(unsigned long flags);
  uint64_t decide_pick(uint64_t lo, uint64_t hi);
  bool decide(Site s);
  // A fallible call of kind f: true when the run makes it fail (the decision
  // source says so; recorded as Site::Inject with the call's ordinal).
  bool fallible(Fault f, const char *api);
  // Fairness: cond_resched/schedule/cpu_relax, and the shared-memory API.
  void yield_point(const char *api);
  void shared_access(const volatile void *addr, Shared kind, const char *api);
  void note_progress() {
    if (cur_task_ >= 0) {
      tasks_[cur_task_]->progress++;
      tasks_[cur_task_]->spin_api = nullptr;
    }
    progress_total_++;
  }
  // wait_for_completion and friends: 0 when completed, else the failure
  // (-ERESTARTSYS for a signal, 0 from the _timeout form's view: see capi.cc).
  enum class WaitMode : uint8_t { Uninterruptible, Interruptible, Killable, Timeout, InterruptibleTimeout, KillableTimeout };
  long wait_for_completion_mode(struct completion *c, WaitMode mode, const char *api);
  int mutex_lock_mode(struct mutex *m, WaitMode mode, const char *api);
  // The host-time watchdog (watchdog.cc): a context that runs this long
  // without a scheduling point is a soft-lockup.
  void set_watchdog_seconds(double s) { watchdog_seconds_ = s; }
  double watchdog_seconds() const { return watchdog_seconds_; }

  // ---- irq.cc
  int request_irq(unsigned irq, int (*handler)(int, void *), const char *name, void *dev_id);
  void free_irq(unsigned irq, void *dev_id);
  void maybe_fire_irq();
  void fire_irq(size_t which);

  // ---- locking.cc
  void spin_lock(struct spinlock *l, bool irq, unsigned long *flags);
  void spin_unlock(struct spinlock *l, bool irq, unsigned long flags);
  bool spin_trylock(struct spinlock *l);
  void mutex_lock(struct mutex *m);
  bool mutex_trylock(struct mutex *m);
  void mutex_unlock(struct mutex *m);
  void complete(struct completion *c, bool all);
  void wait_for_completion(struct completion *c);

  // ---- workqueue.cc
  bool schedule_work(struct work_struct *w);
  bool flush_work(struct work_struct *w);
  void worker_loop();

  // ---- percpu.cc
  void *percpu_ptr(void *base, size_t size, int cpu, bool explicit_cpu);
  void check_pcpu_section_end(Task &t);

  // ---- uaccess.cc
  void *user_buffer(size_t len);
  unsigned long copy_user(void *dst, const void *src, unsigned long n, bool to_user, bool inatomic, const char *api);
  size_t fault_in(const void *uaddr, size_t size);

  // ---- cacheflush.cc
  void flush_dcache_page(struct page *page);
  void user_map(struct page *page);
  void user_read(struct page *page, size_t off, void *buf, size_t len);

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
  // sanitizer_report.cc: an ASan/UBSan finding during the run (memory-error).
  [[noreturn]] void report_sanitizer(const std::string &line, const std::string &detail);
  const char *last_null_page_address_api_ = nullptr;

 private:
  friend class Torture;
  void reset();
  void end_run_checks();
  [[noreturn]] void finish_run();
  [[noreturn]] void deadlock();
  void switch_to_task(int next);
  void choose_next(bool current_can_continue, const char *api);
  void fair_filter(bool can_continue);
  bool idle_balance();
  bool wake_timed_waiter();
  [[noreturn]] void soft_lockup(const char *why);
  void spin_iteration(Task &t, const char *api, bool waits_on_memory);
  void task_exit_checks(Task &t);
  void map_setup();
  void sched_out_in(int from, int to);
  static void task_entry(void *arg);
  [[noreturn]] void abandon_run();
  std::vector<Candidate> cands_;
  mutable char label_buf_[4][64];
  mutable int label_next_ = 0;

 public:
  // State is public to the model's own files and tests; subjects never see it.
  Profile prof_;
  // Physical memory: one memfd; phys_ is a model-private view of all frames,
  // dmap_ the direct map of lowmem as subjects see it.
  int memfd_ = -1;
  char *region_ = nullptr;
  size_t region_size_ = 0;
  char *phys_ = nullptr;
  char *dmap_ = nullptr;
  char *arena_ = nullptr;
  // Window indices: [frame windows: kCopies per frame][spill windows][PKMAP slots].
  size_t nframe_windows_ = 0;
  size_t nlocal_windows_ = 0;
  static constexpr int kSpillWindows = 256;
  unsigned next_spill_ = 0;
  size_t nwindows_ = 0;
  static constexpr int kCopies = 4;
  struct page *mem_map_ = nullptr;
  std::vector<uint8_t> next_copy_;
  std::vector<Window> windows_;
  std::vector<int> open_windows_;  // windows that are accessible now or live
  std::vector<int> touched_windows_;  // windows whose record this run changed
  std::vector<Pfn> touched_pfns_;     // pages this run allocated
  void touch_window(int w) {
    if (!windows_[w].touched) {
      windows_[w].touched = true;
      touched_windows_.push_back(w);
    }
  }
  std::vector<uint8_t> alloc_bitmap_;  // per pfn: allocated (any page of a block)

  // PKMAP (mm/highmem.c): pkmap_count, last_pkmap_nr, the page->address table.
  std::vector<int> pkmap_count_;
  std::vector<int32_t> pkmap_page_;  // pfn mapped in each slot, -1 none
  std::vector<int32_t> pkmap_slot_of_;  // per pfn: its PKMAP slot, -1 none
  unsigned last_pkmap_nr_ = 0;
  std::vector<unsigned> last_pkmap_nr_arr_;  // per colour when Profile::pkmap_colors > 1 (xtensa)
  std::vector<int16_t> pkmap_last_user_;
  unsigned pkmap_held_ = 0;  // slots with pkmap_count >= 2 (fuzz feedback)

  // Tasks and CPUs.
  std::vector<std::unique_ptr<Task>> tasks_;
  size_t ntasks_ = 0;  // live entries of tasks_ in this run
  std::vector<Cpu> cpus_;
  int cur_task_ = -1;
  int active_task_ = -1, active_irq_ = 0;  // whose windows are accessible
  int irq_instance_ = 0;
  int irq_counter_ = 0;
  int worker_ = -1;
  std::vector<IrqHandler> irqs_;
  std::vector<struct work_struct *> work_queue_;
  std::vector<UserBuf> user_bufs_;
  std::map<Pfn, std::vector<uint8_t>> user_view_;  // aliasing cache: what user space sees
  struct PcpuStamp {
    uint64_t version = 0;
    int last_task = -1;
  };
  std::map<std::pair<const void *, int>, PcpuStamp> pcpu_;
  std::vector<void *> kmallocs_;

  Fiber host_;
  DecisionPath decisions_;  // every decision of the run: asked of its source, recorded (decision.h)
  EventRing events_;
  uint64_t steps_ = 0;
  uint64_t step_bound_ = 200000;
  // Fairness and the watchdog (sched.cc, watchdog.cc).
  uint64_t progress_total_ = 0;     // progress of every task, this run
  uint64_t waiters_ = 0;            // tasks whose must_wait is not empty (one bit per id): fairness costs nothing without
  void clear_waits_for(int task) {  // `task` ran a step: nobody waits for it any more
    for (uint64_t w = waiters_; w; w &= w - 1) {
      Task &q = *tasks_[__builtin_ctzll(w)];
      q.must_wait &= ~(1ull << task);
      if (!q.must_wait) waiters_ &= ~(1ull << q.id);
    }
  }
  uint64_t spin_progress_ = 0;      // progress_total_ when idle_spins_ started counting
  uint64_t idle_spins_ = 0;         // spin iterations since anything made progress
  static constexpr uint64_t kSpinLimit = 5000;
  static constexpr uint64_t kIrqAfterSpins = 16;  // a lone spinner lets interrupts in after this many
  uint64_t fallible_calls_ = 0;     // fallible calls of this run (Site::Inject ordinals)
  const char *last_api_ = "";       // the last scheduling point's API, for the watchdog's report
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
  bool broken_sched_in_ = false;
  RunResult result_;
  int entry_task_ = -1;             // the task inside an imported function's entry, or -1
  // Kernel objects C code reads directly, made on first use and renewed
  // each run: task_struct.cc (struct task_struct per task, the run's
  // mm_struct), rcu.cc (readers, callbacks).
  std::shared_ptr<void> kernel_tasks_, rcu_;
  const char *entry_fn_ = nullptr;  // that function
  std::string replay_hint_;
  uint64_t obs_hash_ = kFnvBasis;  // hash of observable events, for determinism checks
  // Torture mode (torture.cc), nullptr in deterministic mode: every torture
  // hook of the model is behind a test of this pointer, so deterministic
  // runs pay one predictable branch and take no lock.
  Torture *torture_ = nullptr;
};

// torture.cc: the model lock, taken recursively by the calling host thread.
void torture_lock(Torture *t);
void torture_unlock(Torture *t);

// Held by every entry of the kernel-style C API for the length of the call.
// In torture mode it takes the model lock and makes the calling host
// thread's task the current one; in deterministic mode it does nothing.
class ApiGuard {
 public:
  // In deterministic mode it counts the API calls the running fiber is in
  // (the watchdog never interrupts the model itself).
  explicit ApiGuard(Machine &m) : t_(m.torture_), depth_(m.torture_ ? nullptr : &m.api_depth_) {
    if (depth_) ++*depth_;
    if (t_) torture_lock(t_);
  }
  ~ApiGuard() {
    if (t_) torture_unlock(t_);
    if (depth_) --*depth_;
  }
  ApiGuard(const ApiGuard &) = delete;
  ApiGuard &operator=(const ApiGuard &) = delete;

 private:
  Torture *t_;
  int *depth_;
};

// The struct task_struct C code sees for task id (task_struct.cc).
::task_struct *kernel_task(Machine &m, int id);

// Names of per-CPU variables, registered by DEFINE_PER_CPU's constructor.
std::map<const void *, std::string> &percpu_names();

// The running machine, or a one-line error and exit 2 when the kernel API is
// used outside a run (a subject called from main(), say).
Machine &M();

}  // namespace kmapsim
