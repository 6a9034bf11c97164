// The XArray's storage and operations (linux/xarray.h): the kernel's API
// semantics over a sorted list of records, one per stored entry, each
// covering the range of indices the entry was stored with (a multi-index
// entry of order N covers 2^N indices, as page-cache folios do).
//
// Kept as the kernel keeps them:
// - a walk (xas_find/xas_for_each) returns each entry once, in index order:
//   from the entry covering xa_index on its first step (xa_index unchanged),
//   then the next entry after it, with xa_index set to that entry's first
//   index, until max; past the end the state is XAS_BOUNDS;
// - storing into any index of an entry replaces the whole entry (and every
//   entry the new range overlaps); storing NULL erases it;
// - under the lock a store allocates with GFP_NOWAIT and may fail with
//   -ENOMEM in xa_node; xas_nomem() then allocates with the caller's gfp
//   into xa_alloc and asks for a retry (xa_store() drops the lock around a
//   blocking allocation, as __xas_nomem() does);
// - a walk never touches freed memory: a state remembers its record only
//   by identity, and finds the next one from xa_index, as RCU keeps the
//   kernel's nodes alive under a reader.
// Records are kmalloc()ed, so they fail, and are freed, like the kernel's
// radix_tree_node allocations. Internal entries other than errors (retry,
// zero, sibling) are never stored by this model; storing one stops the run
// as unmodelled.
#include <kmapsim/subject.h>
#include <linux/xarray.h>

extern "C" __attribute__((noreturn)) void kmapsim_unmodelled(const char *name);

struct xa_node {
  unsigned long first, last;
  void *entry;
  struct xa_node *next;
};

namespace {

// The state of a walk that reached an index holding no entry.
xa_node g_no_entry{};

xa_node *head(const xarray *xa) { return static_cast<xa_node *>(xa->xa_head); }

xa_node *covering(const xarray *xa, unsigned long index) {
  for (xa_node *r = head(xa); r && r->first <= index; r = r->next)
    if (index <= r->last) return r;
  return nullptr;
}

bool is_walked(const xa_state *xas) { return xas_valid(xas) && xas->xa_node != nullptr; }

void remove_overlapping(xarray *xa, unsigned long first, unsigned long last, xa_node *keep) {
  xa_node **pp = reinterpret_cast<xa_node **>(&xa->xa_head);
  while (*pp) {
    xa_node *r = *pp;
    if (r != keep && r->first <= last && r->last >= first) {
      *pp = r->next;
      kfree(r);
    } else {
      pp = &r->next;
    }
  }
}

void insert_sorted(xarray *xa, xa_node *rec) {
  xa_node **pp = reinterpret_cast<xa_node **>(&xa->xa_head);
  while (*pp && (*pp)->first < rec->first) pp = &(*pp)->next;
  rec->next = *pp;
  *pp = rec;
}

}  // namespace

extern "C" {

void *xas_load(struct xa_state *xas) {
  if (xas_error(xas)) return nullptr;
  xa_node *r = covering(xas->xa, xas->xa_index);
  xas->xa_node = r ? r : &g_no_entry;
  return r ? r->entry : nullptr;
}

void *xas_reload(struct xa_state *xas) {
  xa_node *r = covering(xas->xa, xas->xa_index);
  return r ? r->entry : nullptr;
}

void *xas_find(struct xa_state *xas, unsigned long max) {
  if (xas_error(xas) || xas->xa_node == XAS_BOUNDS) return nullptr;
  if (xas->xa_index > max) {
    xas->xa_node = XAS_BOUNDS;
    return nullptr;
  }
  bool walked = is_walked(xas);
  xa_node *r = head(xas->xa);
  // first step: the entry covering xa_index or the next one; later steps:
  // the entry after the one the walk is at
  while (r && (walked ? r->first <= xas->xa_index : r->last < xas->xa_index)) r = r->next;
  if (!r || r->first > max) {
    xas->xa_node = XAS_BOUNDS;
    return nullptr;
  }
  if (r->first > xas->xa_index) xas->xa_index = r->first;
  xas->xa_node = r;
  return r->entry;
}

void *xas_next(struct xa_state *xas) {
  if (xas_error(xas)) return nullptr;
  if (xas->xa_node != XAS_RESTART) xas->xa_index++;
  return xas_load(xas);
}

void *xas_store(struct xa_state *xas, void *entry) {
  if (xas_error(xas)) return nullptr;
  if (xa_is_internal(entry)) kmapsim_unmodelled("xas_store of an internal entry");
  unsigned long size = (static_cast<unsigned long>(xas->xa_sibs) + 1) << xas->xa_shift;
  unsigned long first = xas->xa_index & ~(size - 1);
  unsigned long last = first + size - 1;
  xa_node *old = covering(xas->xa, xas->xa_index);
  void *curr = old ? old->entry : nullptr;
  if (!entry) {
    remove_overlapping(xas->xa, first, last, nullptr);
    xas->xa_node = &g_no_entry;
    return curr;
  }
  if (old && old->first == first && old->last == last) {   // same slots: no allocation
    old->entry = entry;
    remove_overlapping(xas->xa, first, last, old);
    xas->xa_node = old;
    return curr;
  }
  xa_node *rec = xas->xa_alloc;
  xas->xa_alloc = nullptr;
  if (!rec) rec = kmapsim_xa_node_alloc(GFP_NOWAIT | __GFP_NOWARN);
  if (!rec) {
    xas_set_err(xas, -ENOMEM);
    return nullptr;
  }
  remove_overlapping(xas->xa, first, last, nullptr);
  rec->first = first;
  rec->last = last;
  rec->entry = entry;
  insert_sorted(xas->xa, rec);
  xas->xa_node = rec;
  return curr;
}

void xas_destroy(struct xa_state *xas) {
  if (xas->xa_alloc) kfree(xas->xa_alloc);
  xas->xa_alloc = nullptr;
}

struct xa_node *kmapsim_xa_node_alloc(gfp_t gfp) { return static_cast<xa_node *>(kmalloc(sizeof(xa_node), gfp)); }

bool xas_nomem(struct xa_state *xas, gfp_t gfp) {
  if (xas->xa_node != XA_ERROR(-ENOMEM)) {
    xas_destroy(xas);
    return false;
  }
  xas->xa_alloc = kmapsim_xa_node_alloc(gfp);
  if (!xas->xa_alloc) return false;
  xas->xa_node = XAS_RESTART;
  return true;
}

void *xa_load(struct xarray *xa, unsigned long index) {
  XA_STATE(xas, xa, index);
  rcu_read_lock();
  void *entry = xas_load(&xas);
  rcu_read_unlock();
  return entry;
}

// xas_store() under the lock, retried after an allocation with gfp (the
// lock dropped around it when gfp may block), as __xa_store() does. With
// `exclusive` (__xa_insert), an index already holding an entry is -EBUSY,
// looked at again on every try: another task may have stored one while
// the lock was dropped for the allocation.
static void *store_locked(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp, bool exclusive = false) {
  XA_STATE(xas, xa, index);
  void *curr;
  for (;;) {
    if (exclusive && xas_load(&xas)) {
      xas_set_err(&xas, -EBUSY);
      break;
    }
    curr = xas_store(&xas, entry);
    if (xas.xa_node != XA_ERROR(-ENOMEM)) break;
    bool blocking = gfpflags_allow_blocking(gfp);
    if (blocking) xa_unlock(xa);
    xas.xa_alloc = kmapsim_xa_node_alloc(gfp);
    if (blocking) xa_lock(xa);
    if (!xas.xa_alloc) break;
    xas.xa_node = XAS_RESTART;
  }
  xas_destroy(&xas);
  if (xas_error(&xas)) curr = xas.xa_node;
  return curr;
}

void *__xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp) {
  if (xa_is_advanced(entry)) return XA_ERROR(-EINVAL);
  return store_locked(xa, index, entry, gfp);
}

void *xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp) {
  xa_lock(xa);
  void *curr = __xa_store(xa, index, entry, gfp);
  xa_unlock(xa);
  return curr;
}

// A NULL insert reserves the index with XA_ZERO_ENTRY in the kernel; this
// model stores no internal entries, so that use stops the run.
int __xa_insert(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp) {
  if (xa_is_advanced(entry)) return -EINVAL;
  if (!entry) kmapsim_unmodelled("xa_insert() of NULL (reserving an index)");
  return xa_err(store_locked(xa, index, entry, gfp, true));
}

void *__xa_erase(struct xarray *xa, unsigned long index) {
  return store_locked(xa, index, nullptr, 0);
}

void *xa_erase(struct xarray *xa, unsigned long index) {
  xa_lock(xa);
  void *curr = __xa_erase(xa, index);
  xa_unlock(xa);
  return curr;
}

// Only XA_PRESENT: marks are not modelled, so a walk by mark stops the run.
static void check_filter(xa_mark_t filter, const char *api) {
  if (filter != XA_PRESENT) kmapsim_unmodelled(api);
}

void *xa_find(struct xarray *xa, unsigned long *indexp, unsigned long max, xa_mark_t filter) {
  check_filter(filter, "xa_find() by mark");
  XA_STATE(xas, xa, *indexp);
  rcu_read_lock();
  void *entry = xas_find(&xas, max);
  rcu_read_unlock();
  // as the kernel's: past the end the index is left where it was
  if (entry) *indexp = xas.xa_index;
  return entry;
}

// The entry after the one at *indexp: records never overlap, so the next
// record starting above *indexp is past the whole entry covering it (a
// multi-index entry is returned once, as the kernel skips its siblings).
void *xa_find_after(struct xarray *xa, unsigned long *indexp, unsigned long max, xa_mark_t filter) {
  check_filter(filter, "xa_find_after() by mark");
  if (*indexp == ULONG_MAX) return nullptr;
  rcu_read_lock();
  xa_node *r = head(xa);
  while (r && r->first <= *indexp) r = r->next;
  void *entry = r && r->first <= max ? r->entry : nullptr;
  rcu_read_unlock();
  if (entry) *indexp = r->first;
  return entry;
}

void xa_destroy(struct xarray *xa) {
  unsigned long flags;
  xa_lock_irqsave(xa, flags);
  xa_node *r = head(xa);
  xa->xa_head = nullptr;
  while (r) {
    xa_node *n = r->next;
    kfree(r);
    r = n;
  }
  xa_unlock_irqrestore(xa, flags);
}

}  // extern "C"
