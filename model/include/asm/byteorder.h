/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: byte order. Every profile kmapsim simulates (x86-32, ARMv7,
 * x86-64) is little-endian, as is the host: the le conversions are the
 * value itself and the be ones a byte swap, as the kernel's
 * linux/byteorder/little_endian.h defines them (on-disk and on-wire
 * fields of imported filesystem and network code: ext2's rec_len, ...).
 */
#ifndef _ASM_BYTEORDER_H
#define _ASM_BYTEORDER_H

#include <linux/types.h>

/*
 * The kernel defines __LITTLE_ENDIAN or __BIG_ENDIAN, never both, and code
 * tests which one is defined; the C library's <endian.h> defines both as
 * values to compare __BYTE_ORDER with, and has been read by now.
 */
#ifndef __LITTLE_ENDIAN
#define __LITTLE_ENDIAN 1234
#endif
#undef __BIG_ENDIAN
#ifndef __LITTLE_ENDIAN_BITFIELD
#define __LITTLE_ENDIAN_BITFIELD 1
#endif

#define __swab16(x) ((__u16)__builtin_bswap16((__u16)(x)))
#define __swab32(x) ((__u32)__builtin_bswap32((__u32)(x)))
#define __swab64(x) ((__u64)__builtin_bswap64((__u64)(x)))
#define swab16 __swab16
#define swab32 __swab32
#define swab64 __swab64

#define __cpu_to_le16(x) ((__force __le16)(__u16)(x))
#define __cpu_to_le32(x) ((__force __le32)(__u32)(x))
#define __cpu_to_le64(x) ((__force __le64)(__u64)(x))
#define __le16_to_cpu(x) ((__force __u16)(__le16)(x))
#define __le32_to_cpu(x) ((__force __u32)(__le32)(x))
#define __le64_to_cpu(x) ((__force __u64)(__le64)(x))
#define __cpu_to_be16(x) ((__force __be16)__swab16(x))
#define __cpu_to_be32(x) ((__force __be32)__swab32(x))
#define __cpu_to_be64(x) ((__force __be64)__swab64(x))
#define __be16_to_cpu(x) __swab16((__force __u16)(__be16)(x))
#define __be32_to_cpu(x) __swab32((__force __u32)(__be32)(x))
#define __be64_to_cpu(x) __swab64((__force __u64)(__be64)(x))

/*
 * In place, through a pointer: nothing to do for the little-endian forms
 * (the pointer is still evaluated), a swap for the big-endian ones.
 */
#define __cpu_to_le16s(p) do { (void)(p); } while (0)
#define __cpu_to_le32s(p) do { (void)(p); } while (0)
#define __cpu_to_le64s(p) do { (void)(p); } while (0)
#define __le16_to_cpus(p) do { (void)(p); } while (0)
#define __le32_to_cpus(p) do { (void)(p); } while (0)
#define __le64_to_cpus(p) do { (void)(p); } while (0)
#define __swab16s(p) do { __u16 *__kmapsim_s = (p); *__kmapsim_s = __swab16(*__kmapsim_s); } while (0)
#define __swab32s(p) do { __u32 *__kmapsim_s = (p); *__kmapsim_s = __swab32(*__kmapsim_s); } while (0)
#define __swab64s(p) do { __u64 *__kmapsim_s = (p); *__kmapsim_s = __swab64(*__kmapsim_s); } while (0)
#define __cpu_to_be16s(p) __swab16s((__u16 *)(p))
#define __cpu_to_be32s(p) __swab32s((__u32 *)(p))
#define __cpu_to_be64s(p) __swab64s((__u64 *)(p))
#define __be16_to_cpus(p) __swab16s((__u16 *)(p))
#define __be32_to_cpus(p) __swab32s((__u32 *)(p))
#define __be64_to_cpus(p) __swab64s((__u64 *)(p))
#define cpu_to_le16s __cpu_to_le16s
#define cpu_to_le32s __cpu_to_le32s
#define cpu_to_le64s __cpu_to_le64s
#define le16_to_cpus __le16_to_cpus
#define le32_to_cpus __le32_to_cpus
#define le64_to_cpus __le64_to_cpus
#define cpu_to_be16s __cpu_to_be16s
#define cpu_to_be32s __cpu_to_be32s
#define cpu_to_be64s __cpu_to_be64s
#define be16_to_cpus __be16_to_cpus
#define be32_to_cpus __be32_to_cpus
#define be64_to_cpus __be64_to_cpus

#define cpu_to_le16 __cpu_to_le16
#define cpu_to_le32 __cpu_to_le32
#define cpu_to_le64 __cpu_to_le64
#define le16_to_cpu __le16_to_cpu
#define le32_to_cpu __le32_to_cpu
#define le64_to_cpu __le64_to_cpu
#define cpu_to_be16 __cpu_to_be16
#define cpu_to_be32 __cpu_to_be32
#define cpu_to_be64 __cpu_to_be64
#define be16_to_cpu __be16_to_cpu
#define be32_to_cpu __be32_to_cpu
#define be64_to_cpu __be64_to_cpu

/* linux/byteorder/generic.h's network-order names */
#define htons(x) cpu_to_be16(x)
#define ntohs(x) be16_to_cpu(x)
#define htonl(x) cpu_to_be32(x)
#define ntohl(x) be32_to_cpu(x)

/* the pointer forms read the value where it lies (through the caller's mapping) */
#define le16_to_cpup(p) le16_to_cpu(*(const __le16 *)(p))
#define le32_to_cpup(p) le32_to_cpu(*(const __le32 *)(p))
#define le64_to_cpup(p) le64_to_cpu(*(const __le64 *)(p))
#define be16_to_cpup(p) be16_to_cpu(*(const __be16 *)(p))
#define be32_to_cpup(p) be32_to_cpu(*(const __be32 *)(p))
#define be64_to_cpup(p) be64_to_cpu(*(const __be64 *)(p))

#define le16_add_cpu(var, val) (*(var) = cpu_to_le16(le16_to_cpu(*(var)) + (val)))
#define le32_add_cpu(var, val) (*(var) = cpu_to_le32(le32_to_cpu(*(var)) + (val)))
#define le64_add_cpu(var, val) (*(var) = cpu_to_le64(le64_to_cpu(*(var)) + (val)))
#define be16_add_cpu(var, val) (*(var) = cpu_to_be16(be16_to_cpu(*(var)) + (val)))
#define be32_add_cpu(var, val) (*(var) = cpu_to_be32(be32_to_cpu(*(var)) + (val)))
#define be64_add_cpu(var, val) (*(var) = cpu_to_be64(be64_to_cpu(*(var)) + (val)))

#endif /* _ASM_BYTEORDER_H */
