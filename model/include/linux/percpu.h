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
#include <linux/gfp.h>

#define KMAPSIM_NR_CPUS_MAX 8

#if defined(KMAPSIM_KERNEL_IMPORT) && !defined(__cplusplus)
/*
 * Imported kernel code: as in the kernel, a per-CPU variable is one object
 * of its type, the template, in its own section (kmapsim_percpu, the
 * kernel's .data..percpu), so `static DEFINE_PER_CPU(T, v) = { ... };`,
 * `&v.member` and `local_lock(&v.lock)` are what they are in the kernel.
 * Each CPU's instance is a copy of the template made at the start of every
 * run (the kernel's setup_per_cpu_areas()); this_cpu_ptr() of an address
 * inside the template is the same place in the CPU's copy.
 */
#define DEFINE_PER_CPU(type, name) \
	__attribute__((section("kmapsim_percpu"))) __typeof__(type) name
#define DECLARE_PER_CPU(type, name) extern __typeof__(type) name
#else
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
#endif
/* The placement variants (cache-line or page alignment, read-mostly, the
 * first in the area) are plain per-CPU variables here: nothing the model
 * checks depends on where an instance lies. */
#define DEFINE_PER_CPU_ALIGNED(type, name)		DEFINE_PER_CPU(type, name)
#define DEFINE_PER_CPU_SHARED_ALIGNED(type, name)	DEFINE_PER_CPU(type, name)
#define DEFINE_PER_CPU_PAGE_ALIGNED(type, name)		DEFINE_PER_CPU(type, name)
#define DEFINE_PER_CPU_READ_MOSTLY(type, name)		DEFINE_PER_CPU(type, name)
#define DEFINE_PER_CPU_FIRST(type, name)		DEFINE_PER_CPU(type, name)
#define DECLARE_PER_CPU_ALIGNED(type, name)		DECLARE_PER_CPU(type, name)
#define DECLARE_PER_CPU_SHARED_ALIGNED(type, name)	DECLARE_PER_CPU(type, name)
#define DECLARE_PER_CPU_PAGE_ALIGNED(type, name)	DECLARE_PER_CPU(type, name)
#define DECLARE_PER_CPU_READ_MOSTLY(type, name)		DECLARE_PER_CPU(type, name)
#define DECLARE_PER_CPU_FIRST(type, name)		DECLARE_PER_CPU(type, name)

KMAPSIM_EXTERN_C_BEGIN
void kmapsim_register_percpu(const void *base, const char *name);
void *kmapsim_this_cpu_ptr(void *base, size_t size);
void *kmapsim_per_cpu_ptr(void *base, size_t size, int cpu);
KMAPSIM_EXTERN_C_END

#if defined(KMAPSIM_KERNEL_IMPORT) && !defined(__cplusplus)
/*
 * Imported kernel code also uses dynamic per-CPU data: alloc_percpu()
 * returns a pointer to CPU 0's instance, the others follow it, and
 * this_cpu_ptr()/per_cpu_ptr() take that pointer as well as the address of
 * (a member of) a DEFINE_PER_CPU variable, and of an array a subject
 * defined. ((void)0, *p) decays an array to its element pointer and leaves
 * anything else its own type (a conditional would promote a u8 to int),
 * which tells the two apart.
 */
#define kmapsim_pcpu_is_array(ptr) \
	(!__builtin_types_compatible_p(__typeof__(((void)0, *(ptr))), __typeof__(*(ptr))))
#define kmapsim_pcpu_elem_t(ptr) \
	__typeof__(__builtin_choose_expr(kmapsim_pcpu_is_array(ptr), ((void)0, *(ptr)), (ptr)))
#define kmapsim_pcpu_size(ptr) \
	(kmapsim_pcpu_is_array(ptr) ? sizeof(*(ptr)) / KMAPSIM_NR_CPUS_MAX : sizeof(*(ptr)))
/* The expression's text names a DEFINE_PER_CPU variable in reports
 * (`&v.lock` is v's), which has no constructor to register it. */
#define this_cpu_ptr(ptr) \
	((kmapsim_pcpu_elem_t(ptr))kmapsim_this_cpu_ptr_named((void *)(ptr), kmapsim_pcpu_size(ptr), #ptr))
#define per_cpu_ptr(ptr, cpu) \
	((kmapsim_pcpu_elem_t(ptr))kmapsim_per_cpu_ptr_named((void *)(ptr), kmapsim_pcpu_size(ptr), (cpu), #ptr))
#define raw_cpu_ptr(ptr) this_cpu_ptr(ptr)
KMAPSIM_EXTERN_C_BEGIN
void *kmapsim_this_cpu_ptr_named(void *base, size_t size, const char *expr);
void *kmapsim_per_cpu_ptr_named(void *base, size_t size, int cpu, const char *expr);
void *kmapsim_alloc_percpu(size_t size, gfp_t gfp);
void free_percpu(void *ptr);
KMAPSIM_EXTERN_C_END
#define alloc_percpu_gfp(type, gfp) ((type *)kmapsim_alloc_percpu(sizeof(type), (gfp)))
#define alloc_percpu(type) alloc_percpu_gfp(type, GFP_KERNEL)
#else
/* ptr is &var, a pointer to the per-CPU array; the result points at one instance. */
#define this_cpu_ptr(ptr) \
	((__typeof__(&(*(ptr))[0]))kmapsim_this_cpu_ptr((ptr), sizeof((*(ptr))[0])))
#define per_cpu_ptr(ptr, cpu) \
	((__typeof__(&(*(ptr))[0]))kmapsim_per_cpu_ptr((ptr), sizeof((*(ptr))[0]), (cpu)))
#endif
#define per_cpu(var, cpu) (*per_cpu_ptr(&(var), (cpu)))
/*
 * The this_cpu operations (linux/percpu-defs.h): one access to this CPU's
 * instance. The scheduling point is this_cpu_ptr()'s, before the access,
 * so the read-modify-write itself is not interrupted, as the kernel's are
 * not. The __ and raw_ forms, which the kernel leaves to a caller that
 * keeps its CPU, are the same here.
 */
#define this_cpu_read(pcp)		(*this_cpu_ptr(&(pcp)))
#define this_cpu_write(pcp, val)	do { *this_cpu_ptr(&(pcp)) = (val); } while (0)
#define this_cpu_add(pcp, val)		do { *this_cpu_ptr(&(pcp)) += (val); } while (0)
#define this_cpu_sub(pcp, val)		do { *this_cpu_ptr(&(pcp)) -= (val); } while (0)
#define this_cpu_inc(pcp)		this_cpu_add(pcp, 1)
#define this_cpu_dec(pcp)		this_cpu_sub(pcp, 1)
#define this_cpu_add_return(pcp, val)	({ __auto_type __p = this_cpu_ptr(&(pcp)); *__p += (val); })
#define this_cpu_inc_return(pcp)	this_cpu_add_return(pcp, 1)
#define this_cpu_dec_return(pcp)	this_cpu_add_return(pcp, -1)
#define __this_cpu_read(pcp)		this_cpu_read(pcp)
#define __this_cpu_write(pcp, val)	this_cpu_write(pcp, val)
#define __this_cpu_add(pcp, val)	this_cpu_add(pcp, val)
#define __this_cpu_sub(pcp, val)	this_cpu_sub(pcp, val)
#define __this_cpu_inc(pcp)		this_cpu_inc(pcp)
#define __this_cpu_dec(pcp)		this_cpu_dec(pcp)
#define __this_cpu_add_return(pcp, val)	this_cpu_add_return(pcp, val)
#define __this_cpu_inc_return(pcp)	this_cpu_inc_return(pcp)
#define raw_cpu_read(pcp)		this_cpu_read(pcp)
#define raw_cpu_write(pcp, val)		this_cpu_write(pcp, val)
#define raw_cpu_add(pcp, val)		this_cpu_add(pcp, val)
#define raw_cpu_inc(pcp)		this_cpu_inc(pcp)
#define raw_cpu_dec(pcp)		this_cpu_dec(pcp)
#define get_cpu_ptr(ptr) ({ preempt_disable(); this_cpu_ptr(ptr); })
#define put_cpu_ptr(ptr) do { (void)(ptr); preempt_enable(); } while (0)
#define get_cpu_var(var) (*({ preempt_disable(); this_cpu_ptr(&(var)); }))
#define put_cpu_var(var) preempt_enable()

#endif /* _LINUX_PERCPU_H */
