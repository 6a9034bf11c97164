/* SPDX-License-Identifier: MIT */
/* kmapsim: cache-line alignment annotations (64-byte lines). */
#ifndef _LINUX_CACHE_H
#define _LINUX_CACHE_H
#define L1_CACHE_SHIFT 6
#define L1_CACHE_BYTES (1 << L1_CACHE_SHIFT)
#define SMP_CACHE_BYTES L1_CACHE_BYTES
/* x rounded up to a whole cache line (skb data sizes) */
#define L1_CACHE_ALIGN(x) (((x) + L1_CACHE_BYTES - 1) & ~((__typeof__(x))L1_CACHE_BYTES - 1))
#define ____cacheline_aligned __attribute__((__aligned__(SMP_CACHE_BYTES)))
#define ____cacheline_aligned_in_smp ____cacheline_aligned
#define __cacheline_aligned ____cacheline_aligned
#define __cacheline_aligned_in_smp ____cacheline_aligned
#define __read_mostly

/*
 * Named groups of members that share cache lines (6.12's networking
 * structs): zero-length markers at the group's start and end, so a
 * build-time assertion can check which members lie between them. They
 * take no room; the _aligned forms start the group on a line.
 */
#define __cacheline_group_begin(GROUP) __u8 __cacheline_group_begin__##GROUP[0]
#define __cacheline_group_end(GROUP) __u8 __cacheline_group_end__##GROUP[0]
#define __cacheline_group_begin_aligned(GROUP, ...) \
	__cacheline_group_begin(GROUP) __attribute__((__aligned__((__VA_ARGS__ + 0) ? : SMP_CACHE_BYTES)))
#define __cacheline_group_end_aligned(GROUP, ...)					\
	__cacheline_group_end(GROUP) __attribute__((__aligned__(sizeof(long))));	\
	struct { } __cacheline_group_pad__##GROUP					\
		__attribute__((__aligned__((__VA_ARGS__ + 0) ? : SMP_CACHE_BYTES)))
/* MEMBER lies within GROUP's markers */
#define CACHELINE_ASSERT_GROUP_MEMBER(TYPE, GROUP, MEMBER)					\
	BUILD_BUG_ON(!(offsetof(TYPE, MEMBER) >= offsetofend(TYPE, __cacheline_group_begin__##GROUP) &&	\
		       offsetofend(TYPE, MEMBER) <= offsetof(TYPE, __cacheline_group_end__##GROUP)))
/* GROUP spans at most SIZE bytes */
#define CACHELINE_ASSERT_GROUP_SIZE(TYPE, GROUP, SIZE)					\
	BUILD_BUG_ON(offsetof(TYPE, __cacheline_group_end__##GROUP) -			\
		     offsetofend(TYPE, __cacheline_group_begin__##GROUP) > SIZE)
#endif /* _LINUX_CACHE_H */
