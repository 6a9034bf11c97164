// SPDX-License-Identifier: MIT
/*
 * The kernel surface around kmap that imported code uses, modelled rather
 * than trapping: current->mm/pid/comm, ratelimit, printk, panic, strings
 * and page types. Each *_ok subject is legal kernel code and must be clean;
 * each other subject breaks one rule and must be reported:
 *   printk_stale_name   a name printed with %s after its page's mapping is
 *                       gone: use after unmap, found in printk()'s read
 *   panic_called        panic() ends the run as BUG() does (subject-bug)
 *   kstrdup_past_end    a byte written past a kasprintf()ed string:
 *                       memory-error (strings_ok: kstrdup(), kstrndup(),
 *                       kmemdup_nul(), kasprintf(), the page-type and
 *                       VM-statistics calls)
 * Object lifetimes (RCU, references) are in tests/kernel/kernel_refs.c,
 * waits in kernel_waits.c, locks in kernel_locks.c, the small helpers in
 * kernel_helpers.c and the workqueues in workqueue.c.
 */
#include <kmapsim/subject.h>
#include <linux/ratelimit.h>
#include <linux/highmem.h>

/* ---- current */
static int kthread_sees(void *data)
{
	struct task_struct *me = current;

	BUG_ON(me->mm || !(me->flags & PF_KTHREAD) || me->pid == *(pid_t *)data);
	return 0;
}

KMAPSIM_SUBJECT(current_ok)
{
	static pid_t main_pid;

	BUG_ON(!current->mm || current->mm != current->active_mm);
	BUG_ON(current->flags & PF_KTHREAD);
	BUG_ON(strcmp(current->comm, "main") != 0);
	main_pid = current->pid;
	BUG_ON(main_pid != task_pid_nr(current));
	kthread_run(kthread_sees, &main_pid, "worker");
}

/* ---- ratelimit: a burst per interval (time does not pass in a run); interval 0 never limits */
KMAPSIM_SUBJECT(ratelimit_ok)
{
	static DEFINE_RATELIMIT_STATE(rs, 5 * HZ, 3);
	static DEFINE_RATELIMIT_STATE(unlimited, 0, 1);
	struct ratelimit_state dyn;
	int i, passed = 0;

	for (i = 0; i < 5; i++)
		passed += !!__ratelimit(&rs);
	BUG_ON(passed != 3 || rs.missed != 2);
	for (i = 0, passed = 0; i < 5; i++)
		passed += !!__ratelimit(&unlimited);
	BUG_ON(passed != 5);
	ratelimit_default_init(&dyn);
	for (i = 0, passed = 0; i < DEFAULT_RATELIMIT_BURST + 1; i++)
		passed += !!__ratelimit(&dyn);
	BUG_ON(passed != DEFAULT_RATELIMIT_BURST);
}

/* ---- printk reads its %s arguments: through a live mapping, or after it is gone */
static void print_entry_name(bool after_unmap)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_HIGHMEM);
	char *kaddr;

	if (!page)
		return;
	kaddr = kmap_local_page(page);
	strcpy(kaddr + 100, "lost+found");
	pr_err("bad entry %s at %d\n", kaddr + 100, 100);
	kunmap_local(kaddr);
	if (after_unmap)
		pr_err("bad entry %s\n", kaddr + 100);
	__free_page(page);
}

KMAPSIM_SUBJECT(printk_ok) { print_entry_name(false); }
KMAPSIM_SUBJECT(printk_stale_name) { print_entry_name(true); }

/* panic() prints its message and ends the run as a BUG() does */
KMAPSIM_SUBJECT(panic_called)
{
	if (kmapsim_pick(0, 1))
		panic("kmapsim: %s\n", "a reason");
}

static void strings(bool past_end)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_NOFAIL);
	char *a = kstrdup("zspool", GFP_KERNEL);
	char *b = kstrndup("zspool", 2, GFP_KERNEL);
	char *c = kasprintf(GFP_KERNEL, "mm-%s:%d", "zspool", 7);
	char *d = kmemdup_nul("abc", 2, GFP_KERNEL);

	BUG_ON(a && strcmp(a, "zspool"));
	BUG_ON(b && strcmp(b, "zs"));
	BUG_ON(c && strcmp(c, "mm-zspool:7"));
	BUG_ON(d && strcmp(d, "ab"));
	if (c && past_end)
		c[strlen(c) + 1] = 'x';
	kfree(a);
	kfree(b);
	kfree(c);
	kfree(d);
	BUG_ON(PageZsmalloc(page));
	__SetPageZsmalloc(page);
	page->page_type |= 0x123;	/* the owner's low bits */
	BUG_ON(!PageZsmalloc(page) || PageTable(page));
	__ClearPageZsmalloc(page);
	BUG_ON(PageZsmalloc(page));
	inc_zone_page_state(page, NR_ZSPAGES);
	dec_zone_page_state(page, NR_ZSPAGES);
	__free_page(page);
}

KMAPSIM_SUBJECT(strings_ok) { strings(false); }
KMAPSIM_SUBJECT(kstrdup_past_end) { strings(true); }
