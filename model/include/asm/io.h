/* SPDX-License-Identifier: MIT */
/*
 * kmapsim: memory-mapped I/O (the architecture's asm/io.h).
 *
 * A driver's registers are a window ioremap() returns: host memory of the
 * window's size, so an access past its end or after iounmap() is caught
 * like any heap access (memory-error). What the device answers is the
 * run's: the first reads of each register return values the run picks
 * (a pick, as kmapsim_pick(): the fuzzer, the random walk and the
 * exhaustive enumeration choose them), so a driver's branches on a status,
 * a count or an error bit are all explored. A register read more often is
 * being polled or drained, and answers the complement of what it returned
 * last, so a loop waiting for any bit to change ends, as it does on a
 * device that works. Writes are kept in the window and change nothing the
 * device answers.
 *
 * An address no ioremap() gave (a harness's own register file, a plain
 * buffer passed as __iomem) reads what it holds: a harness that wants a
 * fixed answer writes it there.
 *
 * Every access is a scheduling point, as a shared-memory access is: two
 * tasks driving one device interleave between their register accesses.
 * Device memory (memcpy_fromio(), memcpy_toio(), memset_io()) is memory:
 * a copy reads what was stored, in one access.
 * Little-endian registers are the host's order; the _be forms swap.
 */
#ifndef _ASM_IO_H
#define _ASM_IO_H

#include <linux/types.h>

KMAPSIM_EXTERN_C_BEGIN
void __iomem *ioremap(phys_addr_t offset, size_t size);
void iounmap(volatile void __iomem *addr);
/*
 * The value of a read of bytes at addr: the device's (above) in an
 * ioremap() window, else held, the value the caller loaded there.
 */
u64 kmapsim_mmio_read(const volatile void __iomem *addr, unsigned int bytes, u64 held, const char *api);
/* a write of bytes at addr: a scheduling point, then the store */
void kmapsim_mmio_write(volatile void __iomem *addr, unsigned int bytes, const char *api);
/* a copy of n bytes of device memory at addr: one scheduling point, then the caller's copy */
void kmapsim_mmio_range(const volatile void __iomem *addr, size_t n, const char *api);
KMAPSIM_EXTERN_C_END

#define ioremap_wc(offset, size) ioremap((offset), (size))
#define ioremap_uc(offset, size) ioremap((offset), (size))
#define ioremap_wt(offset, size) ioremap((offset), (size))
#define ioremap_cache(offset, size) ioremap((offset), (size))
#define ioremap_np(offset, size) ioremap((offset), (size))

/*
 * The load happens in the caller's code, so ASan checks the address (past
 * the window, a freed window) before the model answers.
 */
#define KMAPSIM_MMIO_RW(sfx, type)						\
static inline type __raw_read##sfx(const volatile void __iomem *addr)		\
{										\
	type held = *(const volatile type *)addr;				\
										\
	return (type)kmapsim_mmio_read(addr, sizeof(type), held, "read" #sfx);	\
}										\
static inline void __raw_write##sfx(type v, volatile void __iomem *addr)	\
{										\
	kmapsim_mmio_write(addr, sizeof(type), "write" #sfx);			\
	*(volatile type *)addr = v;						\
}										\
static inline void reads##sfx(const volatile void __iomem *addr, void *buf,	\
			      unsigned long count)				\
{										\
	type *p = (type *)buf;							\
										\
	while (count--)								\
		*p++ = __raw_read##sfx(addr);					\
}										\
static inline void writes##sfx(volatile void __iomem *addr, const void *buf,	\
			       unsigned long count)				\
{										\
	const type *p = (const type *)buf;					\
										\
	while (count--)								\
		__raw_write##sfx(*p++, addr);					\
}
KMAPSIM_MMIO_RW(b, u8)
KMAPSIM_MMIO_RW(w, u16)
KMAPSIM_MMIO_RW(l, u32)
KMAPSIM_MMIO_RW(q, u64)
#undef KMAPSIM_MMIO_RW

/*
 * readl() and the rest are functions, as in the kernel (and each names
 * itself, so `#ifndef readl` sees it): a macro would also rewrite a
 * driver's own `ops->readl(...)`.
 */
#define KMAPSIM_MMIO_NAMED(sfx, type, rd, wr)					\
static inline type rd(const volatile void __iomem *addr)			\
{										\
	return __raw_read##sfx(addr);						\
}										\
static inline void wr(type v, volatile void __iomem *addr)			\
{										\
	__raw_write##sfx(v, addr);						\
}
KMAPSIM_MMIO_NAMED(b, u8, readb, writeb)
KMAPSIM_MMIO_NAMED(w, u16, readw, writew)
KMAPSIM_MMIO_NAMED(l, u32, readl, writel)
KMAPSIM_MMIO_NAMED(q, u64, readq, writeq)
/* no write buffer or reordering is modelled: relaxed is the same access */
KMAPSIM_MMIO_NAMED(b, u8, readb_relaxed, writeb_relaxed)
KMAPSIM_MMIO_NAMED(w, u16, readw_relaxed, writew_relaxed)
KMAPSIM_MMIO_NAMED(l, u32, readl_relaxed, writel_relaxed)
KMAPSIM_MMIO_NAMED(q, u64, readq_relaxed, writeq_relaxed)
/* lib/iomap.c's forms over an ioremap()ed window */
KMAPSIM_MMIO_NAMED(b, u8, ioread8, iowrite8)
KMAPSIM_MMIO_NAMED(w, u16, ioread16, iowrite16)
KMAPSIM_MMIO_NAMED(l, u32, ioread32, iowrite32)
KMAPSIM_MMIO_NAMED(q, u64, ioread64, iowrite64)
#undef KMAPSIM_MMIO_NAMED
#define readb readb
#define readw readw
#define readl readl
#define readq readq
#define writeb writeb
#define writew writew
#define writel writel
#define writeq writeq
#define readb_relaxed readb_relaxed
#define readw_relaxed readw_relaxed
#define readl_relaxed readl_relaxed
#define readq_relaxed readq_relaxed
#define writeb_relaxed writeb_relaxed
#define writew_relaxed writew_relaxed
#define writel_relaxed writel_relaxed
#define writeq_relaxed writeq_relaxed

static inline u16 ioread16be(const volatile void __iomem *addr)
{
	return __builtin_bswap16(__raw_readw(addr));
}
static inline u32 ioread32be(const volatile void __iomem *addr)
{
	return __builtin_bswap32(__raw_readl(addr));
}
static inline void iowrite16be(u16 v, volatile void __iomem *addr)
{
	__raw_writew(__builtin_bswap16(v), addr);
}
static inline void iowrite32be(u32 v, volatile void __iomem *addr)
{
	__raw_writel(__builtin_bswap32(v), addr);
}
#define ioread8_rep(addr, buf, count) readsb((addr), (buf), (count))
#define ioread16_rep(addr, buf, count) readsw((addr), (buf), (count))
#define ioread32_rep(addr, buf, count) readsl((addr), (buf), (count))
#define iowrite8_rep(addr, buf, count) writesb((addr), (buf), (count))
#define iowrite16_rep(addr, buf, count) writesw((addr), (buf), (count))
#define iowrite32_rep(addr, buf, count) writesl((addr), (buf), (count))

/*
 * Device memory ranges (a controller's SRAM, a frame buffer, a mailbox):
 * read and written as memory, what the driver stored there, in one copy
 * the subject makes itself (instrumented: a range past the window is a
 * memory-error at the driver's line). One scheduling point each, not one
 * per byte: a 4 KiB copy is one access of the device, as a burst is.
 */
static inline void memcpy_fromio(void *dst, const volatile void __iomem *src, size_t n)
{
	kmapsim_mmio_range(src, n, "memcpy_fromio");
	__builtin_memcpy(dst, (const void *)src, n);
}
static inline void memcpy_toio(volatile void __iomem *dst, const void *src, size_t n)
{
	kmapsim_mmio_range(dst, n, "memcpy_toio");
	__builtin_memcpy((void *)dst, src, n);
}
static inline void memset_io(volatile void __iomem *dst, int c, size_t n)
{
	kmapsim_mmio_range(dst, n, "memset_io");
	__builtin_memset((void *)dst, c, n);
}

/* a page's physical address (virt_to_phys() is linux/mm.h's) */
#define page_to_phys(page) ((phys_addr_t)page_to_pfn(page) << PAGE_SHIFT)

#endif /* _ASM_IO_H */
