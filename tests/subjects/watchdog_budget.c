/*
 * The watchdog's access budget (model/src/sim/access_budget.h), label
 * driver, tests/watchdog_budget.sh.
 *
 * wait_for_ring(): a consumer waits for a producer that was never started,
 * in a loop of several lines around a helper, with no kernel call. The
 * host-time timer would stop it at whichever instruction was running (the
 * helper, either line of the body), so the report's site moved from replay
 * to replay; the budget stops it at its 2^28th access of the step, the same
 * access every time.
 *
 * sum_with_resched(): more than three budgets' worth of accesses, split
 * into steps by cond_resched(): clean, since the count starts again at
 * every scheduling point.
 */
#include <kmapsim/subject.h>

struct ring {
	u32 head;
	u32 tail;
	u32 seen;
};

static u32 ring_level(const struct ring *r)
{
	return r->head - r->tail;
}

static void wait_for_ring(struct ring *r)
{
	while (!ring_level(r)) {
		r->seen++;
		r->seen &= 0xff;
	}
}

KMAPSIM_SUBJECT(wait_for_ring)
{
	struct ring *r = kzalloc(sizeof(*r), GFP_KERNEL | __GFP_NOFAIL);

	wait_for_ring(r);
	kfree(r);
}

#define CHUNK 4096
#define CHUNKS (1 << 16)        /* about 4 x 2^28 accesses in all */

KMAPSIM_SUBJECT(sum_with_resched)
{
	u32 *buf = kzalloc(CHUNK * sizeof(*buf), GFP_KERNEL | __GFP_NOFAIL);
	u32 sum = 0;
	int c, i;

	for (c = 0; c < CHUNKS; c++) {
		for (i = 0; i < CHUNK; i++)
			sum += buf[i] + i;
		cond_resched();
	}
	buf[0] = sum;
	kfree(buf);
}
