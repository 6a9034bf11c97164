/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: the RCU read side and RCU-protected pointers. A read-side
 * critical section may not sleep; the model enforces that by running it
 * with preemption disabled (as a kernel without PREEMPT_RCU does), so a
 * sleep inside one is reported as sleep-in-atomic. Grace periods are not
 * modelled: kfree_rcu() and call_rcu() trap when reached.
 */
#ifndef _LINUX_RCUPDATE_H
#define _LINUX_RCUPDATE_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/preempt.h>

#define __rcu

struct callback_head {
	struct callback_head *next;
	void (*func)(struct callback_head *head);
};
#define rcu_head callback_head
typedef void (*rcu_callback_t)(struct rcu_head *head);

static inline void rcu_read_lock(void)
{
	preempt_disable();
}

static inline void rcu_read_unlock(void)
{
	preempt_enable();
}

#define rcu_dereference(p) READ_ONCE(p)
#define rcu_dereference_raw(p) READ_ONCE(p)
#define rcu_dereference_check(p, c) READ_ONCE(p)
#define rcu_dereference_protected(p, c) (p)
#define rcu_access_pointer(p) READ_ONCE(p)
#define rcu_assign_pointer(p, v) do { barrier(); WRITE_ONCE((p), (v)); } while (0)
#define RCU_INIT_POINTER(p, v) WRITE_ONCE((p), (v))
#define RCU_POINTER_INITIALIZER(p, v) .p = (v)
#define rcu_read_lock_held() 1

KMAPSIM_EXTERN_C_BEGIN
void kmapsim_unmodelled(const char *name) __attribute__((noreturn));
KMAPSIM_EXTERN_C_END

#define call_rcu(head, func) kmapsim_unmodelled("call_rcu")
#define kfree_rcu(ptr, field) kmapsim_unmodelled("kfree_rcu")
#define synchronize_rcu() kmapsim_unmodelled("synchronize_rcu")

#endif /* _LINUX_RCUPDATE_H */
