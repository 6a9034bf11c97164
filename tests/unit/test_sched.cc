// The scheduler and __kmap_local_sched_out/in: every local mapping keeps
// its address and contents across preemption and interrupts, while another
// context cannot touch it; no preemption while preempt_count > 0 (or IRQs
// are off); migrate_disable pins the CPU; deadlocks and livelocks end the
// run with a report.
//
// Most tests force switches with ScriptSource's NextTask default 1: at every
// scheduling point with two candidates the other task runs.
#include "unit.h"

using namespace kt;

namespace {

// ---- a log of who ran, shared by the tests below

char g_log[256];
int g_log_n;
void log_char(char c) {
  if (g_log_n < 255) g_log[g_log_n++] = c;
  g_log[g_log_n] = 0;
}
int switches() {
  int n = 0;
  for (int i = 1; i < g_log_n; i++) n += g_log[i] != g_log[i - 1];
  return n;
}

// ---- local maps survive preemption

struct page *g_tp[2][2];
int g_bad;
int g_max_live;
DECLARE_COMPLETION(g_b_done);

int live_local_maps() {
  Machine &m = kt::M();
  int n = 0;
  for (size_t i = 0; i < m.ntasks(); i++) n += static_cast<int>(m.task(static_cast<int>(i)).kmap_ctrl.size());
  return n;
}

void hold_two(int who) {
  char *k0 = static_cast<char *>(kmap_local_page(g_tp[who][0]));
  char *k1 = static_cast<char *>(kmap_local_page(g_tp[who][1]));
  for (int round = 0; round < 6; round++) {
    char v = static_cast<char>(0x10 * (who + 1) + 2 * round);
    k0[0] = v;
    k0[PAGE_SIZE - 1] = v;
    k1[0] = static_cast<char>(v + 1);
    k1[PAGE_SIZE - 1] = static_cast<char>(v + 1);
    log_char(who ? 'B' : 'A');
    cond_resched();  // the other task runs here
    if (live_local_maps() > g_max_live) g_max_live = live_local_maps();
    if (k0[0] != v || k0[PAGE_SIZE - 1] != v || k1[0] != v + 1 || k1[PAGE_SIZE - 1] != v + 1) g_bad++;
    if (kmap_to_page(k0) != g_tp[who][0] || kmap_to_page(k1) != g_tp[who][1]) g_bad++;
  }
  kunmap_local(k1);
  kunmap_local(k0);
}

void two_tasks_two_maps() {
  g_bad = 0;
  g_max_live = 0;
  g_log_n = 0;
  init_completion(&g_b_done);
  for (auto &pair : g_tp)
    for (struct page *&p : pair) p = HIGH_PAGE();
  kthread_run(
      +[](void *) -> int {
        hold_two(1);
        complete(&g_b_done);
        return 0;
      },
      nullptr, "B");
  hold_two(0);
  wait_for_completion(&g_b_done);
  for (auto &pair : g_tp)
    for (struct page *p : pair) __free_page(p);
}

TEST(Sched, LocalMapsSurvivePreemption) {
  for (const char *prof : {"strict", "x86-32", "arm-vivt"}) {
    ScriptSource src;
    src.set_default(Site::NextTask, 1);
    RunResult r = run(prof, two_tasks_two_maps, src);
    ASSERT_TRUE(Clean(r)) << prof;
    EXPECT_EQ(g_bad, 0) << prof;
    EXPECT_EQ(g_max_live, 4) << prof << ": both tasks should hold their two maps at once";
    EXPECT_GE(switches(), 10) << prof << ": log " << g_log;
  }
}

// The test above can fail: a model whose sched_in restores the wrong
// windows is caught by it.
TEST(Sched, BrokenSchedInIsCaught) {
  Machine &m = machine("strict");
  m.set_broken_sched_in(true);
  ScriptSource src;
  src.set_default(Site::NextTask, 1);
  RunResult r = m.run(two_tasks_two_maps, src);
  m.set_broken_sched_in(false);
  EXPECT_TRUE(r.reported) << "a broken __kmap_local_sched_in went unnoticed";
  ScriptSource again;
  again.set_default(Site::NextTask, 1);
  EXPECT_TRUE(Clean(m.run(two_tasks_two_maps, again)));
}

// ---- a preempted task's local address faults for another task

struct page *g_page;
void *volatile g_addr;
volatile bool g_page_ready;

TEST(Sched, PreemptedTasksAddressIsAnEscapeForAnotherTask) {
  ScriptSource src;
  src.set_default(Site::NextTask, 1);
  RunResult r = run("strict", +[] {
    g_addr = nullptr;
    g_page = HIGH_PAGE();
    kthread_run(
        +[](void *) -> int {
          while (!g_addr) cond_resched();
          (void)static_cast<volatile char *>(g_addr)[0];
          return 0;
        },
        nullptr, "B");
    char *k = static_cast<char *>(kmap_local_page(g_page));
    g_addr = k;
    cond_resched();  // preempted here: B runs while main holds k
    g_addr = nullptr;
    kunmap_local(k);
    __free_page(g_page);
  }, src);
  EXPECT_TRUE(Reported(r, BugClass::KmapEscape, {"read", "kmap_local_page()", "belongs to main (cpu 0)", "used by B (cpu 0)"}));
  EXPECT_TRUE(TextHas(r, "preempt"));
}

TEST(Sched, EachTaskMappingThePageItselfIsClean) {
  ScriptSource src;
  src.set_default(Site::NextTask, 1);
  RunResult r = run("strict", +[] {
    g_page_ready = false;
    init_completion(&g_b_done);
    g_page = HIGH_PAGE();
    kthread_run(
        +[](void *) -> int {
          while (!g_page_ready) cond_resched();
          volatile char *k = static_cast<char *>(kmap_local_page(g_page));
          (void)k[0];
          kunmap_local(const_cast<char *>(k));
          complete(&g_b_done);
          return 0;
        },
        nullptr, "B");
    char *k = static_cast<char *>(kmap_local_page(g_page));
    k[0] = 1;
    g_page_ready = true;
    cond_resched();
    kunmap_local(k);
    wait_for_completion(&g_b_done);
    __free_page(g_page);
  }, src);
  EXPECT_TRUE(Clean(r));
}

// ---- local maps survive interrupts

struct page *g_irq_page;
int g_fired;
void *g_irq_addr;

TEST(Sched, LocalMapsSurviveInterrupts) {
  ScriptSource src;
  src.set_default(Site::Irq, 1);
  RunResult r = run("strict", +[] {
    g_bad = 0;
    g_fired = 0;
    g_irq_page = HIGH_PAGE();
    g_tp[0][0] = HIGH_PAGE();
    g_tp[0][1] = HIGH_PAGE();
    char *k0 = static_cast<char *>(kmap_local_page(g_tp[0][0]));
    char *k1 = static_cast<char *>(kmap_local_page(g_tp[0][1]));
    request_irq(
        5, +[](int, void *) -> irqreturn_t {
          char *a = static_cast<char *>(kmap_local_page(g_irq_page));
          char *b = static_cast<char *>(kmap_local_page(g_irq_page));
          memset(a, 0xee, PAGE_SIZE);
          b[1] = 0x11;
          g_irq_addr = a;
          kunmap_local(b);
          kunmap_local(a);
          g_fired++;
          return IRQ_HANDLED;
        },
        0, "nic", nullptr);
    for (int round = 0; round < 5; round++) {
      char v = static_cast<char>(0x30 + round);
      memset(k0, v, PAGE_SIZE);
      memset(k1, v + 1, PAGE_SIZE);
      cond_resched();  // the interrupt fires here
      for (size_t i = 0; i < PAGE_SIZE; i += 512)
        if (k0[i] != v || k1[i] != v + 1) g_bad++;
      if (g_irq_addr == k0 || g_irq_addr == k1) g_bad++;
    }
    free_irq(5, nullptr);
    kunmap_local(k1);
    kunmap_local(k0);
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_bad, 0);
  EXPECT_GE(g_fired, 5);
}

// ---- no preemption while preempt_count > 0 or IRQs are off

enum Mode { kPreemptDisable, kSpinLock, kKmapAtomic, kIrqSave, kGetCpuPtr, kUnprotected, kModes };
const char *const kModeName[] = {"preempt_disable", "spin_lock", "kmap_atomic", "local_irq_save", "get_cpu_ptr", "unprotected"};
int g_mode;
DEFINE_SPINLOCK(g_lock);
DEFINE_PER_CPU(int, g_pcpu);
int g_cpu_changes;

void protected_section() {
  g_log_n = 0;
  g_cpu_changes = 0;
  spin_lock_init(&g_lock);
  init_completion(&g_b_done);
  struct page *p = HIGH_PAGE();
  kthread_run(
      +[](void *) -> int {
        for (int i = 0; i < 20; i++) {
          log_char('B');
          cond_resched();
        }
        complete(&g_b_done);
        return 0;
      },
      nullptr, "B");
  unsigned long flags = 0;
  void *ka = nullptr;
  int *pc = nullptr;
  switch (g_mode) {
    case kPreemptDisable: preempt_disable(); break;
    case kSpinLock: spin_lock(&g_lock); break;
    case kKmapAtomic: ka = kmap_atomic(p); break;
    case kIrqSave: local_irq_save(flags); break;
    case kGetCpuPtr: pc = get_cpu_ptr(&g_pcpu); break;
    default: break;
  }
  int cpu = smp_processor_id();
  for (int i = 0; i < 6; i++) {
    log_char('m');
    // Scheduling points that are legal in atomic context.
    void *buf = kmalloc(16, GFP_ATOMIC | __GFP_NOFAIL);
    void *k = kmap_atomic(p);
    kunmap_atomic(k);
    kfree(buf);
    g_cpu_changes += smp_processor_id() != cpu;
  }
  switch (g_mode) {
    case kPreemptDisable: preempt_enable(); break;
    case kSpinLock: spin_unlock(&g_lock); break;
    case kKmapAtomic: kunmap_atomic(ka); break;
    case kIrqSave: local_irq_restore(flags); break;
    case kGetCpuPtr: put_cpu_ptr(pc); break;
    default: break;
  }
  wait_for_completion(&g_b_done);
  __free_page(p);
}

bool m_contiguous() {
  const char *first = strchr(g_log, 'm');
  return first && strncmp(first, "mmmmmm", 6) == 0;
}

TEST(Sched, NoPreemptionWhilePreemptCountPositiveOrIrqsOff) {
  for (g_mode = 0; g_mode < kUnprotected; g_mode++) {
    ScriptSource src;
    src.set_default(Site::NextTask, 1);
    RunResult r = run("strict", protected_section, src);
    ASSERT_TRUE(Clean(r)) << kModeName[g_mode];
    EXPECT_TRUE(m_contiguous()) << kModeName[g_mode] << ": log " << g_log;
    EXPECT_EQ(g_cpu_changes, 0) << kModeName[g_mode];
    EXPECT_NE(strchr(g_log, 'B'), nullptr) << kModeName[g_mode];
  }
}

TEST(Sched, UnprotectedSectionIsPreempted) {
  g_mode = kUnprotected;
  ScriptSource src;
  src.set_default(Site::NextTask, 1);
  RunResult r = run("strict", protected_section, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_FALSE(m_contiguous()) << "log " << g_log;
}

// ---- migrate_disable pins the CPU

int g_cpus[3][8];

bool all_same(const int *v) {
  for (int i = 1; i < 8; i++)
    if (v[i] != v[0]) return false;
  return true;
}

TEST(Sched, MigrateDisablePinsTheCpu) {
  ScriptSource src;
  src.set_default(Site::Migrate, 1);  // migrate at every scheduling point that allows it
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    migrate_disable();
    for (int i = 0; i < 8; i++) {
      g_cpus[0][i] = smp_processor_id();
      cond_resched();
    }
    migrate_enable();
    for (int i = 0; i < 8; i++) {
      g_cpus[1][i] = smp_processor_id();
      cond_resched();
    }
    void *k = kmap_local_page(p);  // a real local map disables migration
    for (int i = 0; i < 8; i++) {
      g_cpus[2][i] = smp_processor_id();
      cond_resched();
    }
    kunmap_local(k);
    __free_page(p);
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_TRUE(all_same(g_cpus[0]));
  EXPECT_FALSE(all_same(g_cpus[1])) << "the control: without migrate_disable the task should move";
  EXPECT_TRUE(all_same(g_cpus[2]));
}

TEST(Sched, DirectMappedLocalMapDoesNotPinTheCpu) {
  ScriptSource src;
  src.set_default(Site::Migrate, 1);
  RunResult r = run("x86-32", +[] {
    struct page *p = LOW_PAGE();
    volatile char *k = static_cast<char *>(kmap_local_page(p));
    for (int i = 0; i < 8; i++) {
      g_cpus[0][i] = smp_processor_id();
      k[i] = 1;  // the direct map is valid on every CPU
      cond_resched();
    }
    kunmap_local(const_cast<char *>(k));
    __free_page(p);
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_FALSE(all_same(g_cpus[0]));
}

TEST(Sched, KthreadStartsOnItsCreatorsCpu) {
  static int parent_cpu, child_cpu;
  ScriptSource src;
  src.push(Site::Migrate, 1);  // main moves to cpu 1 at its first scheduling point
  RunResult r = run("strict", +[] {
    init_completion(&g_b_done);
    cond_resched();
    parent_cpu = smp_processor_id();
    kthread_run(
        +[](void *) -> int {
          child_cpu = smp_processor_id();
          complete(&g_b_done);
          return 0;
        },
        nullptr, "child");
    wait_for_completion(&g_b_done);
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(parent_cpu, 1);
  EXPECT_EQ(child_cpu, 1);
}

// ---- every task blocked, livelock

DEFINE_MUTEX(g_a);
DEFINE_MUTEX(g_b);
DECLARE_COMPLETION(g_a_locked);
DECLARE_COMPLETION(g_b_locked);
bool g_same_order;

void ab_ba() {
  mutex_init(&g_a);
  mutex_init(&g_b);
  init_completion(&g_a_locked);
  init_completion(&g_b_locked);
  kthread_run(
      +[](void *) -> int {
        mutex_lock(&g_a);
        complete(&g_a_locked);
        if (!g_same_order) wait_for_completion(&g_b_locked);
        mutex_lock(&g_b);
        mutex_unlock(&g_b);
        mutex_unlock(&g_a);
        return 0;
      },
      nullptr, "t1");
  kthread_run(
      +[](void *) -> int {
        if (g_same_order) {
          mutex_lock(&g_a);
          mutex_lock(&g_b);
          mutex_unlock(&g_b);
          mutex_unlock(&g_a);
          return 0;
        }
        mutex_lock(&g_b);
        complete(&g_b_locked);
        wait_for_completion(&g_a_locked);
        mutex_lock(&g_a);
        mutex_unlock(&g_a);
        mutex_unlock(&g_b);
        return 0;
      },
      nullptr, "t2");
}

TEST(Sched, MutexAbBaDeadlock) {
  g_same_order = false;
  RunResult r = run("strict", ab_ba);
  EXPECT_TRUE(Reported(r, BugClass::PkmapDeadlock, {"every task is blocked", "t1 waits for a mutex", "t2 waits for a mutex"}));
}

TEST(Sched, MutexSameOrderIsClean) {
  g_same_order = true;
  for (int choice = 0; choice < 2; choice++) {
    ScriptSource src;
    src.set_default(Site::NextTask, static_cast<uint64_t>(choice));
    EXPECT_TRUE(Clean(run("strict", ab_ba, src))) << "NextTask default " << choice;
  }
}

TEST(Sched, WaitingForACompletionNobodyCompletes) {
  RunResult r = run("strict", +[] {
    init_completion(&g_b_done);
    wait_for_completion(&g_b_done);
  });
  EXPECT_TRUE(Reported(r, BugClass::PkmapDeadlock, {"every task is blocked", "main waits for a completion"}));
}

TEST(Sched, RecursiveMutex) {
  RunResult r = run("strict", +[] {
    mutex_init(&g_a);
    mutex_lock(&g_a);
    mutex_lock(&g_a);
  });
  EXPECT_TRUE(Reported(r, BugClass::PkmapDeadlock, {"mutex_lock", "recursive locking"}));
}

TEST(Sched, LivelockHitsTheStepBound) {
  Machine &m = machine("strict");
  m.set_step_bound(500);
  ScriptSource src;
  RunResult r = m.run(+[] {
    for (;;) cond_resched();
  }, src);
  m.set_step_bound(200000);
  // Not a PKMAP problem: nobody waits for a slot (soft-lockup, see test_fairness.cc).
  EXPECT_TRUE(Reported(r, BugClass::SoftLockup, {"no progress", "500 scheduling points"}));
  EXPECT_TRUE(r.livelock);
}

}  // namespace
