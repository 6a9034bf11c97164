// The helpers of include/linux/highmem.h, built on kmap_local_page() as in
// the kernel: each is a complete map/use/unmap bracket, unmapping in
// reverse order. Their bounds rule (VM_BUG_ON: offset + len <= PAGE_SIZE)
// is reported as kmap-overrun on HIGHMEM profiles — as a DEBUG_VM kernel
// would — and is silent on 64-bit, where the copy runs on into the next page.
#include <linux/highmem.h>

#include <cstring>

#include "machine.h"

using kmapsim::BugClass;
using kmapsim::M;

// Always inlined: its frame is the helper's, whose return address is the
// caller's line (the report's call site).
static inline __attribute__((always_inline)) void bound(const char *api, struct page *page, size_t off, size_t len) {
  kmapsim::Machine &m = M();
  kmapsim::ApiGuard guard(m);
  if (!m.profile().highmem) return;
  if (off > PAGE_SIZE || len > PAGE_SIZE - off) {
    // The helpers are not API entries of their own: the report's call site
    // is the caller of the helper (the report ends the run).
    if (m.cur_task() >= 0 && !m.cur().site.fp)
      m.cur().site = {reinterpret_cast<uintptr_t>(__builtin_return_address(0)), __builtin_frame_address(0), api};
    m.report(BugClass::KmapOverrun, -1, static_cast<int64_t>(m.mem().checked_pfn(page, api)),
             "%s(offset %zu, len %zu) of pfn %u: offset + len = %zu exceeds PAGE_SIZE, but the helper maps one page", api, off, len,
             m.mem().checked_pfn(page, api), off + len);
  }
}

// kmap_local_page() of page for a copy the helper makes itself, returning
// the mapped address (what the subject would see, recorded as usual);
// *host is where the copy goes: the frame's own host memory when the window
// was left closed (KmapLocal::quiet_next_map), else the address itself.
// `other` is the caller's buffer the copy reads or writes: one inside the
// arena (a live or stale window address) gets the window opened as always,
// so a copy between two windows behaves exactly as it did.
// Torture mode (windows never switch) maps as always: there the subject's
// code runs outside the model lock, so the quiet request and the window
// lookup would race with the other CPUs' maps.
static char *helper_map(struct page *page, const void *other, char **host) {
  kmapsim::Machine &m = M();
  if (!m.local().switches_windows()) {
    *host = static_cast<char *>(kmap_local_page(page));
    return *host;
  }
  int task = m.cur_task();
  if (!m.arena().contains(other)) m.local().quiet_next_map(task);
  char *addr = static_cast<char *>(kmap_local_page(page));
  m.local().withdraw_quiet(task);
  *host = static_cast<char *>(m.local().host_alias(addr));
  return addr;
}

// A subject or imported kernel code that defines one of these helpers
// replaces kmapsim's version (the point is to check the user's): weak.
#define KMAPSIM_USER_REPLACEABLE __attribute__((weak))

extern "C" {

KMAPSIM_USER_REPLACEABLE void memcpy_page(struct page *dst_page, size_t dst_off, struct page *src_page, size_t src_off, size_t len) {
  bound("memcpy_page", dst_page, dst_off, len);
  bound("memcpy_page", src_page, src_off, len);
  char *dst = static_cast<char *>(kmap_local_page(dst_page));
  char *src = static_cast<char *>(kmap_local_page(src_page));
  memcpy(dst + dst_off, src + src_off, len);
  kunmap_local(src);
  kunmap_local(dst);
}

// Removed from the kernel in 2022: with two temporary mappings memmove()'s
// overlap test compares two different aliases. Kept for ported code.
KMAPSIM_USER_REPLACEABLE void memmove_page(struct page *dst_page, size_t dst_off, struct page *src_page, size_t src_off, size_t len) {
  bound("memmove_page", dst_page, dst_off, len);
  bound("memmove_page", src_page, src_off, len);
  char *dst = static_cast<char *>(kmap_local_page(dst_page));
  char *src = static_cast<char *>(kmap_local_page(src_page));
  memmove(dst + dst_off, src + src_off, len);
  kunmap_local(src);
  kunmap_local(dst);
}

KMAPSIM_USER_REPLACEABLE void memset_page(struct page *page, size_t offset, int val, size_t len) {
  bound("memset_page", page, offset, len);
  char *host;
  char *addr = helper_map(page, nullptr, &host);
  memset(host + offset, val, len);
  kunmap_local(addr);
}

KMAPSIM_USER_REPLACEABLE void memcpy_from_page(char *to, struct page *page, size_t offset, size_t len) {
  bound("memcpy_from_page", page, offset, len);
  char *host;
  char *from = helper_map(page, to, &host);
  memcpy(to, host + offset, len);
  kunmap_local(from);
}

KMAPSIM_USER_REPLACEABLE void memcpy_to_page(struct page *page, size_t offset, const char *from, size_t len) {
  bound("memcpy_to_page", page, offset, len);
  char *host;
  char *to = helper_map(page, from, &host);
  memcpy(host + offset, from, len);
  flush_dcache_page(page);
  kunmap_local(to);
}

KMAPSIM_USER_REPLACEABLE void memzero_page(struct page *page, size_t offset, size_t len) {
  bound("memzero_page", page, offset, len);
  char *host;
  char *addr = helper_map(page, nullptr, &host);
  memset(host + offset, 0, len);
  flush_dcache_page(page);
  kunmap_local(addr);
}

// HIGHMEM: every touched subpage of a compound page is mapped on its own.
KMAPSIM_USER_REPLACEABLE void zero_user_segments(struct page *page, unsigned start1, unsigned end1, unsigned start2, unsigned end2) {
  kmapsim::Machine &m = M();
  size_t size = page_size(page);
  if (end1 > size || end2 > size) {
    kmapsim::ApiGuard guard(m);
    m.report(BugClass::KmapOverrun, -1, static_cast<int64_t>(m.mem().checked_pfn(page, "zero_user_segments")),
             "zero_user_segments(%u-%u, %u-%u) reaches past the %zu bytes of the page", start1, end1, start2, end2, size);
  }
  if (!m.profile().highmem) {
    char *kaddr = static_cast<char *>(kmap_local_page(page));
    if (end1 > start1) memset(kaddr + start1, 0, end1 - start1);
    if (end2 > start2) memset(kaddr + start2, 0, end2 - start2);
    kunmap_local(kaddr);
    for (size_t i = 0; i < size / PAGE_SIZE; i++) flush_dcache_page(page + i);
    return;
  }
  for (size_t i = 0; i < size / PAGE_SIZE; i++) {
    unsigned lo = static_cast<unsigned>(i * PAGE_SIZE), hi = static_cast<unsigned>((i + 1) * PAGE_SIZE);
    unsigned s1 = start1 > lo ? start1 : lo, e1 = end1 < hi ? end1 : hi;
    unsigned s2 = start2 > lo ? start2 : lo, e2 = end2 < hi ? end2 : hi;
    if (s1 >= e1 && s2 >= e2) continue;
    char *kaddr = static_cast<char *>(kmap_local_page(page + i));
    if (s1 < e1) memset(kaddr + (s1 - lo), 0, e1 - s1);
    if (s2 < e2) memset(kaddr + (s2 - lo), 0, e2 - s2);
    kunmap_local(kaddr);
    flush_dcache_page(page + i);
  }
}

KMAPSIM_USER_REPLACEABLE void clear_highpage(struct page *page) {
  char *kaddr = static_cast<char *>(kmap_local_page(page));
  memset(kaddr, 0, PAGE_SIZE);
  kunmap_local(kaddr);
}

KMAPSIM_USER_REPLACEABLE void copy_highpage(struct page *to, struct page *from) {
  char *vfrom = static_cast<char *>(kmap_local_page(from));
  char *vto = static_cast<char *>(kmap_local_page(to));
  memcpy(vto, vfrom, PAGE_SIZE);
  kunmap_local(vto);
  kunmap_local(vfrom);
}

}  // extern "C"
