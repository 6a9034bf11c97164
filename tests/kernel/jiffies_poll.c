// SPDX-License-Identifier: MIT
/*
 * Polls on the jiffies (drivers/memstick/host/r592.c's r592_wait_status()
 * imported unchanged): a busy-wait's cpu_relax() may stall the task
 * (linux/delay.h), so the poll's deadline passes and its timeout path
 * runs, which a device that answers in time never makes it take.
 *   r592_status_ok      the driver's status wait, every answer and its
 *                       timeout (clean)
 *   r592_timeout_seen   the same, with BUG() where it returns -ETIME: the
 *                       explorer gets there (subject-bug)
 *   mxcmci_pio_ok       drivers/mmc/host/mxcmmc.c's mxcmci_transfer_data():
 *                       PIO through an sg_miter over a highmem page, each
 *                       word after a status poll on the jiffies; a poll
 *                       that times out resets the controller and leaves
 *                       through sg_miter_stop() (clean, both directions)
 *   mxcmci_timeout_seen the same, with BUG() where a poll timed out and
 *                       reset the controller (subject-bug)
 *   bcm2835_pio_ok      drivers/mmc/host/bcm2835.c's
 *                       bcm2835_transfer_block_pio(): a block through an
 *                       atomic sg_miter (kmap_atomic() of a highmem page),
 *                       waiting for FIFO room with ndelay() and a jiffies
 *                       deadline; its timeout path leaves through
 *                       sg_miter_stop() (clean, both directions; with the
 *                       timeout patched to BUG() at run time the explorer
 *                       gets there: tests/kernel/CMakeLists.txt)
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("drivers/memstick/host/r592.c", r592_wait_status);
KMAPSIM_IMPORT("drivers/mmc/host/mxcmmc.c", mxcmci_transfer_data);
KMAPSIM_IMPORT("drivers/mmc/host/bcm2835.c", bcm2835_transfer_block_pio);

#define REGS_SIZE	0x100

static int r592_status(void)
{
	struct r592_device dev = { 0 };
	int ret;

	dev.mmio = ioremap(0xfe000000, REGS_SIZE);
	if (!dev.mmio)
		return 0;
	ret = r592_wait_status(&dev, R592_STATUS_RDY, R592_STATUS_RDY);
	BUG_ON(ret && ret != -ETIME && ret != -EIO);
	iounmap(dev.mmio);
	return ret;
}

KMAPSIM_SUBJECT(r592_status_ok)
{
	r592_status();
}

KMAPSIM_SUBJECT(r592_timeout_seen)
{
	BUG_ON(r592_status() == -ETIME);
}

#define XFER_BYTES	32

/* Whether a poll timed out: its reset sequence wrote 0xff to RES_TO (the
 * window holds what the driver stored). */
static bool mxcmci_pio(void)
{
	struct mxcmci_host host = { 0 };
	struct mmc_request req = { 0 };
	struct mmc_data data = { 0 };
	struct scatterlist sg;
	struct page *page = alloc_page(GFP_HIGHUSER);
	bool reset = false;

	host.mmc = kzalloc(sizeof(*host.mmc), GFP_KERNEL);
	host.base = ioremap(0xfe000000, REGS_SIZE);
	if (page && host.mmc && host.base) {
		sg_init_table(&sg, 1);
		sg_set_page(&sg, page, XFER_BYTES, PAGE_SIZE - XFER_BYTES);
		data.sg = &sg;
		data.sg_len = 1;
		data.flags = kmapsim_pick(0, 1) ? MMC_DATA_READ : MMC_DATA_WRITE;
		req.data = &data;
		host.req = &req;
		mxcmci_transfer_data(&host);
		reset = *(volatile u16 __force *)(host.base + MMC_REG_RES_TO) == 0xff;
	}
	if (host.base)
		iounmap(host.base);
	kfree(host.mmc);
	if (page)
		__free_page(page);
	return reset;
}

KMAPSIM_SUBJECT(mxcmci_pio_ok)
{
	mxcmci_pio();
}

KMAPSIM_SUBJECT(mxcmci_timeout_seen)
{
	BUG_ON(mxcmci_pio());
}

/* One block of XFER_BYTES at the end of a highmem page, as
 * bcm2835_transfer_pio() moves it: the sg_miter its caller started. */
KMAPSIM_SUBJECT(bcm2835_pio_ok)
{
	struct bcm2835_host host = { 0 };
	struct platform_device pdev = { 0 };
	struct mmc_data data = { 0 };
	struct scatterlist sg;
	struct page *page = alloc_page(GFP_HIGHUSER);
	bool is_read = kmapsim_pick(0, 1);

	host.ioaddr = ioremap(0xfe000000, REGS_SIZE);
	host.pdev = &pdev;
	if (page && host.ioaddr) {
		sg_init_table(&sg, 1);
		sg_set_page(&sg, page, XFER_BYTES, PAGE_SIZE - XFER_BYTES);
		data.sg = &sg;
		data.sg_len = 1;
		data.blksz = XFER_BYTES;
		data.blocks = 1;
		data.flags = is_read ? MMC_DATA_READ : MMC_DATA_WRITE;
		host.data = &data;
		host.ns_per_fifo_word = 100;
		sg_miter_start(&host.sg_miter, data.sg, data.sg_len,
			       SG_MITER_ATOMIC | (is_read ? SG_MITER_TO_SG : SG_MITER_FROM_SG));
		bcm2835_transfer_block_pio(&host, is_read);
	}
	if (host.ioaddr)
		iounmap(host.ioaddr);
	if (page)
		__free_page(page);
}
