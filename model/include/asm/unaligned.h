/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: unaligned loads and stores (6.1's asm/unaligned.h, 6.12's
 * linux/unaligned.h), through a packed struct as the kernel's generic
 * versions do: an access of the pointer's own bytes, so one that reaches
 * past a mapping is checked like any other. Every profile is little-endian.
 */
#ifndef _ASM_UNALIGNED_H
#define _ASM_UNALIGNED_H

#include <linux/types.h>
#include <asm/byteorder.h>

#define __get_unaligned_t(type, ptr) ({ \
	const struct { type x; } __attribute__((__packed__)) *__pptr = (__typeof__(__pptr))(ptr); \
	__pptr->x; \
})
#define __put_unaligned_t(type, val, ptr) do { \
	struct { type x; } __attribute__((__packed__)) *__pptr = (__typeof__(__pptr))(ptr); \
	__pptr->x = (val); \
} while (0)

#define get_unaligned(ptr) __get_unaligned_t(__typeof__(*(ptr)), (ptr))
#define put_unaligned(val, ptr) __put_unaligned_t(__typeof__(*(ptr)), (val), (ptr))

#define get_unaligned_le16(p) le16_to_cpu(__get_unaligned_t(__le16, (p)))
#define get_unaligned_le32(p) le32_to_cpu(__get_unaligned_t(__le32, (p)))
#define get_unaligned_le64(p) le64_to_cpu(__get_unaligned_t(__le64, (p)))
#define get_unaligned_be16(p) be16_to_cpu(__get_unaligned_t(__be16, (p)))
#define get_unaligned_be32(p) be32_to_cpu(__get_unaligned_t(__be32, (p)))
#define get_unaligned_be64(p) be64_to_cpu(__get_unaligned_t(__be64, (p)))
#define put_unaligned_le16(v, p) __put_unaligned_t(__le16, cpu_to_le16(v), (p))
#define put_unaligned_le32(v, p) __put_unaligned_t(__le32, cpu_to_le32(v), (p))
#define put_unaligned_le64(v, p) __put_unaligned_t(__le64, cpu_to_le64(v), (p))
#define put_unaligned_be16(v, p) __put_unaligned_t(__be16, cpu_to_be16(v), (p))
#define put_unaligned_be32(v, p) __put_unaligned_t(__be32, cpu_to_be32(v), (p))
#define put_unaligned_be64(v, p) __put_unaligned_t(__be64, cpu_to_be64(v), (p))

#endif /* _ASM_UNALIGNED_H */
