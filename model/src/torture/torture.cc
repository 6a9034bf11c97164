// Torture mode (torture.h): tasks on host threads, CPUs as tokens, one
// model lock, condition variables for every wait.
#include "torture.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "decision_sources.h"

#if __has_feature(thread_sanitizer)
extern "C" void AnnotateBenignRaceSized(const char *file, int line, const volatile void *mem, long size, const char *desc);
#endif
extern "C" volatile unsigned long jiffies;  // linux/jiffies.h: the model's clock (sched.cc)

namespace kmapsim {

void subject_data_restore();  // subject_data.cc

namespace {
constexpr size_t kMaxTasks = 64;
// After the time is up, how long the tasks may take to finish before the
// run counts as hung.
constexpr double kHangSeconds = 60;

double now() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}
}  // namespace

Torture::ThreadCtx &Torture::ctx() {
  static thread_local ThreadCtx c;
  return c;
}

// Contexts run at once on host threads: no context isolation, windows
// protected rather than poisoned (TSan, not ASan), no decisions.
static ExecPolicy torture_policy() {
  ExecPolicy p;
  p.isolates_contexts = false;
  p.poisons_windows = false;
  p.decides_schedule = false;
  p.parallel = true;
  return p;
}

Torture::Torture(Machine &m, const TortureOptions &o) : Executor(torture_policy()), m_(m), opt_(o) {
#if __has_feature(thread_sanitizer)
  // The model advances it under its lock; subject code reads it unlocked
  // (a volatile read, as the kernel's): no data race of the subject's.
  AnnotateBenignRaceSized(__FILE__, __LINE__, &jiffies, sizeof jiffies, "jiffies");
#endif
  threads_.resize(kMaxTasks);
  lane_of_main_.assign(kMaxTasks, 0);
  lane_busy_.assign(opt_.lanes, 0);
}

Torture::~Torture() {
  for (std::thread &t : threads_)
    if (t.joinable()) t.join();
}


// ---- tasks

int Torture::claim_task_slot() {
  for (size_t i = 0; i < m_.ntasks(); i++)
    if (m_.task(static_cast<int>(i)).state == TaskState::Dead && m_.task(static_cast<int>(i)).usage == 0) {
      // Its thread marked it dead under the lock and touches nothing after
      // releasing it: the join is immediate.
      if (threads_[i].joinable()) threads_[i].join();
      return static_cast<int>(i);
    }
  if (m_.ntasks() >= kMaxTasks) m_.report(BugClass::SubjectBug, -1, -1, "more than %zu simulated tasks alive at once", kMaxTasks);
  return m_.sched().add_task_slot();
}

void Torture::start_task(Task &t) {
  int id = t.id;
  stats_.tasks++;
  lane_of_main_[id] = 0;
  threads_[id] = std::thread([this, id] { task_main(id); });
}

void Torture::task_main(int id) {
  Machine::bind_thread(&m_);
  ThreadCtx &c = ctx();
  c.task = id;
  c.irq = 0;
  c.depth = 0;
  lock();
  c.rng.seed_with(opt_.seed * 0x9e3779b97f4a7c15ull + ++next_thread_seed_);
  Task &t = m_.task(id);
  if (!created_sleep(t)) {  // never woken: it never runs its function
    unlock();
    Machine::bind_thread(nullptr);
    return;
  }
  acquire_cpu(id, false, true);
  unlock();
  if (t.is_worker) {
    lock();
    m_.workqueue().worker_loop(t.worker_wq);  // model code: returns when the run stops
    unlock();
  } else if (t.subject) {
    t.subject();
  } else if (t.model_thread) {
    lock();
    t.threadfn(t.data);  // model code (ksoftirqd): returns when the run stops
    unlock();
  } else {
    // kthread(), as Sched::task_entry() runs it: a thread stopped before it
    // first ran never calls its function; the value is kthread_stop()'s.
    lock();
    bool stopped = t.should_stop;
    unlock();
    int ret = stopped ? -EINTR : t.threadfn(t.data);
    lock();
    t.exit_code = ret;
    unlock();
  }
  lock();
  m_.sched().task_exited(t);
  // The last task that could run has gone: a timed waiter's time runs
  // out, or every task left is blocked for good.
  check_all_blocked();
  if (lane_of_main_[id]) {
    lane_busy_[lane_of_main_[id] - 1] = 0;
    lane_of_main_[id] = 0;
    live_mains_--;
    stats_.iterations++;
  }
  cv_.notify_all();
  unlock();
  Machine::bind_thread(nullptr);
}

// With the lock held (coordinator).
void Torture::start_main(unsigned lane) {
  // create_task() spawns the thread; it waits for the lock we hold.
  static const char *const kNames[] = {"main", "main/1", "main/2", "main/3", "main/4", "main/5", "main/6", "main/7"};
  const char *name = lane < 8 ? kNames[lane] : "main/n";
  int id = m_.create_task(name, body_, nullptr, nullptr);
  m_.task(id).cpu = static_cast<int>(lane % m_.sched().nr_cpus());
  lane_of_main_[id] = static_cast<int>(lane) + 1;
  lane_busy_[lane] = 1;
  live_mains_++;
}

void Torture::wait_coordinator() {
  std::unique_lock<std::mutex> lk(mu_, std::adopt_lock);
  cv_.wait_for(lk, std::chrono::milliseconds(10));
  lk.release();
  m_.sched().set_current(-1);
  m_.irq_instance_ = 0;
}

bool Torture::quiescent() const {
  if (!m_.workqueue().idle()) return false;
  for (size_t i = 0; i < m_.ntasks(); i++) {
    const Task &q = m_.task(static_cast<int>(i));
    if (q.state == TaskState::Dead) continue;
    if ((q.is_worker || q.model_thread) && q.state == TaskState::Blocked && q.wait == Wait::IdleWorker) continue;
    if (q.created_asleep()) continue;
    return false;
  }
  return true;
}

// Housekeeping of the coordinator, with the lock held, about every 10 ms:
// an invariant check, and the per-run records that only grow (the decision
// trace is not kept: torture runs are not replayed from traces).
void Torture::tick(double t) {
  check_invariants();
  m_.decisions_.forget_trace();
  m_.mem().dedupe_touched();
  if (opt_.progress && t - last_progress_ >= 1) {
    last_progress_ = t;
    fprintf(stderr, "kmapsim: torture: %.0fs: %llu iterations, %llu tasks, %llu scheduling points, %llu preemptions, %llu migrations\n", t - t0_,
            static_cast<unsigned long long>(stats_.iterations), static_cast<unsigned long long>(stats_.tasks),
            static_cast<unsigned long long>(stats_.sched_points), static_cast<unsigned long long>(stats_.preemptions),
            static_cast<unsigned long long>(stats_.migrations));
  }
}

[[noreturn]] void Torture::hang(double waited) {
  fprintf(stderr, "kmapsim: torture: the tasks did not finish %.0fs after the time was up (kmapsim hung?):\n", waited);
  for (size_t i = 0; i < m_.ntasks(); i++) {
    const Task &q = m_.task(static_cast<int>(i));
    if (q.state == TaskState::Dead) continue;
    bool on_cpu = m_.sched().cpu_curr(q.cpu) == q.id;
    fprintf(stderr, "  %s: %s%s, cpu %d%s\n", q.name.c_str(), q.state == TaskState::Blocked ? "waits for " : "runnable",
            q.state == TaskState::Blocked ? wait_description(q).c_str() : "", q.cpu, on_cpu ? " (running)" : "");
  }
  fflush(stderr);
  _exit(3);
}

[[noreturn]] void Torture::end_at_report() {
  if (opt_.on_report) opt_.on_report(m_.result_, opt_.on_report_arg);
  std::string out = m_.result_.report.text;
  char line[256];
  snprintf(line, sizeof line, "kmapsim: torture: reported after %.1fs on %zu CPUs (host threads); %llu iterations before it\n", now() - t0_,
           m_.sched().nr_cpus(), static_cast<unsigned long long>(stats_.iterations));
  out += line;
  fputs(out.c_str(), stderr);
  fflush(stderr);
  fflush(stdout);
  _exit(1);
}

TortureStats Torture::run(void (*body)()) {
  Machine::bind_thread(&m_);
  ThreadCtx &c = ctx();
  c.task = -1;
  c.irq = 0;
  c.depth = 0;
  c.rng.seed_with(opt_.seed);
  body_ = body;
  RandomSource src(opt_.seed);
  t0_ = now();
  double deadline = t0_ + opt_.seconds;
  do {
    // A freshly booted machine, as every deterministic run starts with.
    m_.reset();
    subject_data_restore();
    src.begin_run();
    m_.decisions_.attach(&src);
    m_.set_executor(this);
    m_.running_ = true;
    m_.mem().publish();
    stopping_ = false;
    live_mains_ = 0;
    std::fill(lane_busy_.begin(), lane_busy_.end(), 0);
    lock();
    bool started = false;
    for (;;) {
      double t = now();
      bool time_left = t < deadline;
      if (time_left && (opt_.lanes > 1 || !started))
        for (unsigned lane = 0; lane < opt_.lanes; lane++)
          if (!lane_busy_[lane]) {
            start_main(lane);
            started = true;
          }
      if ((!time_left || (opt_.lanes == 1 && started)) && live_mains_ == 0 && quiescent()) break;
      if (!time_left && t - deadline > kHangSeconds) hang(t - deadline);
      if (t - last_tick_ >= 0.01) {
        last_tick_ = t;
        tick(t);
      }
      wait_coordinator();
    }
    stopping_ = true;
    cv_.notify_all();
    unlock();
    for (size_t i = 0; i < threads_.size(); i++)
      if (threads_[i].joinable()) threads_[i].join();
    lock();
    m_.end_run_checks();  // a kmap() never kunmap()ed
    check_invariants();
    stats_.irqs += static_cast<uint64_t>(m_.irq().fired());
    unlock();
    m_.running_ = false;
  } while (opt_.lanes == 1 && now() < deadline);
  m_.set_executor(nullptr);
  m_.decisions_.detach();
  m_.reset();
  Machine::bind_thread(nullptr);
  stats_.seconds = now() - t0_;
  return stats_;
}

}  // namespace kmapsim
