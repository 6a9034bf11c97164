/*
 * skb-seq-read-compound-frag, buggy variant.
 *
 * Shows: a sequential reader over packet fragments (in the shape of
 * skb_seq_read()) maps a fragment's page with kmap_atomic() and hands the
 * caller the whole fragment as one block. A fragment of a compound page
 * may be longer than a page and may start beyond the first page: the
 * direct map covers it, a one-page temporary mapping does not. Under
 * DEBUG_KMAP_LOCAL_FORCE_MAP the lowmem compound page gets such a mapping.
 *
 * Re-expresses: 97550f6fa592 (skb_seq_read() and compound fragments under
 * FORCE_MAP, 2021) and 29766bcffad0 (skb_frag_foreach_page(), the same
 * shortcut); found with a netfilter string-match test on x86 HIGHMEM with
 * FORCE_MAP.
 *
 * Expected: kmap-overrun on strict and x86-32-forcemap; clean on x86-32,
 * arm-vivt, x86-64 and x86-64-forcemap.
 */
#include <kmapsim/subject.h>

struct pkt_frag {
	struct page *page;
	unsigned int off;
	unsigned int size;
};

struct frag_seq_state {
	const struct pkt_frag *frags;
	int nr_frags;
	int idx;
	unsigned int consumed;	/* bytes of frags[idx] already returned */
	u8 *vaddr;		/* live kmap_atomic() mapping, or NULL */
};

static void frag_seq_abort(struct frag_seq_state *st)
{
	if (st->vaddr) {
		kunmap_atomic(st->vaddr);
		st->vaddr = NULL;
	}
}

/* Returns the length of the next block and points *data at it; 0 at the end. */
static unsigned int frag_seq_read(struct frag_seq_state *st, const u8 **data)
{
	const struct pkt_frag *frag;
	unsigned int len;

	frag_seq_abort(st);
	if (st->idx >= st->nr_frags)
		return 0;
	frag = &st->frags[st->idx];
	st->vaddr = kmap_atomic(frag->page);
	*data = st->vaddr + frag->off + st->consumed;
	len = frag->size - st->consumed;
	st->idx++;
	st->consumed = 0;
	return len;
}

static bool frags_contain(const struct pkt_frag *frags, int nr, u8 needle)
{
	struct frag_seq_state st = { .frags = frags, .nr_frags = nr };
	const u8 *data;
	unsigned int len, i;
	bool found = false;

	while (!found && (len = frag_seq_read(&st, &data)) != 0)
		for (i = 0; i < len; i++)
			if (data[i] == needle)
				found = true;
	frag_seq_abort(&st);
	return found;
}

KMAPSIM_SUBJECT(skb_seq_read_compound_frag)
{
	struct page *big = alloc_pages(GFP_ATOMIC, 1);	/* page_frag: compound */
	struct page *small = alloc_page(GFP_HIGHUSER);	/* spliced page cache */
	struct pkt_frag frags[2];

	if (big && small) {
		frags[0].page = big;
		frags[0].off = kmapsim_pick(0, 2 * PAGE_SIZE - 1);
		frags[0].size = kmapsim_pick(1, 2 * PAGE_SIZE - frags[0].off);
		frags[1].page = small;
		frags[1].off = kmapsim_pick(0, PAGE_SIZE - 1);
		frags[1].size = kmapsim_pick(1, PAGE_SIZE - frags[1].off);
		frags_contain(frags, 2, 0x5a);
	}
	if (small)
		__free_page(small);
	if (big)
		__free_pages(big, 1);
}
