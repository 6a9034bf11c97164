// Torture mode (torture.h): tasks on host threads, CPUs as tokens, one
// model lock, condition variables for every wait.
#include "torture.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "decision_sources.h"

namespace kmapsim {

void mem_map_publish(struct page *mem_map, unsigned total);  // physmem.cc

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

// What a host thread is to the model: its task (-1: the coordinator), its
// interrupt instance, how deep it holds the model lock, and its own PRNG for
// timing (delays, preemption, migration). The model's cur_task_ and
// irq_instance_ are loaded from here whenever the thread takes the lock.
struct Torture::ThreadCtx {
  int task = -1;
  int irq = 0;
  int depth = 0;
  Rng rng;
};

Torture::ThreadCtx &Torture::ctx() {
  static thread_local ThreadCtx c;
  return c;
}

void torture_lock(Torture *t) { t->lock(); }
void torture_unlock(Torture *t) { t->unlock(); }

Torture::Torture(Machine &m, const TortureOptions &o) : m_(m), opt_(o) {
  threads_.resize(kMaxTasks);
  lane_of_main_.assign(kMaxTasks, 0);
  lane_busy_.assign(opt_.lanes, 0);
}

Torture::~Torture() {
  for (std::thread &t : threads_)
    if (t.joinable()) t.join();
}

void Torture::lock() {
  ThreadCtx &c = ctx();
  if (c.depth++ == 0) {
    mu_.lock();
    m_.cur_task_ = c.task;
    m_.irq_instance_ = c.irq;
  }
}

void Torture::unlock() {
  ThreadCtx &c = ctx();
  if (--c.depth == 0) {
    c.irq = m_.irq_instance_;
    mu_.unlock();
  }
}

// Drops the lock however deep this thread holds it (subject code, a delay).
int Torture::release() {
  ThreadCtx &c = ctx();
  int depth = c.depth;
  c.irq = m_.irq_instance_;
  c.depth = 0;
  mu_.unlock();
  return depth;
}

void Torture::reacquire(int depth) {
  mu_.lock();
  ThreadCtx &c = ctx();
  c.depth = depth;
  m_.cur_task_ = c.task;
  m_.irq_instance_ = c.irq;
}

// Waits, with the lock released meanwhile, until ready() (evaluated under
// the lock; it must not use the model's current task). Every change that
// can make a waiter ready notifies; the timeout only guards against a
// notification this file forgot.
template <class P>
void Torture::wait(P ready) {
  ThreadCtx &c = ctx();
  c.irq = m_.irq_instance_;
  std::unique_lock<std::mutex> lk(mu_, std::adopt_lock);
  while (!ready()) cv_.wait_for(lk, std::chrono::milliseconds(20));
  lk.release();
  m_.cur_task_ = c.task;
  m_.irq_instance_ = c.irq;
}

// ---- CPUs

// The CPU task `id` may take now, or -1. Its own CPU first (or last when a
// migration is wanted), never another one while migration is disabled, and
// never a CPU an older waiter may take (waiters are served in order).
int Torture::grant(int id, bool want_other) const {
  const Task &t = *m_.tasks_[id];
  int n = static_cast<int>(m_.cpus_.size());
  for (int k = 0; k < n; k++) {
    int c = (t.cpu + (want_other ? 1 : 0) + k) % n;
    if (m_.cpus_[c].curr >= 0) continue;
    if (t.migrate_disabled && c != t.cpu) continue;
    bool older = false;
    for (int w : cpu_queue_) {
      if (w == id) break;
      const Task &o = *m_.tasks_[w];
      if (!o.migrate_disabled || o.cpu == c) {
        older = true;
        break;
      }
    }
    if (!older) return c;
  }
  return -1;
}

void Torture::acquire_cpu(int id, bool want_other, bool first) {
  Task &t = *m_.tasks_[id];
  cpu_queue_.push_back(id);
  int got = -1;
  wait([&] {
    got = grant(id, want_other);
    return got >= 0;
  });
  cpu_queue_.erase(std::find(cpu_queue_.begin(), cpu_queue_.end(), id));
  int from = t.cpu;
  t.cpu = got;
  m_.cpus_[got].curr = id;
  if (got != from && !first) {
    stats_.migrations++;
    m_.event(Ev::Migrate, static_cast<uint64_t>(got), 0, "torture");
  }
  unsigned busy = 0;
  for (const Cpu &c : m_.cpus_) busy += c.curr >= 0;
  stats_.max_busy_cpus = std::max(stats_.max_busy_cpus, busy);
  cv_.notify_all();  // the next waiter in line may be eligible for another CPU now
}

// ---- scheduling points and sleeping

void Torture::delay() {
  Rng &r = ctx().rng;
  uint64_t k = r.range(0, 99);
  if (k < 50) return;
  if (k < 85) {
    volatile unsigned sink = 0;
    for (uint64_t i = 0, n = r.range(1, 2000); i < n; i++) sink = sink + 1;
  } else if (k < 97) {
    sched_yield();
  } else {
    usleep(static_cast<useconds_t>(r.range(1, 200)));
  }
}

void Torture::sched_point(const char *api) {
  (void)api;
  ThreadCtx &c = ctx();
  stats_.sched_points++;
  m_.steps_++;
  m_.maybe_fire_irq();
  if (c.rng.chance(1, 32)) {
    check_invariants();
    unsigned held = 0;
    for (int n : m_.pkmap_count_) held += n >= 2;
    stats_.max_pkmap_held = std::max(stats_.max_pkmap_held, held);
  }
  Task &t = m_.cur();
  if (m_.preemptible() && c.rng.chance(1, 10)) {
    // Preempted: give the CPU to whoever waits for one, queue again, and
    // (unless migration is disabled) maybe come back on another CPU.
    stats_.preemptions++;
    bool migrate = m_.cpus_.size() > 1 && !t.migrate_disabled && c.rng.chance(1, 2);
    m_.event(Ev::Note, 0, 0, "preempted (torture)");
    m_.cpus_[t.cpu].curr = -1;
    cv_.notify_all();
    int depth = release();
    delay();
    reacquire(depth);
    acquire_cpu(t.id, migrate, false);
    return;
  }
  // Keep the CPU; let the other CPUs' threads at the model meanwhile.
  int depth = release();
  delay();
  reacquire(depth);
}

void Torture::sleep(Task &t, Wait why) {
  stats_.sleeps++;
  stats_.pkmap_waits += why == Wait::Pkmap;
  cv_.notify_all();  // its CPU is free
  if (why != Wait::Spin) check_all_blocked();
  int id = t.id;
  wait([&] { return t.state == TaskState::Runnable || (why == Wait::IdleWorker && stopping_); });
  t.state = TaskState::Runnable;
  t.wait = Wait::None;
  t.wait_obj = nullptr;
  if (why != Wait::Spin) acquire_cpu(id, false, false);
}

// Every live task blocked (the idle kworker aside): nobody can wake them.
void Torture::check_all_blocked() {
  bool blocked = false;
  for (size_t i = 0; i < m_.ntasks_; i++) {
    const Task &q = *m_.tasks_[i];
    if (q.state == TaskState::Runnable) return;
    if (q.state == TaskState::Blocked && q.wait != Wait::IdleWorker) blocked = true;
  }
  if (blocked) m_.deadlock();
}

void Torture::synchronize_irq(const void *dev_id) {
  wait([&] { return handlers_in_flight_.find(dev_id) == handlers_in_flight_.end(); });
}

void Torture::check_invariants() {
  stats_.invariant_checks++;
  std::string why = m_.check_invariants();
  if (why.empty()) return;
  fprintf(stderr, "kmapsim: internal error: model invariant broken in torture mode: %s\n", why.c_str());
  fflush(stderr);
  abort();
}

// ---- tasks

int Torture::claim_task_slot() {
  for (size_t i = 0; i < m_.ntasks_; i++)
    if (m_.tasks_[i]->state == TaskState::Dead) {
      // Its thread marked it dead under the lock and touches nothing after
      // releasing it: the join is immediate.
      if (threads_[i].joinable()) threads_[i].join();
      return static_cast<int>(i);
    }
  if (m_.ntasks_ >= kMaxTasks) m_.report(BugClass::SubjectBug, -1, -1, "more than %zu simulated tasks alive at once", kMaxTasks);
  if (m_.tasks_.size() <= m_.ntasks_) m_.tasks_.push_back(std::make_unique<Task>());
  return static_cast<int>(m_.ntasks_++);
}

void Torture::start_task(int id) {
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
  Task &t = *m_.tasks_[id];
  acquire_cpu(id, false, true);
  unlock();
  if (t.is_worker) {
    lock();
    m_.worker_loop();  // model code: returns when the run stops
    unlock();
  } else if (t.subject) {
    t.subject();
  } else {
    t.threadfn(t.data);
  }
  lock();
  m_.task_exit_checks(t);
  t.state = TaskState::Dead;
  if (m_.cpus_[t.cpu].curr == id) m_.cpus_[t.cpu].curr = -1;
  m_.event(Ev::TaskExit, static_cast<uint64_t>(id), 0, "returned");
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
  m_.tasks_[id]->cpu = static_cast<int>(lane % m_.cpus_.size());
  lane_of_main_[id] = static_cast<int>(lane) + 1;
  lane_busy_[lane] = 1;
  live_mains_++;
}

void Torture::wait_coordinator() {
  std::unique_lock<std::mutex> lk(mu_, std::adopt_lock);
  cv_.wait_for(lk, std::chrono::milliseconds(10));
  lk.release();
  m_.cur_task_ = -1;
  m_.irq_instance_ = 0;
}

bool Torture::quiescent() const {
  if (!m_.work_queue_.empty()) return false;
  for (size_t i = 0; i < m_.ntasks_; i++) {
    const Task &q = *m_.tasks_[i];
    if (q.state == TaskState::Dead) continue;
    if (q.is_worker && q.state == TaskState::Blocked && q.wait == Wait::IdleWorker) continue;
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
  std::sort(m_.touched_pfns_.begin(), m_.touched_pfns_.end());
  m_.touched_pfns_.erase(std::unique(m_.touched_pfns_.begin(), m_.touched_pfns_.end()), m_.touched_pfns_.end());
  if (opt_.progress && t - last_progress_ >= 1) {
    last_progress_ = t;
    fprintf(stderr, "kmapsim: torture: %.0fs: %llu iterations, %llu tasks, %llu scheduling points, %llu preemptions, %llu migrations\n", t - t0_,
            static_cast<unsigned long long>(stats_.iterations), static_cast<unsigned long long>(stats_.tasks),
            static_cast<unsigned long long>(stats_.sched_points), static_cast<unsigned long long>(stats_.preemptions),
            static_cast<unsigned long long>(stats_.migrations));
  }
}

[[noreturn]] void Torture::hang(double waited) {
  static const char *const kWait[] = {"-", "a mutex", "a completion", "a work item", "a PKMAP slot", "a spinlock", "work", "a wait queue"};
  fprintf(stderr, "kmapsim: torture: the tasks did not finish %.0fs after the time was up (kmapsim hung?):\n", waited);
  for (size_t i = 0; i < m_.ntasks_; i++) {
    const Task &q = *m_.tasks_[i];
    if (q.state == TaskState::Dead) continue;
    bool on_cpu = m_.cpus_[q.cpu].curr == q.id;
    fprintf(stderr, "  %s: %s%s, cpu %d%s\n", q.name.c_str(), q.state == TaskState::Blocked ? "waits for " : "runnable",
            q.state == TaskState::Blocked ? kWait[static_cast<int>(q.wait)] : "", q.cpu, on_cpu ? " (running)" : "");
  }
  fflush(stderr);
  _exit(3);
}

[[noreturn]] void Torture::fatal_report() {
  std::string out = m_.result_.report.text;
  char line[256];
  snprintf(line, sizeof line, "kmapsim: torture: reported after %.1fs on %zu CPUs (host threads); %llu iterations before it\n", now() - t0_,
           m_.cpus_.size(), static_cast<unsigned long long>(stats_.iterations));
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
    m_.torture_ = this;
    m_.running_ = true;
    mem_map_publish(m_.mem_map_, m_.prof_.total_pages());
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
    stats_.irqs += static_cast<uint64_t>(m_.irq_counter_);
    unlock();
    m_.running_ = false;
  } while (opt_.lanes == 1 && now() < deadline);
  m_.torture_ = nullptr;
  m_.decisions_.detach();
  m_.reset();
  Machine::bind_thread(nullptr);
  stats_.seconds = now() - t0_;
  return stats_;
}

}  // namespace kmapsim
