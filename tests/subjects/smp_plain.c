/*
 * Built with -fsanitize-coverage=trace-loads,trace-stores: plain loads and
 * stores of shared memory are scheduling points too. A flag hand-off
 * through a plain volatile int (older kernel style, before READ_ONCE) is
 * then explored fairly and clean; without the hooks (KMAPSIM_PLAIN_ACCESS=0)
 * the loop never reaches a scheduling point and the watchdog reports it.
 */
#include <kmapsim/subject.h>

static volatile int plain_flag;
static char *published;

static int plain_writer(void *data)
{
	published = data;
	plain_flag = 1;
	return 0;
}

KMAPSIM_SUBJECT(plain_flag_handoff)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	char *kaddr;

	kthread_run(plain_writer, page, "writer");
	while (!plain_flag)
		;
	kaddr = kmap_local_page((struct page *)published);
	kaddr[0] = 1;
	kunmap_local(kaddr);
	__free_page(page);
}
