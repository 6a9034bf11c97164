// sleep-in-atomic: something that may sleep (kmap(), mutex_lock, a
// GFP_KERNEL allocation, might_sleep, schedule, wait_for_completion, a user
// copy that may fault) ran under kmap_atomic, a spinlock, preempt_disable,
// local_irq_save or in an interrupt handler. Each case has its fixed twin.
#include "unit.h"

using namespace kt;

namespace {

DEFINE_MUTEX(g_mutex);
DEFINE_SPINLOCK(g_lock);
DECLARE_COMPLETION(g_done_c);
struct page *g_page;
bool g_done;

void reset_locks() {
  mutex_init(&g_mutex);
  spin_lock_init(&g_lock);
  init_completion(&g_done_c);
  g_done = false;
}

TEST(Sleep, KmapUnderKmapAtomic) {
  RunResult r = run("strict", +[] {
    reset_locks();
    struct page *a = HIGH_PAGE(), *b = HIGH_PAGE();
    void *ka = kmap_atomic(a);
    kmap(b);
  });
  EXPECT_TRUE(Reported(r, BugClass::SleepInAtomic, {"kmap()", "may sleep", "inside kmap_atomic()"}));
}

TEST(Sleep, KmapUnderKmapLocalIsClean) {
  RunResult r = run("strict", +[] {
    reset_locks();
    struct page *a = HIGH_PAGE(), *b = HIGH_PAGE();
    void *ka = kmap_local_page(a);
    kmap(b);
    kunmap(b);
    kunmap_local(ka);
    __free_page(b);
    __free_page(a);
    g_done = true;
  });
  EXPECT_TRUE(Clean(r));
  EXPECT_TRUE(g_done);
}

TEST(Sleep, MutexLockUnderKmapAtomic) {
  RunResult r = run("x86-32", +[] {
    reset_locks();
    struct page *a = HIGH_PAGE();
    void *ka = kmap_atomic(a);
    mutex_lock(&g_mutex);
  });
  EXPECT_TRUE(Reported(r, BugClass::SleepInAtomic, {"mutex_lock()", "inside kmap_atomic()"}));
}

TEST(Sleep, MutexLockUnderSpinLock) {
  RunResult r = run("strict", +[] {
    reset_locks();
    spin_lock(&g_lock);
    mutex_lock(&g_mutex);
  });
  EXPECT_TRUE(Reported(r, BugClass::SleepInAtomic, {"mutex_lock()", "preemption disabled", "preempt_count 1"}));
}

TEST(Sleep, SpinLockUnderMutexIsClean) {
  RunResult r = run("strict", +[] {
    reset_locks();
    mutex_lock(&g_mutex);
    spin_lock(&g_lock);
    spin_unlock(&g_lock);
    mutex_unlock(&g_mutex);
    g_done = true;
  });
  EXPECT_TRUE(Clean(r));
  EXPECT_TRUE(g_done);
}

TEST(Sleep, GfpKernelAllocationUnderLocalIrqSave) {
  RunResult r = run("strict", +[] {
    reset_locks();
    unsigned long flags;
    local_irq_save(flags);
    alloc_page(GFP_KERNEL);
  });
  EXPECT_TRUE(Reported(r, BugClass::SleepInAtomic, {"alloc_pages()", "interrupts disabled"}));
}

TEST(Sleep, GfpAtomicAllocationUnderLocalIrqSaveIsClean) {
  RunResult r = run("strict", +[] {
    reset_locks();
    unsigned long flags;
    local_irq_save(flags);
    struct page *p = alloc_page(GFP_ATOMIC | __GFP_HIGHMEM | __GFP_NOFAIL);
    void *k = kmap_atomic(p);
    kunmap_atomic(k);
    local_irq_restore(flags);
    __free_page(p);
    g_done = true;
  });
  EXPECT_TRUE(Clean(r));
  EXPECT_TRUE(g_done);
}

TEST(Sleep, KmallocGfpKernelUnderKmapAtomic) {
  RunResult r = run("strict", +[] {
    reset_locks();
    struct page *a = HIGH_PAGE();
    void *ka = kmap_atomic(a);
    kmalloc(64, GFP_KERNEL);
  });
  EXPECT_TRUE(Reported(r, BugClass::SleepInAtomic, {"kmalloc()", "inside kmap_atomic()"}));
}

TEST(Sleep, KmallocGfpAtomicUnderKmapAtomicIsClean) {
  RunResult r = run("strict", +[] {
    reset_locks();
    struct page *a = HIGH_PAGE();
    void *ka = kmap_atomic(a);
    void *buf = kmalloc(64, GFP_ATOMIC | __GFP_NOFAIL);
    kunmap_atomic(ka);
    kfree(buf);
    __free_page(a);
    g_done = true;
  });
  EXPECT_TRUE(Clean(r));
  EXPECT_TRUE(g_done);
}

TEST(Sleep, MightSleepUnderKmapAtomic) {
  RunResult r = run("strict", +[] {
    reset_locks();
    struct page *a = HIGH_PAGE();
    void *ka = kmap_atomic(a);
    might_sleep();
  });
  EXPECT_TRUE(Reported(r, BugClass::SleepInAtomic, {"might_sleep()", "inside kmap_atomic()"}));
}

TEST(Sleep, MightSleepUnderKmapLocalIsClean) {
  RunResult r = run("strict", +[] {
    reset_locks();
    struct page *a = HIGH_PAGE();
    void *ka = kmap_local_page(a);
    might_sleep();
    cond_resched();
    mutex_lock(&g_mutex);
    mutex_unlock(&g_mutex);
    kunmap_local(ka);
    __free_page(a);
    g_done = true;
  });
  EXPECT_TRUE(Clean(r));
  EXPECT_TRUE(g_done);
}

TEST(Sleep, CondReschedUnderPreemptDisable) {
  RunResult r = run("strict", +[] {
    reset_locks();
    preempt_disable();
    cond_resched();
  });
  EXPECT_TRUE(Reported(r, BugClass::SleepInAtomic, {"cond_resched()", "preemption disabled"}));
}

// DEFINE_PER_CPU is file-scope only, as in the kernel.
static DEFINE_PER_CPU(int, counter);

TEST(Sleep, ScheduleUnderGetCpuPtr) {
  RunResult r = run("strict", +[] {
    reset_locks();
    int *c = get_cpu_ptr(&counter);
    (*c)++;
    schedule();
  });
  EXPECT_TRUE(Reported(r, BugClass::SleepInAtomic, {"schedule()", "preemption disabled"}));
}

TEST(Sleep, WaitForCompletionUnderSpinLockIrqsave) {
  RunResult r = run("strict", +[] {
    reset_locks();
    unsigned long flags;
    spin_lock_irqsave(&g_lock, flags);
    wait_for_completion(&g_done_c);
  });
  EXPECT_TRUE(Reported(r, BugClass::SleepInAtomic, {"wait_for_completion()", "interrupts disabled"}));
}

TEST(Sleep, CopyToUserUnderSpinLock) {
  RunResult r = run("strict", +[] {
    reset_locks();
    static char src[16];
    void __user *u = kmapsim_user_buffer(16);
    spin_lock(&g_lock);
    copy_to_user(u, src, sizeof src);
  });
  EXPECT_TRUE(Reported(r, BugClass::SleepInAtomic, {"copy_to_user()", "preemption disabled"}));
}

TEST(Sleep, CopyToUserAfterSpinUnlockIsClean) {
  RunResult r = run("strict", +[] {
    reset_locks();
    static char src[16];
    void __user *u = kmapsim_user_buffer(16);
    spin_lock(&g_lock);
    src[0] = 1;
    spin_unlock(&g_lock);
    g_done = copy_to_user(u, src, sizeof src) == 0;
  });
  EXPECT_TRUE(Clean(r));
  EXPECT_TRUE(g_done);
}

TEST(Sleep, MightSleepInIrqHandler) {
  ScriptSource src;
  src.set_default(Site::Irq, 1);
  RunResult r = run("strict", +[] {
    reset_locks();
    request_irq(
        9, +[](int, void *) -> irqreturn_t {
          might_sleep();
          return IRQ_HANDLED;
        },
        0, "sleepy", nullptr);
    cond_resched();
  }, src);
  EXPECT_TRUE(Reported(r, BugClass::SleepInAtomic, {"might_sleep()", "in interrupt context"}));
  EXPECT_TRUE(TextHas(r, "in hardirq"));
}

TEST(Sleep, IrqHandlerThatDoesNotSleepIsClean) {
  static int fired;
  ScriptSource src;
  src.set_default(Site::Irq, 1);
  RunResult r = run("strict", +[] {
    reset_locks();
    fired = 0;
    request_irq(
        9, +[](int, void *) -> irqreturn_t {
          struct page *p = alloc_page(GFP_ATOMIC | __GFP_HIGHMEM | __GFP_NOFAIL);
          void *k = kmap_atomic(p);
          kunmap_atomic(k);
          __free_page(p);
          fired++;
          return IRQ_HANDLED;
        },
        0, "calm", nullptr);
    cond_resched();
    free_irq(9, nullptr);
    g_done = true;
  }, src);
  EXPECT_TRUE(Clean(r));
  EXPECT_TRUE(g_done);
  EXPECT_GE(fired, 1);
}

TEST(Sleep, TaskReturnsWithPreemptionDisabled) {
  RunResult r = run("strict", +[] {
    reset_locks();
    spin_lock(&g_lock);
  });
  EXPECT_TRUE(Reported(r, BugClass::SleepInAtomic, {"main returned with preempt_count 1"}));
}

TEST(Sleep, TaskReturnsWithIrqsDisabled) {
  RunResult r = run("strict", +[] {
    reset_locks();
    unsigned long flags;
    local_irq_save(flags);
  });
  EXPECT_TRUE(Reported(r, BugClass::SleepInAtomic, {"returned with interrupts disabled"}));
}

}  // namespace

// cant_sleep()/cant_migrate(): the code asserts it runs atomically. Quiet
// wherever the kernel's __cant_sleep() is; a kmap_atomic() section
// converted to kmap_local_page() keeps preemption on and is lost-atomicity.
TEST(AssumeAtomic, CantSleepUnderKmapAtomicSpinlockIrqsOffIsClean) {
  RunResult r = run("strict", +[] {
    reset_locks();
    struct page *p = HIGH_PAGE();
    void *a = kmap_atomic(p);
    cant_sleep();
    cant_migrate();
    kunmap_atomic(a);
    spin_lock(&g_lock);
    cant_sleep();
    spin_unlock(&g_lock);
    unsigned long flags;
    local_irq_save(flags);
    cant_sleep();
    local_irq_restore(flags);
    preempt_disable();
    cant_sleep();
    preempt_enable();
    migrate_disable();
    cant_migrate();
    migrate_enable();
    void *b = kmap_local_page(p);  // a highmem page: migration disabled until unmapped
    cant_migrate();
    kunmap_local(b);
    g_done = !in_nmi();
  });
  EXPECT_TRUE(Clean(r));
  EXPECT_TRUE(g_done);
}

TEST(AssumeAtomic, CantSleepInAConvertedKmapLocalSection) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    void *a = kmap_local_page(p);
    cant_sleep();
    kunmap_local(a);
  });
  EXPECT_TRUE(Reported(r, BugClass::LostAtomicity, {"cant_sleep() at", "test_sleep.cc:", "inside a kmap_local section", "assumes atomic context"}));
}

TEST(AssumeAtomic, CantMigrateIsNotCantSleep) {
  RunResult r = run("strict", +[] {
    migrate_disable();
    cant_sleep();  // migration off, preemption on: not atomic
    migrate_enable();
  });
  EXPECT_TRUE(Reported(r, BugClass::LostAtomicity, {"cant_sleep() at", "preemptible context: the code assumes atomic context"}));
  RunResult plain = run("strict", +[] { cant_migrate(); });
  EXPECT_TRUE(Reported(plain, BugClass::LostAtomicity, {"cant_migrate() at", "cannot move to another CPU"}));
}
