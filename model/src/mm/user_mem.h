// User memory (uaccess.cc, cacheflush.cc): the user buffers a subject gets
// from kmapsim_user_buffer(), whose pages the run decides present or not
// when first touched, the user copies over them, and what user space sees
// of a page mapped to it on an aliasing data cache.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "arena.h"

struct page;

namespace kmapsim {

class Machine;

struct UserBuf {
  char *base;
  size_t len;
  std::vector<int8_t> present;  // per page: -1 undecided, 0 absent, 1 present, kBad: a bad address (injected)
  static constexpr int8_t kBad = 2;
  bool bad_page_in(const char *u, size_t n) const {
    for (size_t pg = static_cast<size_t>(u - base) / 4096; n && pg <= static_cast<size_t>(u + n - 1 - base) / 4096; pg++)
      if (present[pg] == kBad) return true;
    return false;
  }
  void mark_bad(const char *at) {
    if (at >= base && at < base + len) present[static_cast<size_t>(at - base) / 4096] = kBad;
  }
};

class UserMem {
 public:
  explicit UserMem(Machine &m) : m_(m) {}
  ~UserMem() { reset(); }

  // ---- uaccess.cc
  void *user_buffer(size_t len);
  // src == nullptr (to user only): clear_user(), zeroes instead of a copy.
  unsigned long copy_user(void *dst, const void *src, unsigned long n, bool to_user, bool inatomic, const char *api);
  size_t fault_in(const void *uaddr, size_t size);
  bool in_user_buffer(const void *u, unsigned long n) { return find(static_cast<const char *>(u), n) != nullptr; }

  // ---- cacheflush.cc
  void flush_dcache_page(struct page *page);
  void user_map(struct page *page);
  void user_read(struct page *page, size_t off, void *buf, size_t len);
  // The page was freed: user space no longer sees it.
  void forget_page(Pfn pfn) {
    if (!view_.empty()) view_.erase(pfn);  // every freed page asks: most runs have no user view
  }

  void reset();

 private:
  UserBuf *find(const char *u, unsigned long n);

  Machine &m_;
  std::vector<UserBuf> bufs_;
  std::map<Pfn, std::vector<uint8_t>> view_;  // aliasing cache: what user space sees
};

}  // namespace kmapsim
