/* SPDX-License-Identifier: MIT */
/*
 * The tree's own ITER_PIPE path (6.1) hands the right bytes to the pipe:
 * copy_page_to_iter() from a patterned order-1 page into a pipe ring of
 * PIPE_DEF_BUFFERS slots, whose head and tail counters start at 0, at the
 * ring's last slot or just before they wrap, already holding 0..2 buffers.
 * The pipe path copies nothing: it pushes references to the source page
 * (the compound page itself, the offset within it), so every byte is read
 * back through the new buffers (page, offset, len) in ring order, the buffers that were there are left as they were, and the
 * iterator's count dropped by what was copied. A wrong byte, length or
 * reference is a BUG_ON (subject-bug); the buffers are then released
 * through their ops, as free_pipe_info() does, and the source page freed,
 * so a lost or extra page reference is reported too.
 *   scripts/kmapsim check --kernel 6.1 tests/kernel/iov_iter_pipe.c
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("lib/iov_iter.c", copy_page_to_iter, iov_iter_pipe);

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + 1);
}

static struct page *patterned_page(void)
{
	struct page *page = alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, 1);
	size_t i;
	int p;

	for (p = 0; p < 2; p++) {
		unsigned char *k = kmap_local_page(page + p);

		for (i = 0; i < PAGE_SIZE; i++)
			k[i] = pattern(p * PAGE_SIZE + i);
		kunmap_local(k);
	}
	return page;
}

/* an earlier writer's buffer: every byte 0xa5 */
static void check_old(struct pipe_buffer *buf, unsigned int len)
{
	unsigned char *c;
	unsigned int i;

	BUG_ON(buf->len != len || buf->offset != 0);
	c = kmap_local_page(buf->page);
	for (i = 0; i < PAGE_SIZE; i++)
		BUG_ON(c[i] != 0xa5);
	kunmap_local(c);
}

KMAPSIM_SUBJECT(pipe_copy)
{
	struct page *page = patterned_page();
	size_t off = kmapsim_pick(0, 2 * PAGE_SIZE - 1);
	size_t bytes = kmapsim_pick(0, 2 * PAGE_SIZE - off);
	size_t count = kmapsim_pick(0, 2 * PAGE_SIZE);
	unsigned int start = kmapsim_pick(0, 2), used = kmapsim_pick(0, 2);
	unsigned int lens[2], head, k;
	struct pipe_inode_info *pipe = kzalloc(sizeof(*pipe), GFP_KERNEL | __GFP_NOFAIL);
	size_t copied, want = bytes < count ? bytes : count, done = 0;
	struct iov_iter it;

	mutex_init(&pipe->mutex);
	pipe->bufs = kcalloc(PIPE_DEF_BUFFERS, sizeof(struct pipe_buffer), GFP_KERNEL | __GFP_NOFAIL);
	pipe->ring_size = pipe->max_usage = PIPE_DEF_BUFFERS;
	pipe->head = pipe->tail = start == 0 ? 0 : start == 1 ? PIPE_DEF_BUFFERS - 1 : ~0U - 1;
	for (k = 0; k < used; k++) {
		struct pipe_buffer *buf = &pipe->bufs[pipe->head++ & (PIPE_DEF_BUFFERS - 1)];
		unsigned char *c;

		buf->page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
		c = kmap_local_page(buf->page);
		memset(c, 0xa5, PAGE_SIZE);
		kunmap_local(c);
		buf->ops = &default_pipe_buf_ops;
		buf->len = lens[k] = kmapsim_pick(1, PAGE_SIZE);
	}
	head = pipe->head;
	iov_iter_pipe(&it, ITER_DEST, pipe, count);
	copied = copy_page_to_iter(page, off, bytes, &it);
	BUG_ON(copied != want);
	BUG_ON(iov_iter_count(&it) != count - copied);
	for (k = 0; k < used; k++)
		check_old(&pipe->bufs[(pipe->tail + k) & (PIPE_DEF_BUFFERS - 1)], lens[k]);
	for (; head != pipe->head; head++) {
		struct pipe_buffer *buf = &pipe->bufs[head & (PIPE_DEF_BUFFERS - 1)];
		unsigned char *c;
		unsigned int i;

		BUG_ON(buf->ops != &page_cache_pipe_buf_ops);
		/* the source page itself, the bytes at their place in it */
		BUG_ON(buf->page != page || buf->offset != off + done);
		BUG_ON(!buf->len || buf->offset + buf->len > 2 * PAGE_SIZE);
		for (i = 0; i < buf->len; i++) {
			size_t at = buf->offset + i;

			if (!i || at % PAGE_SIZE == 0) {
				if (i)
					kunmap_local(c);
				c = kmap_local_page(buf->page + at / PAGE_SIZE);
			}
			BUG_ON(c[at % PAGE_SIZE] != pattern(off + done + i));
		}
		kunmap_local(c);
		done += buf->len;
	}
	BUG_ON(done != copied);
	for (k = 0; k < PIPE_DEF_BUFFERS; k++)
		if (pipe->bufs[k].ops)
			pipe_buf_release(pipe, &pipe->bufs[k]);
	kfree(pipe->bufs);
	kfree(pipe);
	__free_pages(page, 1);
}
