/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_COMPLETION_H
#define _LINUX_COMPLETION_H

#include <linux/types.h>
#include <linux/jiffies.h>

#ifndef ERESTARTSYS
#define ERESTARTSYS 512
#endif

struct completion {
	unsigned int done;
};

#define COMPLETION_INITIALIZER(work) { 0 }
#define DECLARE_COMPLETION(work) struct completion work = COMPLETION_INITIALIZER(work)
#define COMPLETION_INITIALIZER_ONSTACK(work) (*({ init_completion(&work); &work; }))
#define DECLARE_COMPLETION_ONSTACK(work) struct completion work = COMPLETION_INITIALIZER_ONSTACK(work)

KMAPSIM_EXTERN_C_BEGIN
void init_completion(struct completion *x);
void reinit_completion(struct completion *x);
void complete(struct completion *x);
void complete_all(struct completion *x);
void wait_for_completion(struct completion *x);
/*
 * A wait that has to sleep may end early, as the run decides: with a signal
 * (-ERESTARTSYS) for the _interruptible and _killable forms, with its
 * timeout (0; else the jiffies left, at least 1) for the _timeout forms.
 */
int wait_for_completion_interruptible(struct completion *x);
int wait_for_completion_killable(struct completion *x);
unsigned long wait_for_completion_timeout(struct completion *x,
					  unsigned long timeout);
long wait_for_completion_interruptible_timeout(struct completion *x,
					       unsigned long timeout);
long wait_for_completion_killable_timeout(struct completion *x,
					  unsigned long timeout);
bool try_wait_for_completion(struct completion *x);
bool completion_done(struct completion *x);
KMAPSIM_EXTERN_C_END

#endif /* _LINUX_COMPLETION_H */
