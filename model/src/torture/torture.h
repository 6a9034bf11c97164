// Torture mode: the simulated CPUs run on real host threads, for stress
// under ThreadSanitizer (docs/torture.md).
//
// Every simulated task is a host thread, and a task runs only while it
// holds one of the machine's CPUs: so at most nr_cpus host threads run at
// once, each playing one simulated CPU, and preemption, migration and
// migrate_disable() are about which CPU a thread holds. The model's own
// state (PKMAP pool, its wait queue, the arena, the page allocator, per-CPU
// data, task records, the event ring) is guarded by one model lock — like
// the kernel's kmap_lock, but over everything kmapsim keeps. Every entry of
// the kernel-style C API takes it (ApiGuard) and makes the calling thread's
// task current; subject code between API calls runs unlocked and truly in
// parallel. Scheduling points drop the lock for a random delay, preempt
// (give the CPU up) or migrate; blocking (a PKMAP slot, a mutex, a
// completion, a spinlock, a CPU) waits on a condition variable.
//
// Torture is the machine's executor (sim/executor.h) while run() runs;
// deterministic mode never constructs one.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "decision.h"
#include "executor.h"
#include "machine.h"

namespace kmapsim {

struct TortureOptions {
  double seconds = 10;
  // Concurrent instances of the subject body. 1: one instance at a time,
  // each on a freshly booted machine (subject globals restored), its
  // kthreads and work items spread over the CPUs. More: the instances run
  // at once on one machine that is never reset (the body must keep its
  // state per instance, as the torture hammer does).
  unsigned lanes = 1;
  uint64_t seed = 1;
  bool progress = false;  // a status line on stderr every second
  // Called with the composed report just before the process ends at it
  // (the driver's --json result); nullptr: nothing.
  void (*on_report)(const RunResult &r, void *arg) = nullptr;
  void *on_report_arg = nullptr;
};

struct TortureStats {
  uint64_t iterations = 0;  // subject bodies run to completion
  uint64_t tasks = 0;       // host threads started (one per simulated task)
  uint64_t sched_points = 0;
  uint64_t preemptions = 0;
  uint64_t migrations = 0;
  uint64_t irqs = 0;
  uint64_t sleeps = 0;  // blocking waits (mutex, completion, PKMAP slot, spinlock, work)
  uint64_t pkmap_waits = 0;  // of which kmap() waiting for a free PKMAP slot
  unsigned max_pkmap_held = 0;  // most PKMAP slots held at once (seen at scheduling points)
  uint64_t invariant_checks = 0;
  unsigned max_busy_cpus = 0;  // most CPUs running a task at one time
  double seconds = 0;
};

class Torture final : public Executor {
 public:
  // m's profile decides the CPU count (nr_cpus host threads at most run at once).
  Torture(Machine &m, const TortureOptions &o);
  ~Torture();
  Torture(const Torture &) = delete;

  // Runs body until the time is up and returns what happened. A report
  // does not return: it is printed (with a best-effort replay line) and
  // the process exits with status 1.
  TortureStats run(void (*body)());

  // ---- The executor's hooks. All but enter_api() are called with the
  // model lock held.
  // The model lock, taken recursively by the calling host thread.
  void enter_api() override { lock(); }
  void exit_api() override { unlock(); }
  void sched_point(const char *api) override;
  // Machine::block() marked t blocked and gave up its CPU (unless spinning).
  void sleep(Task &t, Wait why, const char *api) override;
  void woke() override { cv_.notify_all(); }
  int claim_task_slot() override;
  void start_task(Task &t) override;
  bool stopping() const override { return stopping_; }
  // Runs subject code (a work item; an interrupt handler, keyed by its
  // dev_id) without the model lock; free_irq() waits for the handler
  // instances still running on other CPUs (synchronize_irq).
  void run_subject(const void *key, void (*fn)(void *), void *arg) override;
  void synchronize_irq(const void *dev_id) override;
  // Prints the report (with a best-effort replay line) and exits 1.
  [[noreturn]] void end_at_report() override;

 private:
  // What a host thread is to the model: its task (-1: the coordinator), its
  // interrupt instance, how deep it holds the model lock, and its own PRNG
  // for timing (delays, preemption, migration). The model's current task
  // and irq_instance_ are loaded from here whenever the thread takes the lock.
  struct ThreadCtx {
    int task = -1;
    int irq = 0;
    int depth = 0;
    Rng rng;
  };
  static ThreadCtx &ctx();
  void lock();
  void unlock();
  int release();
  void reacquire(int depth);
  template <class P>
  void wait(P ready);
  void acquire_cpu(int id, bool want_other, bool first);
  int grant(int id, bool want_other) const;
  void check_all_blocked();
  void check_invariants();
  bool quiescent() const;
  void task_main(int id);
  // Lock held: waits until a kthread_create() thread is woken (true) or the
  // run stops first (false: the task is dead). True at once for others.
  bool created_sleep(Task &t);
  void start_main(unsigned lane);
  void wait_coordinator();
  void tick(double now);
  [[noreturn]] void hang(double waited);
  void delay();

  Machine &m_;
  TortureOptions opt_;
  std::mutex mu_;  // the model lock
  std::condition_variable cv_;
  std::vector<std::thread> threads_;  // per task slot
  std::vector<int> lane_of_main_;     // per task slot: 1 + the lane of a main task, 0 for others
  std::vector<uint8_t> lane_busy_;
  std::vector<int> cpu_queue_;        // tasks waiting for a CPU, oldest first
  std::map<const void *, int> handlers_in_flight_;
  unsigned live_mains_ = 0;
  void (*body_)() = nullptr;
  uint64_t next_thread_seed_ = 0;
  bool stopping_ = false;
  double last_tick_ = 0, last_progress_ = 0, t0_ = 0;
  TortureStats stats_;
};

}  // namespace kmapsim
