/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: message rate limiting (the kernel's linux/ratelimit.h and
 * ratelimit_types.h), so the error paths that print through it run to
 * their end. A state lets `burst` messages through per `interval` jiffies
 * and counts the rest as missed; an interval of 0 lets everything through.
 * It does not read jiffies: a run is one interval, as the kernel behaves
 * in a burst.
 *
 * The kernel's lock is a raw spinlock taken with trylock; the answer does
 * not depend on it here, because the model has no scheduling point inside
 * ___ratelimit(): two calls never overlap.
 */
#ifndef _LINUX_RATELIMIT_H
#define _LINUX_RATELIMIT_H

#include <string.h>
#include <linux/types.h>
#include <linux/jiffies.h>
#include <linux/spinlock.h>

#define DEFAULT_RATELIMIT_INTERVAL	(5 * HZ)
#define DEFAULT_RATELIMIT_BURST		10

/* print the missed count when the state is released, not on each reset */
#define RATELIMIT_MSG_ON_RELEASE	(1UL << 0)

struct ratelimit_state {
	spinlock_t lock;
	int interval;
	int burst;
	int printed;
	int missed;
	unsigned int flags;
	unsigned long begin;
};

#define RATELIMIT_STATE_INIT_FLAGS(name, interval_init, burst_init, flags_init) { \
	.lock = __SPIN_LOCK_UNLOCKED(name.lock), \
	.interval = interval_init, \
	.burst = burst_init, \
	.flags = flags_init, \
}
#define RATELIMIT_STATE_INIT(name, interval_init, burst_init) \
	RATELIMIT_STATE_INIT_FLAGS(name, interval_init, burst_init, 0)
#define RATELIMIT_STATE_INIT_DISABLED \
	RATELIMIT_STATE_INIT(ratelimit_state, 0, DEFAULT_RATELIMIT_BURST)
#define DEFINE_RATELIMIT_STATE(name, interval_init, burst_init) \
	struct ratelimit_state name = RATELIMIT_STATE_INIT(name, interval_init, burst_init)

static inline void ratelimit_state_init(struct ratelimit_state *rs, int interval, int burst)
{
	memset(rs, 0, sizeof(*rs));
	spin_lock_init(&rs->lock);
	rs->interval = interval;
	rs->burst = burst;
}

static inline void ratelimit_default_init(struct ratelimit_state *rs)
{
	ratelimit_state_init(rs, DEFAULT_RATELIMIT_INTERVAL, DEFAULT_RATELIMIT_BURST);
}

static inline void ratelimit_set_flags(struct ratelimit_state *rs, unsigned long flags)
{
	rs->flags = flags;
}

static inline void ratelimit_state_exit(struct ratelimit_state *rs)
{
	rs->missed = 0;
}

/* lib/ratelimit.c's ___ratelimit(): nonzero when this message may print. */
static inline int ___ratelimit(struct ratelimit_state *rs, const char *func)
{
	(void)func;
	if (!rs->interval)
		return 1;
	if (rs->burst && rs->burst > rs->printed) {
		rs->printed++;
		return 1;
	}
	rs->missed++;
	return 0;
}

#define __ratelimit(state) ___ratelimit(state, __func__)

/* a warning that state allows; the condition's value either way */
#define WARN_ON_RATELIMIT(condition, state)				\
	({								\
		bool __kmapsim_rtn = !!(condition);			\
		WARN_ON(__kmapsim_rtn && __ratelimit(state));		\
		__kmapsim_rtn;						\
	})
/*
 * The kernel keeps a static state per call site; as pr_*_ratelimited()
 * here, each occurrence warns (simulated time does not pass, so every run
 * is one interval, and its burst is what a short run reaches).
 */
#define WARN_RATELIMIT(condition, ...) WARN(condition, __VA_ARGS__)

#endif /* _LINUX_RATELIMIT_H */
