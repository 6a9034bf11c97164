/* SPDX-License-Identifier: MIT */
#ifndef _LINUX_SMP_H
#define _LINUX_SMP_H
#include <linux/sched.h>
#define get_cpu() ({ preempt_disable(); smp_processor_id(); })
#define put_cpu() preempt_enable()

/*
 * A cross-CPU function call's request, as structures embed it (6.1's
 * struct request keeps one for its completion IPI). kmapsim sends no
 * IPIs; the types are here so that the layouts holding them compile. The
 * list node is the kernel's lock-less list node, one next pointer, which
 * the tree's llist.h helpers then use as it is.
 */
struct llist_node {
	struct llist_node *next;
};

typedef void (*smp_call_func_t)(void *info);

struct __call_single_node {
	struct llist_node llist;
	union {
		unsigned int u_flags;
		atomic_t a_flags;
	};
	u16 src, dst;
};

struct __call_single_data {
	struct __call_single_node node;
	smp_call_func_t func;
	void *info;
};

typedef struct __call_single_data call_single_data_t;
#endif
