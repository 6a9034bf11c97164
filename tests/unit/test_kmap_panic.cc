// kmap_local_page_try_from_panic() (8702048bb831): no mapping is ever made.
// A highmem page gives NULL on a HIGHMEM kernel; a lowmem page gives its
// direct-map address, even under FORCE_MAP, where kunmap_local() of that
// address is the kernel's WARN in kunmap_local_indexed() (the address is
// outside the fixmap); on 64-bit every page has an address.
#include "unit.h"

using namespace kt;

namespace {

TEST(KmapPanic, HighmemPageGivesNullWithoutMapping) {
  static void *a;
  static int depth;
  for (const char *prof : {"strict", "x86-32", "arm-vivt"}) {
    RunResult r = run(prof, +[] {
      struct page *p = HIGH_PAGE();
      a = kmap_local_page_try_from_panic(p);
      depth = static_cast<int>(M().cur().kmap_ctrl.size());
      __free_page(p);
    });
    EXPECT_TRUE(Clean(r)) << prof;
    EXPECT_EQ(a, nullptr) << prof;
    EXPECT_EQ(depth, 0) << prof;
  }
}

TEST(KmapPanic, LowmemPageGivesItsDirectMapAddressEvenUnderForceMap) {
  static bool same;
  for (const char *prof : {"strict", "x86-32", "x86-32-forcemap", "x86-64", "x86-64-forcemap"}) {
    RunResult r = run(prof, +[] {
      struct page *p = LOW_PAGE();
      char *a = static_cast<char *>(kmap_local_page_try_from_panic(p));
      same = a == page_address(p) && !is_kmap_addr(a);
      a[PAGE_SIZE - 1] = 1;
      __free_page(p);
    });
    EXPECT_TRUE(Clean(r)) << prof;
    EXPECT_TRUE(same) << prof;
  }
}

TEST(KmapPanic, On64BitAHighmemAllocationHasAnAddress) {
  static void *a;
  RunResult r = run("x86-64", +[] {
    struct page *p = HIGH_PAGE();
    a = kmap_local_page_try_from_panic(p);
    __free_page(p);
  });
  EXPECT_TRUE(Clean(r));
  EXPECT_NE(a, nullptr);
}

TEST(KmapPanic, KunmapLocalOfTheResultWarnsUnderForceMapOnly) {
  auto body = +[] {
    struct page *p = LOW_PAGE();
    void *a = kmap_local_page_try_from_panic(p);
    kunmap_local(a);
    __free_page(p);
  };
  EXPECT_TRUE(Reported(run("x86-32-forcemap", body), BugClass::KunmapBadAddress, {"a direct-map address under FORCE_MAP"}));
  EXPECT_TRUE(Clean(run("x86-32", body)));
  EXPECT_TRUE(Clean(run("x86-64-forcemap", body)));
}

}  // namespace
