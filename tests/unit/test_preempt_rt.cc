// PREEMPT_RT's kmap_atomic() (include/linux/highmem-internal.h): it
// disables migration instead of preemption, and page faults as everywhere.
// So sleeping inside it is not sleep-in-atomic there, while a fault still
// comes back short. Profile::preempt_rt is an option on top of a base
// profile; these tests build x86-32 and x86-64 with and without it.
#include "unit.h"

using namespace kt;

namespace {

Machine &rt_machine(const char *base, bool rt) {
  static std::map<std::string, std::unique_ptr<Machine>> machines;
  std::string key = std::string(base) + (rt ? "-rt" : "");
  std::unique_ptr<Machine> &m = machines[key];
  if (!m) {
    kmapsim::Profile p = *kmapsim::find_profile(base);
    p.name = key;
    p.preempt_rt = rt;
    m = std::make_unique<Machine>(p);
  }
  return *m;
}

RunResult run_rt(const char *base, bool rt, void (*body)()) {
  ScriptSource src;
  return rt_machine(base, rt).run(body, src);
}

struct Counts {
  int preempt, migrate, pagefault;
};
Counts g_in, g_after;

void record(Counts &c) {
  c.preempt = preempt_count();
  c.migrate = M().cur().migrate_disabled;
  c.pagefault = pagefault_disabled();
}

TEST(PreemptRt, KmapAtomicDisablesMigrationNotPreemption) {
  for (const char *base : {"x86-32", "x86-64"}) {
    for (bool rt : {false, true}) {
      RunResult r = run_rt(base, rt, +[] {
        struct page *p = LOW_PAGE();
        void *k = kmap_atomic(p);
        record(g_in);
        kunmap_atomic(k);
        record(g_after);
        __free_page(p);
      });
      ASSERT_TRUE(Clean(r)) << base << rt;
      EXPECT_EQ(g_in.preempt, rt ? 0 : 1) << base << rt;
      EXPECT_EQ(g_in.migrate, rt ? 1 : 0) << base << rt;
      EXPECT_EQ(g_in.pagefault, 1) << base << rt;
      EXPECT_EQ(g_after.preempt + g_after.migrate + g_after.pagefault, 0) << base << rt;
    }
  }
}

TEST(PreemptRt, SleepingInsideKmapAtomicIsNotSleepInAtomicOnRt) {
  static DEFINE_MUTEX(lock);
  auto body = +[] {
    struct page *p = HIGH_PAGE();
    void *k = kmap_atomic(p);
    mutex_lock(&lock);
    mutex_unlock(&lock);
    kunmap_atomic(k);
    __free_page(p);
  };
  EXPECT_TRUE(Reported(run_rt("x86-32", false, body), BugClass::SleepInAtomic, {"inside kmap_atomic()"}));
  EXPECT_TRUE(Clean(run_rt("x86-32", true, body)));
}

TEST(PreemptRt, FaultsStayDisabledOnRt) {
  auto body = +[] {
    struct page *p = HIGH_PAGE();
    void __user *u = kmapsim_user_buffer(64);
    void *k = kmap_atomic(p);
    copy_to_user(u, k, 64);
    kunmap_atomic(k);
    __free_page(p);
  };
  for (bool rt : {false, true}) {
    ScriptSource src;
    src.set_default(Site::UserFault, 1);
    RunResult r = rt_machine("x86-32", rt).run(body, src);
    EXPECT_TRUE(Reported(r, BugClass::FaultInAtomic, {"inside kmap_atomic()"})) << rt;
  }
}

}  // namespace
