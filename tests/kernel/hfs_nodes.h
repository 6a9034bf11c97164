/*
 * B-tree nodes for the harnesses of fs/hfs/bnode.c and fs/hfsplus/bnode.c
 * (hfs_bnode.c, hfsplus_bnode.c), which each include this file: both
 * filesystems keep a node's bytes in node->page[], pages_per_bnode pages
 * of the B-tree file from the page the node starts in. The text is read
 * into each harness (check --kernel reads a quoted include in place), so
 * it compiles against that tree's own struct hfs_bnode and hfs_btree.
 */
#pragma once

/*
 * A node of the tree as __hfs_bnode_create() and hfs_bnode_find() leave
 * it: node number `this` of a tree of 2^shift-byte nodes, its pages those
 * of the B-tree file it lies in, page_offset where it starts in the first.
 */
static struct hfs_bnode *node_create(struct hfs_btree *tree, u32 this)
{
	loff_t start = (loff_t)this << tree->node_size_shift;
	unsigned int npages = tree->pages_per_bnode;
	struct hfs_bnode *node = kzalloc(struct_size(node, page, npages), GFP_KERNEL | __GFP_NOFAIL);
	unsigned int i;

	node->tree = tree;
	node->this = this;
	node->page_offset = start & ~PAGE_MASK;
	for (i = 0; i < npages; i++)
		node->page[i] = alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOFAIL);
	return node;
}

static void node_free(struct hfs_bnode *node)
{
	unsigned int i;

	for (i = 0; i < node->tree->pages_per_bnode; i++)
		__free_page(node->page[i]);
	kfree(node);
}

/* hfs_btree_open() with the header's node size: any power of two, 512 B
 * to 16 KiB here */
static struct hfs_btree *tree_create(void)
{
	struct hfs_btree *tree = kzalloc(sizeof(*tree), GFP_KERNEL | __GFP_NOFAIL);
	unsigned int shift = kmapsim_pick_named("shift", 9, 14);

	tree->node_size_shift = shift;
	tree->node_size = 1u << shift;
	/* whole pages from the node's first byte */
	tree->pages_per_bnode = (tree->node_size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	return tree;
}
