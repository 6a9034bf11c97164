/*
 * soft-lockup with its site (tests/report_sites.py, label driver): a
 * submitter hands a checksum request to a kthread and spins until the
 * kthread marks it done. The buggy worker returns early for an empty
 * request without marking it, so under every fair schedule the submitter
 * spins forever: the report names the spin (the lines marked
 * `kmapsim: here`). The fixed worker marks the request on every path and
 * stays clean.
 */
#include <kmapsim/subject.h>

struct csum_req {
	const u8 *buf;
	size_t len;
	u32 sum;
	int done;
};

static void csum(struct csum_req *req)
{
	size_t i;

	for (i = 0; i < req->len; i++)
		req->sum = req->sum * 31 + req->buf[i];
}

static int csum_worker_early_return(void *data)
{
	struct csum_req *req = data;

	if (!req->len)
		return 0;	/* nothing to sum, and nobody is told */
	csum(req);
	smp_store_release(&req->done, 1);
	return 0;
}

static int csum_worker(void *data)
{
	struct csum_req *req = data;

	if (req->len)
		csum(req);
	smp_store_release(&req->done, 1);
	return 0;
}

static void submit_and_wait(int (*worker)(void *))
{
	struct csum_req *req = kzalloc(sizeof(*req), GFP_KERNEL | __GFP_NOFAIL);
	u8 *buf = kzalloc(16, GFP_KERNEL | __GFP_NOFAIL);

	req->buf = buf;
	req->len = kmapsim_pick(0, 16);
	kthread_run(worker, req, "csum");
	while (!smp_load_acquire(&req->done)) /* kmapsim: here */
		cpu_relax(); /* kmapsim: here */
	kfree(buf);
	kfree(req);
}

KMAPSIM_SUBJECT(csum_wait_early_return)
{
	submit_and_wait(csum_worker_early_return);
}

KMAPSIM_SUBJECT(csum_wait)
{
	submit_and_wait(csum_worker);
}
