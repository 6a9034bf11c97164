/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: read-write semaphores (struct inode's i_rwsem, struct
 * super_block's s_umount, mm's mmap_lock). Sleeping locks: many readers or
 * one writer; every down is a scheduling point that may sleep. A reader
 * that finds a writer waiting queues behind it, as the kernel's reader
 * does when the lock is already reader-owned, so a task that takes the
 * read side twice can deadlock against a writer, as lockdep warns.
 */
#ifndef _LINUX_RWSEM_H
#define _LINUX_RWSEM_H

#include <linux/types.h>

struct rw_semaphore {
	long count;		/* readers holding it; -1 while a writer does */
	unsigned long owner;	/* the writing task (model-private); 0 otherwise */
	int writers_waiting;	/* writers asleep in down_write() */
	const char *name;
};

#define __RWSEM_INITIALIZER(lockname) { 0, 0, 0, #lockname }
#define DECLARE_RWSEM(lockname) struct rw_semaphore lockname = __RWSEM_INITIALIZER(lockname)

KMAPSIM_EXTERN_C_BEGIN
void init_rwsem(struct rw_semaphore *sem);
void down_read(struct rw_semaphore *sem);
/* -EINTR when a signal arrives while the lock is contended, as the run decides. */
int __must_check down_read_interruptible(struct rw_semaphore *sem);
int __must_check down_read_killable(struct rw_semaphore *sem);
int down_read_trylock(struct rw_semaphore *sem);
void up_read(struct rw_semaphore *sem);
void down_write(struct rw_semaphore *sem);
int __must_check down_write_killable(struct rw_semaphore *sem);
int down_write_trylock(struct rw_semaphore *sem);
void up_write(struct rw_semaphore *sem);
void downgrade_write(struct rw_semaphore *sem);
int rwsem_is_locked(struct rw_semaphore *sem);
KMAPSIM_EXTERN_C_END

/* lockdep's subclasses and annotations: the same lock for kmapsim */
#define down_read_nested(sem, subclass) down_read(sem)
#define down_write_nested(sem, subclass) down_write(sem)
#define down_read_non_owner(sem) down_read(sem)
#define up_read_non_owner(sem) up_read(sem)

#endif /* _LINUX_RWSEM_H */
