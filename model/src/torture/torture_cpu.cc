// Torture mode's model lock, CPUs, scheduling points and sleeping
// (torture.h): a task runs only while it holds a simulated CPU; every wait
// is a condition variable under the one model lock.
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "torture.h"

namespace kmapsim {

void Torture::lock() {
  ThreadCtx &c = ctx();
  if (c.depth++ == 0) {
    mu_.lock();
    m_.sched().set_current(c.task);
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
  m_.sched().set_current(c.task);
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
  m_.sched().set_current(c.task);
  m_.irq_instance_ = c.irq;
}

// ---- CPUs

// The CPU task `id` may take now, or -1. Its own CPU first (or last when a
// migration is wanted), never another one while migration is disabled, and
// never a CPU an older waiter may take (waiters are served in order).
int Torture::grant(int id, bool want_other) const {
  const Task &t = m_.task(id);
  int n = static_cast<int>(m_.sched().nr_cpus());
  for (int k = 0; k < n; k++) {
    int c = (t.cpu + (want_other ? 1 : 0) + k) % n;
    if (m_.sched().cpu_curr(c) >= 0) continue;
    if (t.pinned() && c != t.cpu) continue;
    bool older = false;
    for (int w : cpu_queue_) {
      if (w == id) break;
      const Task &o = m_.task(w);
      if (!o.pinned() || o.cpu == c) {
        older = true;
        break;
      }
    }
    if (!older) return c;
  }
  return -1;
}

void Torture::acquire_cpu(int id, bool want_other, bool first) {
  Task &t = m_.task(id);
  cpu_queue_.push_back(id);
  int got = -1;
  wait([&] {
    got = grant(id, want_other);
    return got >= 0;
  });
  cpu_queue_.erase(std::find(cpu_queue_.begin(), cpu_queue_.end(), id));
  int from = t.cpu;
  t.cpu = got;
  m_.sched().set_cpu_curr(got, id);
  if (got != from && !first) {
    stats_.migrations++;
    m_.event(Ev::Migrate, static_cast<uint64_t>(got), 0, "torture");
  }
  unsigned busy = 0;
  for (size_t k = 0; k < m_.sched().nr_cpus(); k++) busy += m_.sched().cpu_curr(static_cast<int>(k)) >= 0;
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
  m_.sched().count_step();
  m_.irq().maybe_fire();
  // A timer tick's irq_exit(): tasklets queued on this CPU run on top of
  // the task, as sched_fair.cc lets them in for a spinner.
  if (m_.softirq().pending_here() && c.rng.chance(1, 16)) m_.softirq().irq_exit("softirqs at a timer tick's irq_exit");
  if (c.rng.chance(1, 32)) {
    check_invariants();
    unsigned held = 0;
    held = m_.pkmap().held();
    stats_.max_pkmap_held = std::max(stats_.max_pkmap_held, held);
  }
  Task &t = m_.cur();
  if (m_.preemptible() && c.rng.chance(1, 10)) {
    // Preempted: give the CPU to whoever waits for one, queue again, and
    // (unless migration is disabled) maybe come back on another CPU.
    stats_.preemptions++;
    bool migrate = m_.sched().nr_cpus() > 1 && !t.pinned() && c.rng.chance(1, 2);
    m_.event(Ev::Note, 0, 0, "preempted (torture)");
    m_.sched().set_cpu_curr(t.cpu, -1);
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

void Torture::sleep(Task &t, Wait why, const char *) {
  stats_.sleeps++;
  stats_.pkmap_waits += why == Wait::Pkmap;
  cv_.notify_all();  // its CPU is free
  if (!keeps_cpu(why)) check_all_blocked();
  int id = t.id;
  wait([&] { return t.state == TaskState::Runnable || (why == Wait::IdleWorker && stopping_); });
  t.state = TaskState::Runnable;
  t.wait = Wait::None;
  t.wait_obj = nullptr;
  if (!keeps_cpu(why)) acquire_cpu(id, false, false);
}

// kthread_create()'s thread sleeps in kthread() until wake_up_process() or
// kthread_stop(), on no CPU. One nobody woke goes when the run stops, as
// the deterministic run drops it: false then.
bool Torture::created_sleep(Task &t) {
  if (!t.created_asleep()) return true;
  wait([&] { return !t.created_asleep() || stopping_; });
  if (!t.created_asleep()) return true;
  t.state = TaskState::Dead;
  return false;
}

// Every live task blocked (the idle kworker and a kthread_create() thread
// nobody woke aside): nobody can wake them, unless one waits with a
// timeout, which then expires (as in deterministic mode: simulated time
// passes only when nothing else can run).
void Torture::check_all_blocked() {
  bool blocked = false;
  for (size_t i = 0; i < m_.ntasks(); i++) {
    const Task &q = m_.task(static_cast<int>(i));
    if (q.state == TaskState::Runnable) return;
    if (q.state == TaskState::Blocked && q.wait != Wait::IdleWorker && !q.created_asleep()) blocked = true;
  }
  if (!blocked) return;
  if (m_.sched().wake_timed_waiter()) {
    cv_.notify_all();
    return;
  }
  m_.sched().deadlock();
}

void Torture::run_subject(const void *key, void (*fn)(void *), void *arg) {
  if (key) handlers_in_flight_[key]++;
  int depth = release();
  fn(arg);
  reacquire(depth);
  if (key) {
    if (--handlers_in_flight_[key] == 0) handlers_in_flight_.erase(key);
    cv_.notify_all();
  }
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

}  // namespace kmapsim
