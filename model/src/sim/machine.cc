// Machine set-up, the run loop's entry and exit (a report ends a run), the
// decision helpers and the scheduling point's entry (events and report
// composing: the Reporter, reporter.cc and report_format.cc; the scheduler:
// kernel/sched.cc).
#include "machine.h"

#include <linux/jiffies.h>
#include <linux/mm.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "access_budget.h"

namespace kmapsim {

namespace {
thread_local Machine *t_current = nullptr;
}  // namespace

Machine *Machine::running() { return t_current; }

void Machine::bind_thread(Machine *m) { t_current = m; }

Machine &M() {
  Machine *m = Machine::running();
  if (!m) {
    fprintf(stderr, "kmapsim: the kernel API was called outside a simulated run (call it from a subject)\n");
    exit(2);
  }
  return *m;
}

void install_fault_handler();  // fault.cc

void subject_data_restore();  // subject_data.cc
void plain_access_link();     // plain_access.cc

Machine::Machine(const Profile &p) : prof_(p) {
  install_fault_handler();
  mem_.init(prof_, arena_);
  pkmap_.init(prof_);
  sched_.init(prof_.nr_cpus);
  plain_access_link();
  if (const char *e = getenv("KMAPSIM_PLAIN_ACCESS")) plain_access_points_ = strcmp(e, "0") != 0;
  host_.adopt_current();
}

Machine::~Machine() {
  reset();
  arena_.teardown();
}

void Machine::set_executor(Executor *e) {
  exec_ = e ? e : &fibers_;
  arena_.set_shadow_allowed(policy().poisons_windows);
  local_.set_switches_windows(policy().isolates_contexts);
}

// Back to a freshly booted machine: no pages allocated, no mappings, no
// tasks.
void Machine::reset() {
  arena_.reset();
  mem_.reset();
  pkmap_.reset();
  local_.reset();
  user_.reset();
  sched_.reset();
  irq_instance_ = 0;
  irq_.reset();
  wq_.reset();
  softirq_.reset();
  percpu_.reset();
  mmio_.reset();
  for (void *p : kmallocs_) free(p);
  kmallocs_.clear();
  reporter_.reset();
  fallible_calls_ = 0;
  delays_ = 0;
  plain_points_ = 0;
  api_depth_ = 0;
  watchdog_fired_ = false;
  run_serial_++;
  last_null_page_address_api_ = nullptr;
  expected_ = BugClass::None;
  entry_task_ = -1;
  entry_fn_ = nullptr;
  result_ = RunResult{};
}

RunResult Machine::run(void (*body)(), DecisionSource &src) {
  if (t_current) {
    fprintf(stderr, "kmapsim: internal error: nested Machine::run\n");
    abort();
  }
  reset();
  if (policy().decides_schedule) arm_watchdog();
  rearm_access_budget();
  subject_data_restore();
  decisions_.attach(&src);
  src.begin_run();
  t_current = this;
  mem_.publish();
  running_ = true;
  int main_task = create_task("main", body, nullptr, nullptr);
  sched_.set_cpu_curr(0, main_task);
  sched_.set_current(main_task);
  local_.sched_out_in(main_task, 0);
  Fiber::switch_to(&host_, &sched_.task(main_task).fiber);
  // Back on the host: the run finished or was abandoned at a report.
  running_ = false;
  local_.sched_out_in(-1, 0);
  t_current = nullptr;
  src.end_run();
  decisions_.detach();
  result_.steps = sched_.steps();
  result_.decisions = trace().size();
  result_.trace_hash = trace().hash() ^ reporter_.obs_hash();
  return result_;
}

void Machine::abandon_run() {
  Task *t = sched_.cur_task() >= 0 ? &sched_.cur() : nullptr;
  Fiber::jump_to(t ? &t->fiber : &host_, &host_);
}

[[noreturn]] void Machine::finish_run() {
  end_run_checks();
  abandon_run();
}

void Machine::compose_report(BugClass cls, int window, int64_t pfn, const char *line) {
  reporter_.compose(result_.report, cls, window, pfn, line);
  result_.reported = true;
  result_.expected = cls == expected_;
}

void Machine::report(BugClass cls, int window, int64_t pfn, const char *fmt, ...) {
  {
    char line[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (!running_) {
      fprintf(stderr, "BUG: kmapsim: %s: %s\n", bug_class_name(cls), line);
      abort();
    }
    compose_report(cls, window, pfn, line);
  }
  exec_->end_at_report();  // torture mode: prints the report and ends the process
}

uint64_t Machine::decide_pick(uint64_t lo, uint64_t hi) { return decisions_.ask({Site::Pick, lo, hi}); }

bool Machine::decide(Site s) { return decisions_.ask({s, 0, 1}) != 0; }

bool Machine::alloc_fails(const char *what) {
  if (!decide(Site::AllocFail)) return false;
  event(Ev::Alloc, UINT64_MAX, 0, what);
  return true;
}

bool Machine::fallible(Fault f, const char *api) {
  if (!running_ || !policy().decides_schedule) return false;
  uint64_t n = ++fallible_calls_;
  if (!decisions_.ask({Site::Inject, 0, n, nullptr, -1, f})) return false;
  event(Ev::Note, n, static_cast<uint64_t>(f), api);
  return true;
}

// Not progress (Ev::Stall): time passing changes nothing another context
// reads but the clock, so a spin that waits on memory with a delay between
// its reads is still a spin.
bool Machine::stall(const char *api, bool device) {
  if (!running_ || !policy().decides_schedule) return false;
  uint64_t n = ++delays_;
  if (!decisions_.ask({Site::Stall, 0, n, nullptr, -1, Fault::Stall})) return false;
  event(Ev::Stall, n, Sched::kHeldUpSeconds | (device ? kStallOfDevice : 0), api);
  sched_.clock_jump(Sched::kHeldUpSeconds * HZ);
  return true;
}

void Machine::sched_point(const char *api) {
  if (!running_ || irq_instance_) return;
  if (entry_task_ >= 0 && entry_task_ == sched_.cur_task()) entry_action(api);
  exec_->sched_point(api);
}

bool Machine::forget_kmalloc(const void *p) {
  for (size_t i = 0; i < kmallocs_.size(); i++)
    if (kmallocs_[i] == p) {
      kmallocs_[i] = kmallocs_.back();
      kmallocs_.pop_back();
      return true;
    }
  return false;
}

// What must hold when the run ends: every kmap() kunmap()ed (kmap-leak).
void Machine::end_run_checks() {
  pkmap_.check_leaks();
  mem_.check_zero_page();
}

}  // namespace kmapsim
