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

/*
 * The odd widths (SCSI's 24-bit lengths, the 48-bit reference tags of
 * 64-bit protection information) have no integer type: byte by byte, most
 * significant first for big-endian.
 */
static inline u32 get_unaligned_be24(const void *p)
{
	const u8 *b = (const u8 *)p;

	return (u32)b[0] << 16 | (u32)b[1] << 8 | b[2];
}

static inline u32 get_unaligned_le24(const void *p)
{
	const u8 *b = (const u8 *)p;

	return b[0] | (u32)b[1] << 8 | (u32)b[2] << 16;
}

static inline u64 get_unaligned_be48(const void *p)
{
	const u8 *b = (const u8 *)p;

	return (u64)b[0] << 40 | (u64)b[1] << 32 | (u64)b[2] << 24 | (u64)b[3] << 16 | (u64)b[4] << 8 | b[5];
}

static inline void put_unaligned_be24(u32 v, void *p)
{
	u8 *b = (u8 *)p;

	b[0] = v >> 16;
	b[1] = v >> 8;
	b[2] = v;
}

static inline void put_unaligned_le24(u32 v, void *p)
{
	u8 *b = (u8 *)p;

	b[0] = v;
	b[1] = v >> 8;
	b[2] = v >> 16;
}

static inline void put_unaligned_be48(u64 v, void *p)
{
	u8 *b = (u8 *)p;

	b[0] = v >> 40;
	b[1] = v >> 32;
	b[2] = v >> 24;
	b[3] = v >> 16;
	b[4] = v >> 8;
	b[5] = v;
}

#endif /* _ASM_UNALIGNED_H */
