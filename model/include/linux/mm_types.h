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

/* A page's index in a file or address space, in pages. */
typedef unsigned long pgoff_t;

struct address_space;

/* `private` is a C++ keyword: the model (C++) names the field private_. */
#ifdef __cplusplus
#define __KMAPSIM_PRIVATE private_
#else
#define __KMAPSIM_PRIVATE private
#endif

/*
 * mm_types_task.h: a piece of a page handed out by a page-fragment
 * allocator (skb data, netfs): where in which page, and how much.
 * 32-bit fields, as on a kernel whose long has 64 bits (kmapsim's host).
 */
struct page_frag {
	struct page *page;
	__u32 offset;
	__u32 size;
};

/*
 * A swap entry: swap type and offset in one word, as a page table holds
 * it for a page that is out (mm/swapfile.c's code passes them around; the
 * model has no swap device, so none is ever made by it).
 */
typedef struct {
	unsigned long val;
} swp_entry_t;

struct page {
	unsigned long flags;		/* KMAPSIM_PG_* bits below */
	unsigned long compound_head;	/* head page | 1 on tail pages, as in the kernel */
	unsigned int order;		/* compound order, valid on the head page */
	int _refcount;			/* on the head page */
	int _mapcount;			/* > 0 when kmapsim_user_map()ped */
	unsigned int page_type;		/* the owning allocator's type (page-flags.h) */
	/*
	 * The owner's fields, as filesystem and page-cache code sets and reads
	 * them (folio->mapping->host, folio->index, folio->private): NULL and
	 * 0 when the page is allocated; the model does not look at them.
	 */
	struct address_space *mapping;
	pgoff_t index;
	unsigned long __KMAPSIM_PRIVATE;
	/*
	 * The owner's list of pages or folios (page->lru, folio->lru: a
	 * driver's page chain, btrfs's compressed folios); empty pointers when
	 * the page is allocated.
	 */
	struct list_head lru;
};

/*
 * A folio overlays its head page, as in the kernel: the same flags,
 * mapping, index and private (a pointer here, as in struct folio).
 */
struct folio {
	union {
		struct {
			unsigned long flags;
			unsigned long __kmapsim_compound_head;
			unsigned int __kmapsim_order;
			int __kmapsim_refcount;
			int __kmapsim_mapcount;
			unsigned int __kmapsim_pad;
			struct address_space *mapping;
			pgoff_t index;
			void *__KMAPSIM_PRIVATE;
			struct list_head lru;
		};
		struct page page;
	};
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

typedef unsigned long vm_flags_t;

struct file;
struct vm_operations_struct;

/*
 * A mapping of part of an address space: the fields code around kmap reads
 * (lib/buildid.c takes the file behind a vma). Owned by the code that uses
 * it; the model does not look inside.
 */
struct vm_area_struct {
	unsigned long vm_start, vm_end;
	struct mm_struct *vm_mm;
	vm_flags_t vm_flags;
	unsigned long vm_pgoff;		/* in pages, of vm_file */
	struct file *vm_file;
	void *vm_private_data;
	const struct vm_operations_struct *vm_ops;
};

#define KMAPSIM_PG_HIGHMEM	(1UL << 0)
#define KMAPSIM_PG_HEAD		(1UL << 1)
#define KMAPSIM_PG_ALLOCATED	(1UL << 2)
#define KMAPSIM_PG_USER_MAPPED	(1UL << 3)

#endif /* _LINUX_MM_TYPES_H */
