// The rules on the kmap_ctrl stack of kmap_local/kmap_atomic mappings:
// release in reverse order (kunmap-order), release only a live mapping of
// this context with the matching variant (kunmap-bad-address), release
// before the holder ends (kmap-leak), and no deeper than the fixmap slots
// allow (kmap-slot-overflow).
//
//   kmap_ctrl (strict: DEBUG_KMAP_LOCAL, KM_INCR 2)   x86-32: KM_INCR 1
//   depth 0  -> fixmap idx 1                          depth 0 -> idx 0
//   ...                                               ...
//   depth 15 -> fixmap idx 31  (16 maps)              depth 14 -> idx 14 (15 maps)
//   depth 16 -> idx 33 = KM_MAX_IDX: BUG_ON           depth 15 -> idx 15: BUG_ON
#include "unit.h"

using namespace kt;

namespace {

struct page *g_pages[20];
void *g_addr[20];
bool g_done;

// ---- kunmap-order

TEST(KmapLocalStack, UnmapInCreationOrderIsReported) {
  RunResult r = run("strict", +[] {
    struct page *a = HIGH_PAGE(), *b = HIGH_PAGE();
    void *ka = kmap_local_page(a);
    void *kb = kmap_local_page(b);
    kunmap_local(ka);
    kunmap_local(kb);
  });
  EXPECT_TRUE(Reported(r, BugClass::KunmapOrder, {"kunmap_local", "stack depth 0", "depth 1", "reverse order"}));
}

TEST(KmapLocalStack, UnmapInReverseOrderIsClean) {
  RunResult r = run("strict", +[] {
    struct page *a = HIGH_PAGE(), *b = HIGH_PAGE();
    void *ka = kmap_local_page(a);
    void *kb = kmap_local_page(b);
    kunmap_local(kb);
    kunmap_local(ka);
    __free_page(b);
    __free_page(a);
  });
  EXPECT_TRUE(Clean(r));
}

TEST(KmapLocalStack, KmapAtomicUnmapOrder) {
  RunResult r = run("x86-32", +[] {
    struct page *a = HIGH_PAGE(), *b = HIGH_PAGE();
    void *ka = kmap_atomic(a);
    void *kb = kmap_atomic(b);
    kunmap_atomic(ka);
  });
  EXPECT_TRUE(Reported(r, BugClass::KunmapOrder, {"kunmap_atomic", "reverse order"}));
}

// ---- kunmap-bad-address

TEST(KmapLocalStack, DoubleKunmapLocal) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    void *k = kmap_local_page(p);
    kunmap_local(k);
    kunmap_local(k);
  });
  EXPECT_TRUE(Reported(r, BugClass::KunmapBadAddress, {"kunmap_local", "double unmap"}));
}

TEST(KmapLocalStack, KunmapLocalOnePagePast) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    char *k = static_cast<char *>(kmap_local_page(p));
    kunmap_local(k + PAGE_SIZE);
  });
  EXPECT_TRUE(Reported(r, BugClass::KunmapBadAddress, {"kunmap_local", "one page past a mapping"}));
}

TEST(KmapLocalStack, KunmapLocalOfAnInteriorAddressIsFine) {
  // kunmap_local() takes any address inside the mapping (the kernel
  // aligns it down): ptr + PAGE_SIZE - 1 after a loop is still valid.
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    char *k = static_cast<char *>(kmap_local_page(p));
    kunmap_local(k + PAGE_SIZE - 1);
    __free_page(p);
  });
  EXPECT_TRUE(Clean(r));
}

TEST(KmapLocalStack, KunmapAtomicOfKmapLocalMapping) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    void *k = kmap_local_page(p);
    kunmap_atomic(k);
  });
  EXPECT_TRUE(Reported(r, BugClass::KunmapBadAddress, {"kunmap_atomic", "wrong variant", "kmap_local_page()"}));
}

TEST(KmapLocalStack, KunmapLocalOfKmapAtomicMapping) {
  RunResult r = run("x86-32", +[] {
    struct page *p = HIGH_PAGE();
    void *k = kmap_atomic(p);
    kunmap_local(k);
  });
  EXPECT_TRUE(Reported(r, BugClass::KunmapBadAddress, {"kunmap_local", "wrong variant", "kmap_atomic()"}));
}

TEST(KmapLocalStack, KunmapLocalOfDirectMapAddressUnderForceMap) {
  RunResult r = run("x86-32-forcemap", +[] {
    struct page *lo = LOW_PAGE();
    void *k = kmap_local_page(lo);
    kunmap_local(page_address(lo));
  });
  EXPECT_TRUE(Reported(r, BugClass::KunmapBadAddress, {"kunmap_local", "direct-map address under FORCE_MAP"}));
}

DECLARE_COMPLETION(g_thief_done);

TEST(KmapLocalStack, KunmapLocalOfAnotherTasksMapping) {
  RunResult r = run("strict", +[] {
    init_completion(&g_thief_done);
    g_pages[0] = HIGH_PAGE();
    g_addr[0] = kmap_local_page(g_pages[0]);
    kthread_run(
        +[](void *) -> int {
          kunmap_local(g_addr[0]);
          complete(&g_thief_done);
          return 0;
        },
        nullptr, "thief");
    wait_for_completion(&g_thief_done);  // main sleeps holding its map: the thief runs
    kunmap_local(g_addr[0]);
    __free_page(g_pages[0]);
  });
  EXPECT_TRUE(Reported(r, BugClass::KunmapBadAddress, {"kunmap_local", "another context"}));
  EXPECT_TRUE(TextHas(r, "context: thief"));
}

TEST(KmapLocalStack, KunmapLocalWithoutAnyMapping) {
  RunResult r = run("x86-32", +[] {
    struct page *lo = LOW_PAGE();
    kunmap_local(page_address(lo));
  });
  EXPECT_TRUE(Reported(r, BugClass::KunmapBadAddress, {"kunmap_local", "without a matching kmap_local"}));
}

// ---- kmap-leak

TEST(KmapLocalStack, TaskReturnsHoldingLocalMap) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    kmap_local_page(p);
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapLeak, {"main returned holding 1 local mapping", "kmap_local_page()", "never unmapped"}));
}

TEST(KmapLocalStack, KthreadReturnsHoldingLocalMap) {
  RunResult r = run("x86-32", +[] {
    g_pages[0] = HIGH_PAGE();
    kthread_run(
        +[](void *) -> int {
          kmap_local_page(g_pages[0]);
          kmap_local_page(g_pages[0]);
          return 0;
        },
        nullptr, "worker");
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapLeak, {"worker returned holding 2 local mappings"}));
}

TEST(KmapLocalStack, TaskReturnsHoldingKmapAtomic) {
  RunResult r = run("x86-32", +[] {
    struct page *lo = LOW_PAGE();
    kmap_atomic(lo);  // direct-mapped: only the atomic count tells
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapLeak, {"kmap_atomic()", "never kunmap_atomic()ed"}));
}

// ---- kmap-slot-overflow

void nest(int n) {
  for (int i = 0; i < n; i++) g_pages[i] = HIGH_PAGE();
  for (int i = 0; i < n; i++) g_addr[i] = kmap_local_page(g_pages[i]);
  g_done = true;
  for (int i = n - 1; i >= 0; i--) kunmap_local(g_addr[i]);
  for (int i = 0; i < n; i++) __free_page(g_pages[i]);
}

TEST(KmapLocalStack, SixteenNestedOnStrictAreFine) {
  g_done = false;
  RunResult r = run("strict", +[] { nest(16); });
  EXPECT_TRUE(Clean(r));
  EXPECT_TRUE(g_done);
}

TEST(KmapLocalStack, SeventeenthNestedOnStrictOverflows) {
  g_done = false;
  RunResult r = run("strict", +[] { nest(17); });
  EXPECT_TRUE(Reported(r, BugClass::KmapSlotOverflow, {"kmap_local_page()", "16 local mappings are already live", "KM_MAX_IDX 33"}));
  EXPECT_FALSE(g_done);
}

TEST(KmapLocalStack, FifteenNestedOnX86AreFine) {
  g_done = false;
  RunResult r = run("x86-32", +[] { nest(15); });
  EXPECT_TRUE(Clean(r));
  EXPECT_TRUE(g_done);
}

TEST(KmapLocalStack, SixteenthNestedOnX86Overflows) {
  g_done = false;
  RunResult r = run("x86-32", +[] { nest(16); });
  EXPECT_TRUE(Reported(r, BugClass::KmapSlotOverflow, {"15 local mappings are already live", "KM_MAX_IDX 16"}));
  EXPECT_FALSE(g_done);
}

TEST(KmapLocalStack, SlotsAreFreedByUnmapping) {
  // 16 at a time, 64 in all: the depth, not the total, is bounded.
  RunResult r = run("strict", +[] {
    for (int round = 0; round < 4; round++) nest(16);
  });
  EXPECT_TRUE(Clean(r));
}

}  // namespace
