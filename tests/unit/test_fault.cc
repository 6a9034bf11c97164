// Faults and bad input. page_address() of a highmem page (NULL, or the
// stale PKMAP address of a page nobody holds) and its dereference
// (highmem-page-address); stray pointers into the arena; and garbage passed
// to the API, which must end in a report — never a crash of kmapsim — and
// leave the machine usable for the next run.
#include "unit.h"

using namespace kt;

namespace {

struct page *g_page;
void *g_addr;
void *g_pa;
bool g_flag;
bool g_done;

// ---- highmem-page-address

TEST(Fault, PageAddressOfHighmemPageIsNull) {
  RunResult r = run("x86-32", +[] {
    struct page *hi = HIGH_PAGE(), *lo = LOW_PAGE();
    g_pa = page_address(hi);
    g_flag = page_address(lo) != nullptr && kt::M().mem().in_direct_map(page_address(lo));
    __free_page(lo);
    __free_page(hi);
  });
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_pa, nullptr);
  EXPECT_TRUE(g_flag);
}

TEST(Fault, DerefOfNullPageAddressIsReported) {
  for (const char *prof : {"strict", "x86-32", "arm-vivt"}) {
    RunResult r = run(prof, +[] {
      struct page *p = HIGH_PAGE();
      volatile char *k = static_cast<char *>(page_address(p));
      (void)k[64];
    });
    EXPECT_TRUE(Reported(r, BugClass::HighmemPageAddress, {"read", "page_address() returned NULL", "dereferenced"})) << prof;
  }
}

TEST(Fault, WriteThroughNullPageAddressIsReported) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    char *k = static_cast<char *>(page_address(p));
    memset(k + 8, 0, 16);
  });
  EXPECT_TRUE(Reported(r, BugClass::HighmemPageAddress, {"write", "page_address() returned NULL"}));
}

TEST(Fault, KmapLocalInsteadOfPageAddressIsClean) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    volatile char *k = static_cast<char *>(kmap_local_page(p));
    (void)k[64];
    kunmap_local(const_cast<char *>(k));
    __free_page(p);
  });
  EXPECT_TRUE(Clean(r));
}

TEST(Fault, LowmemPageAddressDerefIsClean) {
  RunResult r = run("strict", +[] {
    struct page *p = LOW_PAGE();
    volatile char *k = static_cast<char *>(page_address(p));
    k[0] = 1;
    (void)k[PAGE_SIZE - 1];
    __free_page(p);
  });
  EXPECT_TRUE(Clean(r));
}

TEST(Fault, DerefOfPageAddressOfUnheldPkmapPage) {
  RunResult r = run("x86-32", +[] {
    struct page *p = HIGH_PAGE();
    kmap(p);
    kunmap(p);  // pkmap_count 1: page_address() still returns the slot
    volatile char *k = static_cast<char *>(page_address(p));
    (void)k[0];
  });
  EXPECT_TRUE(Reported(r, BugClass::HighmemPageAddress, {"read", "page_address()", "old PKMAP address", "pkmap_count 1"}));
}

TEST(Fault, DerefOfPageAddressWhileKmapHeldIsClean) {
  RunResult r = run("x86-32", +[] {
    struct page *p = HIGH_PAGE();
    void *k = kmap(p);
    volatile char *pa = static_cast<char *>(page_address(p));
    g_flag = pa == k;
    pa[0] = 1;
    kunmap(p);
    __free_page(p);
  });
  EXPECT_TRUE(Clean(r));
  EXPECT_TRUE(g_flag);
}

// ---- stray pointers

TEST(Fault, StrayPointerIntoUnusedArenaWindow) {
  RunResult r = run("strict", +[] {
    Machine &m = kt::M();
    volatile char *stray = m.arena().addr(static_cast<int>(m.arena().nframe_windows() / 2) + 1);
    (void)stray[0];
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapUseAfterUnmap, {"no mapping is live"}));
}

TEST(Fault, StrayPointerIntoUnusedPkmapSlot) {
  RunResult r = run("strict", +[] {
    Machine &m = kt::M();
    volatile char *stray = m.arena().addr(m.arena().pkmap_window(5));
    stray[0] = 0;
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapUseAfterUnmap, {"write", "no mapping is live", "PKMAP slot 5 was never used"}));
  EXPECT_FALSE(TextHas(r, "  page: ")) << "no page was ever mapped there:\n" << r.report.text;
}

// ---- bad input: a report, not a crash; the machine stays usable.

void clean_body() {
  struct page *p = HIGH_PAGE();
  char *k = static_cast<char *>(kmap_local_page(p));
  k[0] = 1;
  kunmap_local(k);
  __free_page(p);
  g_done = true;
}

struct BadInput {
  const char *name;
  void (*body)();
  BugClass cls;
  const char *word;
};

const BadInput kBad[] = {
    {"kunmap(garbage)", +[] { kunmap(reinterpret_cast<struct page *>(0x1234)); }, BugClass::SubjectBug, "not a struct page"},
    {"kunmap(kaddr)",
     +[] {
       struct page *p = HIGH_PAGE();
       void *k = kmap(p);
       kunmap(static_cast<struct page *>(k));
     },
     BugClass::KunmapBadAddress, "a mapped address where a struct page * belongs"},
    {"kmap(NULL)", +[] { kmap(nullptr); }, BugClass::SubjectBug, "kmap()"},
    {"kmap_local_page(NULL)", +[] { kmap_local_page(nullptr); }, BugClass::SubjectBug, "kmap_local_page()"},
    {"kmap_atomic(misaligned)",
     +[] {
       struct page *p = HIGH_PAGE();
       kmap_atomic(reinterpret_cast<struct page *>(reinterpret_cast<char *>(p) + 1));
     },
     BugClass::SubjectBug, "kmap_atomic()"},
    {"kmap(past mem_map)", +[] { kmap(pfn_to_page(0) + 1000000); }, BugClass::SubjectBug, "not a struct page"},
    {"pfn_to_page(out of range)", +[] { pfn_to_page(1ul << 30); }, BugClass::SubjectBug, "beyond the last pfn"},
    {"kmap_local_pfn(out of range)", +[] { kmap_local_pfn(1ul << 40); }, BugClass::SubjectBug, "no such pfn"},
    {"page_address(garbage)", +[] { page_address(reinterpret_cast<struct page *>(0x10)); }, BugClass::SubjectBug, "page_address()"},
    {"kunmap_local(garbage)", +[] { kunmap_local(reinterpret_cast<void *>(0x1000)); }, BugClass::KunmapBadAddress,
     "not a kmap address at all"},
    {"kunmap_local(NULL)", +[] { kunmap_local(static_cast<void *>(nullptr)); }, BugClass::KunmapBadAddress, "not a kmap address"},
    {"kunmap_atomic(stack address)",
     +[] {
       char local[8];
       kunmap_atomic(local);
     },
     BugClass::KunmapBadAddress, "not a kmap address"},
    {"kmap_to_page(garbage)", +[] { kmap_to_page(reinterpret_cast<void *>(0x4000)); }, BugClass::SubjectBug, "kmap_to_page"},
    {"virt_to_page(garbage)", +[] { virt_to_page(reinterpret_cast<void *>(0x4000)); }, BugClass::SubjectBug, "virt_to_page"},
    {"double free",
     +[] {
       struct page *p = HIGH_PAGE();
       __free_page(p);
       __free_page(p);
     },
     BugClass::SubjectBug, "double free"},
    {"free with wrong order",
     +[] {
       struct page *p = alloc_pages(GFP_KERNEL | __GFP_NOFAIL, 2);
       __free_pages(p, 0);
     },
     BugClass::SubjectBug, "order"},
    {"preempt_enable underflow", +[] { preempt_enable(); }, BugClass::SubjectBug, "underflow"},
    {"pagefault_enable underflow", +[] { pagefault_enable(); }, BugClass::SubjectBug, "pagefault_enable()"},
    {"migrate_enable underflow", +[] { migrate_enable(); }, BugClass::SubjectBug, "migrate_enable()"},
    {"kfree(garbage)",
     +[] {
       static char not_heap[16];
       kfree(not_heap);
     },
     BugClass::SubjectBug, "kfree"},
    {"BUG_ON", +[] { BUG_ON(1 + 1 == 2); }, BugClass::SubjectBug, "BUG_ON"},
};

TEST(Fault, BadInputIsReportedNotACrash) {
  for (const BadInput &b : kBad) {
    for (const char *prof : {"strict", "x86-32"}) {
      RunResult r = run(prof, b.body);
      EXPECT_TRUE(Reported(r, b.cls, {b.word})) << b.name << " on " << prof;
      g_done = false;
      RunResult again = run(prof, clean_body);
      EXPECT_TRUE(Clean(again)) << "after " << b.name << " on " << prof;
      EXPECT_TRUE(g_done) << "after " << b.name << " on " << prof;
    }
  }
}

}  // namespace
