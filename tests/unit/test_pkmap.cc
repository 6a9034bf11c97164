// kmap()/kunmap(): the PKMAP pool (mm/highmem.c). API contracts (one
// address per page, pkmap_count, count 1 keeps page_address() until the
// next flush, the flush on wrap-around), and the detectors that live on the
// pool: use after kunmap(), overrun through a kmap() address, bad kunmap(),
// kmap leaks, and the pool deadlock.
//
//   pkmap_count: 0 free | 1 unused, still mapped until flush | n>=2 n-1 users
//
//   tiny profiles: LAST_PKMAP 8, last_pkmap_nr starts at 0 and advances
//   before each probe, so the first maps land in slots 1..7, then the
//   cursor wraps to 0 and flush_all_zero_pkmaps() frees every count-1 slot.
#include "unit.h"

using namespace kt;

namespace {

struct page *g_pages[16];
void *g_addr[16];
int g_count[16];
void *g_pa[16];
int g_slot[16];
bool g_done;

int slot_of(struct page *p) { return kt::M().pkmap().slot_of(static_cast<kmapsim::Pfn>(page_to_pfn(p))); }
int count_of(struct page *p) {
  int s = slot_of(p);
  return s < 0 ? -1 : kt::M().pkmap().count(static_cast<unsigned>(s));
}

TEST(Pkmap, SamePageTwiceSameAddressAndCounts) {
  RunResult r = run("strict", +[] {
    g_done = false;
    struct page *p = HIGH_PAGE();
    g_addr[0] = kmap(p);
    g_count[0] = count_of(p);
    g_addr[1] = kmap(p);
    g_count[1] = count_of(p);
    g_pa[0] = page_address(p);
    kunmap(p);
    g_count[2] = count_of(p);
    kunmap(p);
    g_count[3] = count_of(p);
    g_pa[1] = page_address(p);  // count 1: still mapped until the next flush
    kmap_flush_unused();
    g_count[4] = count_of(p);
    g_pa[2] = page_address(p);
    __free_page(p);
    g_done = true;
  });
  ASSERT_TRUE(Clean(r));
  ASSERT_TRUE(g_done);
  EXPECT_NE(g_addr[0], nullptr);
  EXPECT_EQ(g_addr[0], g_addr[1]);
  EXPECT_EQ(g_count[0], 2);
  EXPECT_EQ(g_count[1], 3);
  EXPECT_EQ(g_pa[0], g_addr[0]);
  EXPECT_EQ(g_count[2], 2);
  EXPECT_EQ(g_count[3], 1);
  EXPECT_EQ(g_pa[1], g_addr[0]);
  EXPECT_EQ(g_count[4], -1);  // slot freed, page has no PKMAP slot any more
  EXPECT_EQ(g_pa[2], nullptr);
}

TEST(Pkmap, KmapAddressIsAKmapAddressOfThePage) {
  static bool is_kmap, in_dmap, to_page_ok, highmem;
  RunResult r = run("x86-32", +[] {
    struct page *p = HIGH_PAGE();
    highmem = PageHighMem(p);
    char *k = static_cast<char *>(kmap(p));
    is_kmap = is_kmap_addr(k);
    in_dmap = kt::M().mem().in_direct_map(k);
    to_page_ok = kmap_to_page(k + 123) == p;
    kunmap(p);
    __free_page(p);
  });
  ASSERT_TRUE(Clean(r));
  EXPECT_TRUE(highmem);
  EXPECT_TRUE(is_kmap);
  EXPECT_FALSE(in_dmap);
  EXPECT_TRUE(to_page_ok);
}

TEST(Pkmap, KmapAfterKunmapReusesTheCountOneSlot) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    g_addr[0] = kmap(p);
    kunmap(p);
    g_addr[1] = kmap(p);
    g_count[0] = count_of(p);
    kunmap(p);
    __free_page(p);
  });
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_addr[0], g_addr[1]);
  EXPECT_EQ(g_count[0], 2);
}

TEST(Pkmap, LowmemKmapIsTheDirectMap) {
  static bool no_slot;
  RunResult r = run("x86-32", +[] {
    struct page *p = LOW_PAGE();
    g_addr[0] = kmap(p);
    g_pa[0] = page_address(p);
    no_slot = slot_of(p) < 0;
    kunmap(p);
    __free_page(p);
  });
  ASSERT_TRUE(Clean(r));
  EXPECT_NE(g_addr[0], nullptr);
  EXPECT_EQ(g_addr[0], g_pa[0]);
  EXPECT_TRUE(no_slot);
}

// Seven pages kmap()ed and kunmap()ed fill slots 1..7 with count 1; the
// eighth kmap() wraps the cursor to slot 0, which flushes them all.
TEST(Pkmap, FlushOnWrapAroundTiny) {
  static bool all_mapped_before, none_mapped_after;
  RunResult r = run("x86-32-tiny", +[] {
    for (int i = 0; i < 8; i++) g_pages[i] = HIGH_PAGE();
    for (int i = 0; i < 7; i++) {
      g_addr[i] = kmap(g_pages[i]);
      g_slot[i] = slot_of(g_pages[i]);
      kunmap(g_pages[i]);
    }
    all_mapped_before = true;
    for (int i = 0; i < 7; i++) all_mapped_before &= page_address(g_pages[i]) == g_addr[i];
    g_addr[7] = kmap(g_pages[7]);
    g_slot[7] = slot_of(g_pages[7]);
    none_mapped_after = true;
    for (int i = 0; i < 7; i++) none_mapped_after &= page_address(g_pages[i]) == nullptr;
    kunmap(g_pages[7]);
    for (int i = 0; i < 8; i++) __free_page(g_pages[i]);
  });
  ASSERT_TRUE(Clean(r));
  for (int i = 0; i < 7; i++) EXPECT_EQ(g_slot[i], i + 1) << "page " << i;
  EXPECT_EQ(g_slot[7], 0);
  EXPECT_TRUE(all_mapped_before);
  EXPECT_TRUE(none_mapped_after);
}

// A slot that is still held survives the wrap-around flush.
TEST(Pkmap, WrapAroundKeepsHeldSlots) {
  static bool held_kept;
  RunResult r = run("x86-32-tiny", +[] {
    for (int i = 0; i < 8; i++) g_pages[i] = HIGH_PAGE();
    g_addr[0] = kmap(g_pages[0]);  // held through the flush
    for (int i = 1; i < 7; i++) {
      kmap(g_pages[i]);
      kunmap(g_pages[i]);
    }
    kmap(g_pages[7]);  // wraps
    held_kept = page_address(g_pages[0]) == g_addr[0] && count_of(g_pages[0]) == 2;
    static_cast<volatile char *>(g_addr[0])[0] = 1;  // still accessible
    kunmap(g_pages[7]);
    kunmap(g_pages[0]);
    for (int i = 0; i < 8; i++) __free_page(g_pages[i]);
  });
  ASSERT_TRUE(Clean(r));
  EXPECT_TRUE(held_kept);
}

// ---- pool exhaustion: 8 slots held by the task that wants a ninth.

void map_eight() {
  for (int i = 0; i < 9; i++) g_pages[i] = HIGH_PAGE();
  for (int i = 0; i < 8; i++) g_addr[i] = kmap(g_pages[i]);
}

TEST(Pkmap, NinthKmapOnFullTinyPoolDeadlocks) {
  RunResult r = run("x86-32-tiny", +[] {
    map_eight();
    kmap(g_pages[8]);
  });
  EXPECT_TRUE(Reported(r, BugClass::PkmapDeadlock, {"kmap()", "PKMAP slot", "8 of 8 slots held", "main waits for a free PKMAP slot"}));
}

TEST(Pkmap, NinthKmapAfterAKunmapIsFine) {
  RunResult r = run("x86-32-tiny", +[] {
    map_eight();
    kunmap(g_pages[0]);
    g_addr[8] = kmap(g_pages[8]);
    kunmap(g_pages[8]);
    for (int i = 1; i < 8; i++) kunmap(g_pages[i]);
    for (int i = 0; i < 9; i++) __free_page(g_pages[i]);
  });
  EXPECT_TRUE(Clean(r));
  EXPECT_NE(g_addr[8], nullptr);
}

// A kmap() that waits for a slot is woken by another task's kunmap().
DECLARE_COMPLETION(g_go);
DECLARE_COMPLETION(g_finished);
int g_seq, g_kunmap_seq, g_kmap_returned_seq;

TEST(Pkmap, WaiterIsWokenByKunmap) {
  RunResult r = run("x86-32-tiny", +[] {
    init_completion(&g_go);
    init_completion(&g_finished);
    g_seq = g_kunmap_seq = g_kmap_returned_seq = 0;
    g_addr[8] = nullptr;
    map_eight();
    kthread_run(
        +[](void *) -> int {
          complete(&g_go);
          g_addr[8] = kmap(g_pages[8]);  // the pool is full: sleeps
          g_kmap_returned_seq = ++g_seq;
          kunmap(g_pages[8]);
          complete(&g_finished);
          return 0;
        },
        nullptr, "waiter");
    wait_for_completion(&g_go);
    g_kunmap_seq = ++g_seq;
    for (int i = 0; i < 8; i++) kunmap(g_pages[i]);
    wait_for_completion(&g_finished);
    for (int i = 0; i < 9; i++) __free_page(g_pages[i]);
  });
  ASSERT_TRUE(Clean(r));
  EXPECT_NE(g_addr[8], nullptr);
  EXPECT_EQ(g_kunmap_seq, 1);
  EXPECT_EQ(g_kmap_returned_seq, 2);
}

// ---- kmap-use-after-unmap and kmap-overrun through a kmap() address.

TEST(Pkmap, UseAfterKunmapIsReported) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    volatile char *k = static_cast<char *>(kmap(p));
    k[0] = 1;
    kunmap(p);
    (void)k[10];
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapUseAfterUnmap, {"read", "kmap() address", "after kunmap()"}));
}

TEST(Pkmap, UseBeforeKunmapIsClean) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    volatile char *k = static_cast<char *>(kmap(p));
    k[0] = 1;
    (void)k[10];
    kunmap(p);
    __free_page(p);
  });
  EXPECT_TRUE(Clean(r));
}

TEST(Pkmap, UseWhileAnotherHolderRemainsIsClean) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    volatile char *k = static_cast<char *>(kmap(p));
    kmap(p);
    kunmap(p);
    k[5] = 7;  // one kmap() still holds the slot
    kunmap(p);
    __free_page(p);
  });
  EXPECT_TRUE(Clean(r));
}

TEST(Pkmap, WriteAfterKunmapIsReportedAsWrite) {
  RunResult r = run("x86-32", +[] {
    struct page *p = HIGH_PAGE();
    volatile char *k = static_cast<char *>(kmap(p));
    kunmap(p);
    k[0] = 1;
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapUseAfterUnmap, {"write", "after kunmap()"}));
}

TEST(Pkmap, OverrunThroughKmapAddress) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    volatile char *k = static_cast<char *>(kmap(p));
    (void)k[PAGE_SIZE];
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapOverrun, {"read", "kmap() mapping", "offset 4096", "left its one page"}));
}

TEST(Pkmap, LastByteThroughKmapAddressIsClean) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    volatile char *k = static_cast<char *>(kmap(p));
    k[PAGE_SIZE - 1] = 3;
    kunmap(p);
    __free_page(p);
  });
  EXPECT_TRUE(Clean(r));
}

// ---- kunmap-bad-address on the pool.

TEST(Pkmap, KunmapOfNeverKmappedHighmemPage) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    kunmap(p);
  });
  EXPECT_TRUE(Reported(r, BugClass::KunmapBadAddress, {"kunmap()", "no PKMAP address"}));
}

TEST(Pkmap, DoubleKunmap) {
  RunResult r = run("x86-32", +[] {
    struct page *p = HIGH_PAGE();
    kmap(p);
    kunmap(p);
    kunmap(p);
  });
  EXPECT_TRUE(Reported(r, BugClass::KunmapBadAddress, {"kunmap()", "more often than kmap()"}));
}

TEST(Pkmap, KunmapLocalOfKmapAddress) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    void *k = kmap(p);
    kunmap_local(k);
  });
  EXPECT_TRUE(Reported(r, BugClass::KunmapBadAddress, {"kunmap_local", "kmap() address"}));
}

TEST(Pkmap, KunmapOfLowmemPageIsANoop) {
  RunResult r = run("x86-32", +[] {
    struct page *p = LOW_PAGE();
    kmap(p);
    kunmap(p);
    __free_page(p);
  });
  EXPECT_TRUE(Clean(r));
}

// ---- kmap-leak.

TEST(Pkmap, KmapNeverKunmappedAtEndOfRun) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    kmap(p);
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapLeak, {"kmap()", "never kunmap()ed by the end of the run"}));
}

TEST(Pkmap, KmappedPageFreed) {
  RunResult r = run("x86-32", +[] {
    struct page *p = HIGH_PAGE();
    kmap(p);
    __free_page(p);
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapLeak, {"freed while still kmap()ed"}));
}

TEST(Pkmap, KmapKunmappedByAnotherTaskIsClean) {
  // kmap() addresses are global: another task may use and release them.
  RunResult r = run("strict", +[] {
    g_pages[0] = HIGH_PAGE();
    g_addr[0] = kmap(g_pages[0]);
    init_completion(&g_finished);
    kthread_run(
        +[](void *) -> int {
          static_cast<volatile char *>(g_addr[0])[1] = 2;
          kunmap(g_pages[0]);
          complete(&g_finished);
          return 0;
        },
        nullptr, "other");
    wait_for_completion(&g_finished);
    __free_page(g_pages[0]);
  });
  EXPECT_TRUE(Clean(r));
}

}  // namespace
