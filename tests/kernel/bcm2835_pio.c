/*
 * drivers/mmc/host/bcm2835.c's PIO path unchanged, as the driver runs it:
 * bcm2835_prepare_data() starts an atomic sg_miter over the request's
 * scatterlist, and bcm2835_transfer_pio() moves one block per interrupt
 * between the host's data FIFO and the (highmem) pages, through the
 * miter's kmap_atomic() mapping, polling the FIFO's fill level in SDEDM
 * with ndelay() in between under a 500 ms jiffies bound, from the hard
 * interrupt handler (6.1 also disables interrupts around the block).
 * jiffies_poll.c's bcm2835_pio_ok moves a single block at a page's end;
 * here a request has several blocks over entries that cross page ends,
 * where the miter hands out a page's part at a time.
 *
 * The harness is the driver: it sets up the host as probe does (the
 * registers an ioremap() window, or a plain register file), prepares a
 * request of 1..3 blocks over 1..2 entries of order-1 highmem blocks at a
 * picked offset, and calls the transfer once per block interrupt under
 * the host's lock with interrupts off, as bcm2835_irq() does.
 *   pio_ok  through the ioremap() window the device's answers are the
 *           run's: FIFO levels, FSM states, error bits, a device that
 *           holds its answer until the transfer times out. Through the
 *           plain register file the FIFO always has room and data, and
 *           its data register holds a fixed word: a read then fills every
 *           byte of the request with that word, across pages and
 *           entries. Clean; with the block's length no longer clamped to
 *           what the miter mapped (`len = blksize`), a block past a
 *           page's end is a kmap-overrun
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("drivers/mmc/host/bcm2835.c", bcm2835_prepare_data, bcm2835_transfer_pio);

#define SG_MAX		2
#define REGS_SIZE	0x100
#define DATA_WORD	0x5aa5c33cu

KMAPSIM_SUBJECT(pio_ok)
{
	static u32 regfile[REGS_SIZE / 4];
	static struct platform_device pdev = { .name = "bcm2835-sdhost" };
	struct scatterlist sg[SG_MAX];
	struct page *pages[SG_MAX];
	struct mmc_data data = {};
	struct mmc_command cmd = { .data = &data };
	struct bcm2835_host *host = kzalloc(sizeof(*host), GFP_KERNEL | __GFP_NOFAIL);
	unsigned int n, need, i, block, total = 0;
	bool plain = kmapsim_pick(0, 1);
	bool read = kmapsim_pick(0, 1);
	unsigned long flags;

	if (plain) {
		/* the FIFO holds 16 words to read, or 16 free to write */
		memset(regfile, 0, sizeof(regfile));
		regfile[SDEDM / 4] = read ? (SDDATA_FIFO_WORDS << 4) | SDEDM_FSM_READDATA : SDEDM_FSM_WRITEDATA;
		regfile[SDDATA / 4] = DATA_WORD;
		host->ioaddr = (void __iomem *)regfile;
	} else {
		host->ioaddr = ioremap(0x7e202000, REGS_SIZE);
		if (!host->ioaddr) {
			kfree(host);
			return;		/* probe's mapping failed */
		}
	}
	spin_lock_init(&host->lock);
	host->pdev = &pdev;
	host->ns_per_fifo_word = kmapsim_pick(0, 2000);

	/* blocks of 4..1024 bytes, whole words; entries that hold them all,
	 * each at a picked word offset in an order-1 block */
	data.blksz = 4 * kmapsim_pick(1, 256);
	data.blocks = kmapsim_pick(1, 3);
	data.flags = read ? MMC_DATA_READ : MMC_DATA_WRITE;
	need = data.blksz * data.blocks;
	n = need > 4 ? kmapsim_pick(1, SG_MAX) : 1;
	sg_init_table(sg, n);
	for (i = 0; i < n; i++) {
		unsigned int off = 4 * kmapsim_pick(0, PAGE_SIZE / 4 - 1);
		unsigned int len = i == n - 1 ? need - total : 4 * kmapsim_pick(1, need / 4 - 1);

		if (len > 2 * PAGE_SIZE - off)
			len = 2 * PAGE_SIZE - off;	/* a request shorter than its blocks */
		pages[i] = alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, 1);
		sg_set_page(&sg[i], pages[i], len, off);
		total += len;
	}
	data.sg = sg;
	data.sg_len = n;

	bcm2835_prepare_data(host, &cmd);
	for (block = 0; block < data.blocks && !data.error; block++) {
		spin_lock_irqsave(&host->lock, flags);
		bcm2835_transfer_pio(host);
		spin_unlock_irqrestore(&host->lock, flags);
	}

	/* the plain file: a read gave every byte of the request the data word,
	 * unless the request was shorter than its blocks (-EINVAL) */
	if (plain && read && total == need && !data.error) {
		for (i = 0; i < n; i++) {
			unsigned int off = sg[i].offset, j;

			for (j = 0; j < sg[i].length; j += 4) {
				unsigned int at = off + j;
				u32 *p = kmap_local_page(pages[i] + at / PAGE_SIZE);

				BUG_ON(p[offset_in_page(at) / 4] != DATA_WORD);
				kunmap_local(p);
			}
		}
	}
	for (i = 0; i < n; i++)
		__free_pages(pages[i], 1);
	if (!plain)
		iounmap(host->ioaddr);
	kfree(host);
}
