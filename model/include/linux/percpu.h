/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: per-CPU variables. DEFINE_PER_CPU lays out one instance per
 * possible CPU; this_cpu_ptr() and friends go through the model so it can
 * see which task uses which CPU's instance, and when (lost-atomicity).
 */
#ifndef _LINUX_PERCPU_H
#define _LINUX_PERCPU_H

#include <linux/types.h>
#include <linux/preempt.h>

#define KMAPSIM_NR_CPUS_MAX 8

/*
 * `static DEFINE_PER_CPU(...)` works: static applies to the array; the
 * constructor registers the variable's name for reports.
 */
#define DEFINE_PER_CPU(type, name)					\
	__typeof__(type) name[KMAPSIM_NR_CPUS_MAX];			\
	__attribute__((constructor)) static void kmapsim_percpu_reg_##name(void) \
	{								\
		kmapsim_register_percpu(name, #name);			\
	}								\
	extern char kmapsim_percpu_anchor
#define DECLARE_PER_CPU(type, name) extern __typeof__(type) name[KMAPSIM_NR_CPUS_MAX]

KMAPSIM_EXTERN_C_BEGIN
void kmapsim_register_percpu(const void *base, const char *name);
void *kmapsim_this_cpu_ptr(void *base, size_t size);
void *kmapsim_per_cpu_ptr(void *base, size_t size, int cpu);
KMAPSIM_EXTERN_C_END

/* ptr is &var, a pointer to the per-CPU array; the result points at one instance. */
#define this_cpu_ptr(ptr) \
	((__typeof__(&(*(ptr))[0]))kmapsim_this_cpu_ptr((ptr), sizeof((*(ptr))[0])))
#define per_cpu_ptr(ptr, cpu) \
	((__typeof__(&(*(ptr))[0]))kmapsim_per_cpu_ptr((ptr), sizeof((*(ptr))[0]), (cpu)))
#define per_cpu(var, cpu) (*per_cpu_ptr(&(var), (cpu)))
#define get_cpu_ptr(ptr) ({ preempt_disable(); this_cpu_ptr(ptr); })
#define put_cpu_ptr(ptr) do { (void)(ptr); preempt_enable(); } while (0)
#define get_cpu_var(var) (*({ preempt_disable(); this_cpu_ptr(&(var)); }))
#define put_cpu_var(var) preempt_enable()

#endif /* _LINUX_PERCPU_H */
