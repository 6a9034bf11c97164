/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: BUG_ON/WARN_ON in subject code. A BUG in a subject is the
 * subject's own assertion: it ends the run with a "subject-bug" verdict
 * (never silently). WARN_ON records an event and carries on, as in the
 * kernel.
 */
#ifndef _LINUX_BUG_H
#define _LINUX_BUG_H

#include <linux/types.h>

KMAPSIM_EXTERN_C_BEGIN
void kmapsim_subject_bug(const char *file, int line, const char *cond)
	__attribute__((noreturn));
void kmapsim_subject_warn(const char *file, int line, const char *cond);
KMAPSIM_EXTERN_C_END

#define BUG() kmapsim_subject_bug(__FILE__, __LINE__, "BUG()")
#define BUG_ON(cond) do { if (__builtin_expect(!!(cond), 0)) \
	kmapsim_subject_bug(__FILE__, __LINE__, #cond); } while (0)
#define WARN_ON(cond) ({ int __w = !!(cond); \
	if (__w) kmapsim_subject_warn(__FILE__, __LINE__, #cond); __w; })
#define WARN_ON_ONCE(cond) WARN_ON(cond)
#define VM_BUG_ON(cond) BUG_ON(cond)
#define BUILD_BUG_ON(cond) _Static_assert(!(cond), #cond)

#endif /* _LINUX_BUG_H */
