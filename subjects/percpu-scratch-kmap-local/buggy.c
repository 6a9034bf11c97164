/*
 * percpu-scratch-kmap-local, buggy variant.
 *
 * Shows: a kmap_atomic() section converted to kmap_local_page() still
 * stages data in a per-CPU scratch buffer, which was only safe because
 * kmap_atomic() disabled preemption. Now another task on the same CPU can
 * run between the two uses and overwrite the buffer. Two tasks (the main
 * task and a kthread) run the same code on their own pages.
 *
 * Re-expresses: the conversion rule of Documentation/mm/highmem.rst and
 * f3ba3c710ac5 "mm/highmem: Provide kmap_local*" (code "might rely on the
 * preemption disable for serialization"), as cited in the fs/aio
 * kmap_local_page() conversion.
 *
 * Expected: lost-atomicity on strict, x86-32, x86-32-forcemap, arm-vivt and
 * x86-64 (preemption exists on every profile).
 */
#include <kmapsim/subject.h>

#define SCRATCH_LEN 256

struct scratch {
	u8 buf[SCRATCH_LEN];
};

static DEFINE_PER_CPU(struct scratch, rec_scratch);

static void stage(const u8 *rec, size_t len)
{
	memcpy(this_cpu_ptr(&rec_scratch)->buf, rec, len);
}

static void unstage_reversed(u8 *rec, size_t len)
{
	const u8 *buf = this_cpu_ptr(&rec_scratch)->buf; /* kmapsim: here */
	size_t i;

	for (i = 0; i < len; i++)
		rec[i] = buf[len - 1 - i];
}

static void reverse_record(void)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
	size_t len = kmapsim_pick(1, SCRATCH_LEN);
	size_t off = kmapsim_pick(0, PAGE_SIZE - len);
	u8 *kaddr;

	if (!page)
		return;
	kaddr = kmap_local_page(page);          /* was kmap_atomic() */ /* kmapsim: map */
	stage(kaddr + off, len);
	unstage_reversed(kaddr + off, len);
	kunmap_local(kaddr);
	__free_page(page);
}

static int reverse_thread(void *data)
{
	reverse_record();
	complete(data);
	return 0;
}

KMAPSIM_SUBJECT(percpu_scratch_kmap_local)
{
	struct completion done;

	init_completion(&done);
	kthread_run(reverse_thread, &done, "reverse");
	reverse_record();
	wait_for_completion(&done);
}
