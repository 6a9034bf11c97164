// mem_map's bounds and the simulated kernel's word size.
//
// A struct page read outside mem_map (an index computed past either end) is
// reported by the <linux/mm.h> accessors as a memory-error at the read; the
// address space on both sides of mem_map is inaccessible, so a subject that
// reads the fields itself faults there instead of reading host memory.
// kmapsim_ulong() gives a value as the profile's unsigned long holds it:
// the 32-bit wrap of crypto-scomp-last-page happens on 32-bit profiles only.
#include "unit.h"

using namespace kt;

namespace {

struct page *g_page;
unsigned long g_index;
unsigned g_bits;
unsigned long g_ulong;
bool g_high;

// The last-page index of the buggy scompress computation for off 0 and one
// whole page: right on 64-bit, 2^20 pages too far on 32-bit.
unsigned int old_last_page(unsigned int off, unsigned int len) {
  unsigned int n = len / PAGE_SIZE;
  n += kmapsim_ulong(offset_in_page(len) + off - 1) / PAGE_SIZE;
  return n;
}

}  // namespace

TEST(MemMap, AccessorsReadInsideMemMap) {
  RunResult r = run("x86-32", +[] {
    struct page *p = alloc_page(GFP_KERNEL | __GFP_NOFAIL);
    unsigned long last = M().profile().total_pages() - 1;
    // The first and the last struct page are legal to read.
    g_high = PageHighMem(pfn_to_page(0)) || !PageHighMem(pfn_to_page(last));
    (void)PageCompound(pfn_to_page(last));
    (void)compound_head(pfn_to_page(last));
    __free_page(p);
  });
  ASSERT_TRUE(Clean(r));
  EXPECT_FALSE(g_high);  // pfn 0 is lowmem, the last pfn highmem
}

TEST(MemMap, ReadPastTheEndIsAMemoryError) {
  for (const char *p : {"strict", "x86-32", "arm-vivt", "x86-64"}) {
    RunResult r = run(p, +[] {
      g_page = pfn_to_page(M().profile().total_pages() - 1);
      g_high = PageHighMem(g_page + 1);  // one past the last struct page
    });
    EXPECT_TRUE(Reported(r, BugClass::MemoryError, {"PageHighMem() read a struct page 1 entries past the end of mem_map"})) << p;
  }
  RunResult far = run("x86-32", +[] {
    g_page = pfn_to_page(1);
    g_high = PageTail(g_page + 0x100000);
  });
  EXPECT_TRUE(Reported(far, BugClass::MemoryError, {"PageTail()", "1046530 entries past the end", "index 1048577"}));
}

TEST(MemMap, ReadBeforeTheStartIsAMemoryError) {
  RunResult r = run("strict", +[] {
    g_page = pfn_to_page(0);
    g_index = compound_order(g_page - 2);
  });
  EXPECT_TRUE(Reported(r, BugClass::MemoryError, {"compound_order() read a struct page 2 entries before the start of mem_map"}));
}

// Outside the accessors, the read itself faults: the page after mem_map is
// inaccessible (in a child process: the fault ends it).
TEST(MemMapDeathTest, TheAddressSpaceAfterMemMapFaults) {
  Machine &m = machine("x86-32");
  ASSERT_TRUE(Clean(run("x86-32", +[] {})));
  const volatile unsigned long *after = &(m.mem().mem_map() + m.profile().total_pages())->flags;
  const volatile unsigned long *before = &(m.mem().mem_map() - 1)->flags;
  EXPECT_DEATH((void)*after, "");
  EXPECT_DEATH((void)*before, "");
  EXPECT_DEATH((void)*(after + (0x100000 * sizeof(struct page)) / sizeof(long)), "");
}

TEST(MemMap, BitsPerLongFollowsTheProfile) {
  for (const char *p : {"strict", "x86-32", "x86-32-forcemap", "arm-vivt", "x86-64", "x86-64-forcemap"}) {
    ASSERT_TRUE(Clean(run(p, +[] {
      g_bits = kmapsim_bits_per_long();
      g_ulong = kmapsim_ulong(0UL - 1);
      g_index = old_last_page(0, PAGE_SIZE);
    })));
    bool is64 = std::string(p).rfind("x86-64", 0) == 0;
    EXPECT_EQ(g_bits, is64 ? 64u : 32u) << p;
    EXPECT_EQ(g_ulong, is64 ? ~0UL : 0xffffffffUL) << p;
    // The scompress last-page index of one whole page: 0 (right) on
    // 64-bit, 2^20 on 32-bit (1 + 0xfffff).
    EXPECT_EQ(g_index, is64 ? 0UL : 0x100000UL) << p;
  }
}

// The direct map is aligned to the largest folio, as the kernel's is: a
// lowmem folio's address is aligned to its size, and offset_in_folio() of
// a pointer into it (jbd2's `offset_in_folio(folio, bh->b_data)`) is the
// offset in the folio. Before the alignment, the direct map started one
// guard page after the physical view and the result was off by that much.
namespace {
unsigned long g_offsets[3];
}  // namespace

TEST(MemMap, DirectMapIsAlignedToEveryFolioSize) {
  for (const char *p : {"strict", "x86-32", "x86-64"}) {
    RunResult r = run(p, +[] {
      struct folio *f = folio_alloc(GFP_KERNEL | __GFP_NOFAIL, 2);   // lowmem
      char *base = static_cast<char *>(folio_address(f));
      g_offsets[0] = offset_in_folio(f, base);
      g_offsets[1] = offset_in_folio(f, base + 3 * PAGE_SIZE + 17);
      g_offsets[2] = offset_in_folio(f, 5 * PAGE_SIZE + 9ull);   // a file position
      folio_put(f);
    });
    ASSERT_TRUE(Clean(r)) << p;
    EXPECT_EQ(g_offsets[0], 0ul) << p;
    EXPECT_EQ(g_offsets[1], 3 * PAGE_SIZE + 17) << p;
    EXPECT_EQ(g_offsets[2], PAGE_SIZE + 9) << p;
  }
}
