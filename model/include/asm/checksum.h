/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: the architecture's Internet checksum, which net/checksum.h
 * builds on. The sums themselves are the tree's portable ones
 * (lib/checksum.c, which the importer compiles into a unit that calls
 * them, as it does any library file): every profile's architecture has
 * its own assembly, but all of them compute the same 16-bit one's
 * complement sum, and the code under test only ever folds the 32-bit
 * partial sum. The buffer is read by the unit's own instrumented code, so
 * a sum over a window that is no longer mapped is caught where it reads.
 */
#ifndef _ASM_CHECKSUM_H
#define _ASM_CHECKSUM_H

#include <linux/types.h>

__wsum csum_partial(const void *buff, int len, __wsum sum);
__sum16 ip_fast_csum(const void *iph, unsigned int ihl);
__sum16 ip_compute_csum(const void *buff, int len);
__wsum csum_tcpudp_nofold(__be32 saddr, __be32 daddr, __u32 len, __u8 proto, __wsum sum);

/* the 32-bit partial sum folded to 16 bits, complemented */
static inline __sum16 csum_fold(__wsum csum)
{
	__u32 sum = (__force __u32)csum;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__force __sum16)~sum;
}

static inline __sum16 csum_tcpudp_magic(__be32 saddr, __be32 daddr, __u32 len, __u8 proto, __wsum sum)
{
	return csum_fold(csum_tcpudp_nofold(saddr, daddr, len, proto, sum));
}

#endif /* _ASM_CHECKSUM_H */
