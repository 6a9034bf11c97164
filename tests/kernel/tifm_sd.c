/*
 * drivers/mmc/host/tifm_sd.c's tifm_sd_transfer_data() unchanged: the PIO
 * path of a TI FlashMedia SD host, which moves up to 64 bytes per FIFO
 * interrupt between a scatterlist's (highmem) pages and the socket's data
 * register, each page through kmap_local_page(). The register holds 16
 * bits of data per 32-bit access, so a page piece of odd length leaves its
 * last byte in the host's carry (DATA_CARRY) for the next piece, which may
 * be in the next page or the next scatterlist entry.
 *
 * The harness is the interrupt handler: it calls the function under the
 * socket's lock with interrupts off, once per FIFO interrupt, until the
 * whole scatterlist has moved. Each entry is an order-1 highmem block with
 * a picked offset and length, so pieces end at page ends, inside pages and
 * at entry ends; the direction is picked.
 *   transfer_ok  the socket's registers are an ioremap() window (its data
 *                register answers what the run picks), or a plain
 *                register file whose data register holds a fixed value:
 *                then a read must fill every byte of the list with the
 *                value's low and high bytes in turn, across pages and
 *                entries (the carry), and a write must end the list with
 *                the carry flushed. Clean; with one more byte per page
 *                piece patched in (`p_cnt = PAGE_SIZE - p_off + 1`) it is
 *                a kmap-overrun at a page's end
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("drivers/mmc/host/tifm_sd.c", tifm_sd_transfer_data);

#define SG_MAX		2
#define SOCK_SIZE	0x200
#define DATA_WORD	0xb2a1	/* the plain register file's data: bytes a1, b2 */

KMAPSIM_SUBJECT(transfer_ok)
{
	static u32 regfile[SOCK_SIZE / 4];
	struct scatterlist sg[SG_MAX];
	struct page *pages[SG_MAX];
	struct mmc_data data = {};
	struct mmc_command cmd = { .data = &data };
	struct mmc_request req = { .cmd = &cmd, .data = &data };
	struct tifm_dev sock = {};
	struct tifm_sd *host = kzalloc(sizeof(*host), GFP_KERNEL | __GFP_NOFAIL);
	unsigned int n = kmapsim_pick(1, SG_MAX), i, calls, total = 0, moved = 0;
	bool plain = kmapsim_pick(0, 1);
	unsigned long flags;

	data.flags = kmapsim_pick(0, 1) ? MMC_DATA_READ : MMC_DATA_WRITE;
	if (plain) {
		memset(regfile, 0, sizeof(regfile));
		regfile[SOCK_MMCSD_DATA / 4] = DATA_WORD;
		sock.addr = (char __iomem *)regfile;
	} else {
		sock.addr = ioremap(0xfd000000, SOCK_SIZE);
		if (!sock.addr) {
			kfree(host);
			return;		/* the probe's mapping failed */
		}
	}
	spin_lock_init(&sock.lock);
	sg_init_table(sg, n);
	for (i = 0; i < n; i++) {
		unsigned int off = kmapsim_pick(0, PAGE_SIZE - 1);
		unsigned int len = kmapsim_pick(1, 256);

		pages[i] = alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, 1);
		sg_set_page(&sg[i], pages[i], len, off);
		total += len;
	}
	data.sg = sg;
	data.sg_len = n;
	host->dev = &sock;
	host->req = &req;
	host->sg_len = n;

	/* one call per FIFO interrupt, each moving up to 64 bytes */
	for (calls = 0; host->sg_pos != host->sg_len; calls++) {
		BUG_ON(calls > total / 64 + n + 1);
		spin_lock_irqsave(&sock.lock, flags);
		tifm_sd_transfer_data(host);
		spin_unlock_irqrestore(&sock.lock, flags);
	}

	for (i = 0; i < n; i++) {
		u8 *p = kmap_local_page(pages[i]);	/* an order-1 block: both pages, one at a time */
		unsigned int off = sg[i].offset, j;

		for (j = 0; plain && (data.flags & MMC_DATA_READ) && j < sg[i].length; j++) {
			unsigned int at = off + j;
			u8 *q = at < PAGE_SIZE ? p : kmap_local_page(pages[i] + 1);

			BUG_ON(q[offset_in_page(at)] != (moved++ % 2 ? DATA_WORD >> 8 : DATA_WORD & 0xff));
			if (q != p)
				kunmap_local(q);
		}
		kunmap_local(p);
		__free_pages(pages[i], 1);
	}
	/* a write of odd length leaves its last byte for the final flush */
	if (plain && (data.flags & MMC_DATA_WRITE) && total % 2)
		BUG_ON(!(host->cmd_flags & DATA_CARRY));
	if (!plain)
		iounmap(sock.addr);
	kfree(host);
}
