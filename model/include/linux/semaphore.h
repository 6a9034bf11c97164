/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: counting semaphores. A semaphore has no owner: up() may come
 * from another task or from interrupt context, and so may down_trylock().
 * A down that finds the count at zero sleeps on the semaphore's list; an
 * up() with sleepers hands its unit to the first of them instead of raising
 * the count, so a down() that comes after the up() cannot take the unit
 * first, as in the kernel (semaphore.c's waiter->up hand-off).
 */
#ifndef _LINUX_SEMAPHORE_H
#define _LINUX_SEMAPHORE_H

#include <linux/types.h>
#include <linux/list.h>

struct semaphore {
	unsigned int count;
	struct list_head wait_list;	/* the sleepers, first come first */
	const char *name;
};

#define __SEMAPHORE_INITIALIZER(sem, n)					\
	{ .count = (n), .wait_list = LIST_HEAD_INIT((sem).wait_list), .name = #sem }

/*
 * DEFINE_SEMAPHORE(name, n) since 6.4; before, DEFINE_SEMAPHORE(name) was a
 * binary one. Both spellings work, so one header serves either tree.
 */
#define __kmapsim_sem_second(a, b, ...) b
#define DEFINE_SEMAPHORE(_name, ...)					\
	struct semaphore _name =					\
		__SEMAPHORE_INITIALIZER(_name, __kmapsim_sem_second(_name, ##__VA_ARGS__, 1, 1))

/* sema_init() keeps the expression it was given as the name reports use. */
#define sema_init(sem, val) __kmapsim_sema_init(sem, val, #sem)

KMAPSIM_EXTERN_C_BEGIN
void __kmapsim_sema_init(struct semaphore *sem, int val, const char *name);
void down(struct semaphore *sem);
/* -EINTR when a signal arrives while down has to sleep, as the run decides. */
int __must_check down_interruptible(struct semaphore *sem);
int __must_check down_killable(struct semaphore *sem);
/* 0 when it took a unit, 1 when none was free (the reverse of mutex_trylock()). */
int __must_check down_trylock(struct semaphore *sem);
/* -ETIME when the timeout expires first, as the run decides. */
int __must_check down_timeout(struct semaphore *sem, long jiffies);
void up(struct semaphore *sem);
KMAPSIM_EXTERN_C_END

#endif /* _LINUX_SEMAPHORE_H */
