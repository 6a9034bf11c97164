/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: for kmapsim's own fuzz targets and properties, which run illegal
 * call sequences on purpose. A subject announces the report its next call
 * must produce; a run ending in exactly that report counts as a pass.
 */
#ifndef _KMAPSIM_SELFCHECK_H
#define _KMAPSIM_SELFCHECK_H

#include <linux/types.h>

KMAPSIM_EXTERN_C_BEGIN
/* The next report must be of this class (a name from BUG-CLASSES.md). */
void kmapsim_expect(const char *bug_class);
/* The announced report did not come: a missed detection (a finding). */
void kmapsim_missed(const char *what) __attribute__((noreturn));
/* Checks the model's internal consistency; aborts with the reason if broken. */
void kmapsim_assert_invariants(void);
KMAPSIM_EXTERN_C_END

#endif /* _KMAPSIM_SELFCHECK_H */
