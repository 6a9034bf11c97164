/*
 * fs/hfsplus/bnode.c's accessors of a B-tree node's bytes, imported
 * unchanged: hfs_bnode_read(), hfs_bnode_write(), hfs_bnode_clear(),
 * hfs_bnode_copy() and hfs_bnode_move(). A node of 512 B to 16 KiB lies
 * in one or more highmem pages of the B-tree file's page cache
 * (node->page[]); each accessor walks them a page at a time through
 * kmap_local_page(), the copy and the move with two mappings open at once.
 *
 * read, write and clear take offsets and lengths up to one past the node's
 * end, as a corrupted image can make their callers pass, so the bounds
 * checks both trees have (is_bnode_offset_valid(),
 * check_and_correct_requested_length()) run on both sides.
 *   read, write, clear, copy   clean; tests/kernel/CMakeLists.txt drops
 *            read's length check at run time (a read past the node's last
 *            page: memory-error)
 *   move     kunmap-bad-address where the map is a fixmap slot: moving
 *            bytes up (dst > src) maps the last page of each range at
 *            `kmap_local_page(page) + end`, where `end` is the range's end
 *            within that page, 1 to PAGE_SIZE; when a range ends on a page
 *            boundary that pointer is one page past the mapping, and
 *            kunmap_local() of it names another slot (the kernel warns and
 *            flushes the wrong address). Clean on x86-64; the test patches
 *            the pointers back into their pages at run time (fixed).
 *   copy_past_node   memory-error: hfs_bnode_copy() with a destination
 *            offset one past the node. The check makes the length 0, but
 *            the copy loop still runs once and reads the page pointer past
 *            node->page[].
 */
#include <kmapsim/subject.h>
#include "hfs_nodes.h"

KMAPSIM_IMPORT("fs/hfsplus/bnode.c", hfs_bnode_read, hfs_bnode_write, hfs_bnode_clear, hfs_bnode_copy, hfs_bnode_move);

/* A node smaller than a page shares it: its number places it in the page. */
static u32 pick_node(void)
{
	return kmapsim_pick_named("this", 0, 7);
}

KMAPSIM_SUBJECT(read)
{
	struct hfs_btree *tree = tree_create();
	struct hfs_bnode *node = node_create(tree, pick_node());
	u32 off = kmapsim_pick_named("off", 0, tree->node_size);
	u32 len = kmapsim_pick_named("len", 0, tree->node_size);
	void *buf = kmalloc(max(len, 1u), GFP_KERNEL | __GFP_NOFAIL);

	kmapsim_entry_begin("hfs_bnode_read");
	hfs_bnode_read(node, buf, off, len);
	kmapsim_entry_end();
	kfree(buf);
	node_free(node);
	kfree(tree);
}

KMAPSIM_SUBJECT(write)
{
	struct hfs_btree *tree = tree_create();
	struct hfs_bnode *node = node_create(tree, pick_node());
	u32 off = kmapsim_pick_named("off", 0, tree->node_size);
	u32 len = kmapsim_pick_named("len", 0, tree->node_size);
	void *buf = kmalloc(max(len, 1u), GFP_KERNEL | __GFP_NOFAIL);

	memset(buf, 0x5a, len);
	kmapsim_entry_begin("hfs_bnode_write");
	hfs_bnode_write(node, buf, off, len);
	kmapsim_entry_end();
	kfree(buf);
	node_free(node);
	kfree(tree);
}

KMAPSIM_SUBJECT(clear)
{
	struct hfs_btree *tree = tree_create();
	struct hfs_bnode *node = node_create(tree, pick_node());
	u32 off = kmapsim_pick_named("off", 0, tree->node_size);
	u32 len = kmapsim_pick_named("len", 0, tree->node_size);

	kmapsim_entry_begin("hfs_bnode_clear");
	hfs_bnode_clear(node, off, len);
	kmapsim_entry_end();
	node_free(node);
	kfree(tree);
}

/* hfs_brec_insert() and hfs_bnode_split() copy records between two nodes. */
KMAPSIM_SUBJECT(copy)
{
	struct hfs_btree *tree = tree_create();
	struct hfs_bnode *dst_node = node_create(tree, pick_node());
	struct hfs_bnode *src_node = node_create(tree, pick_node());
	u32 dst = kmapsim_pick_named("dst", 0, tree->node_size - 1);
	u32 src = kmapsim_pick_named("src", 0, tree->node_size - 1);
	u32 len = kmapsim_pick_named("len", 0, tree->node_size);

	kmapsim_entry_begin("hfs_bnode_copy");
	hfs_bnode_copy(dst_node, dst, src_node, src, len);
	kmapsim_entry_end();
	node_free(src_node);
	node_free(dst_node);
	kfree(tree);
}

/* hfs_brec_insert() and hfs_brec_remove() shift records within a node. */
KMAPSIM_SUBJECT(move)
{
	struct hfs_btree *tree = tree_create();
	struct hfs_bnode *node = node_create(tree, pick_node());
	u32 dst = kmapsim_pick_named("dst", 0, tree->node_size - 1);
	u32 src = kmapsim_pick_named("src", 0, tree->node_size - 1);
	u32 len = kmapsim_pick_named("len", 0, tree->node_size);

	kmapsim_entry_begin("hfs_bnode_move");
	hfs_bnode_move(node, dst, src, len);
	kmapsim_entry_end();
	node_free(node);
	kfree(tree);
}

/* A destination offset one past the node, as a corrupted record can give. */
KMAPSIM_SUBJECT(copy_past_node)
{
	struct hfs_btree *tree = tree_create();
	struct hfs_bnode *dst_node = node_create(tree, pick_node());
	struct hfs_bnode *src_node = node_create(tree, pick_node());
	u32 src = kmapsim_pick_named("src", 0, tree->node_size - 1);
	u32 len = kmapsim_pick_named("len", 1, tree->node_size);

	kmapsim_entry_begin("hfs_bnode_copy");
	hfs_bnode_copy(dst_node, tree->node_size, src_node, src, len);
	kmapsim_entry_end();
	node_free(src_node);
	node_free(dst_node);
	kfree(tree);
}
