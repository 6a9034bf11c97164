// A small iov_iter (ITER_UBUF and ITER_KVEC) and the page copies of
// lib/iov_iter.c in their current, correct form: page_copy_sane() accepts
// a range inside the compound page, then every subpage is mapped on its own
// with kmap_local_page(). Subjects re-express the historical buggy versions
// next to these.
#include <linux/highmem.h>
#include <linux/uaccess.h>
#include <linux/uio.h>

#include <cstring>

#include "machine.h"

using kmapsim::M;

static size_t iter_copy(void *kaddr, size_t bytes, struct iov_iter *i, bool to_iter, bool inatomic) {
  if (to_iter == static_cast<bool>(i->data_source)) return 0;
  bytes = bytes < i->count ? bytes : i->count;
  size_t done = 0;
  if (i->iter_type == ITER_UBUF) {
    kmapsim::ApiGuard guard(M());
    char *u = static_cast<char *>(i->ubuf) + i->iov_offset;
    unsigned long left = to_iter ? M().user().copy_user(u, kaddr, bytes, true, inatomic, inatomic ? "__copy_to_user_inatomic" : "copy_to_user")
                                 : M().user().copy_user(kaddr, u, bytes, false, inatomic, inatomic ? "__copy_from_user_inatomic" : "copy_from_user");
    done = bytes - left;
    i->iov_offset += done;
  } else {
    while (done < bytes && i->nr_segs) {
      const struct kvec *v = i->kvec;
      size_t n = v->iov_len - i->iov_offset;
      if (n > bytes - done) n = bytes - done;
      char *seg = static_cast<char *>(v->iov_base) + i->iov_offset;
      if (to_iter)
        memcpy(seg, static_cast<char *>(kaddr) + done, n);
      else
        memcpy(static_cast<char *>(kaddr) + done, seg, n);
      done += n;
      i->iov_offset += n;
      if (i->iov_offset == v->iov_len) {
        i->kvec++;
        i->nr_segs--;
        i->iov_offset = 0;
      }
    }
  }
  i->count -= done;
  return done;
}

// page_copy_sane(): the range must lie inside the (compound) page.
static bool page_copy_sane(struct page *page, size_t offset, size_t n) {
  struct page *head = compound_head(page);
  size_t v = n + offset + static_cast<size_t>(page - head) * PAGE_SIZE;
  if (v >= n && v <= page_size(head)) return true;
  WARN_ON(1);
  return false;
}

static size_t copy_page_iter(struct page *page, size_t offset, size_t bytes, struct iov_iter *i, bool to_iter, bool atomic) {
  size_t res = 0;
  if (!page_copy_sane(page, offset, bytes)) return 0;
  page += offset / PAGE_SIZE;
  offset %= PAGE_SIZE;
  while (bytes) {
    size_t n = bytes < PAGE_SIZE - offset ? bytes : PAGE_SIZE - offset;
    char *kaddr = static_cast<char *>(kmap_local_page(page));
    if (atomic) pagefault_disable();
    size_t copied = iter_copy(kaddr + offset, n, i, to_iter, atomic);
    if (atomic) pagefault_enable();
    kunmap_local(kaddr);
    res += copied;
    bytes -= copied;
    if (!bytes || !copied) break;
    offset += copied;
    if (offset == PAGE_SIZE) {
      page++;
      offset = 0;
    }
  }
  return res;
}

// A subject or imported kernel code that defines one of these helpers
// replaces kmapsim's version (the point is to check the user's): weak.
#define KMAPSIM_USER_REPLACEABLE __attribute__((weak))

extern "C" {

KMAPSIM_USER_REPLACEABLE void iov_iter_ubuf(struct iov_iter *i, unsigned int direction, void __user *buf, size_t count) {
  memset(i, 0, sizeof *i);
  i->iter_type = ITER_UBUF;
  i->data_source = direction;
  i->ubuf = buf;
  i->count = count;
  i->nr_segs = 1;
}

KMAPSIM_USER_REPLACEABLE void iov_iter_kvec(struct iov_iter *i, unsigned int direction, const struct kvec *kvec, unsigned long nr_segs, size_t count) {
  memset(i, 0, sizeof *i);
  i->iter_type = ITER_KVEC;
  i->data_source = direction;
  i->kvec = kvec;
  i->nr_segs = nr_segs;
  i->count = count;
}

KMAPSIM_USER_REPLACEABLE size_t copy_to_iter(const void *addr, size_t bytes, struct iov_iter *i) { return iter_copy(const_cast<void *>(addr), bytes, i, true, false); }

KMAPSIM_USER_REPLACEABLE size_t copy_from_iter(void *addr, size_t bytes, struct iov_iter *i) { return iter_copy(addr, bytes, i, false, false); }

KMAPSIM_USER_REPLACEABLE size_t copy_page_to_iter(struct page *page, size_t offset, size_t bytes, struct iov_iter *i) {
  return copy_page_iter(page, offset, bytes, i, true, false);
}

KMAPSIM_USER_REPLACEABLE size_t copy_page_from_iter(struct page *page, size_t offset, size_t bytes, struct iov_iter *i) {
  return copy_page_iter(page, offset, bytes, i, false, false);
}

KMAPSIM_USER_REPLACEABLE size_t copy_folio_to_iter(struct folio *folio, size_t offset, size_t bytes, struct iov_iter *i) {
  return copy_page_iter(&folio->page, offset, bytes, i, true, false);
}

// The fixed form (after c749d9b7ebbc): one page per mapping whenever the
// folio is partially kmapped, copies with page faults disabled.
KMAPSIM_USER_REPLACEABLE size_t copy_page_from_iter_atomic(struct page *page, size_t offset, size_t bytes, struct iov_iter *i) {
  return copy_page_iter(page, offset, bytes, i, false, true);
}

KMAPSIM_USER_REPLACEABLE void iov_iter_advance(struct iov_iter *i, size_t bytes) {
  if (bytes > i->count) bytes = i->count;
  if (i->iter_type == ITER_UBUF) {
    i->iov_offset += bytes;
  } else {
    size_t left = bytes;
    while (left && i->nr_segs) {
      size_t n = i->kvec->iov_len - i->iov_offset;
      if (n > left) n = left;
      i->iov_offset += n;
      left -= n;
      if (i->iov_offset == i->kvec->iov_len) {
        i->kvec++;
        i->nr_segs--;
        i->iov_offset = 0;
      }
    }
  }
  i->count -= bytes;
}

}  // extern "C"
