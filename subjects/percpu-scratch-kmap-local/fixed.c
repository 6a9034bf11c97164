/*
 * percpu-scratch-kmap-local, fixed variant.
 *
 * Shows: the per-CPU scratch buffer is taken with get_cpu_ptr(), which
 * disables preemption for exactly as long as the buffer is in use, as the
 * conversion note asks ("explicit calls to ... preempt_disable() ... must be
 * made in conjunction with the use of kmap_local_page()").
 *
 * Re-expresses: Documentation/mm/highmem.rst and f3ba3c710ac5
 * "mm/highmem: Provide kmap_local*".
 *
 * Expected: clean on strict, x86-32, x86-32-forcemap, arm-vivt, x86-64.
 */
#include <kmapsim/subject.h>

#define SCRATCH_LEN 256

struct scratch {
	u8 buf[SCRATCH_LEN];
};

static DEFINE_PER_CPU(struct scratch, rec_scratch);

static void reverse_via(struct scratch *s, u8 *rec, size_t len)
{
	size_t i;

	memcpy(s->buf, rec, len);
	for (i = 0; i < len; i++)
		rec[i] = s->buf[len - 1 - i];
}

static void reverse_record(void)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
	size_t len = kmapsim_pick(1, SCRATCH_LEN);
	size_t off = kmapsim_pick(0, PAGE_SIZE - len);
	struct scratch *s;
	u8 *kaddr;

	if (!page)
		return;
	kaddr = kmap_local_page(page);
	s = get_cpu_ptr(&rec_scratch);          /* no preemption from here */
	reverse_via(s, kaddr + off, len);
	put_cpu_ptr(&rec_scratch);
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
