/*
 * Small subjects kmapsim tests itself with: one per behaviour the driver
 * must show (a clean subject, an overrun found by picks, an unused load
 * that must not be optimised away, a schedule-dependent escape).
 */
#include <kmapsim/subject.h>

static int counter;

KMAPSIM_SUBJECT(clean_copy)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	size_t off = kmapsim_pick(0, PAGE_SIZE - 1);
	size_t len = kmapsim_pick(0, PAGE_SIZE - off);
	char buf[PAGE_SIZE];
	char *kaddr = kmap_local_page(page);

	counter++;
	BUG_ON(counter != 1);	/* globals start fresh in every run */
	memcpy(buf, kaddr + off, len);
	kunmap_local(kaddr);
	__free_page(page);
}

KMAPSIM_SUBJECT(copy_tail)
{
	struct page *page = alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, 1);
	size_t off = kmapsim_pick(0, 2 * PAGE_SIZE - 1);
	size_t len = kmapsim_pick(1, 2 * PAGE_SIZE - off);
	char buf[2 * PAGE_SIZE];
	char *kaddr = kmap_local_page(page);

	memcpy(buf, kaddr + off, len);	/* overrun when off + len > PAGE_SIZE */
	kunmap_local(kaddr);
	__free_pages(page, 1);
}

/* The only bad access is a load whose value is never used. */
KMAPSIM_SUBJECT(unused_load)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	char *kaddr = kmap_local_page(page);
	char c = kaddr[PAGE_SIZE];

	kunmap_local(kaddr);
	__free_page(page);
}

static char *shared_addr;
static DECLARE_COMPLETION(published);

static int reader(void *data)
{
	wait_for_completion(&published);
	return shared_addr[0];	/* another task's kmap_local address */
}

KMAPSIM_SUBJECT(escape_to_kthread)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	char *kaddr = kmap_local_page(page);

	kthread_run(reader, NULL, "reader");
	shared_addr = kaddr;
	complete(&published);
	cond_resched();
	kunmap_local(kaddr);
	__free_page(page);
}

/*
 * Report details (tests/CMakeLists.txt, driver/report/...): a copy that
 * starts inside a single-page mapping and runs past it is reported at the
 * first byte outside the page (offset 4096), whichever byte the host copy
 * routine touches first; the named pick shows its label; BUG() reads like
 * the kernel's.
 */
KMAPSIM_SUBJECT(crossing_copy)
{
	struct page *page = alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, 1);
	size_t off = kmapsim_pick_named("off", 100, 100);
	size_t len = kmapsim_pick_named("len", 8000, 8000);
	char buf[2 * PAGE_SIZE];
	char *kaddr = kmap_local_page(page);

	memcpy(buf, kaddr + off, len);
	kunmap_local(kaddr);
	__free_pages(page, 1);
}

KMAPSIM_SUBJECT(bug_call)
{
	if (kmapsim_pick(0, 1))
		BUG();
}
