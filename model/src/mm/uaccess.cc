// User memory. kmapsim_user_buffer() hands out user pages whose presence
// the run decides when each is first touched. copy_to_user/copy_from_user
// service a missing page when page faults are enabled (a scheduling point,
// since a fault may sleep); with faults disabled (kmap_atomic,
// pagefault_disable) the copy would come back short: fault-in-atomic. The
// _inatomic variants are the documented way to copy with faults disabled:
// they come back short without a report.
#include <cstdlib>
#include <cstring>

#include "machine.h"
#include "user_mem.h"
#include "usercopy.h"

namespace kmapsim {

void UserMem::reset() {
  for (UserBuf &b : bufs_) free(b.base);
  bufs_.clear();
  view_.clear();
}

void *UserMem::user_buffer(size_t len) {
  size_t pages = (len + kPage - 1) / kPage;
  if (!pages) pages = 1;
  char *p = static_cast<char *>(aligned_alloc(kPage, pages * kPage));
  if (!p) m_.report(BugClass::SubjectBug, -1, -1, "kmapsim_user_buffer(%zu): out of host memory", len);
  memset(p, 0, pages * kPage);
  bufs_.push_back({p, pages * kPage, std::vector<int8_t>(pages, -1)});
  return p;
}

// The bytes of [u, u + n) before its first user page boundary, or 0 when
// the range lies in one page: where a bad address makes a copy stop.
static unsigned long bad_user_prefix(const char *u, unsigned long n) {
  unsigned long to_boundary = kPage - reinterpret_cast<uintptr_t>(u) % kPage;
  return to_boundary < n ? to_boundary : 0;
}

UserBuf *UserMem::find(const char *u, unsigned long n) {
  for (UserBuf &b : bufs_)
    if (u >= b.base && u + n <= b.base + b.len) return &b;
  return nullptr;
}

unsigned long UserMem::copy_user(void *dst, const void *src, unsigned long n, bool to_user, bool inatomic, const char *api) {
  // check_object_size() comes first (clear_user() has no kernel object)
  if (src || !to_user) check_usercopy_kmap(m_, to_user ? src : dst, n, to_user, api);
  Task &t = m_.cur();
  if (!inatomic && !t.pagefault_disabled) m_.might_sleep(api);  // might_fault()
  m_.sched_point(api);
  const char *u = static_cast<const char *>(to_user ? dst : src);
  UserBuf *b = find(u, n);
  // A bad user address (the run decides, as user space may pass any
  // pointer): the copy stops at the first user page boundary inside the
  // range, or copies nothing, and returns what it did not copy.
  unsigned long want = n;
  if (n && !(b && b->bad_page_in(u, n)) && m_.fallible(Fault::UserCopy, "user copy: bad user address, the copy comes back short")) {
    want = bad_user_prefix(u, n);
    if (b) b->mark_bad(u + want);  // the address stays bad for the rest of the run
  }
  unsigned long done = 0;
  while (done < want) {
    size_t off = static_cast<size_t>(u + done - (b ? b->base : u));
    unsigned long chunk = want - done;
    if (b) {
      size_t pg = off / kPage;
      chunk = std::min<unsigned long>(chunk, kPage - off % kPage);
      if (b->present[pg] == UserBuf::kBad) break;  // a bad address: the copy stops here
      if (b->present[pg] < 0) b->present[pg] = m_.decide(Site::UserFault) ? 0 : 1;
      if (!b->present[pg]) {
        if (t.pagefault_disabled) {
          if (inatomic) return n - done;  // (never short of `want`: faults here are real ones)
          // Code that disabled page faults itself asked for this short
          // copy (the kernel's might_fault() allows the copy there): mm/
          // memory.c's copy_folio_from_user(..., false) hands it back for
          // mfill_atomic_pte_copy() to retry with faults on. Only faults
          // disabled as kmap_atomic()'s side effect are the conversion bug.
          if (t.pagefault_disabled > t.atomic_maps) break;
          m_.report(BugClass::FaultInAtomic, -1, -1,
                 "%s() touched a user page that is not present with page faults disabled (inside kmap_atomic()): the copy comes back short "
                 "with %lu of %lu bytes not copied, where a preemptible section would have faulted the page in",
                 api, n - done, n);
        }
        b->present[pg] = 1;
        m_.event(Ev::UserCopy, pg, 0, "user page fault serviced");
        m_.sched_point("handle_mm_fault");
      }
    }
    char *d = static_cast<char *>(dst) + done;
    if (src)
      memcpy(d, static_cast<const char *>(src) + done, chunk);
    else
      memset(d, 0, chunk);  // clear_user()
    done += chunk;
  }
  if (done < n) {
    // copy_from_user() zero-fills what it could not copy; the others leave it.
    if (!to_user && !inatomic) memset(static_cast<char *>(dst) + done, 0, n - done);
    m_.event(Ev::UserCopy, done, to_user, api);
    return n - done;
  }
  m_.event(Ev::UserCopy, n, to_user, api);
  return 0;
}

size_t UserMem::fault_in(const void *uaddr, size_t size) {
  const char *u = static_cast<const char *>(uaddr);
  UserBuf *b = find(u, size);
  if (size && m_.in_run() && !(b && b->bad_page_in(u, size)) && m_.fallible(Fault::FaultIn, "fault_in: bad user address")) {
    m_.might_sleep("fault_in");
    size_t ok = bad_user_prefix(u, size);
    if (b) b->mark_bad(u + ok);
    return size - ok;  // the bytes not faulted in
  }
  if (!b) return 0;
  m_.might_sleep("fault_in");
  for (size_t off = static_cast<size_t>(u - b->base); off < static_cast<size_t>(u - b->base) + size; off = (off / kPage + 1) * kPage) {
    if (b->present[off / kPage] == UserBuf::kBad) {
      m_.sched_point("fault_in");
      return static_cast<size_t>(u - b->base) + size - off;  // stops at a bad address
    }
    b->present[off / kPage] = 1;
  }
  m_.sched_point("fault_in");
  return 0;
}

}  // namespace kmapsim

// ---- the primitives imported kernel code calls itself (lib/iov_iter.c)

extern "C" {
bool access_ok(const void *addr, unsigned long size) {
  kmapsim::Machine &m = kmapsim::M();
  kmapsim::ApiGuard guard(m);
  return size == 0 || m.user().in_user_buffer(addr, size);
}
// With page faults disabled a missing page makes the copy short, silently
// (the caller copes, as generic_perform_write() does); enabled, it is
// faulted in, which may sleep.
unsigned long raw_copy_to_user(void *to, const void *from, unsigned long n) {
  kmapsim::Machine &m = kmapsim::M();
  kmapsim::ApiGuard guard(m);
  return m.user().copy_user(to, from, n, true, m.cur().pagefault_disabled > 0, "raw_copy_to_user");
}
// __clear_user(): clear_user() without its might_fault(), as the raw
// copies: short, silently, on a missing page with page faults disabled.
unsigned long __clear_user(void *to, unsigned long n) {
  kmapsim::Machine &m = kmapsim::M();
  kmapsim::ApiGuard guard(m);
  return m.user().copy_user(to, nullptr, n, true, m.cur().pagefault_disabled > 0, "__clear_user");
}
unsigned long raw_copy_from_user(void *to, const void *from, unsigned long n) {
  kmapsim::Machine &m = kmapsim::M();
  kmapsim::ApiGuard guard(m);
  return m.user().copy_user(to, from, n, false, m.cur().pagefault_disabled > 0, "raw_copy_from_user");
}
}  // extern "C"
