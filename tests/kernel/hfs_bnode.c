/*
 * fs/hfs/bnode.c's accessors of a B-tree node's bytes, imported unchanged:
 * hfs_bnode_read(), hfs_bnode_write(), hfs_bnode_clear(), hfs_bnode_copy()
 * and hfs_bnode_move(). HFS nodes are 512 bytes, but hfs_btree_open()
 * takes any power of two the image's header gives as the node size, and
 * sizes node->page[] for it (pages_per_bnode).
 *
 * Nodes of 512 B to 16 KiB over highmem pages of the B-tree file, with
 * offsets and lengths within the node.
 *   read     clean: it walks node->page[] a page at a time
 *   write, clear, copy, move   kmap-overrun where the map is a one-page
 *            window: they map node->page[0] only and reach the node's
 *            bytes past its first page through that mapping (on x86-64,
 *            through the direct map, into whatever page follows it)
 */
#include <kmapsim/subject.h>
#include "hfs_nodes.h"

KMAPSIM_IMPORT("fs/hfs/bnode.c", hfs_bnode_read, hfs_bnode_write, hfs_bnode_clear, hfs_bnode_copy, hfs_bnode_move);

struct bnode_args {
	struct hfs_btree *tree;
	struct hfs_bnode *node, *other;
	u32 dst, src, len;
};

static void args_init(struct bnode_args *a)
{
	a->tree = tree_create();
	a->node = node_create(a->tree, kmapsim_pick_named("this", 0, 7));
	a->other = node_create(a->tree, kmapsim_pick_named("other", 0, 7));
	a->dst = kmapsim_pick_named("dst", 0, a->tree->node_size - 1);
	a->src = kmapsim_pick_named("src", 0, a->tree->node_size - 1);
	a->len = kmapsim_pick_named("len", 1, a->tree->node_size);
}

static void args_free(struct bnode_args *a)
{
	node_free(a->other);
	node_free(a->node);
	kfree(a->tree);
}

KMAPSIM_SUBJECT(read)
{
	struct bnode_args a;
	void *buf;

	args_init(&a);
	buf = kmalloc(a.len, GFP_KERNEL | __GFP_NOFAIL);
	kmapsim_entry_begin("hfs_bnode_read");
	hfs_bnode_read(a.node, buf, a.src, a.len);
	kmapsim_entry_end();
	kfree(buf);
	args_free(&a);
}

KMAPSIM_SUBJECT(write)
{
	struct bnode_args a;
	void *buf;

	args_init(&a);
	buf = kzalloc(a.len, GFP_KERNEL | __GFP_NOFAIL);
	kmapsim_entry_begin("hfs_bnode_write");
	hfs_bnode_write(a.node, buf, a.dst, a.len);
	kmapsim_entry_end();
	kfree(buf);
	args_free(&a);
}

KMAPSIM_SUBJECT(clear)
{
	struct bnode_args a;

	args_init(&a);
	kmapsim_entry_begin("hfs_bnode_clear");
	hfs_bnode_clear(a.node, a.dst, a.len);
	kmapsim_entry_end();
	args_free(&a);
}

KMAPSIM_SUBJECT(copy)
{
	struct bnode_args a;

	args_init(&a);
	kmapsim_entry_begin("hfs_bnode_copy");
	hfs_bnode_copy(a.node, a.dst, a.other, a.src, a.len);
	kmapsim_entry_end();
	args_free(&a);
}

KMAPSIM_SUBJECT(move)
{
	struct bnode_args a;

	args_init(&a);
	kmapsim_entry_begin("hfs_bnode_move");
	hfs_bnode_move(a.node, a.dst, a.src, a.len);
	kmapsim_entry_end();
	args_free(&a);
}
