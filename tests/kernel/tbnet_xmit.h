/*
 * The harness of tbnet_start_xmit() (drivers/net/thunderbolt: 6.12's
 * main.c, 6.1's thunderbolt.c), which tbnet_xmit.c and tbnet_xmit_61.c
 * include after their KMAPSIM_IMPORT line and the packet release of their
 * tree: the device's side and the subjects (see tbnet_xmit.c). The text is
 * read into each harness, so it compiles against that tree's types.
 */
#pragma once

#define NR_FRAMES	4

static unsigned int queued;

/* The NHI side of tb_ring_tx(): the frame is the hardware's now. */
int __tb_ring_enqueue(struct tb_ring *ring, struct ring_frame *frame)
{
	queued++;
	return 0;
}

struct tx_dev {
	struct net_device *dev;
	struct tbnet *net;
	struct page *frame_page[NR_FRAMES];
};

static void tx_dev_init(struct tx_dev *t)
{
	struct tb_ring *ring = kzalloc(sizeof(*ring), GFP_KERNEL | __GFP_NOFAIL);
	struct tb_nhi *nhi = kzalloc(sizeof(*nhi), GFP_KERNEL | __GFP_NOFAIL);
	unsigned int i;

	nhi->pdev = kzalloc(sizeof(*nhi->pdev), GFP_KERNEL | __GFP_NOFAIL);
	ring->nhi = nhi;
	ring->is_tx = true;
	t->dev = kzalloc(ALIGN(sizeof(struct net_device), NETDEV_ALIGN) + sizeof(struct tbnet),
			 GFP_KERNEL | __GFP_NOFAIL);
	t->net = netdev_priv(t->dev);
	t->net->dev = t->dev;
	t->net->svc = kzalloc(sizeof(*t->net->svc), GFP_KERNEL | __GFP_NOFAIL);
	t->net->tx_ring.ring = ring;
	for (i = 0; i < NR_FRAMES; i++) {
		t->frame_page[i] = alloc_page(GFP_KERNEL | __GFP_NOFAIL);
		t->net->tx_ring.frames[i].page = t->frame_page[i];
		t->net->tx_ring.frames[i].dev = t->dev;
	}
	t->net->tx_ring.prod = NR_FRAMES;
	queued = 0;
}

static void tx_dev_free(struct tx_dev *t)
{
	unsigned int i;

	for (i = 0; i < NR_FRAMES; i++)
		__free_page(t->frame_page[i]);
	kfree(t->net->tx_ring.ring->nhi->pdev);
	kfree(t->net->tx_ring.ring->nhi);
	kfree(t->net->tx_ring.ring);
	kfree(t->net->svc);
	kfree(t->dev);
}

/* A linear head of head bytes: the packet's frags come after. */
static struct sk_buff *packet(unsigned int head)
{
	struct sk_buff *skb = kzalloc(sizeof(*skb), GFP_KERNEL | __GFP_NOFAIL);
	unsigned int i;

	skb->head = kzalloc(SKB_DATA_ALIGN(head) + SKB_DATA_ALIGN(sizeof(struct skb_shared_info)),
			    GFP_KERNEL | __GFP_NOFAIL);
	skb->data = skb->head;
	skb_reset_tail_pointer(skb);
	skb_set_end_offset(skb, SKB_DATA_ALIGN(head));
	refcount_set(&skb->users, 1);
	atomic_set(&skb_shinfo(skb)->dataref, 1);
	__skb_put(skb, head);
	for (i = 0; i < head; i++)
		skb->data[i] = i * 7;	/* byte n of the packet is n * 7 */
	skb->ip_summed = CHECKSUM_NONE;
	return skb;
}

/*
 * A fragment of len bytes at off in page (a compound page's head), its
 * bytes numbered on from the packet's so far; they are also appended to
 * want, written page by page.
 */
static void add_frag(struct sk_buff *skb, struct page *page, unsigned int off, unsigned int len, u8 *want)
{
	unsigned int done = 0;

	while (want && done < len) {
		unsigned int pos = off + done;
		unsigned int n = min(len - done, (unsigned int)(PAGE_SIZE - offset_in_page(pos)));
		u8 *p = kmap_local_page(page + pos / PAGE_SIZE);
		unsigned int i;

		for (i = 0; i < n; i++)
			p[offset_in_page(pos) + i] = want[skb->len + done + i] = (skb->len + done + i) * 7;
		kunmap_local(p);
		done += n;
	}
	skb_fill_page_desc(skb, skb_shinfo(skb)->nr_frags, page, off, len);
	skb->len += len;
	skb->data_len += len;
	skb->truesize += page_size(page);
}

/* The frames hold the packet's bytes in order, each after its header. */
static void check_frames(struct tx_dev *t, const u8 *want, unsigned int len)
{
	unsigned int f, at = 0;

	for (f = 0; f < queued; f++) {
		struct thunderbolt_ip_frame_header *hdr = page_address(t->frame_page[f]);
		unsigned int size = le32_to_cpu(hdr->frame_size);

		BUG_ON(le16_to_cpu(hdr->frame_index) != f || le32_to_cpu(hdr->frame_count) != queued);
		BUG_ON(at + size > len || memcmp(hdr + 1, want + at, size));
		at += size;
	}
	BUG_ON(at != len);
}

static void packet_free(struct sk_buff *skb)
{
	unsigned int i;

	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
		struct page *p = skb_frag_page(&skb_shinfo(skb)->frags[i]);

		__free_pages(p, compound_order(p));
	}
	kfree(skb->head);
	kfree(skb);
}

KMAPSIM_SUBJECT(xmit_small_frags)
{
	struct tx_dev t;
	struct sk_buff *skb;
	unsigned int nfrags = kmapsim_pick(0, 2), i, len;
	u8 *want = kmalloc(256 + 2 * PAGE_SIZE, GFP_KERNEL | __GFP_NOFAIL);

	tx_dev_init(&t);
	skb = packet(kmapsim_pick(ETH_HLEN, 256));
	memcpy(want, skb->data, skb->len);
	for (i = 0; i < nfrags; i++) {
		unsigned int order = kmapsim_pick(0, 1);
		struct page *page = alloc_pages(GFP_HIGHUSER | __GFP_COMP | __GFP_NOFAIL, order);
		unsigned int off = kmapsim_pick(0, PAGE_SIZE - 1);

		add_frag(skb, page, off, kmapsim_pick(1, PAGE_SIZE - off), want);
	}
	len = skb->len;
	BUG_ON(tbnet_start_xmit(skb, t.dev) != NETDEV_TX_OK);
	BUG_ON(queued != DIV_ROUND_UP(len, TBNET_MAX_PAYLOAD_SIZE));
	check_frames(&t, want, len);
	kfree(want);
	packet_free(skb);
	tx_dev_free(&t);
}

KMAPSIM_SUBJECT(xmit_compound_frag)
{
	struct tx_dev t;
	struct sk_buff *skb;
	struct page *page = alloc_pages(GFP_HIGHUSER | __GFP_COMP | __GFP_NOFAIL, 2);
	unsigned int off = kmapsim_pick(0, PAGE_SIZE - 1);

	tx_dev_init(&t);
	skb = packet(kmapsim_pick(ETH_HLEN, 64));
	add_frag(skb, page, off, kmapsim_pick(PAGE_SIZE - off + 1, 2 * PAGE_SIZE), NULL);
	tbnet_start_xmit(skb, t.dev);
	packet_free(skb);
	tx_dev_free(&t);
}
