/* SPDX-License-Identifier: MIT */
/* kmapsim: the kernel's fixed-width types, as subjects expect them. */
#ifndef _KMAPSIM_LINUX_TYPES_H
#define _KMAPSIM_LINUX_TYPES_H

/*
 * This header shadows the system's <linux/types.h>; pull that in too, so a
 * subject may also include system headers that need it (<sys/stat.h> and
 * friends want __u32, __s64, ...).
 */
#if defined(__has_include_next)
#if __has_include_next(<linux/types.h>)
#include_next <linux/types.h>
#endif
#endif
#include <stddef.h>
#include <stdint.h>
#include <linux/stddef.h>
#include <linux/bits.h>	/* BITS_TO_LONGS() for DECLARE_BITMAP() */
#ifndef __cplusplus
#include <stdbool.h>
#endif
/* The kernel's loff_t is long long (__kernel_loff_t), glibc's is long on a
 * 64-bit host: kernel code passes `&pos` where `unsigned long long *` is
 * taken (fs/hostfs's write_file()). In C, glibc's name is set aside while
 * <sys/types.h> is read, unless something read it first (a subject that
 * includes the C library before kmapsim). The model's C++ keeps glibc's:
 * both are 64-bit, passed alike. */
#if !defined(__cplusplus) && !defined(_SYS_TYPES_H)
#define loff_t __kmapsim_glibc_loff_t
#include <sys/types.h>
#undef loff_t
typedef long long loff_t;
#else
#include <sys/types.h>
#endif

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef unsigned int gfp_t;
typedef unsigned long pgprot_t;
typedef uint64_t phys_addr_t;
typedef uint64_t dma_addr_t;
typedef u64 sector_t;	/* 512-byte sectors, 64-bit as in the kernel since 5.2 */
/* the rest of include/linux/types.h's names that <sys/types.h> lacks */
typedef unsigned short umode_t;
typedef unsigned int fmode_t;
typedef unsigned short uid16_t;
typedef unsigned short gid16_t;
typedef unsigned char unchar;
typedef phys_addr_t resource_size_t;
typedef unsigned long irq_hw_number_t;
typedef u32 phandle;	/* a device-tree node's handle (linux/of.h's struct device_node) */
typedef unsigned int slab_flags_t;
typedef u32 __kernel_dev_t;
typedef s64 ktime_t;
#ifdef __SIZEOF_INT128__
typedef __int128 s128;
typedef unsigned __int128 u128;
#endif

/* The list heads, here as in the kernel (linux/list.h has the operations):
 * struct page's lru needs them where linux/list.h cannot be read (the
 * model's C++). */
struct list_head {
	struct list_head *next, *prev;
};

struct hlist_node {
	struct hlist_node *next, **pprev;
};

struct hlist_head {
	struct hlist_node *first;
};

/* A bitmap of BITS bits, in longs as the bitmap and bitops helpers take it. */
#define DECLARE_BITMAP(name, bits) unsigned long name[BITS_TO_LONGS(bits)]

/* The atomic types live here, as in the kernel; <linux/atomic.h> has the operations. */
typedef struct {
	int counter;
} atomic_t;
typedef struct {
	long counter;
} atomic_long_t;
typedef struct {
	s64 counter;
} atomic64_t;

/*
 * A reference count for RCU-managed objects (linux/rcuref.h has the
 * operations): the count is stored one below the number of references.
 */
typedef struct {
	atomic_t refcnt;
} rcuref_t;
#define RCUREF_INIT(i) { .refcnt = ATOMIC_INIT((i) - 1) }

/*
 * A task waiting on a condition without a wait queue (percpu_rw_semaphore
 * holds one, so struct super_block does): the type, as the kernel's
 * <linux/types.h> declares it; kmapsim models no rcuwait_wait_event().
 */
struct task_struct;
struct rcuwait {
	struct task_struct *task;
};

#include <linux/compiler_types.h>

#ifdef __cplusplus
#define KMAPSIM_EXTERN_C_BEGIN extern "C" {
#define KMAPSIM_EXTERN_C_END }
#else
#define KMAPSIM_EXTERN_C_BEGIN
#define KMAPSIM_EXTERN_C_END
#endif

#endif /* _KMAPSIM_LINUX_TYPES_H */
