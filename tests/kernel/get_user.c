// SPDX-License-Identifier: MIT
/*
 * Single values from and to user space (linux/uaccess.h): get_user(),
 * put_user() and their __ forms, whose user page may be absent (faulted
 * in, which may sleep) or whose address may be bad (-EFAULT, and
 * get_user() sets the value to 0), as the run decides.
 *   get_user_ok               u8, u16, u32 and u64 values read, changed and
 *                             written back, every -EFAULT handled; the
 *                             value after a failed get_user() is 0 (clean)
 *   get_user_nofault_ok       __get_user() with page faults disabled by
 *                             the caller (a futex-style read): a missing
 *                             page makes it -EFAULT, and the caller retries
 *                             with faults on (clean)
 *   get_user_in_kmap_atomic   get_user() inside kmap_atomic(), whose page
 *                             faults are off as a side effect: a missing
 *                             page is fault-in-atomic (the conversion to
 *                             kmap_local_page() would have faulted it in)
 *   put_user_under_spinlock   put_user() with a spinlock held: it may fault
 *                             and sleep (sleep-in-atomic)
 */
#include <kmapsim/subject.h>

struct rec {
	u8 b;
	u16 h;
	u32 w;
	u64 q;
};

KMAPSIM_SUBJECT(get_user_ok)
{
	struct rec __user *u = kmapsim_user_buffer(PAGE_SIZE * 2);
	struct rec init = { 0x11, 0x2222, 0x33333333, 0x4444444444444444ULL }, back;
	u8 b = 0xff;
	u16 h;
	u32 w;
	u64 q;
	int err;

	if (copy_to_user(u, &init, sizeof(init)))
		return;		/* a bad user address: nothing to read back */
	err = get_user(b, &u->b);
	BUG_ON(err && (err != -EFAULT || b != 0));
	if (err)
		return;
	BUG_ON(b != 0x11);
	if (get_user(h, &u->h) || __get_user(w, &u->w) || get_user(q, &u->q))
		return;
	BUG_ON(h != 0x2222 || w != 0x33333333 || q != 0x4444444444444444ULL);
	if (put_user(b + 1, &u->b) || __put_user(h + 1, &u->h) || put_user(w + 1, &u->w) ||
	    put_user(q + 1, &u->q))
		return;
	if (copy_from_user(&back, u, sizeof(back)))
		return;
	BUG_ON(back.b != 0x12 || back.h != 0x2223 || back.w != 0x33333334 || back.q != 0x4444444444444445ULL);
}

KMAPSIM_SUBJECT(get_user_nofault_ok)
{
	u32 __user *u = kmapsim_user_buffer(PAGE_SIZE);
	u32 v = 7;
	int err;

	if (put_user(v, u))
		return;
	pagefault_disable();
	err = __get_user(v, u);
	pagefault_enable();
	if (err)
		err = get_user(v, u);	/* fault the page in and read again */
	BUG_ON(!err && v != 7);
}

KMAPSIM_SUBJECT(get_user_in_kmap_atomic)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	u32 __user *u = kmapsim_user_buffer(PAGE_SIZE);
	u32 *kaddr = kmap_atomic(page);
	u32 v;

	if (!get_user(v, u))
		kaddr[0] = v;
	kunmap_atomic(kaddr);
	__free_page(page);
}

static DEFINE_SPINLOCK(rec_lock);

KMAPSIM_SUBJECT(put_user_under_spinlock)
{
	u32 __user *u = kmapsim_user_buffer(PAGE_SIZE);

	spin_lock(&rec_lock);
	(void)put_user(1u, u);
	spin_unlock(&rec_lock);
}
