// SPDX-License-Identifier: MIT
/*
 * Memory-mapped I/O (asm/io.h): a driver's PIO from a device FIFO into
 * highmem pages, the way mmc, memstick and ata hosts move data. The device
 * is the run's: its first answers per register are picks, a register
 * polled or drained longer answers the complement of its last value, or
 * holds it for a long while where the device stalls.
 *   mmio_values_ok      a plain buffer passed as __iomem reads what it
 *                       holds; an ioremap() window's reads are picked,
 *                       then alternate, or hold when the device stalls;
 *                       writes land in the window; the
 *                       _be and _rep forms; device memory copied in
 *                       and out (memcpy_toio(), memset_io(),
 *                       memcpy_fromio() read back what was stored)
 *                       (clean)
 *   mmio_poll_ok        busy-waits on a status bit, set and clear, with
 *                       and without cpu_relax(), with udelay() under a
 *                       spinlock and usleep_range() outside: each ends
 *                       (clean)
 *   mmio_usleep_atomic  the sleeping wait (usleep_range()) under the
 *                       spinlock (sleep-in-atomic)
 *   mmio_pio_ok         a FIFO drained into a highmem page through
 *                       kmap_local_page(), chunked at the page's end, the
 *                       count the device gives clamped (clean)
 *   mmio_pio_overrun    the same without the chunking: the last words
 *                       land past the page (kmap-overrun)
 *   mmio_past_window    a register read one past the window ioremap()
 *                       gave (memory-error)
 *   mmio_range_past_window  memcpy_fromio() of the whole window and 8
 *                       bytes more (memory-error)
 *   mmio_after_iounmap  a register read after iounmap() (memory-error)
 *   mmio_iounmap_twice  iounmap() of a window already unmapped
 *                       (subject-bug)
 */
#include <kmapsim/subject.h>
#include <linux/io.h>
#include <linux/delay.h>

#define REG_STATUS	0x00
#define REG_COUNT	0x04
#define REG_DATA	0x08
#define REGS_SIZE	0x40
#define FIFO_READY	0x02
#define BUSY		0x01

KMAPSIM_SUBJECT(mmio_values_ok)
{
	u32 file[4] = { 0x11223344, 0xa5a5a5a5, 0, 0 };
	void __iomem *plain = (void __iomem *)file;
	void __iomem *regs = ioremap(0xfe000000, REGS_SIZE);
	u32 words[3], r4, r5;
	u8 bytes[3] = { 1, 2, 3 };
	unsigned long before;
	int i;

	BUG_ON(readl(plain) != 0x11223344 || readb(plain) != 0x44 || readw(plain + 2) != 0x1122);
	BUG_ON(ioread32be(plain) != 0x44332211 || ioread16be(plain) != 0x4433);
	writel(0xdeadbeef, plain + 8);
	iowrite16be(0x1234, plain + 12);
	BUG_ON(file[2] != 0xdeadbeef || readl(plain + 8) != 0xdeadbeef || readb(plain + 12) != 0x12);
	if (!regs)
		return;		/* the run failed the mapping */
	/* four picked answers, then each read the complement of the last,
	 * unless the device stalls there: it holds its answer for a long
	 * while, and the jiffies move on */
	for (i = 0; i < 3; i++)
		(void)readl(regs + REG_STATUS);
	r4 = readl(regs + REG_STATUS);
	before = jiffies;
	r5 = readl(regs + REG_STATUS);
	if (time_after(jiffies, before + HZ))
		BUG_ON(r5 != r4 || readl(regs + REG_STATUS) != r4);
	else
		BUG_ON(r5 != ~r4 || readl(regs + REG_STATUS) != r4);
	ioread32_rep(regs + REG_DATA, words, 3);	/* a register of its own: picked */
	writel(0x5a5a0001, regs + REG_COUNT);
	BUG_ON(*(u32 *)(regs + REG_COUNT) != 0x5a5a0001);
	memcpy_toio(regs + 0x10, bytes, sizeof(bytes));
	BUG_ON(memcmp((void *)(regs + 0x10), bytes, sizeof(bytes)) != 0);
	memset_io(regs + 0x20, 0xab, 4);
	BUG_ON(*(u32 *)(regs + 0x20) != 0xabababab);
	{
		u8 back[8];

		memcpy_fromio(back, regs + 0x1c, sizeof(back));
		BUG_ON(memcmp(back + 4, "\xab\xab\xab\xab", 4) != 0);
		memcpy_fromio(back, regs + 0x10, sizeof(bytes));
		BUG_ON(memcmp(back, bytes, sizeof(bytes)) != 0);
	}
	iounmap(regs);
}

static DEFINE_SPINLOCK(regs_lock);

/*
 * A status poll with a delay between reads, as drivers wait for a device:
 * spinning (udelay()) under the register lock, sleeping (usleep_range())
 * outside it, or, when sleep_locked, the sleeping wait under the lock.
 */
static void poll_delayed(void __iomem *regs, bool sleep_locked)
{
	unsigned long flags;

	spin_lock_irqsave(&regs_lock, flags);
	while (readl(regs + REG_STATUS) & BUSY) {
		if (sleep_locked)
			usleep_range(10, 20);
		else
			udelay(10);
	}
	spin_unlock_irqrestore(&regs_lock, flags);
	while (!(readl(regs + REG_STATUS) & FIFO_READY))
		usleep_range(10, 20);
	mdelay(1);
}

KMAPSIM_SUBJECT(mmio_poll_ok)
{
	void __iomem *regs = ioremap(0xfe000000, REGS_SIZE);

	if (!regs)
		return;
	while (!(readl(regs + REG_STATUS) & FIFO_READY))
		;
	while (readl(regs + REG_STATUS) & BUSY)
		cpu_relax();
	while (!(ioread8(regs + REG_COUNT) & 0x80))
		cpu_relax();
	poll_delayed(regs, false);
	iounmap(regs);
}

KMAPSIM_SUBJECT(mmio_usleep_atomic)
{
	void __iomem *regs = ioremap(0xfe000000, REGS_SIZE);

	if (!regs)
		return;
	poll_delayed(regs, true);
	iounmap(regs);
}

/*
 * Drains len bytes of the FIFO into page at off: a word per read, the
 * count of words the device says it holds clamped to what is left; chunked
 * at the page's end when `chunked`.
 */
static void pio_read(void __iomem *regs, struct page *page, unsigned int off, unsigned int len, bool chunked)
{
	while (len) {
		unsigned int chunk = chunked ? min_t(unsigned int, len, PAGE_SIZE - off) : len;
		u8 *kaddr = kmap_local_page(page);
		unsigned int pos = 0;

		while (!(readl(regs + REG_STATUS) & FIFO_READY))
			cpu_relax();
		while (pos < chunk) {
			unsigned int words = min_t(unsigned int, readl(regs + REG_COUNT) & 0xf, DIV_ROUND_UP(chunk - pos, 4));

			if (!words)
				break;	/* the device has nothing yet: poll again */
			while (words--) {
				u32 v = readl(regs + REG_DATA);
				unsigned int n = min_t(unsigned int, 4, chunk - pos);

				memcpy(kaddr + off + pos, &v, n);
				pos += n;
			}
		}
		kunmap_local(kaddr);
		off += pos;
		len -= pos;
		if (off == PAGE_SIZE) {
			page++;
			off = 0;
		}
	}
}

static void pio(bool chunked)
{
	void __iomem *regs = ioremap(0xfe000000, REGS_SIZE);
	struct page *pages = alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, 1);
	unsigned int len = kmapsim_pick(1, 64);
	unsigned int off = kmapsim_pick(PAGE_SIZE - 64, PAGE_SIZE - 1);

	if (regs)
		pio_read(regs, pages, off, len, chunked);
	iounmap(regs);
	__free_pages(pages, 1);
}

KMAPSIM_SUBJECT(mmio_pio_ok)
{
	pio(true);
}

KMAPSIM_SUBJECT(mmio_pio_overrun)
{
	pio(false);
}

KMAPSIM_SUBJECT(mmio_past_window)
{
	void __iomem *regs = ioremap(0xfe000000, REGS_SIZE);

	if (regs) {
		(void)readl(regs + REGS_SIZE - 4);
		(void)readl(regs + REGS_SIZE);
		iounmap(regs);
	}
}

KMAPSIM_SUBJECT(mmio_range_past_window)
{
	void __iomem *regs = ioremap(0xfe000000, REGS_SIZE);
	u8 copy[REGS_SIZE + 8];

	if (regs) {
		memcpy_fromio(copy, regs, REGS_SIZE);
		memcpy_fromio(copy, regs, sizeof(copy));
		iounmap(regs);
	}
}

KMAPSIM_SUBJECT(mmio_after_iounmap)
{
	void __iomem *regs = ioremap(0xfe000000, REGS_SIZE);

	if (regs) {
		iounmap(regs);
		(void)readl(regs + REG_STATUS);
	}
}

KMAPSIM_SUBJECT(mmio_iounmap_twice)
{
	void __iomem *regs = ioremap(0xfe000000, REGS_SIZE);

	if (regs) {
		iounmap(regs);
		iounmap(regs);
	}
}
