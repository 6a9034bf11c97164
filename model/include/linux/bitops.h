/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: the bit operations on unsigned long bitmaps (asm/bitops.h,
 * asm-generic/bitops/): set_bit()/clear_bit()/change_bit() and the
 * test_and_ forms are atomic read-modify-writes, the __ forms are not,
 * test_bit() is a plain read (test_bit_acquire() an acquire), the bit
 * locks acquire and release. Like the kernel's they are not scheduling
 * points. The tree's include/linux/bitops.h is still read for everything
 * else it defines (it builds on the arch's, which imported code never sees).
 */
#ifndef _LINUX_BITOPS_H
#define _LINUX_BITOPS_H

#include <linux/types.h>
#include <linux/bits.h>

#define BIT_MASK(nr)		(1UL << ((nr) % BITS_PER_LONG))
#define BIT_WORD(nr)		((nr) / BITS_PER_LONG)

static inline void set_bit(long nr, volatile unsigned long *addr)
{
	__atomic_fetch_or(addr + BIT_WORD(nr), BIT_MASK(nr), __ATOMIC_RELAXED);
}

static inline void clear_bit(long nr, volatile unsigned long *addr)
{
	__atomic_fetch_and(addr + BIT_WORD(nr), ~BIT_MASK(nr), __ATOMIC_RELAXED);
}

static inline void change_bit(long nr, volatile unsigned long *addr)
{
	__atomic_fetch_xor(addr + BIT_WORD(nr), BIT_MASK(nr), __ATOMIC_RELAXED);
}

/* The test_and_ forms are fully ordered, as in the kernel. */
static inline bool test_and_set_bit(long nr, volatile unsigned long *addr)
{
	return __atomic_fetch_or(addr + BIT_WORD(nr), BIT_MASK(nr), __ATOMIC_SEQ_CST) & BIT_MASK(nr);
}

static inline bool test_and_clear_bit(long nr, volatile unsigned long *addr)
{
	return __atomic_fetch_and(addr + BIT_WORD(nr), ~BIT_MASK(nr), __ATOMIC_SEQ_CST) & BIT_MASK(nr);
}

static inline void __set_bit(long nr, volatile unsigned long *addr)
{
	addr[BIT_WORD(nr)] = addr[BIT_WORD(nr)] | BIT_MASK(nr);
}

static inline void __clear_bit(long nr, volatile unsigned long *addr)
{
	addr[BIT_WORD(nr)] = addr[BIT_WORD(nr)] & ~BIT_MASK(nr);
}

static inline bool __test_and_set_bit(long nr, volatile unsigned long *addr)
{
	bool old = addr[BIT_WORD(nr)] & BIT_MASK(nr);

	addr[BIT_WORD(nr)] = addr[BIT_WORD(nr)] | BIT_MASK(nr);
	return old;
}

static inline bool __test_and_clear_bit(long nr, volatile unsigned long *addr)
{
	bool old = addr[BIT_WORD(nr)] & BIT_MASK(nr);

	addr[BIT_WORD(nr)] = addr[BIT_WORD(nr)] & ~BIT_MASK(nr);
	return old;
}

static inline bool test_bit(long nr, const volatile unsigned long *addr)
{
	return 1UL & (addr[BIT_WORD(nr)] >> (nr & (BITS_PER_LONG - 1)));
}

/* test_bit() with acquire ordering, under the names the tree's bitop() uses */
static inline bool _test_bit_acquire(long nr, const volatile unsigned long *addr)
{
	return 1UL & (__atomic_load_n(addr + BIT_WORD(nr), __ATOMIC_ACQUIRE) >> (nr & (BITS_PER_LONG - 1)));
}
#define const_test_bit_acquire _test_bit_acquire
#define test_bit_acquire(nr, addr) _test_bit_acquire(nr, addr)

/* bit locks: acquire on a successful set, release on the clear */
static inline bool test_and_set_bit_lock(long nr, volatile unsigned long *addr)
{
	return __atomic_fetch_or(addr + BIT_WORD(nr), BIT_MASK(nr), __ATOMIC_ACQUIRE) & BIT_MASK(nr);
}

static inline void clear_bit_unlock(long nr, volatile unsigned long *addr)
{
	__atomic_fetch_and(addr + BIT_WORD(nr), ~BIT_MASK(nr), __ATOMIC_RELEASE);
}

#define __clear_bit_unlock clear_bit_unlock

/* bit searches in one word (the arch's __ffs and friends; 0 is undefined for __ffs/__fls) */
static inline unsigned long __ffs(unsigned long word) { return __builtin_ctzl(word); }
static inline unsigned long __fls(unsigned long word) { return BITS_PER_LONG - 1 - __builtin_clzl(word); }
#define ffz(x) __ffs(~(x))
static inline int fls(unsigned int x) { return x ? 32 - __builtin_clz(x) : 0; }
static inline int fls64(u64 x) { return x ? 64 - __builtin_clzll(x) : 0; }

/* the number of bits set (asm-generic/bitops/const_hweight.h) */
#define hweight8(w) ((unsigned int)__builtin_popcount((u8)(w)))
#define hweight16(w) ((unsigned int)__builtin_popcount((u16)(w)))
#define hweight32(w) ((unsigned int)__builtin_popcount((u32)(w)))
#define hweight64(w) ((unsigned int)__builtin_popcountll((u64)(w)))
#define hweight_long(w) ((unsigned long)__builtin_popcountl((unsigned long)(w)))

/* bitmap searches (lib/find_bit.c): the first set or clear bit at or after offset, size when none */
static inline unsigned long find_next_bit(const unsigned long *addr, unsigned long size, unsigned long offset)
{
	for (; offset < size; offset++)
		if (test_bit(offset, addr))
			return offset;
	return size;
}

static inline unsigned long find_next_zero_bit(const unsigned long *addr, unsigned long size, unsigned long offset)
{
	for (; offset < size; offset++)
		if (!test_bit(offset, addr))
			return offset;
	return size;
}

#define find_first_bit(addr, size) find_next_bit((addr), (size), 0)
#define find_first_zero_bit(addr, size) find_next_zero_bit((addr), (size), 0)

/* little-endian bitmaps (asm-generic/bitops/le.h): every profile's own order */
#define test_bit_le(nr, addr) test_bit(nr, (const unsigned long *)(addr))
#define set_bit_le(nr, addr) set_bit(nr, (unsigned long *)(addr))
#define clear_bit_le(nr, addr) clear_bit(nr, (unsigned long *)(addr))
#define __set_bit_le(nr, addr) __set_bit(nr, (unsigned long *)(addr))
#define __clear_bit_le(nr, addr) __clear_bit(nr, (unsigned long *)(addr))
#define test_and_set_bit_le(nr, addr) test_and_set_bit(nr, (unsigned long *)(addr))
#define test_and_clear_bit_le(nr, addr) test_and_clear_bit(nr, (unsigned long *)(addr))
#define __test_and_set_bit_le(nr, addr) __test_and_set_bit(nr, (unsigned long *)(addr))
#define __test_and_clear_bit_le(nr, addr) __test_and_clear_bit(nr, (unsigned long *)(addr))
#define find_next_bit_le(addr, size, off) find_next_bit((const unsigned long *)(addr), (size), (off))
#define find_next_zero_bit_le(addr, size, off) find_next_zero_bit((const unsigned long *)(addr), (size), (off))
#define ext2_set_bit_atomic(lock, nr, addr) test_and_set_bit_le(nr, addr)
#define ext2_clear_bit_atomic(lock, nr, addr) test_and_clear_bit_le(nr, addr)

#define small_const_nbits(nbits) (__builtin_constant_p(nbits) && (nbits) <= BITS_PER_LONG && (nbits) > 0)

#endif /* _LINUX_BITOPS_H */
