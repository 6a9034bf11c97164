/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_MUTEX_H
#define _LINUX_MUTEX_H

#include <linux/types.h>

struct mutex {
	unsigned long owner;	/* holding task (model-private); 0 when free */
	const char *name;
};

#define __MUTEX_INITIALIZER(lockname) { 0, #lockname }
#define DEFINE_MUTEX(m) struct mutex m = __MUTEX_INITIALIZER(m)

KMAPSIM_EXTERN_C_BEGIN
void mutex_init(struct mutex *lock);
void mutex_lock(struct mutex *lock);
/* -EINTR when a signal arrives while the lock is contended, as the run decides. */
int __must_check mutex_lock_interruptible(struct mutex *lock);
int __must_check mutex_lock_killable(struct mutex *lock);
int mutex_trylock(struct mutex *lock);
void mutex_unlock(struct mutex *lock);
bool mutex_is_locked(struct mutex *lock);
KMAPSIM_EXTERN_C_END

#endif /* _LINUX_MUTEX_H */
