// SPDX-License-Identifier: MIT
/*
 * A function's entry check is its caller's contract (kmapsim_entry_begin/end,
 * model/src/kernel/entry_contract.cc): runs whose picks break it are discarded, not
 * reported; a BUG or an overrun after the function's first action still is.
 * Each subject picks offset and length over the whole page, as check
 * --kernel's generated harness does, so about half the runs break the check.
 */
#include <kmapsim/subject.h>

/* `if (WARN_ON_ONCE(...)) return` on entry, then correct work: clean. */
static void zero_range_warn(struct page *page, size_t off, size_t len)
{
	char *p;

	if (WARN_ON_ONCE(off + len > PAGE_SIZE))
		return;
	p = kmap_local_page(page);
	memset(p + off, 0, len);
	kunmap_local(p);
}

/* VM_BUG_ON on entry: the run would end at the BUG, but it is the caller's. */
static void zero_range_bug(struct page *page, size_t off, size_t len)
{
	char *p;

	VM_BUG_ON(off + len > PAGE_SIZE);
	p = kmap_local_page(page);
	memset(p + off, 0, len);
	kunmap_local(p);
}

/* The same check after the kmap: the function's own BUG, reported. */
static void zero_range_bug_late(struct page *page, size_t off, size_t len)
{
	char *p = kmap_local_page(page);

	BUG_ON(off + len > PAGE_SIZE);
	memset(p + off, 0, len);
	kunmap_local(p);
}

/* A WARN that does not stop the copy, after the kmap: the overrun is reported. */
static void zero_range_warn_late(struct page *page, size_t off, size_t len)
{
	char *p = kmap_local_page(page);

	WARN_ON(off + len > PAGE_SIZE);
	memset(p + off, 0, len);
	kunmap_local(p);
}

#define CALL_WITH_PICKS(fn)						\
	do {								\
		struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL); \
		size_t off = kmapsim_pick(0, PAGE_SIZE - 1);		\
		size_t len = kmapsim_pick(0, PAGE_SIZE);		\
		kmapsim_entry_begin(#fn);				\
		fn(page, off, len);					\
		kmapsim_entry_end();					\
		__free_page(page);					\
	} while (0)

KMAPSIM_SUBJECT(entry_warn) { CALL_WITH_PICKS(zero_range_warn); }
KMAPSIM_SUBJECT(entry_bug) { CALL_WITH_PICKS(zero_range_bug); }
KMAPSIM_SUBJECT(late_bug) { CALL_WITH_PICKS(zero_range_bug_late); }
KMAPSIM_SUBJECT(late_warn) { CALL_WITH_PICKS(zero_range_warn_late); }

/* No action and no check: after kmapsim_entry_end() the harness's own BUG is
 * reported, never taken for the callee's contract. */
static size_t room_after(size_t off)
{
	return PAGE_SIZE - off;
}

KMAPSIM_SUBJECT(after_entry_end)
{
	size_t off = kmapsim_pick(0, PAGE_SIZE - 1);
	size_t room;

	kmapsim_entry_begin("room_after");
	room = room_after(off);
	kmapsim_entry_end();
	BUG_ON(room == 1);
}

/* might_sleep() on entry is no action: a VM_BUG_ON after it is still the
 * entry check. */
static void zero_range_sleepy(struct page *page, size_t off, size_t len)
{
	char *p;

	might_sleep();
	VM_BUG_ON(off + len > PAGE_SIZE);
	p = kmap_local_page(page);
	memset(p + off, 0, len);
	kunmap_local(p);
}

KMAPSIM_SUBJECT(entry_after_might_sleep) { CALL_WITH_PICKS(zero_range_sleepy); }

/* An interrupt during the entry (at its might_sleep(), the only scheduling
 * point between the plain store and the plain clear) is not the callee:
 * its BUG is reported. */
static int at_entry;

static void zero_range_marked(struct page *page, size_t off, size_t len)
{
	might_sleep();
	at_entry = 0;
	zero_range_sleepy(page, off, len < PAGE_SIZE - off ? len : PAGE_SIZE - off);
}

static irqreturn_t buggy_irq(int irq, void *dev)
{
	BUG_ON(at_entry);
	return IRQ_HANDLED;
}

KMAPSIM_SUBJECT(irq_bug_in_entry)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	size_t off = kmapsim_pick(0, PAGE_SIZE - 1);

	request_irq(3, buggy_irq, 0, "buggy", NULL);
	at_entry = 1;
	kmapsim_entry_begin("zero_range_marked");
	zero_range_marked(page, off, PAGE_SIZE - off);
	kmapsim_entry_end();
	free_irq(3, NULL);
	__free_page(page);
}
