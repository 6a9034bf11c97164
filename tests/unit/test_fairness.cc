// Legal SMP code stays clean and every run ends: fair exploration of spin
// waits (a task that spins lets the others run), soft-lockup only when no
// fair schedule makes progress, the host-time watchdog for a loop with no
// scheduling point, and the shared-memory API (READ_ONCE, acquire/release,
// barriers, atomic_t, cpu_relax) as scheduling points.
//
// The sources used here are the harshest for spin loops: ScriptSource's
// default keeps the current task running at every choice (what made
// `while (!smp_load_acquire(&ready)) cond_resched();` a false livelock
// before), and bounded-exhaustive enumeration with up to two preemptions.
#include "unit.h"

using namespace kt;
using kmapsim::ExhaustiveSource;

namespace {

// Every run of `body` under exhaustive enumeration with <= k preemptions
// (capped): the number of runs, and the first report.
struct Sweep {
  uint64_t runs = 0;
  bool complete = false;
  RunResult first_report;
  bool reported = false;
};
Sweep exhaustive(Machine &m, void (*body)(), unsigned k, uint64_t cap = 20000) {
  Sweep s;
  ExhaustiveSource ex(k, cap);
  for (;;) {
    RunResult r = m.run(body, ex);
    s.runs++;
    if ((r.reported || r.livelock) && !s.reported) {
      s.reported = true;
      s.first_report = r;
    }
    if (ex.complete() || s.runs >= cap) break;
  }
  s.complete = ex.complete();
  return s;
}

// ---- case 1: waiting for a kthread with smp_load_acquire + cond_resched

bool g_ready;
int g_payload;
int g_seen;

void wait_for_kthread() {
  g_ready = false;
  g_payload = 0;
  g_seen = -1;
  kthread_run(
      +[](void *) -> int {
        g_payload = 42;
        smp_store_release(&g_ready, true);
        return 0;
      },
      nullptr, "producer");
  while (!smp_load_acquire(&g_ready)) cond_resched();
  g_seen = g_payload;
}

TEST(Fairness, AcquireSpinWaitingForAKthreadIsClean) {
  ScriptSource src;  // keeps the spinning task running whenever it may
  RunResult r = run("strict", wait_for_kthread, src);
  EXPECT_TRUE(Clean(r));
  EXPECT_EQ(g_seen, 42);
  EXPECT_LT(r.steps, 100u) << "the spinner must let the producer run after a spin iteration";
}

TEST(Fairness, AcquireSpinIsCleanUnderExhaustiveK2) {
  for (unsigned k = 0; k <= 2; k++) {
    Sweep s = exhaustive(machine("strict"), wait_for_kthread, k);
    EXPECT_TRUE(s.complete) << "K=" << k << ": " << s.runs << " runs";
    EXPECT_FALSE(s.reported) << "K=" << k << ":\n" << s.first_report.report.text;
  }
}

TEST(Fairness, AcquireSpinIsCleanOnOneCpu) {
  ScriptSource src;
  EXPECT_TRUE(Clean(uniprocessor("strict").run(wait_for_kthread, src)));
  EXPECT_EQ(g_seen, 42);
}

// ---- case 2: READ_ONCE + cpu_relax with a writer on another task

int g_flag;

void relax_until_flag() {
  g_flag = 0;
  kthread_run(
      +[](void *) -> int {
        WRITE_ONCE(g_flag, 1);
        return 0;
      },
      nullptr, "writer");
  while (!READ_ONCE(g_flag)) cpu_relax();
}

TEST(Fairness, ReadOnceCpuRelaxWithAWriterIsClean) {
  ScriptSource src;
  EXPECT_TRUE(Clean(run("strict", relax_until_flag, src)));
  for (unsigned k = 0; k <= 2; k++) {
    Sweep s = exhaustive(machine("strict"), relax_until_flag, k);
    EXPECT_TRUE(s.complete) << "K=" << k;
    EXPECT_FALSE(s.reported) << "K=" << k << ":\n" << s.first_report.report.text;
  }
}

// A bare READ_ONCE loop (no cpu_relax): the re-read itself is the spin.
void bare_read_once_until_flag() {
  g_flag = 0;
  kthread_run(
      +[](void *) -> int {
        WRITE_ONCE(g_flag, 1);
        return 0;
      },
      nullptr, "writer");
  while (!READ_ONCE(g_flag)) {
  }
}

TEST(Fairness, BareReadOnceSpinWithAWriterIsClean) {
  ScriptSource src;
  EXPECT_TRUE(Clean(run("strict", bare_read_once_until_flag, src)));
}

// The spinner holds its CPU with preemption disabled; the writer was queued
// on the same CPU. On two CPUs the kernel's idle balancing runs the writer
// on the idle one; on one CPU nothing can: a real soft lockup.
void nonpreemptible_spin() {
  g_flag = 0;
  kthread_run(
      +[](void *) -> int {
        WRITE_ONCE(g_flag, 1);
        return 0;
      },
      nullptr, "writer");
  preempt_disable();
  while (!READ_ONCE(g_flag)) cpu_relax();
  preempt_enable();
}

TEST(Fairness, NonPreemptibleSpinIsCleanWithAnIdleCpu) {
  ScriptSource src;
  EXPECT_TRUE(Clean(run("strict", nonpreemptible_spin, src)));
}

TEST(Fairness, NonPreemptibleSpinOnOneCpuIsASoftLockup) {
  ScriptSource src;
  RunResult r = uniprocessor("strict").run(nonpreemptible_spin, src);
  EXPECT_TRUE(Reported(r, BugClass::SoftLockup, {"main spins at READ_ONCE()", "no fair schedule makes progress"}));
  EXPECT_TRUE(TextHas(r, "writer runs")) << r.report.text;
}

TEST(Fairness, SpinOnAFlagNobodySetsIsASoftLockup) {
  ScriptSource src;
  RunResult r = run("strict", +[] {
    g_flag = 0;
    while (!READ_ONCE(g_flag)) cpu_relax();
  }, src);
  EXPECT_TRUE(Reported(r, BugClass::SoftLockup, {"main spins at READ_ONCE()"}));
  EXPECT_FALSE(r.livelock) << "found by fairness, not by the step bound";
}

int g_flag2;

TEST(Fairness, TwoTasksWaitingForEachOtherAreASoftLockup) {
  ScriptSource src;
  src.set_default(Site::NextTask, 1);
  RunResult r = run("strict", +[] {
    g_flag = g_flag2 = 0;
    kthread_run(
        +[](void *) -> int {
          while (!atomic_read(reinterpret_cast<atomic_t *>(&g_flag2))) cpu_relax();
          WRITE_ONCE(g_flag, 1);
          return 0;
        },
        nullptr, "other");
    while (!READ_ONCE(g_flag)) cpu_relax();
    WRITE_ONCE(g_flag2, 1);
  }, src);
  EXPECT_TRUE(Reported(r, BugClass::SoftLockup, {"no fair schedule makes progress"}));
  EXPECT_TRUE(TextHas(r, "main spins at")) << r.report.text;
  EXPECT_TRUE(TextHas(r, "other spins at")) << r.report.text;
}

// A soft-lockup report names what each blocked task waits for, including
// the sleeping locks (an rw_semaphore), while the writer spins on a flag
// nobody sets.
struct rw_semaphore g_sem;

TEST(Fairness, SoftLockupNamesATaskBlockedOnAnRwSemaphore) {
  ScriptSource src;
  RunResult r = run("strict", +[] {
    g_flag = 0;
    init_rwsem(&g_sem);
    down_write(&g_sem);
    kthread_run(
        +[](void *) -> int {
          down_read(&g_sem);
          up_read(&g_sem);
          return 0;
        },
        nullptr, "reader");
    while (!READ_ONCE(g_flag)) cpu_relax();
    up_write(&g_sem);
  }, src);
  EXPECT_TRUE(Reported(r, BugClass::SoftLockup, {"main spins at READ_ONCE()", "reader waits for an rw_semaphore"}));
}

// An interrupt handler sets the flag: a fair schedule lets it in even when
// the source never fires interrupts (exhaustive K=0 does not).
int g_irq_dev;
irqreturn_t set_flag_irq(int, void *) {
  WRITE_ONCE(g_flag, 1);
  return IRQ_HANDLED;
}

TEST(Fairness, SpinEndedByAnInterruptIsClean) {
  ScriptSource src;
  RunResult r = run("strict", +[] {
    g_flag = 0;
    request_irq(5, set_flag_irq, 0, "flagger", &g_irq_dev);
    while (!READ_ONCE(g_flag)) cpu_relax();
    free_irq(5, &g_irq_dev);
  }, src);
  EXPECT_TRUE(Clean(r));
}

// A loop that only yields waits for nothing in particular: the step bound
// ends it, as soft-lockup (the kernel would call it a hung task).
TEST(Fairness, YieldLoopHitsTheStepBoundAsSoftLockup) {
  Machine &m = machine("strict");
  m.set_step_bound(500);
  ScriptSource src;
  RunResult r = m.run(+[] {
    for (;;) cond_resched();
  }, src);
  m.set_step_bound(200000);
  EXPECT_TRUE(Reported(r, BugClass::SoftLockup, {"no progress", "500 scheduling points", "cond_resched"}));
  EXPECT_TRUE(r.livelock);
}

// A long computation with cond_resched() is legal, however many iterations.
TEST(Fairness, ComputationWithCondReschedIsClean) {
  ScriptSource src;
  RunResult r = run("strict", +[] {
    volatile unsigned long sum = 0;
    for (int i = 0; i < 20000; i++) {
      sum = sum + static_cast<unsigned long>(i);
      cond_resched();
    }
  }, src);
  EXPECT_TRUE(Clean(r));
}

// ---- the watchdog: no scheduling point at all

volatile int g_forever = 1;

TEST(Watchdog, PlainInfiniteLoopIsASoftLockup) {
  Machine &m = machine("strict");
  m.set_watchdog_seconds(0.4);
  ScriptSource src;
  RunResult r = m.run(+[] {
    g_forever = 1;
    cond_resched();
    while (g_forever) {
    }
  }, src);
  m.set_watchdog_seconds(3);
  EXPECT_TRUE(Reported(r, BugClass::SoftLockup, {"main ran past the watchdog", "no scheduling point", "cond_resched() at step"}));
}

TEST(Watchdog, ReplayReachesTheSameReport) {
  Machine &m = machine("strict");
  m.set_watchdog_seconds(0.4);
  ScriptSource src;
  src.set_default(Site::NextTask, 1);
  auto body = +[] {
    g_forever = 1;
    kthread_run(
        +[](void *) -> int {
          while (g_forever) {
          }
          return 0;
        },
        nullptr, "stuck");
    cond_resched();
  };
  RunResult first = m.run(body, src);
  kmapsim::Trace t = m.trace();
  kmapsim::ReplaySource again(t);
  RunResult second = m.run(body, again);
  m.set_watchdog_seconds(3);
  ASSERT_TRUE(Reported(first, BugClass::SoftLockup, {"stuck ran past the watchdog"}));
  EXPECT_EQ(first.report.text, second.report.text);
  EXPECT_EQ(first.trace_hash, second.trace_hash);
  EXPECT_TRUE(again.divergence().empty()) << again.divergence();
}

// ---- the shared-memory API

atomic_t g_count = ATOMIC_INIT(0);
atomic_long_t g_lcount = ATOMIC_LONG_INIT(0);
int g_results[16];

TEST(SharedMemory, AtomicOperationsHaveKernelSemantics) {
  RunResult r = run("strict", +[] {
    atomic_set(&g_count, 5);
    atomic_inc(&g_count);
    atomic_add(3, &g_count);
    atomic_sub(2, &g_count);
    atomic_dec(&g_count);
    g_results[0] = atomic_read(&g_count);                 // 6
    g_results[1] = atomic_inc_return(&g_count);           // 7
    g_results[2] = atomic_cmpxchg(&g_count, 7, 1);        // 7, now 1
    g_results[3] = atomic_cmpxchg(&g_count, 7, 9);        // 1, stays 1
    g_results[4] = atomic_dec_and_test(&g_count);         // true
    g_results[5] = atomic_dec_and_test(&g_count);         // false (-1)
    atomic_long_set(&g_lcount, 1L << 40);
    atomic_long_inc(&g_lcount);
    g_results[6] = atomic_long_read(&g_lcount) == (1L << 40) + 1;
    g_results[7] = atomic_long_cmpxchg(&g_lcount, (1L << 40) + 1, 3) == (1L << 40) + 1;
    g_results[8] = static_cast<int>(atomic_long_read(&g_lcount));  // 3
    smp_mb();
    smp_rmb();
    smp_wmb();
    int x = 0;
    smp_store_release(&x, 4);
    g_results[9] = smp_load_acquire(&x);
    WRITE_ONCE(x, 5);
    g_results[10] = READ_ONCE(x);
    cpu_relax();
  });
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_results[0], 6);
  EXPECT_EQ(g_results[1], 7);
  EXPECT_EQ(g_results[2], 7);
  EXPECT_EQ(g_results[3], 1);
  EXPECT_EQ(g_results[4], 1);
  EXPECT_EQ(g_results[5], 0);
  EXPECT_EQ(g_results[6], 1);
  EXPECT_EQ(g_results[7], 1);
  EXPECT_EQ(g_results[8], 3);
  EXPECT_EQ(g_results[9], 4);
  EXPECT_EQ(g_results[10], 5);
}

// A preemption can fall between two marked accesses: the classic lost
// update of a READ_ONCE/WRITE_ONCE increment is reachable, an atomic_inc
// is not.
int g_plain_counter;

void racy_increments() {
  g_plain_counter = 0;
  atomic_set(&g_count, 0);
  kthread_run(
      +[](void *) -> int {
        WRITE_ONCE(g_plain_counter, READ_ONCE(g_plain_counter) + 1);
        atomic_inc(&g_count);
        return 0;
      },
      nullptr, "incr");
  WRITE_ONCE(g_plain_counter, READ_ONCE(g_plain_counter) + 1);
  atomic_inc(&g_count);
}

TEST(SharedMemory, APreemptionFallsBetweenReadOnceAndWriteOnce) {
  ExhaustiveSource ex(1);
  bool lost_update = false;
  int atomic_min = 2;
  for (int i = 0; i < 20000 && !ex.complete(); i++) {
    RunResult r = machine("strict").run(racy_increments, ex);
    ASSERT_TRUE(Clean(r));
    lost_update |= g_plain_counter == 1;
    if (g_count.counter < atomic_min) atomic_min = g_count.counter;
  }
  EXPECT_TRUE(ex.complete());
  EXPECT_TRUE(lost_update) << "no schedule put the kthread between the READ_ONCE and the WRITE_ONCE";
  EXPECT_EQ(atomic_min, 2);
}

}  // namespace
