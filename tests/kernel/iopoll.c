// SPDX-License-Identifier: MIT
/*
 * Polls with a deadline (the tree's linux/iopoll.h, and drivers/mmc/host/
 * sdricoh_cs.c's sdricoh_query_status() imported unchanged): a clock read
 * may find that time jumped (linux/timekeeping.h), so each poll's timeout
 * path runs, which a device that answers in time never makes it take.
 *   sdricoh_status_ok      the driver's status poll, every answer and its
 *                          timeout (clean)
 *   sdricoh_timeout_seen   the same, with BUG() where it returns
 *                          -ETIMEDOUT: the explorer gets there (subject-bug)
 *   pio_poll_ok            a PIO chunk into a highmem page that waits for
 *                          the FIFO with readl_poll_timeout() inside
 *                          kmap_local_page(), unmapping on every path
 *                          (clean)
 *   pio_poll_timeout_leak  the same returning -ETIMEDOUT with the page
 *                          still mapped (kmap-leak: only the timeout path)
 *   pio_poll_in_atomic     the sleeping poll inside kmap_atomic(), as a
 *                          conversion that keeps the old map would
 *                          (sleep-in-atomic)
 *   pio_atomic_poll_ok     the spinning poll, readl_poll_timeout_atomic(),
 *                          inside kmap_atomic(), unmapping on every path
 *                          (clean)
 *   pio_atomic_poll_timeout_leak  the atomic poll inside kmap_local_page(),
 *                          returning -ETIMEDOUT with the page still
 *                          mapped (kmap-leak). 6.12's atomic
 *                          poll counts its reads instead of reading a
 *                          clock: its timeout comes when the device holds
 *                          the status register's answer (mm/mmio.cc); 6.1's
 *                          reads ktime_get()
 */
#include <kmapsim/subject.h>
#include <linux/iopoll.h>

KMAPSIM_IMPORT("drivers/mmc/host/sdricoh_cs.c", sdricoh_query_status);

#define REGS_SIZE	0x400
#define REG_STATUS	0x10
#define REG_DATA	0x20
#define FIFO_READY	0x1
#define CHUNK		64

static int sdricoh_status(void)
{
	struct sdricoh_host host = { 0 };
	int ret;

	host.iobase = ioremap(0xfe000000, REGS_SIZE);
	if (!host.iobase)
		return 0;
	ret = sdricoh_query_status(&host, 0x100);
	BUG_ON(ret && ret != -ETIMEDOUT && ret != -EINVAL);
	iounmap(host.iobase);
	return ret;
}

KMAPSIM_SUBJECT(sdricoh_status_ok)
{
	sdricoh_status();
}

KMAPSIM_SUBJECT(sdricoh_timeout_seen)
{
	BUG_ON(sdricoh_status() == -ETIMEDOUT);
}

/* Whether the FIFO has a word within 1 ms: readl_poll_timeout(), or in
 * atomic context readl_poll_timeout_atomic() (1 us apart, 100 us). */
static int fifo_wait(void __iomem *regs, bool atomic)
{
	u32 status;

	if (atomic)
		return readl_poll_timeout_atomic(regs + REG_STATUS, status, status & FIFO_READY, 1, 100);
	return readl_poll_timeout(regs + REG_STATUS, status, status & FIFO_READY, 10, 1000);
}

/* Reads CHUNK bytes of the FIFO into page at off, waiting for each word
 * (with the atomic poll when `atomic_poll`); `leak`: the timeout returns
 * with the page mapped. */
static int pio_chunk(void __iomem *regs, struct page *page, unsigned int off, bool atomic, bool atomic_poll, bool leak)
{
	u8 *kaddr = atomic ? kmap_atomic(page) : kmap_local_page(page);
	unsigned int pos;

	for (pos = 0; pos < CHUNK; pos += 4) {
		u32 v;

		if (fifo_wait(regs, atomic_poll)) {
			if (!leak) {
				if (atomic)
					kunmap_atomic(kaddr);
				else
					kunmap_local(kaddr);
			}
			return -ETIMEDOUT;
		}
		v = readl(regs + REG_DATA);
		memcpy(kaddr + off + pos, &v, 4);
	}
	if (atomic)
		kunmap_atomic(kaddr);
	else
		kunmap_local(kaddr);
	return 0;
}

static void pio(bool atomic, bool atomic_poll, bool leak)
{
	void __iomem *regs = ioremap(0xfe000000, REGS_SIZE);
	struct page *page = alloc_page(GFP_HIGHUSER);

	if (regs && page)
		pio_chunk(regs, page, PAGE_SIZE - CHUNK, atomic, atomic_poll, leak);
	if (page)
		__free_page(page);
	if (regs)
		iounmap(regs);
}

KMAPSIM_SUBJECT(pio_poll_ok)
{
	pio(false, false, false);
}

KMAPSIM_SUBJECT(pio_poll_timeout_leak)
{
	pio(false, false, true);
}

KMAPSIM_SUBJECT(pio_poll_in_atomic)
{
	pio(true, false, false);
}

KMAPSIM_SUBJECT(pio_atomic_poll_ok)
{
	pio(true, true, false);
}

KMAPSIM_SUBJECT(pio_atomic_poll_timeout_leak)
{
	pio(false, true, true);
}
