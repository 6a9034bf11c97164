/*
 * aio-complete-kmap-under-lock, buggy variant.
 *
 * Shows: a completion path posts an event into the ring page while holding
 * the ring's completion spinlock with interrupts off, but maps the page
 * with kmap(), which may sleep waiting for a PKMAP slot. might_sleep() in
 * kmap() catches it on every configuration, 64-bit included.
 *
 * Re-expresses: the fs/aio kmap_local_page() conversion by Fabio M. De
 * Francesco, on why kmap() is unfit for such paths: it "might block when
 * the mapping space is fully utilized"; aio_complete() posts events under
 * ctx->completion_lock.
 *
 * Expected: sleep-in-atomic on strict, x86-32, x86-32-forcemap, arm-vivt
 * and x86-64.
 */
#include <kmapsim/subject.h>

struct ring_event {
	u64 data;
	u64 res;
};

#define EVENTS_PER_PAGE (PAGE_SIZE / sizeof(struct ring_event))

struct ring_ctx {
	spinlock_t completion_lock;
	struct page *ring_page;
	size_t tail;
};

static void post_event(struct ring_ctx *ctx, u64 data, u64 res)
{
	struct ring_event *ev;
	unsigned long flags;

	spin_lock_irqsave(&ctx->completion_lock, flags);
	ev = kmap(ctx->ring_page); /* kmapsim: here */
	ev[ctx->tail].data = data;
	ev[ctx->tail].res = res;
	flush_dcache_page(ctx->ring_page);
	kunmap(ctx->ring_page);
	ctx->tail = (ctx->tail + 1) % EVENTS_PER_PAGE;
	spin_unlock_irqrestore(&ctx->completion_lock, flags);
}

KMAPSIM_SUBJECT(aio_complete_kmap_under_lock)
{
	struct ring_ctx ctx;

	spin_lock_init(&ctx.completion_lock);
	ctx.tail = kmapsim_pick(0, EVENTS_PER_PAGE - 1);
	ctx.ring_page = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
	if (!ctx.ring_page)
		return;
	post_event(&ctx, kmapsim_pick(0, 1000), 0);
	__free_page(ctx.ring_page);
}
