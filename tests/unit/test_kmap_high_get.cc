// ARM's kmap_high_get() (ARCH_NEEDS_KMAP_HIGH_GET, on in arm-vivt): a
// kmap_local_page()/kmap_atomic() of a highmem page that already has a
// PKMAP address returns that address with one more pkmap_count reference
// instead of taking a fixmap slot, and the unmap drops the reference
// (kmap_high_unmap_local()). Each test runs the same body on arm-vivt and
// on arm-vivt with the option off, and checks what differs.
#include "unit.h"

using namespace kt;

namespace {

Machine &arm(bool high_get) {
  static std::map<bool, std::unique_ptr<Machine>> machines;
  std::unique_ptr<Machine> &m = machines[high_get];
  if (!m) {
    kmapsim::Profile p = *kmapsim::find_profile("arm-vivt");
    if (!high_get) {
      p.name += "-no-high-get";
      p.kmap_high_get = false;
    }
    m = std::make_unique<Machine>(p);
  }
  return *m;
}

RunResult run_arm(bool high_get, void (*body)()) {
  ScriptSource src;
  return arm(high_get).run(body, src);
}

void *g_k, *g_l;
size_t g_depth;
int g_count_in, g_count_after;

int slot_count(const void *pkmap_addr) {
  Machine &m = kmapsim::M();
  for (unsigned s = 0; s < m.prof_.last_pkmap; s++)
    if (m.window_addr(m.pkmap_window(s)) == pkmap_addr) return m.pkmap_count_[s];
  return -1;
}

}  // namespace

TEST(KmapHighGet, ArmVivtHasItOn) {
  EXPECT_TRUE(kmapsim::find_profile("arm-vivt")->kmap_high_get);
  for (const char *p : {"strict", "x86-32", "x86-32-forcemap", "x86-64", "x86-64-forcemap"})
    EXPECT_FALSE(kmapsim::find_profile(p)->kmap_high_get) << p;
}

// kmap_atomic() of a kmap()ed page: the PKMAP address, no fixmap slot, one
// more reference until kunmap_atomic().
TEST(KmapHighGet, KmapAtomicReusesThePkmapAddress) {
  for (bool on : {true, false}) {
    RunResult r = run_arm(on, +[] {
      struct page *p = HIGH_PAGE();
      g_k = kmap(p);
      g_l = kmap_atomic(p);
      g_depth = kmapsim::M().cur().kmap_ctrl.size();
      g_count_in = slot_count(g_k);
      kunmap_atomic(g_l);
      g_count_after = slot_count(g_k);
      kunmap(p);
      __free_page(p);
    });
    ASSERT_TRUE(Clean(r)) << on;
    EXPECT_EQ(g_k == g_l, on);
    EXPECT_EQ(g_depth, on ? 0u : 1u);
    EXPECT_EQ(g_count_in, on ? 3 : 2);
    EXPECT_EQ(g_count_after, 2);
  }
}

// The reference pins the slot: after kunmap() the local address still
// works, until kunmap_local(); then it is a use after unmap.
TEST(KmapHighGet, PinsTheSlotUntilTheLocalUnmap) {
  auto body = +[] {
    struct page *p = HIGH_PAGE();
    char *k = (char *)kmap(p);
    char *l = (char *)kmap_local_page(p);
    kunmap(p);
    l[1] = 1;  // pinned by kmap_high_get()'s reference (or a fixmap slot)
    g_count_in = l == k ? slot_count(k) : -1;
    kunmap_local(l);
    k[2] = 2;  // the kmap() address has no holder any more
    __free_page(p);
  };
  RunResult on = run_arm(true, body);
  EXPECT_EQ(g_count_in, 2);
  EXPECT_TRUE(Reported(on, BugClass::KmapUseAfterUnmap));
  // Without the option the local mapping is a fixmap slot of its own, and
  // the kmap() address is just as dead after kunmap().
  EXPECT_TRUE(Reported(run_arm(false, body), BugClass::KmapUseAfterUnmap));
}

// A slot nobody holds but not flushed yet (pkmap_count 1) still is the
// page's address: kmap_high_get() revives it.
TEST(KmapHighGet, RevivesAnUnflushedSlot) {
  for (bool on : {true, false}) {
    RunResult r = run_arm(on, +[] {
      struct page *p = HIGH_PAGE();
      g_k = kmap(p);
      kunmap(p);
      char *l = (char *)kmap_local_page(p);
      l[0] = 1;
      g_l = l;
      g_count_in = slot_count(g_k);
      kunmap_local(l);
      g_count_after = slot_count(g_k);
      __free_page(p);
    });
    ASSERT_TRUE(Clean(r)) << on;
    EXPECT_EQ(g_k == g_l, on);
    EXPECT_EQ(g_count_in, on ? 2 : 1);
    EXPECT_EQ(g_count_after, 1);
  }
}

// A page without a PKMAP address takes a fixmap slot either way.
TEST(KmapHighGet, NoPkmapAddressMeansAFixmapSlot) {
  RunResult r = run_arm(true, +[] {
    struct page *p = HIGH_PAGE();
    void *l = kmap_local_page(p);
    g_depth = kmapsim::M().cur().kmap_ctrl.size();
    g_count_in = slot_count(l);
    kunmap_local(l);
    __free_page(p);
  });
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_depth, 1u);
  EXPECT_EQ(g_count_in, -1);
}

// A kmap_high_get() mapping is not on the kmap_ctrl stack, so releasing it
// before a later fixmap mapping is not out of order there.
TEST(KmapHighGet, NotOnTheLocalStack) {
  auto body = +[] {
    struct page *p1 = HIGH_PAGE();
    struct page *p2 = HIGH_PAGE();
    void *k = kmap(p1);
    void *a = kmap_local_page(p1);
    void *b = kmap_local_page(p2);
    kunmap_local(a);
    kunmap_local(b);
    kunmap(p1);
    (void)k;
    __free_page(p2);
    __free_page(p1);
  };
  EXPECT_TRUE(Clean(run_arm(true, body)));
  EXPECT_TRUE(Reported(run_arm(false, body), BugClass::KunmapOrder));
}

// kunmap_local() of a kmap() address that this context did not get through
// kmap_local/kmap_atomic stays a kunmap-bad-address: on ARM it would drop
// kmap()'s own reference.
TEST(KmapHighGet, KunmapLocalOfAKmapAddressIsStillReported) {
  auto body = +[] {
    struct page *p = HIGH_PAGE();
    void *k = kmap(p);
    kunmap_local(k);
    kunmap(p);
    __free_page(p);
  };
  EXPECT_TRUE(Reported(run_arm(true, body), BugClass::KunmapBadAddress, {"kmap() address"}));
}

// A second kunmap_local() of a kmap_high_get() mapping is a double unmap.
TEST(KmapHighGet, DoubleUnmapIsNamed) {
  auto body = +[] {
    struct page *p = HIGH_PAGE();
    kmap(p);
    void *l = kmap_local_page(p);
    kunmap_local(l);
    kunmap_local(l);
    kunmap(p);
    __free_page(p);
  };
  EXPECT_TRUE(Reported(run_arm(true, body), BugClass::KunmapBadAddress, {"double unmap"}));
  EXPECT_TRUE(Reported(run_arm(false, body), BugClass::KunmapBadAddress, {"double unmap"}));
}

// An interrupt handler's kmap_local_page() of a page the task holds with
// kmap() gets the PKMAP address on ARM: not a kmap_ctrl slot but a
// pkmap_count reference. A handler that returns without kunmap_local()
// leaks that reference (the slot can never be flushed again); the
// balanced handler is clean. Without the option the same leak is a fixmap
// slot left on the stack.
namespace {
struct page *g_irq_page;
int g_irq_fired;
bool g_irq_unmaps;

irqreturn_t map_in_handler(int, void *) {
  if (g_irq_fired++) return IRQ_HANDLED;
  char *l = (char *)kmap_local_page(g_irq_page);
  l[3] = 3;
  if (g_irq_unmaps) kunmap_local(l);
  return IRQ_HANDLED;
}

RunResult run_irq(bool high_get, bool unmaps) {
  g_irq_unmaps = unmaps;
  ScriptSource src;
  src.set_default(Site::Irq, 1);
  return arm(high_get).run(+[] {
    g_irq_fired = 0;
    g_irq_page = HIGH_PAGE();
    kmap(g_irq_page);
    request_irq(9, map_in_handler, 0, "high-get-irq", nullptr);  // fires here
    free_irq(9, nullptr);
    kunmap(g_irq_page);
    __free_page(g_irq_page);
  }, src);
}
}  // namespace

TEST(KmapHighGet, IrqHandlerLeavingAHighGetMappingIsALeak) {
  RunResult leak = run_irq(true, false);
  EXPECT_TRUE(Reported(leak, BugClass::KmapLeak, {"interrupt handler high-get-irq returned", "PKMAP address", "kmap_high_get()"}));
  EXPECT_EQ(g_irq_fired, 1);
  EXPECT_TRUE(Clean(run_irq(true, true)));
  EXPECT_EQ(g_irq_fired, 1);
  // Without kmap_high_get() the handler took a fixmap slot instead.
  EXPECT_TRUE(Reported(run_irq(false, false), BugClass::KmapLeak, {"interrupt handler high-get-irq returned holding kmap_local_page()"}));
  EXPECT_TRUE(Clean(run_irq(false, true)));
}

// The same for a task that returns holding such a mapping: named at its
// return, not later as a kmap() nobody released.
TEST(KmapHighGet, TaskReturningWithAHighGetMappingIsALeak) {
  auto leak = +[] {
    struct page *p = HIGH_PAGE();
    kmap(p);
    kmap_local_page(p);
    kunmap(p);
  };
  EXPECT_TRUE(Reported(run_arm(true, leak), BugClass::KmapLeak, {"main returned holding a local mapping", "PKMAP address"}));
  EXPECT_TRUE(Reported(run_arm(false, leak), BugClass::KmapLeak, {"main returned holding 1 local mapping"}));
  auto balanced = +[] {
    struct page *p = HIGH_PAGE();
    kmap(p);
    kunmap_local(kmap_local_page(p));
    kunmap(p);
    __free_page(p);
  };
  EXPECT_TRUE(Clean(run_arm(true, balanced)));
}
