// The helpers of include/linux/highmem.h (memcpy_to_page, memcpy_from_page,
// memcpy_page, memset_page, memzero_page, zero_user_segments, clear_highpage,
// copy_highpage): complete map/use/unmap brackets on one page, whose bounds
// rule (offset + len <= PAGE_SIZE) is a kmap-overrun on HIGHMEM profiles.
#include <vector>

#include "unit.h"

using namespace kt;

namespace {

struct page *g_a, *g_b;
char g_buf[2 * PAGE_SIZE];
bool g_ok;
size_t g_depth;
int g_migrate;

void fill(struct page *p, char v) {
  char *k = static_cast<char *>(kmap_local_page(p));
  memset(k, v, PAGE_SIZE);
  kunmap_local(k);
}

char byte_at(struct page *p, size_t off) {
  char c;
  memcpy_from_page(&c, p, off, 1);
  return c;
}

// ---- bounds

TEST(Helpers, MemcpyToPagePastThePage) {
  RunResult r = run("strict", +[] {
    g_a = alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, 1);
    memcpy_to_page(g_a, 4000, g_buf, 200);
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapOverrun, {"memcpy_to_page(offset 4000, len 200)", "4200 exceeds PAGE_SIZE"}));
}

TEST(Helpers, MemcpyToPageUpToTheEndIsClean) {
  RunResult r = run("strict", +[] {
    g_a = alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, 1);
    memset(g_buf, 'T', 200);
    memcpy_to_page(g_a, PAGE_SIZE - 200, g_buf, 200);
    g_ok = byte_at(g_a, PAGE_SIZE - 1) == 'T' && byte_at(g_a, PAGE_SIZE - 200) == 'T' && byte_at(g_a, PAGE_SIZE - 201) == 0x6b;
    __free_pages(g_a, 1);
  });
  EXPECT_TRUE(Clean(r));
  EXPECT_TRUE(g_ok);
}

TEST(Helpers, MemcpyFromPagePastThePage) {
  RunResult r = run("x86-32", +[] {
    g_a = HIGH_PAGE();
    memcpy_from_page(g_buf, g_a, 1, PAGE_SIZE);
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapOverrun, {"memcpy_from_page(offset 1, len 4096)"}));
}

TEST(Helpers, MemcpyPageSourcePastThePage) {
  RunResult r = run("strict", +[] {
    g_a = HIGH_PAGE();
    g_b = HIGH_PAGE();
    memcpy_page(g_a, 0, g_b, 4000, 100);
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapOverrun, {"memcpy_page(offset 4000, len 100)"}));
}

TEST(Helpers, MemsetPagePastThePage) {
  RunResult r = run("strict", +[] {
    g_a = HIGH_PAGE();
    memset_page(g_a, 4090, 0, 10);
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapOverrun, {"memset_page(offset 4090, len 10)"}));
}

TEST(Helpers, MemzeroPageOffsetBeyondThePage) {
  RunResult r = run("strict", +[] {
    g_a = HIGH_PAGE();
    memzero_page(g_a, PAGE_SIZE + 1, 0);
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapOverrun, {"memzero_page"}));
}

TEST(Helpers, ZeroUserSegmentsPastTheCompoundPage) {
  RunResult r = run("strict", +[] {
    g_a = HIGH_PAGE();
    zero_user_segments(g_a, 0, 5000, 0, 0);
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapOverrun, {"zero_user_segments", "reaches past the 4096 bytes"}));
}

TEST(Helpers, OverrunIsSilentOnX86_64) {
  RunResult r = run("x86-64", +[] {
    g_a = alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, 1);
    memcpy_to_page(g_a, 4000, g_buf, 200);
    __free_pages(g_a, 1);
  });
  EXPECT_TRUE(Clean(r));
}

// ---- contents, and no mapping left behind

void no_maps_left() {
  Machine &m = kt::M();
  g_depth = m.cur().kmap_ctrl.size();
  g_migrate = m.cur().migrate_disabled;
}

TEST(Helpers, CopiesMoveTheRightBytes) {
  for (const char *prof : {"strict", "x86-32", "x86-64"}) {
    RunResult r = run(prof, +[] {
      g_a = HIGH_PAGE();
      g_b = HIGH_PAGE();
      fill(g_a, 'a');
      fill(g_b, 'b');
      memcpy_page(g_a, 10, g_b, 20, 30);  // a[10..40) = 'b'
      memset_page(g_b, 0, 'z', 5);        // b[0..5) = 'z'
      memzero_page(g_b, PAGE_SIZE - 3, 3);
      memmove_page(g_a, 100, g_a, 10, 30);  // a[100..130) = 'b'
      g_ok = byte_at(g_a, 9) == 'a' && byte_at(g_a, 10) == 'b' && byte_at(g_a, 39) == 'b' && byte_at(g_a, 40) == 'a' &&
             byte_at(g_a, 100) == 'b' && byte_at(g_a, 129) == 'b' && byte_at(g_a, 130) == 'a' && byte_at(g_b, 4) == 'z' &&
             byte_at(g_b, 5) == 'b' && byte_at(g_b, PAGE_SIZE - 1) == 0 && byte_at(g_b, PAGE_SIZE - 4) == 'b';
      no_maps_left();
      __free_page(g_b);
      __free_page(g_a);
    });
    ASSERT_TRUE(Clean(r)) << prof;
    EXPECT_TRUE(g_ok) << prof;
    EXPECT_EQ(g_depth, 0u) << prof;
    EXPECT_EQ(g_migrate, 0) << prof;
  }
}

TEST(Helpers, ClearAndCopyHighpage) {
  RunResult r = run("strict", +[] {
    g_a = HIGH_PAGE();
    g_b = HIGH_PAGE();
    fill(g_a, 'x');
    clear_highpage(g_b);
    g_ok = byte_at(g_b, 0) == 0 && byte_at(g_b, PAGE_SIZE - 1) == 0;
    copy_highpage(g_b, g_a);
    g_ok = g_ok && byte_at(g_b, 0) == 'x' && byte_at(g_b, PAGE_SIZE - 1) == 'x';
    no_maps_left();
    __free_page(g_b);
    __free_page(g_a);
  });
  EXPECT_TRUE(Clean(r));
  EXPECT_TRUE(g_ok);
  EXPECT_EQ(g_depth, 0u);
}

// Each touched subpage of a highmem compound page is mapped on its own.
TEST(Helpers, ZeroUserSegmentsOnACompoundHighmemPage) {
  for (const char *prof : {"strict", "x86-32", "x86-64"}) {
    RunResult r = run(prof, +[] {
      g_a = alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, 2);
      for (int i = 0; i < 4; i++) fill(g_a + i, 'f');
      zero_user_segments(g_a, 100, 5000, 9000, 12000);
      g_ok = true;
      for (size_t off = 0; off < 4 * PAGE_SIZE; off += 50) {
        bool zero = (off >= 100 && off < 5000) || (off >= 9000 && off < 12000);
        if (byte_at(g_a + off / PAGE_SIZE, off % PAGE_SIZE) != (zero ? 0 : 'f')) g_ok = false;
      }
      g_ok = g_ok && byte_at(g_a + 1, 5000 - PAGE_SIZE - 1) == 0 && byte_at(g_a + 1, 5000 - PAGE_SIZE) == 'f';
      no_maps_left();
      __free_pages(g_a, 2);
    });
    ASSERT_TRUE(Clean(r)) << prof;
    EXPECT_TRUE(g_ok) << prof;
    EXPECT_EQ(g_depth, 0u) << prof;
  }
}

TEST(Helpers, HelpersNestInsideAHeldLocalMap) {
  RunResult r = run("strict", +[] {
    g_a = HIGH_PAGE();
    g_b = HIGH_PAGE();
    char *k = static_cast<char *>(kmap_local_page(g_a));
    memset(k, 'o', PAGE_SIZE);
    memcpy_to_page(g_b, 0, k, PAGE_SIZE);  // maps and unmaps above k: order kept
    g_depth = kt::M().cur().kmap_ctrl.size();
    kunmap_local(k);
    g_ok = byte_at(g_b, PAGE_SIZE - 1) == 'o';
    __free_page(g_b);
    __free_page(g_a);
  });
  EXPECT_TRUE(Clean(r));
  EXPECT_TRUE(g_ok);
  EXPECT_EQ(g_depth, 1u);
}

// ---- the helpers' own copies leave their window closed on the host
// (KmapLocal::quiet_next_map): the model's records, events and decisions
// must be exactly those of the open-coded bracket, and a copy whose other
// buffer is a window address must behave as with the window open.

char *g_stale;
bool g_helper;

// Two tasks each copy into a highmem page, by the helper or open-coded.
struct completion g_copied;

void copy_into_a_page() {
  struct page *p = HIGH_PAGE();
  if (g_helper) {
    memcpy_to_page(p, 8, g_buf, 64);
    memzero_page(p, 100, 20);
  } else {
    char *k = static_cast<char *>(kmap_local_page(p));
    memcpy(k + 8, g_buf, 64);
    flush_dcache_page(p);
    kunmap_local(k);
    k = static_cast<char *>(kmap_local_page(p));
    memset(k + 100, 0, 20);
    flush_dcache_page(p);
    kunmap_local(k);
  }
  g_ok = g_ok && byte_at(p, 8) == 'c' && byte_at(p, 71) == 'c' && byte_at(p, 72) == 0x6b && byte_at(p, 119) == 0;
  __free_page(p);
}

int copy_thread(void *) {
  copy_into_a_page();
  complete(&g_copied);
  return 0;
}

void copy_body() {
  memset(g_buf, 'c', 64);
  init_completion(&g_copied);
  kthread_run(copy_thread, nullptr, "copier");
  copy_into_a_page();
  wait_for_completion(&g_copied);
}

std::vector<uint64_t> enumerate_copies(bool helper) {
  std::vector<uint64_t> hashes;
  kmapsim::ExhaustiveSource ex(1);
  g_helper = helper;
  g_ok = true;
  do {
    RunResult r = run("strict", copy_body, ex);
    EXPECT_TRUE(Clean(r));
    hashes.push_back(r.trace_hash);
  } while (!ex.complete());
  return hashes;
}

TEST(Helpers, HelperCopiesRunAsTheOpenCodedBracket) {
  std::vector<uint64_t> helper = enumerate_copies(true);
  EXPECT_TRUE(g_ok);
  std::vector<uint64_t> open_coded = enumerate_copies(false);
  EXPECT_TRUE(g_ok);
  EXPECT_GT(helper.size(), 100u);
  EXPECT_EQ(helper, open_coded);  // every run: the same decisions and events
}

TEST(Helpers, HelperCopyFromAStaleAddressOfTheSameWindow) {
  // The fifth map of a page reuses the window of the first (four copies in
  // turn): the copy reads through the stale address, which now shows the
  // page again, as on a kernel whose fixmap slot was reused.
  RunResult r = run("strict", +[] {
    g_a = HIGH_PAGE();
    fill(g_a, 's');
    g_stale = static_cast<char *>(kmap_local_page(g_a));
    kunmap_local(g_stale);
    for (int i = 0; i < 3; i++) kunmap_local(kmap_local_page(g_a));
    memcpy_to_page(g_a, 64, g_stale, 16);
    g_ok = byte_at(g_a, 64) == 's';
    __free_page(g_a);
  });
  EXPECT_TRUE(Clean(r));
  EXPECT_TRUE(g_ok);
}

TEST(Helpers, HelperCopyFromAStaleAddressOfAnotherWindowFaults) {
  RunResult r = run("strict", +[] {
    g_a = HIGH_PAGE();
    g_stale = static_cast<char *>(kmap_local_page(g_a));
    kunmap_local(g_stale);
    memcpy_to_page(g_a, 64, g_stale, 16);
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapUseAfterUnmap));
}

}  // namespace
