// Hardened usercopy's kmap check (mm/usercopy.c, 4e140f59d285): a user copy
// whose kernel side is a kmap() address may not cross the mapped page; the
// report carries the kernel's own words. Local mappings and 64-bit kernels
// are outside that check (is_kmap_addr() is the PKMAP range).
#include "unit.h"

using namespace kt;

namespace {

TEST(Usercopy, CopyToUserCrossingAKmapPageIsAnExposureAttempt) {
  RunResult r = run("x86-32", +[] {
    struct page *p = HIGH_PAGE();
    char *k = static_cast<char *>(kmap(p));
    void __user *u = kmapsim_user_buffer(200);
    copy_to_user(u, k + PAGE_SIZE - 100, 200);
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapOverrun,
                       {"copy_to_user() from the kmap() mapping", "usercopy: Kernel memory exposure attempt detected from kmap (offset 3996, size 200)!"}));
}

TEST(Usercopy, CopyFromUserCrossingAKmapPageIsAnOverwriteAttempt) {
  RunResult r = run("arm-vivt", +[] {
    struct page *p = HIGH_PAGE();
    char *k = static_cast<char *>(kmap(p));
    void __user *u = kmapsim_user_buffer(64);
    copy_from_user(k + PAGE_SIZE - 8, u, 64);
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapOverrun, {"usercopy: Kernel memory overwrite attempt detected to kmap (offset 4088, size 64)!"}));
}

TEST(Usercopy, IovIterCopyToUserIsCheckedToo) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    char *k = static_cast<char *>(kmap(p));
    struct iov_iter it;
    iov_iter_ubuf(&it, ITER_DEST, kmapsim_user_buffer(PAGE_SIZE), PAGE_SIZE);
    copy_to_iter(k + 1, PAGE_SIZE, &it);
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapOverrun, {"usercopy: Kernel memory exposure attempt detected from kmap (offset 1, size 4096)!"}));
}

TEST(Usercopy, CopiesWithinTheKmapPageAreClean) {
  RunResult r = run("x86-32", +[] {
    struct page *p = HIGH_PAGE();
    char *k = static_cast<char *>(kmap(p));
    void __user *u = kmapsim_user_buffer(PAGE_SIZE);
    copy_to_user(u, k, PAGE_SIZE);
    copy_from_user(k + PAGE_SIZE - 16, u, 16);
    kunmap(p);
    __free_page(p);
  });
  EXPECT_TRUE(Clean(r));
}

// A kmap_local address is not is_kmap_addr(): hardened usercopy lets the
// copy through and the overrun is found where it lands (the guard slot).
TEST(Usercopy, LocalMappingsAreNotCheckedByUsercopy) {
  RunResult r = run("strict", +[] {
    struct page *p = HIGH_PAGE();
    char *k = static_cast<char *>(kmap_local_page(p));
    void __user *u = kmapsim_user_buffer(200);
    copy_to_user(u, k + PAGE_SIZE - 100, 200);
  });
  EXPECT_TRUE(Reported(r, BugClass::KmapOverrun));
  EXPECT_FALSE(TextHas(r, "usercopy:"));
}

// 64-bit: kmap() is page_address() and there is no PKMAP range.
TEST(Usercopy, NoKmapRangeOn64Bit) {
  RunResult r = run("x86-64", +[] {
    struct page *p = alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, 1);
    char *k = static_cast<char *>(kmap(p));
    void __user *u = kmapsim_user_buffer(200);
    copy_to_user(u, k + PAGE_SIZE - 100, 200);
    kunmap(p);
    __free_pages(p, 1);
  });
  EXPECT_TRUE(Clean(r));
}

}  // namespace
