// Per-CPU data inside a kmap_local section (lost-atomicity). Code converted
// from kmap_atomic() to kmap_local_page() loses the implicit
// preempt_disable(): if it keeps using this_cpu_ptr() buffers, another task
// on the same CPU can use the same instance in between. get_cpu_ptr() (or
// an explicit per_cpu_ptr() with the CPU pinned some other way) is the fix.
//
// Schedule: B is created first and runs only where main calls
// arm_preemption() (PreemptWhereAsked), or when main is done.
#include "unit.h"

using namespace kt;

namespace {

DEFINE_PER_CPU(int, g_scratch);
struct page *g_page;
int g_seen;
char g_log[64];
int g_log_n;

void log_char(char c) {
  if (g_log_n < 63) g_log[g_log_n++] = c;
  g_log[g_log_n] = 0;
}

void start_b() {
  g_log_n = 0;
  g_log[0] = 0;
  memset(g_scratch, 0, sizeof g_scratch);
  g_page = HIGH_PAGE();
  kthread_run(
      +[](void *) -> int {
        int *s = this_cpu_ptr(&g_scratch);
        *s = 2;
        log_char('B');
        return 0;
      },
      nullptr, "B");
}

TEST(Percpu, ThisCpuPtrAcrossPreemptionInKmapLocalSection) {
  PreemptWhereAsked src;
  RunResult r = run("strict", +[] {
    start_b();
    char *k = static_cast<char *>(kmap_local_page(g_page));
    int *s = this_cpu_ptr(&g_scratch);
    *s = 1;
    log_char('m');
    arm_preemption();
    cond_resched();  // preempted: B uses the same CPU's instance
    log_char('m');
    g_seen = *s;
    k[0] = static_cast<char>(*s);
    kunmap_local(k);  // the section ends: the use was not atomic
    __free_page(g_page);
  }, src);
  EXPECT_TRUE(Reported(r, BugClass::LostAtomicity, {"main used cpu 0's instance", "preemptible kmap_local section", "B used the same instance",
                                                      "kmap_atomic() disabling preemption"}));
  EXPECT_STREQ(g_log, "mBm");
  EXPECT_EQ(g_seen, 2);  // main saw B's value: the lost update
}

TEST(Percpu, SecondUseInTheSectionReportsAtOnce) {
  PreemptWhereAsked src;
  RunResult r = run("x86-32", +[] {
    start_b();
    char *k = static_cast<char *>(kmap_local_page(g_page));
    (*this_cpu_ptr(&g_scratch))++;
    arm_preemption();
    cond_resched();
    (*this_cpu_ptr(&g_scratch))++;
    log_char('!');  // not reached
    kunmap_local(k);
  }, src);
  EXPECT_TRUE(Reported(r, BugClass::LostAtomicity, {"main used cpu 0's instance", "B used the same instance"}));
  EXPECT_STREQ(g_log, "B");
}

TEST(Percpu, GetCpuPtrInsideTheSectionIsClean) {
  PreemptWhereAsked src;
  RunResult r = run("strict", +[] {
    start_b();
    char *k = static_cast<char *>(kmap_local_page(g_page));
    int *s = get_cpu_ptr(&g_scratch);
    *s = 1;
    log_char('m');
    k[0] = static_cast<char>(*s);
    arm_preemption();
    put_cpu_ptr(s);  // preempt_enable(): B runs here, after the per-CPU use
    log_char('m');
    kunmap_local(k);
    __free_page(g_page);
  }, src);
  EXPECT_TRUE(Clean(r));
  EXPECT_STREQ(g_log, "mBm");
}

TEST(Percpu, NoOtherTaskInBetweenIsClean) {
  RunResult r = run("strict", +[] {  // default schedule: B runs after main
    start_b();
    char *k = static_cast<char *>(kmap_local_page(g_page));
    (*this_cpu_ptr(&g_scratch))++;
    cond_resched();
    (*this_cpu_ptr(&g_scratch))++;
    kunmap_local(k);
    __free_page(g_page);
  });
  EXPECT_TRUE(Clean(r));
  EXPECT_STREQ(g_log, "B");
}

TEST(Percpu, UseOutsideAKmapLocalSectionIsNotTracked) {
  PreemptWhereAsked src;
  RunResult r = run("strict", +[] {
    start_b();
    (*this_cpu_ptr(&g_scratch))++;
    arm_preemption();
    cond_resched();
    (*this_cpu_ptr(&g_scratch))++;
    char *k = static_cast<char *>(kmap_local_page(g_page));
    kunmap_local(k);
    __free_page(g_page);
  }, src);
  EXPECT_TRUE(Clean(r));
  EXPECT_STREQ(g_log, "B");
}

TEST(Percpu, ExplicitPerCpuPtrIsNotTracked) {
  PreemptWhereAsked src;
  RunResult r = run("strict", +[] {
    start_b();
    char *k = static_cast<char *>(kmap_local_page(g_page));
    (*per_cpu_ptr(&g_scratch, 0))++;
    arm_preemption();
    cond_resched();
    (*per_cpu_ptr(&g_scratch, 0))++;
    kunmap_local(k);
    __free_page(g_page);
  }, src);
  EXPECT_TRUE(Clean(r));
  EXPECT_STREQ(g_log, "B");
}

TEST(Percpu, KmapAtomicSectionCannotBePreempted) {
  ScriptSource src;
  src.set_default(Site::NextTask, 1);
  RunResult r = run("strict", +[] {
    start_b();  // B runs at kthread_run already; then main alone
    void *k = kmap_atomic(g_page);
    (*this_cpu_ptr(&g_scratch))++;
    kfree(kmalloc(8, GFP_ATOMIC | __GFP_NOFAIL));
    (*this_cpu_ptr(&g_scratch))++;
    kunmap_atomic(k);
    __free_page(g_page);
  }, src);
  EXPECT_TRUE(Clean(r));
}

TEST(Percpu, PerCpuPtrOfAnOfflineCpu) {
  RunResult r = run("strict", +[] { (*per_cpu_ptr(&g_scratch, 5))++; });
  EXPECT_TRUE(Reported(r, BugClass::SubjectBug, {"cpu 5 is not online"}));
}

}  // namespace
