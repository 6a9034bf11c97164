// task_struct.kmap_ctrl slot by slot, as mm/highmem.c places it: with
// DEBUG_KMAP_LOCAL every mapping takes an odd fixmap slot and the even slots
// stay empty guards; __kmap_local_sched_out()/_in() skip the guards and
// unmap/restore the rest. The kernel got this walk wrong twice:
// 487cfade12fa (guards keyed on DEBUG_HIGHMEM, so a FORCE_MAP kernel
// without DEBUG_HIGHMEM warned on every guard at every context switch) and
// 66f133ceab74 (guards tested with pte_none(), which is not "== 0" on
// xtensa). The walk tests below fail on either old behaviour.
#include "unit.h"

#include "kmap_ctrl.h"

using namespace kt;
using kmapsim::KmapCtrl;
using kmapsim::KmapSchedWalk;
using kmapsim::Profile;

namespace {

const Profile &P(const char *name) {
  const Profile *p = kmapsim::find_profile(name);
  EXPECT_NE(p, nullptr) << name;
  return *p;
}

KmapCtrl push_n(const Profile &p, int n) {
  KmapCtrl c;
  for (int i = 0; i < n; i++) EXPECT_GE(kmapsim::kmap_ctrl_push(p, c, 100 + i), 0);
  return c;
}

TEST(KmapCtrl, DebugKmapLocalPutsMappingsOnOddSlotsWithEmptyGuardsBetween) {
  const Profile &p = P("strict");
  KmapCtrl c = push_n(p, 3);
  EXPECT_EQ(c.idx, 6);
  for (int slot : {1, 3, 5}) EXPECT_NE(c.pteval[slot], 0u) << slot;
  for (int slot : {0, 2, 4}) EXPECT_EQ(c.pteval[slot], 0u) << slot;
  EXPECT_EQ(kmapsim::kmap_ctrl_slot(p, 0), 1);
  EXPECT_EQ(kmapsim::kmap_ctrl_slot(p, 15), 31);
}

TEST(KmapCtrl, WithoutDebugKmapLocalSlotsAreDense) {
  const Profile &p = P("x86-32");
  KmapCtrl c = push_n(p, 3);
  EXPECT_EQ(c.idx, 3);
  for (int slot : {0, 1, 2}) EXPECT_NE(c.pteval[slot], 0u) << slot;
  EXPECT_EQ(kmapsim::kmap_ctrl_slot(p, 0), 0);
}

TEST(KmapCtrl, PushStopsWhereTheKernelsBugOnFires) {
  for (const char *name : {"strict", "x86-32"}) {
    const Profile &p = P(name);
    KmapCtrl c = push_n(p, p.max_local_maps());
    int idx = c.idx;
    EXPECT_EQ(kmapsim::kmap_ctrl_push(p, c, 7), -1) << name;  // BUG_ON(idx >= KM_MAX_IDX)
    EXPECT_EQ(c.idx, idx) << name;
  }
}

TEST(KmapCtrl, PopClearsTheTopSlotOnly) {
  const Profile &p = P("x86-32-forcemap");
  KmapCtrl c = push_n(p, 2);
  kmapsim::kmap_ctrl_pop(p, c);
  EXPECT_EQ(c.idx, 2);
  EXPECT_NE(c.pteval[1], 0u);
  EXPECT_EQ(c.pteval[3], 0u);
}

// 487cfade12fa: x86-32-forcemap has DEBUG_KMAP_LOCAL (FORCE_MAP selects it)
// but not DEBUG_HIGHMEM. Keyed on DEBUG_HIGHMEM, the walk would treat slots
// 0, 2, 4 as mappings and warn that they hold no PTE.
TEST(KmapCtrl, SchedWalkSkipsGuardsUnderDebugKmapLocalWithoutDebugHighmem) {
  const Profile &p = P("x86-32-forcemap");
  ASSERT_TRUE(p.debug_kmap_local);
  ASSERT_FALSE(p.debug_highmem);
  KmapSchedWalk w = kmapsim::kmap_local_sched_walk(p, push_n(p, 3));
  EXPECT_EQ(w.warn, "");
  EXPECT_EQ(w.mapped, (std::vector<int>{1, 3, 5}));
  EXPECT_EQ(w.guards, (std::vector<int>{0, 2, 4}));
}

TEST(KmapCtrl, SchedWalkWithoutDebugKmapLocalHasNoGuards) {
  const Profile &p = P("x86-32");
  KmapSchedWalk w = kmapsim::kmap_local_sched_walk(p, push_n(p, 3));
  EXPECT_EQ(w.warn, "");
  EXPECT_EQ(w.mapped, (std::vector<int>{0, 1, 2}));
  EXPECT_TRUE(w.guards.empty());
}

// 66f133ceab74: the guards hold 0 (the zeroed task_struct, and what
// kunmap_local_indexed() stores), which on xtensa is not pte_none(). A walk
// that tested the guards with !pte_none() would warn here.
TEST(KmapCtrl, SchedWalkTestsGuardsByValueNotByPteNone) {
  Profile xt = P("x86-32-forcemap");
  xt.pte_none_value = 0xc;  // an empty PTE that is not 0, as on xtensa
  ASSERT_FALSE(kmapsim::kmap_pte_none(xt, 0));
  KmapCtrl c = push_n(xt, 2);
  kmapsim::kmap_ctrl_pop(xt, c);
  c = push_n(xt, 2);
  KmapSchedWalk w = kmapsim::kmap_local_sched_walk(xt, c);
  EXPECT_EQ(w.warn, "");
  EXPECT_EQ(w.mapped, (std::vector<int>{1, 3}));
}

TEST(KmapCtrl, SchedWalkWarnsOnAGuardHoldingAPteAndOnAMissingPte) {
  const Profile &p = P("strict");
  KmapCtrl c = push_n(p, 2);
  c.pteval[2] = c.pteval[1];  // a mapping written into a guard slot
  EXPECT_NE(kmapsim::kmap_local_sched_walk(p, c).warn.find("guard slot 2"), std::string::npos);
  c = push_n(p, 2);
  c.pteval[3] = 0;  // a mapping whose PTE was lost
  EXPECT_NE(kmapsim::kmap_local_sched_walk(p, c).warn.find("slot 3"), std::string::npos);
}

// On the running model: a task holding nested local maps (an interrupt
// adds one more on its stack) is switched out and back in; the kernel's
// view of its stack walks clean at every step and the mappings still read
// their pages afterwards.
TEST(KmapCtrl, LiveStacksWalkCleanAcrossContextSwitches) {
  static std::string why;
  static char seen[2];
  for (const char *prof : {"strict", "x86-32", "x86-32-forcemap", "arm-vivt"}) {
    why.clear();
    PreemptWhereAsked src;
    RunResult r = run(prof, +[] {
      struct page *a = HIGH_PAGE(), *b = LOW_PAGE();
      char *ka = static_cast<char *>(kmap_local_page(a));
      char *kb = static_cast<char *>(kmap_local_page(b));
      ka[0] = 'a';
      kb[0] = 'b';
      kthread_run(
          +[](void *) -> int {
            struct page *c = HIGH_PAGE();
            char *kc = static_cast<char *>(kmap_local_page(c));
            kc[0] = 'c';
            if (why.empty()) why = M().check_invariants();
            kunmap_local(kc);
            __free_page(c);
            return 0;
          },
          nullptr, "other");
      arm_preemption();
      cond_resched();
      if (why.empty()) why = M().check_invariants();
      seen[0] = ka[0];
      seen[1] = kb[0];
      kunmap_local(kb);
      kunmap_local(ka);
      __free_page(b);
      __free_page(a);
    }, src);
    EXPECT_TRUE(Clean(r)) << prof;
    EXPECT_EQ(why, "") << prof;
    EXPECT_EQ(seen[0], 'a') << prof;
    EXPECT_EQ(seen[1], 'b') << prof;
  }
}

}  // namespace
