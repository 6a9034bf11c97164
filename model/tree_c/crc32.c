/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: the CRCs filesystems and network code checksum mapped pages
 * with (lib/crc32.c, lib/libcrc32c.c), bit by bit. The kernel's are
 * table-driven (tables generated at build time, so not in a source tree)
 * with the same results. They read the buffer in the unit's own code, so
 * a checksum through a mapping that has gone, or past its page, is
 * reported at the CRC's read like any other access.
 *
 * crc32_le() is the reflected CRC-32 (polynomial 0xedb88320), crc32_be()
 * the MSB-first one (0x04c11db7), __crc32c_le() and crc32c() the
 * Castagnoli CRC (0x82f63b78): the seed in, no inversion, as the kernel's
 * (callers invert).
 */

static u32 kmapsim_crc_reflected(u32 crc, const unsigned char *p, size_t len, u32 poly)
{
	int i;

	while (len--) {
		crc ^= *p++;
		for (i = 0; i < 8; i++)
			crc = (crc >> 1) ^ ((crc & 1) ? poly : 0);
	}
	return crc;
}

u32 __pure crc32_le(u32 crc, unsigned char const *p, size_t len)
{
	return kmapsim_crc_reflected(crc, p, len, 0xedb88320);
}

u32 __pure crc32_be(u32 crc, unsigned char const *p, size_t len)
{
	int i;

	while (len--) {
		crc ^= (u32)*p++ << 24;
		for (i = 0; i < 8; i++)
			crc = (crc << 1) ^ ((crc & 0x80000000) ? 0x04c11db7 : 0);
	}
	return crc;
}

u32 __pure __crc32c_le(u32 crc, unsigned char const *p, size_t len)
{
	return kmapsim_crc_reflected(crc, p, len, 0x82f63b78);
}

u32 crc32c(u32 crc, const void *address, unsigned int length)
{
	return kmapsim_crc_reflected(crc, address, length, 0x82f63b78);
}
