/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: struct page and struct folio. The model owns every field; a
 * subject only does what kernel code does with them: pointer arithmetic
 * within mem_map (page + 1, nth_page, folio_page) and the accessors below.
 */
#ifndef _LINUX_MM_TYPES_H
#define _LINUX_MM_TYPES_H

#include <linux/types.h>
#include <linux/spinlock.h>

struct page {
	unsigned long flags;		/* KMAPSIM_PG_* bits below */
	unsigned long compound_head;	/* head page | 1 on tail pages, as in the kernel */
	unsigned int order;		/* compound order, valid on the head page */
	int _refcount;			/* on the head page */
	int _mapcount;			/* > 0 when kmapsim_user_map()ped */
	unsigned int _pad;
};

/* A folio overlays its head page, as in the kernel. */
struct folio {
	struct page page;
};

struct kioctx_table;

/*
 * The address space of a task: the fields kernel code around kmap touches
 * (fs/aio keeps its ring table here). Owned by the code that uses it; the
 * model itself does not look inside.
 */
struct mm_struct {
	unsigned long flags;
	int mm_users;
	int mm_count;
	/* CONFIG_AIO */
	spinlock_t ioctx_lock;
	struct kioctx_table *ioctx_table;
};

/* A page's index in a file or address space, in pages. */
typedef unsigned long pgoff_t;

#define KMAPSIM_PG_HIGHMEM	(1UL << 0)
#define KMAPSIM_PG_HEAD		(1UL << 1)
#define KMAPSIM_PG_ALLOCATED	(1UL << 2)
#define KMAPSIM_PG_USER_MAPPED	(1UL << 3)

#endif /* _LINUX_MM_TYPES_H */
