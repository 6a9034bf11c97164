/* SPDX-License-Identifier: MIT */
/* kmapsim: a small iov_iter (ITER_UBUF and ITER_KVEC), page by page. */
#ifndef _LINUX_UIO_H
#define _LINUX_UIO_H

#include <linux/types.h>
#include <linux/mm_types.h>

/*
 * Imported kernel code (KMAPSIM_KERNEL_IMPORT) brings its own tree's
 * struct iov_iter and its helpers: their layout differs between kernel
 * versions, and the tree is the authority on its own. This small iov_iter
 * is for hand-written subjects.
 */
#ifndef KMAPSIM_KERNEL_IMPORT

#define ITER_SOURCE 1	/* == WRITE: data comes from the iterator */
#define ITER_DEST 0	/* == READ: data goes to the iterator */
#define READ 0
#define WRITE 1

struct kvec {
	void *iov_base;
	size_t iov_len;
};

enum iter_type {
	ITER_UBUF,
	ITER_KVEC,
};

struct iov_iter {
	u8 iter_type;
	bool data_source;
	size_t iov_offset;
	size_t count;
	union {
		void __user *ubuf;
		const struct kvec *kvec;
	};
	unsigned long nr_segs;
};

KMAPSIM_EXTERN_C_BEGIN
void iov_iter_ubuf(struct iov_iter *i, unsigned int direction,
		   void __user *buf, size_t count);
void iov_iter_kvec(struct iov_iter *i, unsigned int direction,
		   const struct kvec *kvec, unsigned long nr_segs, size_t count);
size_t copy_to_iter(const void *addr, size_t bytes, struct iov_iter *i);
size_t copy_from_iter(void *addr, size_t bytes, struct iov_iter *i);
size_t copy_page_to_iter(struct page *page, size_t offset, size_t bytes,
			 struct iov_iter *i);
size_t copy_page_from_iter(struct page *page, size_t offset, size_t bytes,
			   struct iov_iter *i);
size_t copy_folio_to_iter(struct folio *folio, size_t offset, size_t bytes,
			  struct iov_iter *i);
size_t copy_page_from_iter_atomic(struct page *page, size_t offset,
				  size_t bytes, struct iov_iter *i);
void iov_iter_advance(struct iov_iter *i, size_t bytes);
KMAPSIM_EXTERN_C_END

static inline size_t iov_iter_count(const struct iov_iter *i)
{
	return i->count;
}

#endif /* !KMAPSIM_KERNEL_IMPORT */
#endif /* _LINUX_UIO_H */
