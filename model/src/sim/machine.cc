// Machine set-up, the run loop's entry and exit (events and reports:
// report_format.cc).
#include "machine.h"

#include <linux/mm.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

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
  cpus_.assign(prof_.nr_cpus, Cpu{});
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
  ntasks_ = 0;
  for (Cpu &c : cpus_) c.curr = -1;
  cur_task_ = -1;
  irq_instance_ = 0;
  irq_.reset();
  wq_.reset();
  percpu_.reset();
  for (void *p : kmallocs_) free(p);
  kmallocs_.clear();
  events_.clear();
  map_traces_.clear();
  dcache_calls_.clear();
  handovers_.clear();
  fault_trace_.n = 0;
  for (auto &t : tasks_)
    if (t) t->site = ApiSite{};
  steps_ = 0;
  progress_total_ = spin_progress_ = idle_spins_ = 0;
  waiters_ = 0;
  fallible_calls_ = 0;
  plain_points_ = 0;
  last_api_ = "";
  api_depth_ = 0;
  watchdog_fired_ = false;
  run_serial_++;
  obs_hash_ = kFnvBasis;
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
  subject_data_restore();
  decisions_.attach(&src);
  src.begin_run();
  t_current = this;
  mem_.publish();
  running_ = true;
  int main_task = create_task("main", body, nullptr, nullptr);
  cpus_[0].curr = main_task;
  cur_task_ = main_task;
  local_.sched_out_in(main_task, 0);
  Fiber::switch_to(&host_, &tasks_[main_task]->fiber);
  // Back on the host: the run finished or was abandoned at a report.
  running_ = false;
  local_.sched_out_in(-1, 0);
  t_current = nullptr;
  src.end_run();
  decisions_.detach();
  result_.steps = steps_;
  result_.decisions = trace().size();
  result_.trace_hash = trace().hash() ^ obs_hash_;
  return result_;
}

void Machine::abandon_run() {
  Task *t = cur_task_ >= 0 ? tasks_[cur_task_].get() : nullptr;
  Fiber::jump_to(t ? &t->fiber : &host_, &host_);
}

[[noreturn]] void Machine::finish_run() {
  end_run_checks();
  abandon_run();
}

// What must hold when the run ends: every kmap() kunmap()ed (kmap-leak).
void Machine::end_run_checks() { pkmap_.check_leaks(); }

}  // namespace kmapsim
