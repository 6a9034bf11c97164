/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: the XArray (include/linux/xarray.h) with the kernel's names,
 * entry encoding, struct fields and API semantics, for the page-cache walks
 * of ITER_XARRAY iterators and for harnesses that build a page cache.
 *
 * What imported code sees is the kernel's: struct xarray {xa_lock,
 * xa_flags, xa_head}, struct xa_state with its fields, XA_STATE(),
 * XA_STATE_ORDER(), xas_for_each(), xas_retry(), value and internal
 * entries, XAS_RESTART/XAS_BOUNDS and errors in xa_node. The storage behind
 * xa_head is the model's (model/src/kernel/xarray.cc): a list of entries in
 * index order, each covering the 2^order indices it was stored with, as the
 * kernel's multi-index entries do (CONFIG_XARRAY_MULTI). A walk returns each
 * entry once, whatever index inside it the walk starts from; storing into
 * any index of a multi-index entry replaces the whole entry. Records come
 * from kmalloc(): a store under the lock uses GFP_NOWAIT and may fail with
 * -ENOMEM, and xas_nomem() allocates with the caller's gfp, as in the kernel.
 * xa_find(), xa_find_after() and xa_for_each*() walk every entry
 * (XA_PRESENT); __xa_insert()/xa_insert() say -EBUSY for an index that
 * holds an entry. Marks are not modelled (no mark but XA_PRESENT is
 * defined; a walk by another stops the run).
 */
#ifndef _LINUX_XARRAY_H
#define _LINUX_XARRAY_H

#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/spinlock.h>
#include <linux/rcupdate.h>
#include <linux/err.h>
#include <linux/bits.h>
#include <limits.h>

/* One stored entry and the indices it covers (model-private layout). */
struct xa_node;
struct list_lru;

struct xarray {
	spinlock_t	xa_lock;
	gfp_t		xa_flags;
	void		*xa_head;
};

#define XA_CHUNK_SHIFT		6
#define XA_CHUNK_SIZE		(1UL << XA_CHUNK_SHIFT)
#define XA_CHUNK_MASK		(XA_CHUNK_SIZE - 1)

#define XARRAY_INIT(name, flags) {				\
	.xa_lock = __SPIN_LOCK_UNLOCKED(name.xa_lock),		\
	.xa_flags = flags,					\
	.xa_head = NULL,					\
}
#define DEFINE_XARRAY_FLAGS(name, flags) struct xarray name = XARRAY_INIT(name, flags)
#define DEFINE_XARRAY(name) DEFINE_XARRAY_FLAGS(name, 0)

static inline void xa_init_flags(struct xarray *xa, gfp_t flags)
{
	spin_lock_init(&xa->xa_lock);
	xa->xa_flags = flags;
	xa->xa_head = NULL;
}

static inline void xa_init(struct xarray *xa)
{
	xa_init_flags(xa, 0);
}

static inline bool xa_empty(const struct xarray *xa)
{
	return xa->xa_head == NULL;
}

/* Entries: pointers (4-byte aligned), values (bit 0), internal (bits 10).
 * A value entry holds one bit less than a long. */
#define BITS_PER_XA_VALUE	(BITS_PER_LONG - 1)
static inline void *xa_mk_value(unsigned long v)
{
	return (void *)((v << 1) | 1);
}

static inline unsigned long xa_to_value(const void *entry)
{
	return (unsigned long)entry >> 1;
}

static inline bool xa_is_value(const void *entry)
{
	return (unsigned long)entry & 1;
}

/* A pointer with a tag in its two low bits (lib/test_hmm.c's entries). */
static inline void *xa_tag_pointer(void *p, unsigned long tag)
{
	return (void *)((unsigned long)p | tag);
}

static inline void *xa_untag_pointer(void *entry)
{
	return (void *)((unsigned long)entry & ~3UL);
}

static inline unsigned int xa_pointer_tag(void *entry)
{
	return (unsigned long)entry & 3UL;
}

static inline void *xa_mk_internal(unsigned long v)
{
	return (void *)((v << 2) | 2);
}

static inline unsigned long xa_to_internal(const void *entry)
{
	return (unsigned long)entry >> 2;
}

static inline bool xa_is_internal(const void *entry)
{
	return ((unsigned long)entry & 3) == 2;
}

#define XA_ZERO_ENTRY		xa_mk_internal(257)
#define XA_RETRY_ENTRY		xa_mk_internal(256)

static inline bool xa_is_zero(const void *entry)
{
	return entry == XA_ZERO_ENTRY;
}

static inline bool xa_is_retry(const void *entry)
{
	return entry == XA_RETRY_ENTRY;
}

static inline bool xa_is_err(const void *entry)
{
	return xa_is_internal(entry) && entry >= xa_mk_internal(-MAX_ERRNO);
}

static inline int xa_err(void *entry)
{
	if (xa_is_err(entry))
		return (long)entry >> 2;
	return 0;
}

/* A pointer or value the caller may store (not internal). */
static inline bool xa_is_advanced(const void *entry)
{
	return xa_is_internal(entry) && (entry <= XA_RETRY_ENTRY);
}

/* Walks take a filter; only XA_PRESENT (every entry) is modelled. */
typedef unsigned int xa_mark_t;
#define XA_PRESENT	((xa_mark_t)8U)

typedef void (*xa_update_node_t)(struct xa_node *node);

struct xa_state {
	struct xarray *xa;
	unsigned long xa_index;
	unsigned char xa_shift;
	unsigned char xa_sibs;
	unsigned char xa_offset;
	unsigned char xa_pad;
	struct xa_node *xa_node;
	struct xa_node *xa_alloc;
	xa_update_node_t xa_update;
	struct list_lru *xa_lru;
};

#define XA_ERROR(errno) ((struct xa_node *)(((unsigned long)(errno) << 2) | 2UL))
#define XAS_BOUNDS	((struct xa_node *)1UL)
#define XAS_RESTART	((struct xa_node *)3UL)

#define __XA_STATE(array, index, shift, sibs) {	\
	.xa = array,					\
	.xa_index = index,				\
	.xa_shift = shift,				\
	.xa_sibs = sibs,				\
	.xa_offset = 0,					\
	.xa_pad = 0,					\
	.xa_node = XAS_RESTART,				\
	.xa_alloc = NULL,				\
	.xa_update = NULL,				\
	.xa_lru = NULL,					\
}

#define XA_STATE(name, array, index)				\
	struct xa_state name = __XA_STATE(array, index, 0, 0)
#define XA_STATE_ORDER(name, array, index, order)		\
	struct xa_state name = __XA_STATE(array,		\
			(index >> order) << order,		\
			order - (order % XA_CHUNK_SHIFT),	\
			(1U << (order % XA_CHUNK_SHIFT)) - 1)

#define xa_trylock(xa)		spin_trylock(&(xa)->xa_lock)
#define xa_lock(xa)		spin_lock(&(xa)->xa_lock)
#define xa_unlock(xa)		spin_unlock(&(xa)->xa_lock)
#define xa_lock_irq(xa)		spin_lock_irq(&(xa)->xa_lock)
#define xa_unlock_irq(xa)	spin_unlock_irq(&(xa)->xa_lock)
#define xa_lock_irqsave(xa, flags) spin_lock_irqsave(&(xa)->xa_lock, flags)
#define xa_unlock_irqrestore(xa, flags) spin_unlock_irqrestore(&(xa)->xa_lock, flags)
#define xas_lock(xas)		xa_lock((xas)->xa)
#define xas_unlock(xas)		xa_unlock((xas)->xa)
#define xas_lock_irq(xas)	xa_lock_irq((xas)->xa)
#define xas_unlock_irq(xas)	xa_unlock_irq((xas)->xa)
#define xas_lock_irqsave(xas, flags) xa_lock_irqsave((xas)->xa, flags)
#define xas_unlock_irqrestore(xas, flags) xa_unlock_irqrestore((xas)->xa, flags)

static inline int xas_error(const struct xa_state *xas)
{
	return xa_err(xas->xa_node);
}

static inline void xas_set_err(struct xa_state *xas, long err)
{
	xas->xa_node = XA_ERROR(err);
}

static inline bool xas_invalid(const struct xa_state *xas)
{
	return (unsigned long)xas->xa_node & 3;
}

static inline bool xas_valid(const struct xa_state *xas)
{
	return !xas_invalid(xas);
}

static inline void xas_reset(struct xa_state *xas)
{
	xas->xa_node = XAS_RESTART;
}

static inline void xas_set(struct xa_state *xas, unsigned long index)
{
	xas->xa_index = index;
	xas->xa_node = XAS_RESTART;
}

static inline void xas_set_order(struct xa_state *xas, unsigned long index, unsigned int order)
{
	xas->xa_index = order < BITS_PER_LONG ? (index >> order) << order : 0;
	xas->xa_shift = order - (order % XA_CHUNK_SHIFT);
	xas->xa_sibs = (1 << (order % XA_CHUNK_SHIFT)) - 1;
	xas->xa_node = XAS_RESTART;
}

/* A walk met an entry being moved: start again from the top. */
static inline bool xas_retry(struct xa_state *xas, const void *entry)
{
	if (xa_is_zero(entry))
		return true;
	if (!xa_is_retry(entry))
		return false;
	xas_reset(xas);
	return true;
}

KMAPSIM_EXTERN_C_BEGIN
/* Under rcu_read_lock() or the xa_lock, as in the kernel. */
void *xas_load(struct xa_state *xas);
void *xas_reload(struct xa_state *xas);
void *xas_find(struct xa_state *xas, unsigned long max);
void *xas_next(struct xa_state *xas);
/* Under the xa_lock. */
void *xas_store(struct xa_state *xas, void *entry);
bool xas_nomem(struct xa_state *xas, gfp_t gfp);
void xas_destroy(struct xa_state *xas);
/* Take the lock themselves. */
void *xa_load(struct xarray *xa, unsigned long index);
void *xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp);
void *xa_erase(struct xarray *xa, unsigned long index);
void xa_destroy(struct xarray *xa);
void *xa_find(struct xarray *xa, unsigned long *indexp, unsigned long max, xa_mark_t filter);
void *xa_find_after(struct xarray *xa, unsigned long *indexp, unsigned long max, xa_mark_t filter);
/* Under the xa_lock (dropped around a blocking allocation, as the kernel's). */
void *__xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp);
int __xa_insert(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp);
void *__xa_erase(struct xarray *xa, unsigned long index);
/* A record for xas->xa_alloc, kmalloc()ed with gfp (model/tree_c's radix
 * tree keeps one per CPU as its preload). */
struct xa_node *kmapsim_xa_node_alloc(gfp_t gfp);
KMAPSIM_EXTERN_C_END

/* 0, or -EBUSY when the index holds an entry, -ENOMEM, -EINVAL. */
static inline int xa_insert(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp)
{
	int err;

	xa_lock(xa);
	err = __xa_insert(xa, index, entry, gfp);
	xa_unlock(xa);
	return err;
}

#define xa_for_each_range(xa, index, entry, start, last)		\
	for (index = start,						\
	     entry = xa_find(xa, &index, last, XA_PRESENT);		\
	     entry;							\
	     entry = xa_find_after(xa, &index, last, XA_PRESENT))
#define xa_for_each_start(xa, index, entry, start) \
	xa_for_each_range(xa, index, entry, start, ULONG_MAX)
#define xa_for_each(xa, index, entry) xa_for_each_start(xa, index, entry, 0)

/* The next present entry after the one the walk is at. */
static inline void *xas_next_entry(struct xa_state *xas, unsigned long max)
{
	return xas_find(xas, max);
}

#define xas_for_each(xas, entry, max) \
	for (entry = xas_find(xas, max); entry; entry = xas_next_entry(xas, max))

#endif /* _LINUX_XARRAY_H */
