/*
 * kmap-leaks that only an error path reaches, with their sites
 * (tests/report_sites.py, label driver), and crash files whose runs
 * failed a call or stalled a delay (tests/fuzz_overnight.sh minimizes and
 * triages them):
 *   user_copy_leak    copy_from_user() into kmap_local_page()'s mapping
 *                     comes back short (a failed call, Site::Inject) and
 *                     the error path returns with the page mapped
 *   timeout_leak      a wait on the jiffies inside kmap_local_page() times
 *                     out when its udelay() stalls (Site::Stall) and
 *                     returns with the page mapped; the stall is placed at
 *                     the udelay() line, though udelay() is an inline of
 *                     kmapsim's headers (a function of its own at -O0)
 * Their twins (user_copy_unmaps, timeout_unmaps) unmap on every path and
 * stay clean.
 */
#include <kmapsim/subject.h>
#include <linux/delay.h>

#define LEN 64

static int copy_in(struct page *page, bool unmap_on_error)
{
	void __user *ubuf = kmapsim_user_buffer(LEN);
	char *addr = kmap_local_page(page); /* kmapsim: here */ /* kmapsim: map */

	if (copy_from_user(addr, ubuf, LEN)) { /* kmapsim: event user-copy */
		if (unmap_on_error)
			kunmap_local(addr);
		return -EFAULT;
	}
	kunmap_local(addr);
	return 0;
}

static int wait_ready(struct page *page, bool unmap_on_error)
{
	unsigned long timeout = jiffies + msecs_to_jiffies(10);
	bool ready = false;	/* the device answers within one delay */
	char *addr = kmap_local_page(page); /* kmapsim: here */ /* kmapsim: map */

	while (!ready) {
		udelay(10); /* kmapsim: event stall */
		if (time_after(jiffies, timeout)) {
			if (unmap_on_error)
				kunmap_local(addr);
			return -ETIMEDOUT;
		}
		ready = true;
	}
	addr[0] = 1;
	kunmap_local(addr);
	return 0;
}

static void with_page(int (*fn)(struct page *, bool), bool unmap_on_error)
{
	struct page *page = alloc_page(GFP_HIGHUSER);

	if (!page)
		return;
	fn(page, unmap_on_error);
	__free_page(page);
}

KMAPSIM_SUBJECT(user_copy_leak)
{
	with_page(copy_in, false);
}

KMAPSIM_SUBJECT(user_copy_unmaps)
{
	with_page(copy_in, true);
}

KMAPSIM_SUBJECT(timeout_leak)
{
	with_page(wait_ready, false);
}

KMAPSIM_SUBJECT(timeout_unmaps)
{
	with_page(wait_ready, true);
}
