// User copies and fault-in-atomic. A user page the run decided is absent
// faults on first touch: serviced when page faults are enabled, a
// fault-in-atomic report inside kmap_atomic()/pagefault_disable() — where
// the copy would come back short — and a silent short copy for the
// documented __copy_*_user_inatomic() variants.
#include "unit.h"

using namespace kt;

namespace {

struct page *g_page;
char __user *g_ubuf;
unsigned long g_left[4];
char g_byte[4];
bool g_done;

ScriptSource absent_user_pages() {
  ScriptSource s;
  s.set_default(Site::UserFault, 1);
  return s;
}

void fill_page(struct page *p, char v) {
  char *k = static_cast<char *>(kmap_local_page(p));
  memset(k, v, PAGE_SIZE);
  kunmap_local(k);
}

TEST(Uaccess, CopyToUserUnderKmapAtomicWithAbsentPage) {
  ScriptSource src = absent_user_pages();
  RunResult r = run("strict", +[] {
    g_page = HIGH_PAGE();
    g_ubuf = static_cast<char __user *>(kmapsim_user_buffer(64));
    void *k = kmap_atomic(g_page);
    copy_to_user(g_ubuf, k, 64);
  }, src);
  EXPECT_TRUE(Reported(r, BugClass::FaultInAtomic, {"copy_to_user()", "not present", "inside kmap_atomic()", "64 of 64 bytes not copied"}));
}

TEST(Uaccess, CopyToUserUnderKmapLocalFaultsThePageIn) {
  ScriptSource src = absent_user_pages();
  RunResult r = run("strict", +[] {
    g_page = HIGH_PAGE();
    fill_page(g_page, 'Q');
    g_ubuf = static_cast<char __user *>(kmapsim_user_buffer(64));
    void *k = kmap_local_page(g_page);
    g_left[0] = copy_to_user(g_ubuf, k, 64);
    kunmap_local(k);
    g_byte[0] = g_ubuf[0];
    g_byte[1] = g_ubuf[63];
    __free_page(g_page);
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_left[0], 0u);
  EXPECT_EQ(g_byte[0], 'Q');
  EXPECT_EQ(g_byte[1], 'Q');
}

TEST(Uaccess, InatomicCopyComesBackShortWithoutReport) {
  ScriptSource src = absent_user_pages();
  RunResult r = run("strict", +[] {
    g_page = HIGH_PAGE();
    fill_page(g_page, 'R');
    g_ubuf = static_cast<char __user *>(kmapsim_user_buffer(64));
    void *k = kmap_atomic(g_page);
    g_left[0] = __copy_to_user_inatomic(g_ubuf, k, 64);
    kunmap_atomic(k);
    // The usual fallback: copy again where faults may be serviced.
    void *k2 = kmap_local_page(g_page);
    g_left[1] = copy_to_user(g_ubuf, k2, 64);
    kunmap_local(k2);
    g_byte[0] = g_ubuf[10];
    __free_page(g_page);
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_left[0], 64u);
  EXPECT_EQ(g_left[1], 0u);
  EXPECT_EQ(g_byte[0], 'R');
}

TEST(Uaccess, InatomicCopyStopsAtTheFirstAbsentPage) {
  ScriptSource src;
  src.push(Site::UserFault, 0).push(Site::UserFault, 1);  // page 0 present, page 1 absent
  RunResult r = run("strict", +[] {
    static char kbuf[PAGE_SIZE];
    memset(kbuf, 'S', sizeof kbuf);
    g_ubuf = static_cast<char __user *>(kmapsim_user_buffer(2 * PAGE_SIZE));
    pagefault_disable();
    g_left[0] = __copy_to_user_inatomic(g_ubuf + PAGE_SIZE / 2, kbuf, PAGE_SIZE);
    pagefault_enable();
    g_byte[0] = g_ubuf[PAGE_SIZE - 1];
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_left[0], PAGE_SIZE / 2);
  EXPECT_EQ(g_byte[0], 'S');
}

// Code that disables page faults itself asks for the short copy (mm/
// memory.c's copy_folio_from_user(..., false), retried by its caller with
// faults on): no report, the copy comes back short and copy_from_user()
// zero-fills the rest, as the kernel's does. The same copy where only
// kmap_atomic() disabled faults is the conversion bug.
TEST(Uaccess, CopyFromUserUnderPagefaultDisableIsShortNotReported) {
  ScriptSource src = absent_user_pages();
  RunResult r = run("strict", +[] {
    static char kbuf[32];
    memset(kbuf, 'K', sizeof kbuf);
    g_ubuf = static_cast<char __user *>(kmapsim_user_buffer(32));
    g_page = HIGH_PAGE();
    void *k = kmap_atomic(g_page);
    pagefault_disable();  // inside kmap_atomic() too: the code asked for it
    g_left[0] = copy_from_user(kbuf, g_ubuf, sizeof kbuf);
    pagefault_enable();
    kunmap_atomic(k);
    g_byte[0] = kbuf[5];
    g_left[1] = copy_from_user(kbuf, g_ubuf, sizeof kbuf);  // faults serviced now
    __free_page(g_page);
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_left[0], 32u);
  EXPECT_EQ(g_byte[0], 0);
  EXPECT_EQ(g_left[1], 0u);

  ScriptSource again = absent_user_pages();
  r = run("strict", +[] {
    static char kbuf[32];
    g_ubuf = static_cast<char __user *>(kmapsim_user_buffer(32));
    void *k = kmap_atomic(LOW_PAGE());
    copy_from_user(kbuf, g_ubuf, sizeof kbuf);
    kunmap_atomic(k);
  }, again);
  EXPECT_TRUE(Reported(r, BugClass::FaultInAtomic, {"copy_from_user()", "inside kmap_atomic()"}));
}

TEST(Uaccess, PresentPagesUnderKmapAtomicAreClean) {
  RunResult r = run("strict", +[] {  // default: user pages present
    g_page = HIGH_PAGE();
    g_ubuf = static_cast<char __user *>(kmapsim_user_buffer(64));
    void *k = kmap_atomic(g_page);
    g_left[0] = copy_to_user(g_ubuf, k, 64);
    kunmap_atomic(k);
    __free_page(g_page);
  });
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_left[0], 0u);
}

TEST(Uaccess, FaultInBeforeTheAtomicSectionIsClean) {
  ScriptSource src = absent_user_pages();
  RunResult r = run("strict", +[] {
    g_page = HIGH_PAGE();
    g_ubuf = static_cast<char __user *>(kmapsim_user_buffer(2 * PAGE_SIZE));
    fault_in_writeable(g_ubuf, 2 * PAGE_SIZE);
    void *k = kmap_atomic(g_page);
    g_left[0] = copy_to_user(g_ubuf + PAGE_SIZE, k, PAGE_SIZE);
    kunmap_atomic(k);
    __free_page(g_page);
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_left[0], 0u);
}

TEST(Uaccess, ServicedPageStaysPresent) {
  ScriptSource src = absent_user_pages();
  RunResult r = run("strict", +[] {
    g_page = HIGH_PAGE();
    g_ubuf = static_cast<char __user *>(kmapsim_user_buffer(64));
    static char kbuf[64];
    copy_from_user(kbuf, g_ubuf, 64);  // faults it in
    void *k = kmap_atomic(g_page);
    g_left[0] = copy_to_user(g_ubuf, k, 64);
    kunmap_atomic(k);
    __free_page(g_page);
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_left[0], 0u);
}

TEST(Uaccess, CopyFromUserIntoKmapLocalPage) {
  ScriptSource src = absent_user_pages();
  RunResult r = run("x86-32", +[] {
    g_page = HIGH_PAGE();
    g_ubuf = static_cast<char __user *>(kmapsim_user_buffer(16));
    memset(g_ubuf, 'U', 16);  // the host writes user memory directly
    char *k = static_cast<char *>(kmap_local_page(g_page));
    g_left[0] = copy_from_user(k + PAGE_SIZE - 16, g_ubuf, 16);
    g_byte[0] = k[PAGE_SIZE - 1];
    kunmap_local(k);
    __free_page(g_page);
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_left[0], 0u);
  EXPECT_EQ(g_byte[0], 'U');
}

TEST(Uaccess, CopyToUserPastTheKmapLocalPage) {
  RunResult r = run("strict", +[] {
    g_page = HIGH_PAGE();
    g_ubuf = static_cast<char __user *>(kmapsim_user_buffer(2 * PAGE_SIZE));
    char *k = static_cast<char *>(kmap_local_page(g_page));
    copy_to_user(g_ubuf, k + 16, PAGE_SIZE);
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapOverrun, {"read", "kmap_local_page()"}));
}

// clear_user() zeroes user memory as copy_to_user() writes it: a missing
// page is faulted in where faults are enabled, a fault-in-atomic report
// inside kmap_atomic(); __clear_user() with faults disabled comes back short.
TEST(Uaccess, ClearUserZeroesAndFaultsLikeCopyToUser) {
  ScriptSource src = absent_user_pages();
  RunResult r = run("strict", +[] {
    g_ubuf = static_cast<char __user *>(kmapsim_user_buffer(2 * PAGE_SIZE));
    memset(g_ubuf, 'Z', 2 * PAGE_SIZE);  // the host writes user memory directly
    g_left[0] = clear_user(g_ubuf + 8, PAGE_SIZE);
    g_byte[0] = g_ubuf[7];
    g_byte[1] = g_ubuf[8];
    g_byte[2] = g_ubuf[PAGE_SIZE + 7];
    g_byte[3] = g_ubuf[PAGE_SIZE + 8];
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_left[0], 0u);
  EXPECT_EQ(g_byte[0], 'Z');
  EXPECT_EQ(g_byte[1], 0);
  EXPECT_EQ(g_byte[2], 0);
  EXPECT_EQ(g_byte[3], 'Z');

  r = run("strict", +[] {
    g_page = HIGH_PAGE();
    g_ubuf = static_cast<char __user *>(kmapsim_user_buffer(64));
    void *k = kmap_atomic(g_page);
    clear_user(g_ubuf, 64);
    kunmap_atomic(k);
  }, src);
  EXPECT_TRUE(Reported(r, BugClass::FaultInAtomic, {"clear_user()", "not present", "inside kmap_atomic()"}));

  r = run("strict", +[] {
    g_ubuf = static_cast<char __user *>(kmapsim_user_buffer(64));
    pagefault_disable();
    g_left[0] = __clear_user(g_ubuf, 64);
    pagefault_enable();
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_left[0], 64u);
}

// copy_{to,from}_user_nofault() never sleep and never fault: under
// kmap_atomic() an absent user page makes them return -EFAULT without a
// report, present pages copy in full and return 0; a source read past the
// mapped page is still an overrun.
TEST(Uaccess, NofaultCopiesReturnEfaultInsteadOfFaulting) {
  ScriptSource src = absent_user_pages();
  RunResult r = run("strict", +[] {
    g_page = HIGH_PAGE();
    fill_page(g_page, 'N');
    g_ubuf = static_cast<char __user *>(kmapsim_user_buffer(64));
    char *k = static_cast<char *>(kmap_atomic(g_page));
    g_left[0] = static_cast<unsigned long>(copy_to_user_nofault(g_ubuf, k, 64));
    g_left[1] = static_cast<unsigned long>(copy_from_user_nofault(k, g_ubuf, 64));
    kunmap_atomic(k);
    __free_page(g_page);
  }, src);
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(static_cast<long>(g_left[0]), -EFAULT);
  EXPECT_EQ(static_cast<long>(g_left[1]), -EFAULT);

  r = run("strict", +[] {
    g_page = HIGH_PAGE();
    fill_page(g_page, 'N');
    g_ubuf = static_cast<char __user *>(kmapsim_user_buffer(PAGE_SIZE));
    char *k = static_cast<char *>(kmap_local_page(g_page));
    g_left[0] = static_cast<unsigned long>(copy_to_user_nofault(g_ubuf, k, 64));
    g_byte[0] = g_ubuf[63];
    // past the user buffer's last page: access_ok() fails, nothing is copied
    g_left[1] = static_cast<unsigned long>(copy_to_user_nofault(g_ubuf + PAGE_SIZE - 8, k, 16));
    kunmap_local(k);
    __free_page(g_page);
  });
  ASSERT_TRUE(Clean(r));
  EXPECT_EQ(g_left[0], 0u);
  EXPECT_EQ(g_byte[0], 'N');
  EXPECT_EQ(static_cast<long>(g_left[1]), -EFAULT);

  r = run("strict", +[] {
    g_page = HIGH_PAGE();
    g_ubuf = static_cast<char __user *>(kmapsim_user_buffer(64));
    char *k = static_cast<char *>(kmap_local_page(g_page));
    copy_to_user_nofault(g_ubuf, k + PAGE_SIZE - 32, 64);
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapOverrun, {"read", "kmap_local_page()"}));
}

}  // namespace
