// kmap_local_page/folio/pfn and kmap_atomic: the per-task stack of fixmap
// mappings. Contracts (distinct addresses, aliasing with every other
// mapping of the page, kmap_local_folio maps one page, kmap_to_page, the
// state kmap_atomic changes, migrate_disable while a real map is held) and
// the detectors on accesses: overrun and use after unmap. The rules on the
// stack itself are in test_kmap_local_stack.cc.
#include "unit.h"

#include <linux/printk.h>

using namespace kt;

namespace {

void *g_addr[20];
char g_byte[8];
int g_int[8];
bool g_flag[8];
bool g_done;

// ---- contracts

TEST(KmapLocal, TwoPagesGetDifferentAddressesAndTheirOwnContents) {
  RunResult r = run("strict", +[] {
    struct page *a = HIGH_PAGE(), *b = HIGH_PAGE();
    char *ka = static_cast<char *>(kmap_local_page(a));
    char *kb = static_cast<char *>(kmap_local_page(b));
    g_addr[0] = ka;
    g_addr[1] = kb;
    memset(ka, 'a', PAGE_SIZE);
    memset(kb, 'b', PAGE_SIZE);
    g_byte[0] = ka[PAGE_SIZE - 1];
    g_byte[1] = kb[0];
    g_flag[0] = kmap_to_page(ka) == a && kmap_to_page(kb + 100) == b;
    g_flag[1] = is_kmap_addr(ka) && !kt::M().mem().in_direct_map(ka);
    kunmap_local(kb);
    kunmap_local(ka);
    __free_page(b);
    __free_page(a);
  });
  ASSERT_TRUE(Clean(r));
  EXPECT_NE(g_addr[0], g_addr[1]);
  EXPECT_EQ(g_byte[0], 'a');
  EXPECT_EQ(g_byte[1], 'b');
  EXPECT_TRUE(g_flag[0]);
  EXPECT_TRUE(g_flag[1]);
}

// Every mapping of one page shows the same bytes: two local maps, kmap(),
// and a later local map after the first ones are gone.
TEST(KmapLocal, AllMappingsOfAPageAlias) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    char *k1 = static_cast<char *>(kmap_local_page(p));
    char *k2 = static_cast<char *>(kmap_local_page(p));
    g_flag[0] = k1 != k2;
    k1[10] = 'x';
    g_byte[0] = k2[10];
    char *kp = static_cast<char *>(kmap(p));
    g_byte[1] = kp[10];
    kp[11] = 'y';
    g_byte[2] = k1[11];
    kunmap(p);
    kunmap_local(k2);
    kunmap_local(k1);
    char *k3 = static_cast<char *>(kmap_local_page(p));
    g_byte[3] = k3[11];
    kunmap_local(k3);
    char buf[2];
    memcpy_from_page(buf, p, 10, 2);
    g_byte[4] = buf[0];
    g_byte[5] = buf[1];
    __free_page(p);
  });
  ASSERT_TRUE(Clean(r));
  EXPECT_TRUE(g_flag[0]);
  EXPECT_EQ(g_byte[0], 'x');
  EXPECT_EQ(g_byte[1], 'x');
  EXPECT_EQ(g_byte[2], 'y');
  EXPECT_EQ(g_byte[3], 'y');
  EXPECT_EQ(g_byte[4], 'x');
  EXPECT_EQ(g_byte[5], 'y');
}

TEST(KmapLocal, FolioMapsOnlyThePageHoldingTheOffset) {
  RunResult r = run("strict", +[] {
    struct folio *f = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, 2);
    char *k = static_cast<char *>(kmap_local_folio(f, PAGE_SIZE + 100));
    g_flag[0] = kmap_to_page(k) == folio_page(f, 1);
    g_int[0] = static_cast<int>(offset_in_page(k));
    k[0] = 'f';
    char *kp = static_cast<char *>(kmap_local_page(folio_page(f, 1)));
    g_byte[0] = kp[100];
    kunmap_local(kp);
    kunmap_local(k);
    folio_put(f);
  });
  ASSERT_TRUE(Clean(r));
  EXPECT_TRUE(g_flag[0]);
  EXPECT_EQ(g_int[0], 100);
  EXPECT_EQ(g_byte[0], 'f');
}

TEST(KmapLocal, FolioMappingDoesNotReachTheNextPage) {
  RunResult r = run("strict", +[] {
    struct folio *f = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, 2);
    volatile char *k = static_cast<char *>(kmap_local_folio(f, PAGE_SIZE + 100));
    (void)k[PAGE_SIZE - 100];  // first byte of folio page 2
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapOverrun, {"read", "kmap_local_folio()", "offset 4096"}));
}

TEST(KmapLocal, FolioMappingDoesNotReachThePreviousPage) {
  RunResult r = run("strict", +[] {
    struct folio *f = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, 2);
    volatile char *k = static_cast<char *>(kmap_local_folio(f, PAGE_SIZE + 100));
    (void)k[-101];  // last byte of folio page 0
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapOverrun, {"read", "kmap_local_folio()"}));
}

TEST(KmapLocal, FolioOffsetOutsideTheFolio) {
  RunResult r = run("strict", +[] {
    struct folio *f = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, 1);
    kmap_local_folio(f, 2 * PAGE_SIZE);
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapOverrun, {"kmap_local_folio", "outside the folio"}));
}

TEST(KmapLocal, PfnMapsTheFrame) {
  RunResult r = run("x86-32", +[] {
    struct page *hi = HIGH_PAGE(), *lo = LOW_PAGE();
    char *kh = static_cast<char *>(kmap_local_pfn(page_to_pfn(hi)));
    char *kl = static_cast<char *>(kmap_local_pfn(page_to_pfn(lo)));
    kh[0] = 'h';
    kl[0] = 'l';
    g_flag[0] = kmap_to_page(kh) == hi && kmap_to_page(kl) == lo;
    // On a HIGHMEM kernel the pfn path always makes a fixmap mapping,
    // even of a lowmem frame.
    g_flag[1] = kl != page_address(lo) && !kt::M().mem().in_direct_map(kl);
    g_byte[0] = static_cast<char *>(page_address(lo))[0];
    kunmap_local(kl);
    kunmap_local(kh);
    char *k = static_cast<char *>(kmap_local_page(hi));
    g_byte[1] = k[0];
    kunmap_local(k);
    __free_page(lo);
    __free_page(hi);
  });
  ASSERT_TRUE(Clean(r));
  EXPECT_TRUE(g_flag[0]);
  EXPECT_TRUE(g_flag[1]);
  EXPECT_EQ(g_byte[0], 'l');
  EXPECT_EQ(g_byte[1], 'h');
}

TEST(KmapLocal, KmapToPageOfDirectMapAddress) {
  RunResult r = run("x86-32", +[] {
    struct page *lo = LOW_PAGE();
    void *k = kmap_local_page(lo);
    g_flag[0] = k == page_address(lo) && kmap_to_page(static_cast<char *>(k) + 5) == lo;
    kunmap_local(k);
    __free_page(lo);
  });
  ASSERT_TRUE(Clean(r));
  EXPECT_TRUE(g_flag[0]);
}

// ---- lowmem, highmem and FORCE_MAP

void lowmem_map_and_overrun() {
  struct page *lo = alloc_pages(GFP_KERNEL | __GFP_NOFAIL, 1);  // pfn+1 exists and is lowmem
  volatile char *k = static_cast<char *>(kmap_local_page(lo));
  g_addr[0] = const_cast<char *>(k);
  g_addr[1] = page_address(lo);
  (void)k[PAGE_SIZE];
  kunmap_local(const_cast<char *>(k));
  __free_pages(lo, 1);
  g_done = true;
}

TEST(KmapLocal, LowmemOnX86IsPageAddressAndOverrunIsSilent) {
  g_done = false;
  RunResult r = run("x86-32", lowmem_map_and_overrun);
  ASSERT_TRUE(Clean(r));
  EXPECT_TRUE(g_done);
  EXPECT_EQ(g_addr[0], g_addr[1]);
}

TEST(KmapLocal, LowmemUnderForceMapGetsARealMapAndOverrunIsCaught) {
  for (const char *prof : {"x86-32-forcemap", "strict"}) {
    g_done = false;
    RunResult r = run(prof, lowmem_map_and_overrun);
    EXPECT_TRUE(Reported(r, BugClass::KmapOverrun, {"read", "kmap_local_page()", "offset 4096"})) << prof;
    EXPECT_TRUE(TextHas(r, "forced map")) << prof;
    EXPECT_FALSE(g_done) << prof;
    EXPECT_NE(g_addr[0], g_addr[1]) << prof;
  }
}

TEST(KmapLocal, HighmemOverrunIsCaughtOnEveryHighmemProfile) {
  for (const char *prof : {"strict", "x86-32", "x86-32-forcemap", "arm-vivt", "x86-32-tiny"}) {
    RunResult r = run(prof, +[] {
      struct page *p = HIGH_PAGE();
      volatile char *k = static_cast<char *>(kmap_local_page(p));
      (void)k[PAGE_SIZE + 7];
    });
    EXPECT_TRUE(Reported(r, BugClass::KmapOverrun, {"read", "kmap_local_page()", "offset 4103"})) << prof;
  }
}

// ---- kmap_atomic state, migrate_disable

TEST(KmapLocal, KmapAtomicDisablesPreemptionAndFaultsUntilUnmap) {
  for (const char *prof : {"strict", "x86-32", "x86-64"}) {
    RunResult r = run(prof, +[] {
      struct page *p = HIGH_PAGE();
      g_int[0] = preempt_count();
      g_flag[0] = pagefault_disabled() || in_atomic();
      void *k = kmap_atomic(p);
      g_int[1] = preempt_count();
      g_flag[1] = pagefault_disabled();
      g_flag[2] = in_atomic();
      void *k2 = kmap_atomic(p);
      g_int[2] = preempt_count();
      kunmap_atomic(k2);
      kunmap_atomic(k);
      g_int[3] = preempt_count();
      g_flag[3] = pagefault_disabled() || in_atomic();
      __free_page(p);
    });
    ASSERT_TRUE(Clean(r)) << prof;
    EXPECT_EQ(g_int[0], 0) << prof;
    EXPECT_FALSE(g_flag[0]) << prof;
    EXPECT_EQ(g_int[1], 1) << prof;
    EXPECT_TRUE(g_flag[1]) << prof;
    EXPECT_TRUE(g_flag[2]) << prof;
    EXPECT_EQ(g_int[2], 2) << prof;
    EXPECT_EQ(g_int[3], 0) << prof;
    EXPECT_FALSE(g_flag[3]) << prof;
  }
}

TEST(KmapLocal, KmapLocalLeavesPreemptionAndFaultsOn) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    void *k = kmap_local_page(p);
    g_int[0] = preempt_count();
    g_flag[0] = pagefault_disabled() || in_atomic();
    kunmap_local(k);
    __free_page(p);
  });
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_int[0], 0);
  EXPECT_FALSE(g_flag[0]);
}

TEST(KmapLocal, RealLocalMapDisablesMigration) {
  RunResult r = run("strict", +[] {
    struct page *a = HIGH_PAGE(), *b = HIGH_PAGE();
    g_int[0] = kt::M().cur().migrate_disabled;
    void *ka = kmap_local_page(a);
    g_int[1] = kt::M().cur().migrate_disabled;
    void *kb = kmap_local_page(b);
    g_int[2] = kt::M().cur().migrate_disabled;
    kunmap_local(kb);
    kunmap_local(ka);
    g_int[3] = kt::M().cur().migrate_disabled;
    __free_page(b);
    __free_page(a);
  });
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_int[0], 0);
  EXPECT_EQ(g_int[1], 1);
  EXPECT_EQ(g_int[2], 2);
  EXPECT_EQ(g_int[3], 0);
}

TEST(KmapLocal, DirectMappedLocalMapDoesNotDisableMigration) {
  RunResult r = run("x86-32", +[] {
    struct page *lo = LOW_PAGE();
    void *k = kmap_local_page(lo);
    g_int[0] = kt::M().cur().migrate_disabled;
    kunmap_local(k);
    __free_page(lo);
  });
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_int[0], 0);
}

// ---- kmap-overrun

TEST(KmapLocal, ReadPastHighmemPage) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    volatile char *k = static_cast<char *>(kmap_local_page(p));
    (void)k[PAGE_SIZE];
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapOverrun, {"read", "kmap_local_page()", "offset 4096", "one page only"}));
}

TEST(KmapLocal, WritePastHighmemPage) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    volatile char *k = static_cast<char *>(kmap_local_page(p));
    k[PAGE_SIZE + 1] = 1;
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapOverrun, {"write", "kmap_local_page()", "offset 4097"}));
}

TEST(KmapLocal, ReadBeforeHighmemPage) {
  RunResult r = run("x86-32", +[] {
    struct page *p = HIGH_PAGE();
    volatile char *k = static_cast<char *>(kmap_local_page(p));
    (void)k[-1];
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapOverrun, {"read", "kmap_local_page()", "offset -1"}));
}

TEST(KmapLocal, MemcpyPastHighmemPage) {
  RunResult r = run("strict", +[] {
    struct page *p = alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, 1);
    static char buf[2 * PAGE_SIZE];
    char *k = static_cast<char *>(kmap_local_page(p));
    memcpy(buf, k + 100, PAGE_SIZE);  // the compound page's second half is not mapped
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapOverrun, {"read", "kmap_local_page()"}));
}

TEST(KmapLocal, WholePageAccessIsClean) {
  RunResult r = run("strict", +[] {
    struct page *p = alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, 1);
    static char buf[PAGE_SIZE];
    for (int i = 0; i < 2; i++) {
      char *k = static_cast<char *>(kmap_local_page(p + i));
      memcpy(buf, k, PAGE_SIZE);
      memset(k, i, PAGE_SIZE);
      kunmap_local(k);
    }
    __free_pages(p, 1);
  });
  EXPECT_TRUE(Clean(r));
}

TEST(KmapLocal, KmapAtomicOverrun) {
  RunResult r = run("x86-32", +[] {
    struct page *p = HIGH_PAGE();
    volatile char *k = static_cast<char *>(kmap_atomic(p));
    k[PAGE_SIZE] = 0;
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapOverrun, {"write", "kmap_atomic()"}));
}

// ---- kmap-use-after-unmap

TEST(KmapLocal, UseAfterKunmapLocal) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    volatile char *k = static_cast<char *>(kmap_local_page(p));
    k[0] = 1;
    kunmap_local(const_cast<char *>(k));
    (void)k[0];
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapUseAfterUnmap, {"read", "kmap_local_page()", "already released by kunmap_local()"}));
}

TEST(KmapLocal, UseAfterKunmapAtomic) {
  RunResult r = run("x86-32", +[] {
    struct page *p = HIGH_PAGE();
    volatile char *k = static_cast<char *>(kmap_atomic(p));
    kunmap_atomic(const_cast<char *>(k));
    k[3] = 1;
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapUseAfterUnmap, {"write", "kmap_atomic()", "kunmap_atomic()"}));
}

// print_hex_dump() reads what it prints: a page dumped through its mapping
// is clean while mapped, a use after unmap once it is gone.
TEST(KmapLocal, HexDumpReadsThroughTheMapping) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    void *k = kmap_local_page(p);
    print_hex_dump(KERN_ERR, "page: ", DUMP_PREFIX_OFFSET, 16, 1, k, PAGE_SIZE, true);
    kunmap_local(k);
    __free_page(p);
  });
  EXPECT_TRUE(Clean(r));
  r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    void *k = kmap_local_page(p);
    kunmap_local(k);
    print_hex_dump_bytes("page: ", DUMP_PREFIX_NONE, k, 16);
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapUseAfterUnmap, {"read", "kmap_local_page()"}));
}

// printk() reads what vsprintf() would: a %s string up to its NUL or its
// precision, a %*ph buffer. Printed while mapped it is clean; printed after
// the unmap, or without a bound past the page's last byte, it faults.
TEST(KmapLocal, PrintkReadsStringArgumentsThroughTheMapping) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    char *k = static_cast<char *>(kmap_local_page(p));
    memset(k, 'n', PAGE_SIZE);
    k[40] = 0;
    pr_err("name %s len %lu %d%%\n", k, 40ul, 3);
    printk(KERN_WARNING "tail %.*s %*ph %s %s\n", 8, k + PAGE_SIZE - 8, 8, k + PAGE_SIZE - 8, (char *)nullptr,
           static_cast<char *>(ERR_PTR(-14)));
    WARN(k[0] != 'n', "first byte %s\n", k);
    pr_err("empty dump %*ph, one byte %ph\n", 0, k + PAGE_SIZE, k + PAGE_SIZE - 1);  // a width of 0 reads nothing
    kunmap_local(k);
    pr_debug("not evaluated without DEBUG: %s\n", k);
    __free_page(p);
  });
  EXPECT_TRUE(Clean(r));
  r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    char *k = static_cast<char *>(kmap_local_page(p));
    strcpy(k, "entry");
    kunmap_local(k);
    pr_info("stale name %s\n", k);
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapUseAfterUnmap, {"read", "kmap_local_page()"}));
  r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    char *k = static_cast<char *>(kmap_local_page(p));
    memset(k, 'n', PAGE_SIZE);
    pr_warn("%d unbounded %s\n", 1, k + PAGE_SIZE - 8);
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapOverrun, {"read", "kmap_local_page()"}));
  r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    char *k = static_cast<char *>(kmap_local_page(p));
    memset(k, 'n', PAGE_SIZE);
    WARN(1, "dump %*ph\n", 16, k + PAGE_SIZE - 8);
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapOverrun, {"read", "kmap_local_page()"}));
}

// memchr_inv() scans in the caller's code: through a live mapping it finds
// the first other byte; past the mapped page it is an overrun.
TEST(KmapLocal, MemchrInvScansThroughTheMapping) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    char *k = static_cast<char *>(kmap_local_page(p));
    memset(k, 0xaa, PAGE_SIZE);
    k[100] = 1;
    g_addr[0] = memchr_inv(k, 0xaa, PAGE_SIZE);
    g_addr[1] = memchr_inv(k, 0xaa, 100);
    g_addr[2] = k + 100;
    kunmap_local(k);
    __free_page(p);
  });
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_addr[0], g_addr[2]);
  EXPECT_EQ(g_addr[1], nullptr);
  r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    char *k = static_cast<char *>(kmap_local_page(p));
    memset(k, 0xaa, PAGE_SIZE);
    memchr_inv(k + 8, 0xaa, PAGE_SIZE);
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapOverrun, {"read", "kmap_local_page()"}));
}

// A stale address stays caught even after the page is mapped again.
TEST(KmapLocal, StaleAddressFaultsAfterRemap) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    volatile char *old = static_cast<char *>(kmap_local_page(p));
    kunmap_local(const_cast<char *>(old));
    char *k = static_cast<char *>(kmap_local_page(p));
    g_flag[0] = k != old;
    (void)old[0];
  });
  EXPECT_TRUE(g_flag[0]);
  EXPECT_TRUE(Reported(r, BugClass::KmapUseAfterUnmap, {"read"}));
}

TEST(KmapLocal, UseBeforeKunmapLocalIsClean) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    volatile char *k = static_cast<char *>(kmap_local_page(p));
    k[0] = 1;
    (void)k[0];
    kunmap_local(const_cast<char *>(k));
    __free_page(p);
  });
  EXPECT_TRUE(Clean(r));
}

}  // namespace
