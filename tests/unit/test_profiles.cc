// Profiles: the same buggy code is caught on 32-bit HIGHMEM and silent on
// 64-bit, except for the rules that hold on every kernel (sleeping in
// atomic context, faults with page faults disabled). Plus the profile
// table itself (slot counts, tiny pools).
#include "unit.h"

using namespace kt;

namespace {

struct page *g_page;
void *g_addr;
DECLARE_COMPLETION(g_published);
DECLARE_COMPLETION(g_read);
bool g_done;

void overrun() {
  struct page *p = HIGH_PAGE();
  volatile char *k = static_cast<char *>(kmap_local_page(p));
  (void)k[PAGE_SIZE];
  kunmap_local(const_cast<char *>(k));
  __free_page(p);
  g_done = true;
}

void unmap_order() {
  struct page *a = HIGH_PAGE(), *b = HIGH_PAGE();
  void *ka = kmap_local_page(a), *kb = kmap_local_page(b);
  kunmap_local(ka);
  kunmap_local(kb);
  __free_page(b);
  __free_page(a);
  g_done = true;
}

void use_after_unmap() {
  struct page *p = HIGH_PAGE();
  volatile char *k = static_cast<char *>(kmap_local_page(p));
  kunmap_local(const_cast<char *>(k));
  (void)k[0];
  __free_page(p);
  g_done = true;
}

void escape_to_kthread() {
  init_completion(&g_published);
  init_completion(&g_read);
  g_page = HIGH_PAGE();
  g_addr = nullptr;
  kthread_run(
      +[](void *) -> int {
        wait_for_completion(&g_published);
        (void)static_cast<volatile char *>(g_addr)[0];
        complete(&g_read);
        return 0;
      },
      nullptr, "reader");
  g_addr = kmap_local_page(g_page);
  complete(&g_published);
  wait_for_completion(&g_read);
  kunmap_local(g_addr);
  __free_page(g_page);
  g_done = true;
}

void local_leak() {
  struct page *p = HIGH_PAGE();
  kmap_local_page(p);
  g_done = true;
}

void kmap_leak() {
  struct page *p = HIGH_PAGE();
  kmap(p);
  g_done = true;
}

void seventeen_nested() {
  static struct page *pages[17];
  static void *addrs[17];
  for (int i = 0; i < 17; i++) pages[i] = HIGH_PAGE();
  for (int i = 0; i < 17; i++) addrs[i] = kmap_local_page(pages[i]);
  for (int i = 16; i >= 0; i--) kunmap_local(addrs[i]);
  for (int i = 0; i < 17; i++) __free_page(pages[i]);
  g_done = true;
}

void page_address_deref() {
  struct page *p = HIGH_PAGE();
  volatile char *k = static_cast<char *>(page_address(p));
  k[0] = 1;
  __free_page(p);
  g_done = true;
}

void missing_flush() {
  struct page *p = HIGH_PAGE();
  char c;
  kmapsim_user_map(p);
  char *k = static_cast<char *>(kmap_local_page(p));
  k[0] = 'W';  // not 'k': that is the allocator's poison byte 0x6b
  kunmap_local(k);
  kmapsim_user_read(p, 0, &c, 1);
  g_done = true;
}

void helper_overrun() {
  struct page *p = alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, 1);
  static char buf[256];
  memcpy_to_page(p, PAGE_SIZE - 100, buf, 200);
  __free_pages(p, 1);
  g_done = true;
}

struct Case {
  const char *name;
  void (*body)();
  BugClass on_strict;
  bool at_the_end = false;  // a leak: reported when the holder ends, after the body's last line
};

const Case kSilentOn64[] = {
    {"overrun", overrun, BugClass::KmapOverrun},
    {"unmap_order", unmap_order, BugClass::KunmapOrder},
    {"use_after_unmap", use_after_unmap, BugClass::KmapUseAfterUnmap},
    {"escape_to_kthread", escape_to_kthread, BugClass::KmapEscape},
    {"local_leak", local_leak, BugClass::KmapLeak, true},
    {"kmap_leak", kmap_leak, BugClass::KmapLeak, true},
    {"seventeen_nested", seventeen_nested, BugClass::KmapSlotOverflow},
    {"page_address_deref", page_address_deref, BugClass::HighmemPageAddress},
    {"missing_flush", missing_flush, BugClass::MissingFlushDcache},
    {"helper_overrun", helper_overrun, BugClass::KmapOverrun},
};

TEST(Profiles, HighmemBugsAreCaughtOnStrict) {
  for (const Case &c : kSilentOn64) {
    g_done = false;
    RunResult r = run("strict", c.body);
    EXPECT_TRUE(Reported(r, c.on_strict)) << c.name;
    EXPECT_EQ(g_done, c.at_the_end) << c.name;
  }
}

TEST(Profiles, HighmemBugsAreSilentOnX86_64) {
  for (const Case &c : kSilentOn64) {
    g_done = false;
    RunResult r = run("x86-64", c.body);
    EXPECT_TRUE(Clean(r)) << c.name;
    EXPECT_TRUE(g_done) << c.name;
  }
}

// x86-64 with DEBUG_KMAP_LOCAL_FORCE_MAP: highmem-internal.h gives a kernel
// without CONFIG_HIGHMEM page_address() for every kmap_local variant, so the
// forced map never happens and the same buggy code stays silent; only
// folio_test_partial_kmap() answers true, as page-flags.h defines it.
TEST(Profiles, HighmemBugsAreSilentOnX86_64ForceMap) {
  for (const Case &c : kSilentOn64) {
    g_done = false;
    RunResult r = run("x86-64-forcemap", c.body);
    EXPECT_TRUE(Clean(r)) << c.name;
    EXPECT_TRUE(g_done) << c.name;
  }
}

TEST(Profiles, X86_64ForceMapMapsNothingButPartialKmapIsTrue) {
  static bool mapped, partial64, partial64fm, partial32;
  auto body = +[] {
    struct folio *f = folio_alloc(GFP_KERNEL | __GFP_NOFAIL, 2);
    void *k = kmap_local_folio(f, 3 * PAGE_SIZE + 8);
    mapped = k == static_cast<char *>(folio_address(f)) + 3 * PAGE_SIZE + 8 && !is_kmap_addr(k);
    kunmap_local(k);
    bool partial = folio_test_partial_kmap(f);
    folio_put(f);
    return partial;
  };
  static bool (*b)() = body;
  ASSERT_TRUE(Clean(run("x86-64-forcemap", +[] { partial64fm = b(); })));
  EXPECT_TRUE(mapped);
  EXPECT_TRUE(partial64fm);
  ASSERT_TRUE(Clean(run("x86-64", +[] { partial64 = b(); })));
  EXPECT_FALSE(partial64);
  ASSERT_TRUE(Clean(run("x86-32", +[] { partial32 = b(); })));
  EXPECT_FALSE(partial32);  // a lowmem folio without FORCE_MAP
}

TEST(Profiles, SleepInKmapAtomicIsCaughtOnX86_64) {
  static DEFINE_MUTEX(lock);
  RunResult r = run("x86-64", +[] {
    struct page *p = HIGH_PAGE();
    void *k = kmap_atomic(p);
    mutex_lock(&lock);
  });
  EXPECT_TRUE(Reported(r, BugClass::SleepInAtomic, {"mutex_lock()", "inside kmap_atomic()"}));
}

TEST(Profiles, FaultInKmapAtomicIsCaughtOnX86_64) {
  ScriptSource src;
  src.set_default(Site::UserFault, 1);
  RunResult r = run("x86-64", +[] {
    struct page *p = HIGH_PAGE();
    void __user *u = kmapsim_user_buffer(64);
    void *k = kmap_atomic(p);
    copy_to_user(u, k, 64);
  }, src);
  EXPECT_TRUE(Reported(r, BugClass::FaultInAtomic, {"copy_to_user()", "inside kmap_atomic()"}));
}

TEST(Profiles, KmapAtomicLeakIsCaughtOnX86_64) {
  RunResult r = run("x86-64", +[] {
    struct page *p = HIGH_PAGE();
    kmap_atomic(p);
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapLeak, {"kmap_atomic()"}));
}

TEST(Profiles, X86_64HasNoHighmem) {
  static bool highmem, mapped;
  RunResult r = run("x86-64", +[] {
    struct page *p = HIGH_PAGE();
    highmem = PageHighMem(p);
    void *k = kmap_local_page(p);
    mapped = k == page_address(p) && !is_kmap_addr(k);
    kunmap_local(k);
    __free_page(p);
  });
  ASSERT_TRUE(Clean(r));
  EXPECT_FALSE(highmem);
  EXPECT_TRUE(mapped);
}

TEST(Profiles, Table) {
  const kmapsim::Profile *strict = kmapsim::find_profile("strict");
  ASSERT_NE(strict, nullptr);
  EXPECT_EQ(&kmapsim::default_profile(), strict);
  EXPECT_TRUE(strict->highmem && strict->force_map && strict->aliasing_dcache && strict->debug_kmap_local);
  EXPECT_EQ(strict->max_local_maps(), 16);
  const kmapsim::Profile *x86 = kmapsim::find_profile("x86-32");
  ASSERT_NE(x86, nullptr);
  EXPECT_EQ(x86->max_local_maps(), 15);
  EXPECT_FALSE(x86->force_map);
  const kmapsim::Profile *fm = kmapsim::find_profile("x86-32-forcemap");
  ASSERT_NE(fm, nullptr);
  EXPECT_TRUE(fm->force_map && fm->debug_kmap_local);
  const kmapsim::Profile *arm = kmapsim::find_profile("arm-vivt");
  ASSERT_NE(arm, nullptr);
  EXPECT_TRUE(arm->aliasing_dcache);
  const kmapsim::Profile *x64 = kmapsim::find_profile("x86-64");
  ASSERT_NE(x64, nullptr);
  EXPECT_FALSE(x64->highmem);
  EXPECT_EQ(x64->highmem_pages, 0u);
  const kmapsim::Profile *x64fm = kmapsim::find_profile("x86-64-forcemap");
  ASSERT_NE(x64fm, nullptr);
  EXPECT_TRUE(!x64fm->highmem && x64fm->force_map && x64fm->debug_kmap_local);
  EXPECT_EQ(x64fm->lowmem_pages, x64->lowmem_pages);
  for (const char *base : {"strict", "x86-32", "x86-32-forcemap", "arm-vivt", "x86-64", "x86-64-forcemap"}) {
    const kmapsim::Profile *t = kmapsim::find_profile(std::string(base) + "-tiny");
    ASSERT_NE(t, nullptr) << base;
    EXPECT_EQ(t->last_pkmap, 8u) << base;
    EXPECT_EQ(t->highmem, kmapsim::find_profile(base)->highmem) << base;
  }
  EXPECT_EQ(kmapsim::find_profile("x86-32-nope"), nullptr);
  EXPECT_EQ(kmapsim::find_profile(""), nullptr);
}

}  // namespace
