// Aliasing data caches and missing-flush-dcache. A page also mapped to user
// space (kmapsim_user_map) shows user space a separate copy on aliasing
// profiles (strict, arm-vivt) that only flush_dcache_page() — or a helper
// that calls it — brings up to date. Elsewhere user space sees the frame.
#include "unit.h"

using namespace kt;

namespace {

struct page *g_page;
char g_seen;

void write_then_user_read() {
  g_page = HIGH_PAGE();
  kmapsim_user_map(g_page);
  char *k = static_cast<char *>(kmap_local_page(g_page));
  k[5] = 'W';
  kunmap_local(k);
  kmapsim_user_read(g_page, 0, &g_seen, 1);  // byte 0: not written, not stale
  kmapsim_user_read(g_page, 5, &g_seen, 1);
  __free_page(g_page);
}

void write_flush_then_user_read() {
  g_page = HIGH_PAGE();
  kmapsim_user_map(g_page);
  char *k = static_cast<char *>(kmap_local_page(g_page));
  k[5] = 'W';
  flush_dcache_page(g_page);
  kunmap_local(k);
  kmapsim_user_read(g_page, 5, &g_seen, 1);
  __free_page(g_page);
}

TEST(Cacheflush, MissingFlushOnAliasingProfiles) {
  for (const char *prof : {"strict", "arm-vivt", "arm-vivt-tiny"}) {
    g_seen = 0;
    RunResult r = run(prof, write_then_user_read);
    EXPECT_TRUE(Reported(r, BugClass::MissingFlushDcache, {"user space reads pfn", "offset 5", "without flush_dcache_page()"})) << prof;
  }
}

TEST(Cacheflush, FlushDcachePageFixesIt) {
  for (const char *prof : {"strict", "arm-vivt"}) {
    g_seen = 0;
    RunResult r = run(prof, write_flush_then_user_read);
    EXPECT_TRUE(Clean(r)) << prof;
    EXPECT_EQ(g_seen, 'W') << prof;
  }
}

TEST(Cacheflush, SilentWithoutAnAliasingCache) {
  for (const char *prof : {"x86-32", "x86-32-forcemap", "x86-64"}) {
    g_seen = 0;
    RunResult r = run(prof, write_then_user_read);
    EXPECT_TRUE(Clean(r)) << prof;
    EXPECT_EQ(g_seen, 'W') << prof;
  }
}

TEST(Cacheflush, MemcpyToPageFlushes) {
  RunResult r = run("strict", +[] {
    g_page = HIGH_PAGE();
    kmapsim_user_map(g_page);
    memcpy_to_page(g_page, 100, "hello", 5);
    char buf[5];
    kmapsim_user_read(g_page, 100, buf, 5);
    g_seen = buf[4];
    __free_page(g_page);
  });
  EXPECT_TRUE(Clean(r));
  EXPECT_EQ(g_seen, 'o');
}

TEST(Cacheflush, MemzeroPageFlushes) {
  RunResult r = run("arm-vivt", +[] {
    g_page = HIGH_PAGE();
    kmapsim_user_map(g_page);
    memzero_page(g_page, 0, 64);
    kmapsim_user_read(g_page, 10, &g_seen, 1);
    __free_page(g_page);
  });
  EXPECT_TRUE(Clean(r));
  EXPECT_EQ(g_seen, 0);
}

TEST(Cacheflush, WriteThroughKmapNeedsAFlushToo) {
  RunResult r = run("strict", +[] {
    g_page = HIGH_PAGE();
    kmapsim_user_map(g_page);
    char *k = static_cast<char *>(kmap(g_page));
    k[0] = 'P';
    kunmap(g_page);
    kmapsim_user_read(g_page, 0, &g_seen, 1);
  });
  EXPECT_TRUE(Reported(r, BugClass::MissingFlushDcache, {"offset 0"}));
}

TEST(Cacheflush, FlushDcacheFolioFlushesEverySubpage) {
  static bool flush;
  for (bool f : {false, true}) {
    flush = f;
    RunResult r = run("strict", +[] {
      struct folio *folio = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, 2);
      for (int i = 0; i < 4; i++) kmapsim_user_map(folio_page(folio, i));
      char *k = static_cast<char *>(kmap_local_page(folio_page(folio, 3)));
      k[7] = 'F';
      kunmap_local(k);
      if (flush) flush_dcache_folio(folio);
      for (int i = 0; i < 4; i++) kmapsim_user_read(folio_page(folio, i), 7, &g_seen, 1);
      folio_put(folio);
    });
    if (f)
      EXPECT_TRUE(Clean(r));
    else
      EXPECT_TRUE(Reported(r, BugClass::MissingFlushDcache, {"offset 7"}));
  }
}

TEST(Cacheflush, UserReadOfAPageNotMappedToUser) {
  RunResult r = run("strict", +[] {
    g_page = HIGH_PAGE();
    kmapsim_user_read(g_page, 0, &g_seen, 1);
  });
  EXPECT_TRUE(Reported(r, BugClass::SubjectBug, {"kmapsim_user_read()", "not kmapsim_user_map()ped"}));
}

}  // namespace
