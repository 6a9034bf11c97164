/*
 * The tree's library files the importer takes a declared-only function
 * from (importer.LIBRARY), each imported here from both trees and checked
 * for its kernel behaviour; mm/ksm.c's calc_checksum() runs lib/xxhash.c
 * (ksm_checksum.c), the page cache lib/errseq.c (page_cache.c) and the
 * scatterlist harnesses lib/scatterlist.c.
 *   library_values  red-black tree insertion of picked keys, in-order
 *                   walk and erasure; memweight() counts bits;
 *                   __crypto_xor() at a picked misalignment; errseq_t
 *                   reports an error once per sampler
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("lib/rbtree.c", rb_insert_color, rb_erase, rb_first, rb_next);
KMAPSIM_IMPORT("lib/memweight.c", memweight);
KMAPSIM_IMPORT("lib/crypto/utils.c", __crypto_xor);
KMAPSIM_IMPORT("lib/errseq.c", errseq_set, errseq_sample, errseq_check, errseq_check_and_advance);

struct item {
	struct rb_node node;
	int key;
};

static void insert(struct rb_root *root, struct item *it)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = it->key < rb_entry(parent, struct item, node)->key ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&it->node, parent, link);
	rb_insert_color(&it->node, root);
}

KMAPSIM_SUBJECT(library_values)
{
	struct rb_root root = RB_ROOT;
	struct item items[8];
	struct rb_node *n;
	int i, prev = -1, count = 0;
	u8 a[40], b[40], x[40];
	unsigned int off = kmapsim_pick(0, 7), len = kmapsim_pick(1, 32);
	errseq_t eseq = 0, since;

	for (i = 0; i < 8; i++) {
		items[i].key = kmapsim_pick(0, 99) * 8 + i;	/* distinct */
		insert(&root, &items[i]);
	}
	for (n = rb_first(&root); n; n = rb_next(n), count++) {
		BUG_ON(rb_entry(n, struct item, node)->key <= prev);
		prev = rb_entry(n, struct item, node)->key;
	}
	BUG_ON(count != 8);
	rb_erase(&items[kmapsim_pick(0, 7)].node, &root);
	for (count = 0, n = rb_first(&root); n; n = rb_next(n))
		count++;
	BUG_ON(count != 7);

	BUG_ON(memweight("\xff\x01\x80", 3) != 10 || memweight("", 0) != 0);

	for (i = 0; i < 40; i++) {
		a[i] = i * 7;
		b[i] = i * 13 + 1;
	}
	__crypto_xor(x + off, a + off, b + off, len);
	for (i = 0; i < len; i++)
		BUG_ON(x[off + i] != (u8)(a[off + i] ^ b[off + i]));

	since = errseq_sample(&eseq);
	BUG_ON(errseq_check(&eseq, since));
	errseq_set(&eseq, -EIO);
	BUG_ON(errseq_check(&eseq, since) != -EIO);
	BUG_ON(errseq_check_and_advance(&eseq, &since) != -EIO);
	BUG_ON(errseq_check_and_advance(&eseq, &since) != 0);
}
