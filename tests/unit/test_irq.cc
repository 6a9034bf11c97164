// Interrupts: a handler fires at a scheduling point with IRQs on, nested on
// the interrupted task (current is that task, same CPU), as its own
// context: its local maps go on the task's kmap_ctrl stack and must be
// gone when it returns, it may not use the task's local addresses, and the
// task may not use the handler's. It may not sleep.
#include "unit.h"

using namespace kt;

namespace {

struct page *g_page;
void *volatile g_addr;
int g_fired;
int g_task_cpu, g_irq_cpu;
bool g_in_irq, g_irqs_off, g_in_atomic, g_in_task, g_current_is_task;
struct task_struct *g_task;
bool g_done;

ScriptSource irq_always() {
  ScriptSource s;
  s.set_default(Site::Irq, 1);
  return s;
}

int request(irq_handler_t h) { return request_irq(7, h, 0, "test-irq", nullptr); }

TEST(Irq, HandlerRunsNestedOnTheTaskInInterruptContext) {
  ScriptSource src = irq_always();
  RunResult r = run("strict", +[] {
    g_fired = 0;
    g_task = kmapsim_current();  // `current` (unit.h undefines the macro)
    g_task_cpu = smp_processor_id();
    request(+[](int, void *) -> irqreturn_t {
      g_fired++;
      g_in_irq = in_irq();
      g_irqs_off = irqs_disabled();
      g_in_atomic = in_atomic();
      g_in_task = in_task();
      g_irq_cpu = smp_processor_id();
      g_current_is_task = kmapsim_current() == g_task;
      return IRQ_HANDLED;
    });
    cond_resched();
    free_irq(7, nullptr);
    g_done = !in_irq() && !irqs_disabled() && in_task();
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_GE(g_fired, 1);
  EXPECT_TRUE(g_in_irq);
  EXPECT_TRUE(g_irqs_off);
  EXPECT_TRUE(g_in_atomic);
  EXPECT_FALSE(g_in_task);
  EXPECT_EQ(g_irq_cpu, g_task_cpu);
  EXPECT_TRUE(g_current_is_task);
  EXPECT_TRUE(g_done);
}

TEST(Irq, NoInterruptWhileIrqsAreOff) {
  static int during, after;
  ScriptSource src = irq_always();
  RunResult r = run("strict", +[] {
    g_fired = 0;
    static DEFINE_SPINLOCK(lock);
    spin_lock_init(&lock);
    request(+[](int, void *) -> irqreturn_t {
      g_fired++;
      return IRQ_HANDLED;
    });
    unsigned long flags;
    local_irq_save(flags);
    int before = g_fired;
    for (int i = 0; i < 4; i++) kfree(kmalloc(8, GFP_ATOMIC | __GFP_NOFAIL));
    unsigned long inner;
    spin_lock_irqsave(&lock, inner);  // nested: still off
    kfree(kmalloc(8, GFP_ATOMIC | __GFP_NOFAIL));
    spin_unlock_irqrestore(&lock, inner);
    during = g_fired - before;
    local_irq_restore(flags);
    before = g_fired;
    cond_resched();
    after = g_fired - before;
    free_irq(7, nullptr);
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(during, 0);
  EXPECT_GE(after, 1);
}

TEST(Irq, InterruptFiresUnderKmapAtomic) {
  // kmap_atomic disables preemption, not interrupts.
  static int during;
  ScriptSource src = irq_always();
  RunResult r = run("strict", +[] {
    g_fired = 0;
    g_page = HIGH_PAGE();
    request(+[](int, void *) -> irqreturn_t {
      g_fired++;
      return IRQ_HANDLED;
    });
    void *k = kmap_atomic(g_page);
    int before = g_fired;
    kfree(kmalloc(8, GFP_ATOMIC | __GFP_NOFAIL));
    during = g_fired - before;
    kunmap_atomic(k);
    free_irq(7, nullptr);
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_GE(during, 1);
}

TEST(Irq, WhichHandlerFiresIsADecision) {
  static int fired_a, fired_b, a_before, b_before, a_after, b_after;
  ScriptSource src = irq_always();
  src.set_default(Site::IrqWhich, 1);  // with two handlers requested: the second
  RunResult r = run("strict", +[] {
    fired_a = fired_b = 0;
    request_irq(
        1, +[](int, void *) -> irqreturn_t {
          fired_a++;
          return IRQ_HANDLED;
        },
        0, "a", nullptr);
    request_irq(
        2, +[](int, void *) -> irqreturn_t {
          fired_b++;
          return IRQ_HANDLED;
        },
        0, "b", nullptr);
    a_before = fired_a;
    b_before = fired_b;
    cond_resched();
    cond_resched();
    a_after = fired_a;
    b_after = fired_b;
    free_irq(2, nullptr);  // from here on only "a" is left to fire
    free_irq(1, nullptr);
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(a_after, a_before);
  EXPECT_GE(b_after - b_before, 2);
  EXPECT_GT(fired_a, a_after);
}

// ---- kmap-escape between a task and its interrupt handler

TEST(Irq, HandlerUsingTheTasksLocalAddress) {
  ScriptSource src = irq_always();
  RunResult r = run("strict", +[] {
    g_addr = nullptr;
    g_page = HIGH_PAGE();
    request(+[](int, void *) -> irqreturn_t {
      if (g_addr) (void)static_cast<volatile char *>(g_addr)[0];
      return IRQ_HANDLED;
    });
    g_addr = kmap_local_page(g_page);
    cond_resched();  // the interrupt fires here
    kunmap_local(g_addr);
    g_addr = nullptr;
    free_irq(7, nullptr);
  }, src);
  EXPECT_TRUE(Reported(r, BugClass::KmapEscape, {"read", "kmap_local_page()", "belongs to main", "used by irq#"}));
  EXPECT_TRUE(TextHas(r, "in hardirq"));
}

TEST(Irq, HandlerMappingThePageItselfIsClean) {
  ScriptSource src = irq_always();
  RunResult r = run("strict", +[] {
    g_fired = 0;
    g_page = HIGH_PAGE();
    request(+[](int, void *) -> irqreturn_t {
      volatile char *k = static_cast<char *>(kmap_local_page(g_page));
      (void)k[0];
      kunmap_local(const_cast<char *>(k));
      g_fired++;
      return IRQ_HANDLED;
    });
    char *k = static_cast<char *>(kmap_local_page(g_page));
    k[0] = 1;
    cond_resched();
    kunmap_local(k);
    free_irq(7, nullptr);
    __free_page(g_page);
  }, src);
  EXPECT_TRUE(Clean(r));
  EXPECT_GE(g_fired, 1);
}

TEST(Irq, TaskUsingAnAddressTheHandlerMadeAfterItReturned) {
  ScriptSource src = irq_always();
  RunResult r = run("strict", +[] {
    g_addr = nullptr;
    g_page = HIGH_PAGE();
    request(+[](int, void *) -> irqreturn_t {
      if (g_addr) return IRQ_HANDLED;  // once
      char *k = static_cast<char *>(kmap_local_page(g_page));
      k[0] = 2;
      g_addr = k;
      kunmap_local(k);
      return IRQ_HANDLED;
    });
    cond_resched();
    if (g_addr) (void)static_cast<volatile char *>(g_addr)[0];
    free_irq(7, nullptr);
    __free_page(g_page);
  }, src);
  EXPECT_TRUE(Reported(r, BugClass::KmapEscape, {"read", "made by irq#1 on main", "used by main", "after its owner unmapped it"}));
}

// ---- kmap-leak from a handler

TEST(Irq, HandlerReturnsHoldingALocalMap) {
  ScriptSource src = irq_always();
  RunResult r = run("strict", +[] {
    g_page = HIGH_PAGE();
    request(+[](int, void *) -> irqreturn_t {
      kmap_local_page(g_page);
      return IRQ_HANDLED;
    });
  }, src);
  EXPECT_TRUE(Reported(r, BugClass::KmapLeak, {"interrupt handler test-irq returned holding", "kmap_local_page()"}));
}

TEST(Irq, HandlerReturnsHoldingKmapAtomic) {
  ScriptSource src = irq_always();
  RunResult r = run("x86-32", +[] {
    g_page = LOW_PAGE();  // direct-mapped: only the atomic count tells
    request(+[](int, void *) -> irqreturn_t {
      kmap_atomic(g_page);
      return IRQ_HANDLED;
    });
  }, src);
  EXPECT_TRUE(Reported(r, BugClass::KmapLeak, {"interrupt handler test-irq", "kmap_atomic()"}));
}

TEST(Irq, HandlerMapsOnTopOfTheTasksStackAndPopsItsOwn) {
  static size_t depth_in_irq, depth_after;
  static bool task_holds;
  ScriptSource src = irq_always();
  RunResult r = run("strict", +[] {
    depth_in_irq = depth_after = 0;
    task_holds = false;
    g_page = HIGH_PAGE();
    struct page *mine = HIGH_PAGE();
    request(+[](int, void *) -> irqreturn_t {
      void *k = kmap_atomic(g_page);
      if (task_holds) depth_in_irq = kt::M().cur().kmap_ctrl.size();
      kunmap_atomic(k);
      return IRQ_HANDLED;
    });
    void *k = kmap_local_page(mine);
    task_holds = true;
    cond_resched();  // fires here
    depth_after = kt::M().cur().kmap_ctrl.size();
    task_holds = false;
    kunmap_local(k);
    free_irq(7, nullptr);
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(depth_in_irq, 2u);
  EXPECT_EQ(depth_after, 1u);
}

// ---- other handler rules

TEST(Irq, KmapInHandler) {
  ScriptSource src = irq_always();
  RunResult r = run("strict", +[] {
    g_page = HIGH_PAGE();
    request(+[](int, void *) -> irqreturn_t {
      kmap(g_page);
      return IRQ_HANDLED;
    });
  }, src);
  EXPECT_TRUE(Reported(r, BugClass::SleepInAtomic, {"kmap()", "in interrupt context"}));
}

TEST(Irq, MutexInHandler) {
  static DEFINE_MUTEX(m);
  ScriptSource src = irq_always();
  RunResult r = run("strict", +[] {
    mutex_init(&m);
    request(+[](int, void *) -> irqreturn_t {
      mutex_lock(&m);
      return IRQ_HANDLED;
    });
  }, src);
  EXPECT_TRUE(Reported(r, BugClass::SleepInAtomic, {"mutex_lock()", "in interrupt context"}));
}

TEST(Irq, SpinlockTakenInHandlerWhileTheTaskHoldsItWithIrqsOn) {
  static DEFINE_SPINLOCK(lock);
  ScriptSource src = irq_always();  // also while the task holds the lock with IRQs on
  RunResult r = run("strict", +[] {
    spin_lock_init(&lock);
    request(+[](int, void *) -> irqreturn_t {
      spin_lock(&lock);
      spin_unlock(&lock);
      return IRQ_HANDLED;
    });
    spin_lock(&lock);
    kfree(kmalloc(8, GFP_ATOMIC | __GFP_NOFAIL));
    spin_unlock(&lock);
  }, src);
  EXPECT_TRUE(Reported(r, BugClass::PkmapDeadlock, {"spin_lock", "interrupt handler"}));
}

// The same for an rwlock: a handler's read_lock() over the task's
// write_lock() with IRQs on never gets it; with write_lock_irqsave() no
// interrupt comes on that CPU while it is held.
TEST(Irq, RwlockReadInHandlerWhileTheTaskWritesWithIrqsOn) {
  static DEFINE_RWLOCK(lock);
  static bool irqsave;
  ScriptSource src = irq_always();
  auto body = +[] {
    rwlock_init(&lock);
    request(+[](int, void *) -> irqreturn_t {
      read_lock(&lock);
      read_unlock(&lock);
      return IRQ_HANDLED;
    });
    unsigned long flags = 0;
    if (irqsave)
      write_lock_irqsave(&lock, flags);
    else
      write_lock(&lock);
    kfree(kmalloc(8, GFP_ATOMIC | __GFP_NOFAIL));
    if (irqsave)
      write_unlock_irqrestore(&lock, flags);
    else
      write_unlock(&lock);
  };
  irqsave = false;
  EXPECT_TRUE(Reported(run("strict", body, src), BugClass::PkmapDeadlock, {"read_lock", "interrupt handler"}));
  irqsave = true;
  EXPECT_TRUE(Clean(run("strict", body, src)));
}

// ---- a handler spinning on a lock held on another CPU

// The legal pattern: the task takes the lock with spin_lock_irqsave (no
// interrupt on its CPU while it holds it), the handler with spin_lock. A
// handler that fires on another CPU meanwhile spins until the holder, on
// its own CPU, releases the lock. The holder then frees the line:
// free_irq() waits for the handler still in progress on the other CPU
// before the device goes away.
DEFINE_SPINLOCK(g_xlock);
DECLARE_COMPLETION(g_xlocked);
int g_dev;  // the handler's dev_id
volatile int g_armed, g_release, g_dev_alive;
int g_contended, g_hits, g_bad, g_worker_cpu, g_handler_cpu;
bool g_never_release;

irqreturn_t xlock_handler(int, void *) {
  if (!g_armed) return IRQ_HANDLED;
  if (!g_dev_alive) g_bad++;
  if (g_xlock.owner) {
    g_contended++;
    g_handler_cpu = smp_processor_id();
  }
  spin_lock(&g_xlock);
  g_hits++;
  spin_unlock(&g_xlock);
  if (!g_dev_alive) g_bad++;  // free_irq() returned while this handler ran
  return IRQ_HANDLED;
}

int xlock_holder(void *) {
  unsigned long flags;
  spin_lock_irqsave(&g_xlock, flags);
  g_worker_cpu = smp_processor_id();
  complete(&g_xlocked);
  while (!READ_ONCE(g_release)) cpu_relax();
  spin_unlock_irqrestore(&g_xlock, flags);
  free_irq(7, &g_dev);
  g_dev_alive = 0;
  return 0;
}

void xlock_body() {
  spin_lock_init(&g_xlock);
  init_completion(&g_xlocked);
  g_armed = 0;
  g_release = 0;
  g_dev_alive = 1;
  g_contended = g_hits = g_bad = 0;
  g_worker_cpu = g_handler_cpu = -1;
  request_irq(7, xlock_handler, 0, "test-irq", &g_dev);
  kthread_run(xlock_holder, nullptr, "holder");
  wait_for_completion(&g_xlocked);
  g_armed = 1;  // plain stores: no scheduling point before either
  if (!g_never_release) g_release = 1;
  cond_resched();  // an interrupt here finds the lock held on the other CPU
}

TEST(Irq, HandlerSpinsOnALockHeldOnAnotherCpu) {
  g_never_release = false;
  ScriptSource src = irq_always();
  RunResult r = run("strict", xlock_body, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_contended, 1);
  EXPECT_GE(g_hits, 1);
  EXPECT_NE(g_handler_cpu, g_worker_cpu);
  EXPECT_EQ(g_bad, 0);
}

TEST(Irq, HandlerSpinningAcrossCpusIsCleanUnderRandomSchedules) {
  g_never_release = false;
  int contended = 0;
  for (uint64_t seed = 1; seed <= 300; seed++) {
    kmapsim::RandomSource src(seed);
    RunResult r = run("strict", xlock_body, src);
    ASSERT_TRUE(Clean(r)) << "seed " << seed;
    ASSERT_EQ(g_bad, 0) << "seed " << seed;
    contended += g_contended;
  }
  EXPECT_GT(contended, 0);  // the cross-CPU spin was explored
}

TEST(Irq, HandlerSpinningAcrossCpusReplaysIdentically) {
  g_never_release = false;
  int replayed = 0;
  for (uint64_t seed = 1; seed <= 300 && replayed < 3; seed++) {
    kmapsim::RandomSource src(seed);
    RunResult r = run("strict", xlock_body, src);
    if (!g_contended) continue;
    kmapsim::Trace trace = machine("strict").trace();
    kmapsim::ReplaySource again(trace);
    RunResult rr = run("strict", xlock_body, again);
    EXPECT_EQ(again.divergence(), "") << "seed " << seed;
    EXPECT_TRUE(again.consumed_all()) << "seed " << seed;
    EXPECT_EQ(g_contended, 1) << "seed " << seed;
    EXPECT_EQ(rr.trace_hash, r.trace_hash) << "seed " << seed;
    EXPECT_EQ(rr.steps, r.steps) << "seed " << seed;
    replayed++;
  }
  EXPECT_EQ(replayed, 3);
}

TEST(Irq, HandlerSpinningAcrossCpusIsCleanUnderExhaustiveK2) {
  g_never_release = false;
  kmapsim::ExhaustiveSource ex(2, 20000);
  uint64_t runs = 0;
  int contended = 0;
  for (;;) {
    RunResult r = run("strict", xlock_body, ex);
    runs++;
    ASSERT_TRUE(Clean(r)) << "run " << runs;
    ASSERT_EQ(g_bad, 0) << "run " << runs;
    contended += g_contended;
    if (ex.complete() || runs >= 20000) break;
  }
  EXPECT_TRUE(ex.complete()) << runs << " runs";
  EXPECT_GT(runs, 1u);
  EXPECT_GT(contended, 0);
}

TEST(Irq, HolderOnAnotherCpuThatNeverReleasesIsASoftLockup) {
  g_never_release = true;
  ScriptSource src = irq_always();
  RunResult r = run("strict", xlock_body, src);
  kmapsim::Trace trace = machine("strict").trace();
  kmapsim::ReplaySource again(trace);
  RunResult rr = run("strict", xlock_body, again);  // byte for byte
  g_never_release = false;
  EXPECT_FALSE(r.livelock);
  EXPECT_TRUE(Reported(r, BugClass::SoftLockup, {"holder spins at", "main waits for a spinlock"}));
  EXPECT_EQ(again.divergence(), "");
  EXPECT_EQ(rr.report.text, r.report.text);
}

// The holder on the other CPU spins in turn on a lock the interrupted task
// holds: neither CPU can move (ABBA through an interrupt), every task is
// blocked.
DEFINE_SPINLOCK(g_alock);
volatile int g_xheld;

TEST(Irq, HolderOnAnotherCpuWaitingForTheInterruptedTaskIsADeadlock) {
  ScriptSource src = irq_always();
  RunResult r = run("strict", +[] {
    spin_lock_init(&g_xlock);
    spin_lock_init(&g_alock);
    g_armed = 0;
    g_xheld = 0;
    g_dev_alive = 1;
    request_irq(7, xlock_handler, 0, "test-irq", &g_dev);
    kthread_run(
        +[](void *) -> int {
          unsigned long flags;
          spin_lock_irqsave(&g_xlock, flags);
          WRITE_ONCE(g_xheld, 1);
          spin_lock(&g_alock);
          spin_unlock(&g_alock);
          spin_unlock_irqrestore(&g_xlock, flags);
          return 0;
        },
        nullptr, "abba");
    spin_lock(&g_alock);  // before abba runs (the script keeps main running)
    while (!READ_ONCE(g_xheld)) cpu_relax();
    g_armed = 1;
    kfree(kmalloc(8, GFP_ATOMIC | __GFP_NOFAIL));  // the interrupt fires here
    spin_unlock(&g_alock);
  }, src);
  EXPECT_FALSE(r.livelock);
  EXPECT_TRUE(Reported(r, BugClass::PkmapDeadlock, {"every task is blocked", "main waits for a spinlock", "abba waits for a spinlock"}));
}

TEST(Irq, HandlerOnTheHoldersOwnCpuIsStillADeadlock) {
  static DEFINE_SPINLOCK(lock);
  ScriptSource src = irq_always();
  RunResult r = run("strict", +[] {
    spin_lock_init(&lock);
    request(+[](int, void *) -> irqreturn_t {
      spin_lock(&lock);
      spin_unlock(&lock);
      return IRQ_HANDLED;
    });
    kthread_run(+[](void *) -> int { return 0; }, nullptr, "bystander");
    spin_lock(&lock);
    kfree(kmalloc(8, GFP_ATOMIC | __GFP_NOFAIL));
    spin_unlock(&lock);
  }, src);
  EXPECT_TRUE(Reported(r, BugClass::PkmapDeadlock, {"in an interrupt handler while main holds it without disabling interrupts"}));
}

// free_irq() waits for a handler still running on another CPU. Three CPUs:
// the handler, on main, spins on a lock a task on the second CPU holds
// until the task on the third has freed the line; that task's free_irq()
// waits for the handler: none of them can move. The report names the wait
// as free_irq()'s, not as a spinlock's.
volatile int g_xheld_by_holder, g_in_handler, g_freed;

Machine &three_cpus() {
  static std::unique_ptr<Machine> m;
  if (!m) {
    kmapsim::Profile p = *kmapsim::find_profile("strict");
    p.name += "-3cpu";
    p.nr_cpus = 3;
    m = std::make_unique<Machine>(p);
  }
  return *m;
}

TEST(Irq, FreeIrqWaitingForAHandlerThatCannotFinishIsNamedAsSuch) {
  ScriptSource src = irq_always();
  RunResult r = three_cpus().run(+[] {
    spin_lock_init(&g_xlock);
    g_armed = 0;
    g_xheld_by_holder = 0;
    g_in_handler = 0;
    g_freed = 0;
    g_task = kmapsim_current();
    request_irq(7, +[](int, void *) -> irqreturn_t {
      if (!g_armed || kmapsim_current() != g_task) return IRQ_HANDLED;
      WRITE_ONCE(g_in_handler, 1);
      spin_lock(&g_xlock);
      spin_unlock(&g_xlock);
      return IRQ_HANDLED;
    }, 0, "test-irq", &g_dev);
    kthread_run(+[](void *) -> int {
      unsigned long flags;
      spin_lock_irqsave(&g_xlock, flags);
      WRITE_ONCE(g_xheld_by_holder, 1);
      while (!READ_ONCE(g_freed)) cpu_relax();
      spin_unlock_irqrestore(&g_xlock, flags);
      return 0;
    }, nullptr, "holder");
    kthread_run(+[](void *) -> int {
      while (!READ_ONCE(g_in_handler)) cpu_relax();
      free_irq(7, &g_dev);
      WRITE_ONCE(g_freed, 1);
      return 0;
    }, nullptr, "freer");
    while (!READ_ONCE(g_xheld_by_holder)) cpu_relax();
    g_armed = 1;
    cond_resched();  // the interrupt fires here, on main
  }, src);
  g_armed = 0;
  EXPECT_TRUE(Reported(r, BugClass::SoftLockup, {"holder spins at READ_ONCE()", "main waits for a spinlock",
                                                 "freer waits for a running interrupt handler in free_irq()"}))
      << r.report.text;
}

TEST(Irq, FreeIrqOfAnUnrequestedLine) {
  RunResult r = run("strict", +[] { free_irq(3, nullptr); });
  EXPECT_TRUE(Reported(r, BugClass::SubjectBug, {"free_irq(3)"}));
}

}  // namespace
