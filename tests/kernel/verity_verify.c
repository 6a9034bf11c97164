/*
 * fs/verity/verify.c's fsverity_verify_blocks(), imported unchanged with
 * fs/verity/open.c's fsverity_init_merkle_tree_params() (6.12): for each
 * block of a data folio, mapped with kmap_local_folio(), verify_data_block()
 * walks the Merkle tree up from the leaf level, mapping one tree page per
 * level with kmap_local_page() and keeping every one mapped until it comes
 * back down: up to FS_VERITY_MAX_LEVELS nested maps over the data's, undone
 * in reverse order on success and on every error path. A block already
 * verified (PG_checked on the tree page, or the per-block bitmap when tree
 * blocks are smaller than a page) ends the climb early.
 *
 * The file's tree is built here, but only where it is read: the blocks on
 * the path of the folios under test hold the real hashes of their children,
 * every other tree block a filler pattern. The hash is the harness's own
 * (fsverity_hash_block() and the algorithm lookup are defined below; the
 * kernel's go through the crypto API), 32 bytes of four FNV-1a lanes.
 *   verify_one  a file of a picked size and block size (1 KiB: a bitmap of
 *               verified blocks; 4 KiB: PG_checked), one folio of it at an
 *               edge of the tree (or wholly past EOF); a picked corruption
 *               (a data byte, a byte of a tree block on the path, a tree
 *               page read failing) must fail the verification, and an
 *               intact folio pass it twice (the second time from the
 *               verified marks)
 *   verify_two  two tasks verify two folios of one file at once, sharing
 *               the tree's pages (and their verified marks); both pass
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("fs/verity/verify.c", fsverity_verify_blocks);
KMAPSIM_IMPORT("fs/verity/open.c", fsverity_init_merkle_tree_params);

#define DIGEST		32
#define MAX_PATH	(2 * FS_VERITY_MAX_LEVELS)	/* blocks of two folios' paths */
#define MAX_TREE_PAGES	16				/* tree pages a run reads */

/* ---- the hash: the harness's, in place of the crypto API's ---- */

static struct fsverity_hash_alg harness_alg = {
	.name = "kmapsim-fnv",
	.digest_size = DIGEST,
	.block_size = 64,
};

const struct fsverity_hash_alg *fsverity_get_hash_alg(const struct inode *inode, unsigned int num)
{
	return &harness_alg;
}

const u8 *fsverity_prepare_hash_state(const struct fsverity_hash_alg *alg, const u8 *salt, size_t salt_size)
{
	return NULL;	/* no salt */
}

static void hash_bytes(const u8 *p, size_t len, u8 *out)
{
	u64 h[DIGEST / 8];
	size_t i, k;

	for (k = 0; k < DIGEST / 8; k++)
		h[k] = 0xcbf29ce484222325ull + k;
	for (i = 0; i < len; i++)
		for (k = 0; k < DIGEST / 8; k++)
			h[k] = (h[k] ^ p[i]) * 0x100000001b3ull;
	memcpy(out, h, DIGEST);
}

int fsverity_hash_block(const struct merkle_tree_params *params, const struct inode *inode,
			const void *data, u8 *out)
{
	hash_bytes(data, params->block_size, out);
	return 0;
}

/* ---- the file: its data, and the tree blocks on the tested paths ---- */

struct verity_file {
	struct inode inode;
	struct address_space mapping;
	struct super_block sb;
	struct fsverity_info vi;
	u64 nblocks;				/* data blocks */
	struct {				/* tree blocks on the paths */
		int level;
		unsigned long k;		/* index within its level */
		u8 *bytes;
	} path[MAX_PATH];
	int npath;
	spinlock_t lock;			/* the tree page cache below */
	struct page *tree[MAX_TREE_PAGES];
	pgoff_t tree_index[MAX_TREE_PAGES];
	int ntree;
	int fail_read;				/* the tree page read to fail (1-based), or 0 */
	int reads;
	int corrupt_level;			/* the path block to corrupt once read, or -1 */
};

static struct verity_file *the_file;

static u8 data_byte(u64 pos)
{
	return (pos * 29 + (pos >> 9) + 3) & 0xff;
}

/* block j of the data as the file holds it: zero past i_size */
static void data_block(struct verity_file *f, u64 j, u8 *out)
{
	unsigned int bs = f->vi.tree_params.block_size;
	unsigned int i;

	for (i = 0; i < bs; i++) {
		u64 pos = j * bs + i;

		out[i] = pos < (u64)f->inode.i_size ? data_byte(pos) : 0;
	}
}

static u8 *path_block(struct verity_file *f, int level, unsigned long k)
{
	int i;

	for (i = 0; i < f->npath; i++)
		if (f->path[i].level == level && f->path[i].k == k)
			return f->path[i].bytes;
	return NULL;
}

/* Blocks at `level` (the root level has one) and their children (data
 * blocks for the leaf level) */
static unsigned long level_size(struct verity_file *f, int level)
{
	const struct merkle_tree_params *p = &f->vi.tree_params;
	u64 n = f->nblocks;
	int l;

	for (l = 0; l <= level; l++)
		n = (n + p->hashes_per_block - 1) >> p->log_arity;
	return n;
}

static unsigned long children(struct verity_file *f, int level)
{
	return level ? level_size(f, level - 1) : f->nblocks;
}

/* A tree block off the tested paths: never verified, any bytes do */
static void filler_block(struct verity_file *f, int level, unsigned long k, u8 *out)
{
	unsigned int i;

	for (i = 0; i < f->vi.tree_params.block_size; i++)
		out[i] = (k * 7 + i * 31 + level) & 0xff;
}

static u8 *hash_entry(struct verity_file *f, u8 *blk, u64 child)
{
	const struct merkle_tree_params *p = &f->vi.tree_params;

	return blk + ((child & (p->hashes_per_block - 1)) << p->log_digestsize);
}

/* Puts data page `index` on a tested path, bottom up: the path block of
 * each level holds the hash of each child on a path (the page's data
 * blocks, or the path block below it), filler elsewhere, and zeroes past
 * the level's last child, as fs-verity pads its tree; the root hash is the
 * top block's. A block two paths share is hashed again from the updated
 * block below, so both paths stay consistent. */
static void add_path(struct verity_file *f, pgoff_t index)
{
	const struct merkle_tree_params *p = &f->vi.tree_params;
	unsigned int bs = p->block_size;
	u8 *buf = kmalloc(bs, GFP_KERNEL | __GFP_NOFAIL);
	u64 first = (u64)index << p->log_blocks_per_page, j, c;
	int level;

	for (level = 0; first < f->nblocks && level < (int)p->num_levels; level++) {
		unsigned long k = first >> (p->log_arity * (level + 1));
		u8 *blk = path_block(f, level, k);

		if (!blk) {
			BUG_ON(f->npath == MAX_PATH);
			blk = kmalloc(bs, GFP_KERNEL | __GFP_NOFAIL);
			filler_block(f, level, k, blk);
			for (c = (u64)k << p->log_arity; c < ((u64)k + 1) << p->log_arity; c++)
				if (c >= children(f, level))
					memset(hash_entry(f, blk, c), 0, DIGEST);
			f->path[f->npath].level = level;
			f->path[f->npath].k = k;
			f->path[f->npath].bytes = blk;
			f->npath++;
		}
		if (level == 0) {
			for (j = first; j < first + p->blocks_per_page && j < f->nblocks; j++) {
				data_block(f, j, buf);
				hash_bytes(buf, bs, hash_entry(f, blk, j));
			}
		} else {
			u64 below = first >> (p->log_arity * level);

			hash_bytes(path_block(f, level - 1, below), bs, hash_entry(f, blk, below));
		}
	}
	if (first < f->nblocks)
		hash_bytes(path_block(f, p->num_levels - 1, 0), bs, f->vi.root_hash);
	kfree(buf);
}

static struct page *read_tree_page(struct inode *inode, pgoff_t index, unsigned long num_ra_pages)
{
	struct verity_file *f = the_file;
	const struct merkle_tree_params *p = &f->vi.tree_params;
	struct page *page = NULL;
	int i, b;

	BUG_ON(index >= p->tree_pages);
	spin_lock(&f->lock);
	if (++f->reads == f->fail_read) {
		spin_unlock(&f->lock);
		return ERR_PTR(-EIO);
	}
	for (i = 0; i < f->ntree; i++)
		if (f->tree_index[i] == index)
			page = f->tree[i];
	if (page) {
		get_page(page);
		spin_unlock(&f->lock);
		return page;
	}
	spin_unlock(&f->lock);

	/* read from "disk": a new page, so PG_checked clear */
	page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	{
		u8 *kaddr = kmap_local_page(page);

		for (b = 0; b < (int)p->blocks_per_page; b++) {
			unsigned long blk = ((unsigned long)index << p->log_blocks_per_page) + b;
			u8 *out = kaddr + (b << p->log_blocksize);
			int level = p->num_levels - 1;
			u8 *known;

			/* the levels are stored root first */
			while (level > 0 && blk >= p->level_start[level] + level_size(f, level))
				level--;
			if (blk >= p->level_start[level] + level_size(f, level)) {
				memset(out, 0, p->block_size);	/* past the tree's end */
				continue;
			}
			known = path_block(f, level, blk - p->level_start[level]);
			if (known)
				memcpy(out, known, p->block_size);
			else
				filler_block(f, level, blk - p->level_start[level], out);
			if (known && level == f->corrupt_level)
				out[kmapsim_pick(0, p->block_size - 1)] ^= 0x40;
		}
		kunmap_local(kaddr);
	}
	spin_lock(&f->lock);
	for (i = 0; i < f->ntree; i++)
		if (f->tree_index[i] == index) {	/* the other task read it first */
			spin_unlock(&f->lock);
			__free_page(page);
			get_page(f->tree[i]);
			return f->tree[i];
		}
	BUG_ON(f->ntree == MAX_TREE_PAGES);
	f->tree_index[f->ntree] = index;
	f->tree[f->ntree++] = page;
	get_page(page);
	spin_unlock(&f->lock);
	return page;
}

static const struct fsverity_operations tree_vops = {
	.read_merkle_tree_page = read_tree_page,
};

static struct verity_file *open_file(unsigned int log_blocksize, u64 nblocks, unsigned int cut)
{
	struct verity_file *f = kzalloc(sizeof(*f), GFP_KERNEL | __GFP_NOFAIL);
	struct merkle_tree_params *p = &f->vi.tree_params;

	f->sb.s_vop = &tree_vops;
	f->inode.i_sb = &f->sb;
	f->inode.i_blkbits = PAGE_SHIFT;
	f->inode.i_size = (nblocks << log_blocksize) - cut;
	f->inode.i_verity_info = &f->vi;
	f->mapping.host = &f->inode;
	f->nblocks = nblocks;
	f->corrupt_level = -1;
	spin_lock_init(&f->lock);
	BUG_ON(fsverity_init_merkle_tree_params(p, &f->inode, FS_VERITY_HASH_ALG_SHA256, log_blocksize, NULL, 0));
	BUG_ON(p->num_levels < 1 || p->num_levels > FS_VERITY_MAX_LEVELS);
	if (p->block_size != PAGE_SIZE) {	/* as fsverity_create_info() */
		unsigned long bits = p->tree_pages << p->log_blocks_per_page;

		f->vi.hash_block_verified = kcalloc(BITS_TO_LONGS(bits), sizeof(unsigned long),
						    GFP_KERNEL | __GFP_NOFAIL);
	}
	the_file = f;
	return f;
}

static void close_file(struct verity_file *f)
{
	int i;

	for (i = 0; i < f->ntree; i++) {
		BUG_ON(page_count(f->tree[i]) != 1);	/* every reference taken, dropped */
		__free_page(f->tree[i]);
	}
	for (i = 0; i < f->npath; i++)
		kfree(f->path[i].bytes);
	kfree(f->vi.hash_block_verified);
	kfree(f);
}

/* The data folio of page `index`, as a read would fill it: locked, not yet
 * up to date, the file's bytes (zero past EOF). */
static struct folio *data_folio(struct verity_file *f, pgoff_t index)
{
	struct folio *folio = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, 0);
	u8 *kaddr = kmap_local_folio(folio, 0);
	int i;

	for (i = 0; i < PAGE_SIZE; i++) {
		u64 pos = ((u64)index << PAGE_SHIFT) + i;

		kaddr[i] = pos < (u64)f->inode.i_size ? data_byte(pos) : 0;
	}
	kunmap_local(kaddr);
	folio->mapping = &f->mapping;
	folio->index = index;
	__folio_set_locked(folio);
	return folio;
}

static void put_data_folio(struct folio *folio)
{
	__folio_clear_locked(folio);
	folio->mapping = NULL;
	folio_put(folio);
}

/* A size with up to three levels: the first and last block counts of each. */
static u64 pick_blocks(unsigned int log_blocksize)
{
	u64 arity = 1u << (log_blocksize - 5);
	u64 most[] = { 2, arity, arity + 1, arity * arity, arity * arity + 1, arity * arity * 2 };

	return most[kmapsim_pick(0, ARRAY_SIZE(most) - 1)];
}

/* A data page whose blocks sit at an edge of the tree: the first, the last
 * entry of the first leaf block, the middle, the last page and the one past
 * EOF (when `past` allows it) */
static pgoff_t pick_page(struct verity_file *f, bool past)
{
	const struct merkle_tree_params *p = &f->vi.tree_params;
	pgoff_t pages = (f->inode.i_size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	pgoff_t edge[] = { 0, (p->hashes_per_block >> p->log_blocks_per_page) - 1, pages / 2, pages - 1, pages };
	pgoff_t index = edge[kmapsim_pick(0, ARRAY_SIZE(edge) - (past ? 1 : 2))];

	return min(index, past ? pages : pages - 1);
}

KMAPSIM_SUBJECT(verify_one)
{
	unsigned int log_blocksize = kmapsim_pick(0, 1) ? PAGE_SHIFT : 10;
	u64 nblocks = pick_blocks(log_blocksize);
	struct verity_file *f = open_file(log_blocksize, nblocks, kmapsim_pick(0, (1u << log_blocksize) - 1));
	pgoff_t index = pick_page(f, true);
	struct folio *folio = data_folio(f, index);
	bool past_eof = ((u64)index << PAGE_SHIFT) >= (u64)f->inode.i_size;
	int corrupt = kmapsim_pick(0, 5);	/* 4 and 5: none */
	bool ok;

	add_path(f, index);
	if (corrupt == 1) {		/* a data byte: inside the file, or a tail byte past EOF */
		u8 *kaddr = kmap_local_folio(folio, 0);

		kaddr[kmapsim_pick(0, PAGE_SIZE - 1)] ^= 0x01;
		kunmap_local(kaddr);
	} else if (corrupt == 2 && !past_eof) {	/* a path block, at a picked level */
		f->corrupt_level = kmapsim_pick(0, f->vi.tree_params.num_levels - 1);
	} else if (corrupt == 3 && !past_eof) {	/* the filesystem fails a tree page read */
		f->fail_read = kmapsim_pick(1, f->vi.tree_params.num_levels);
	} else {	/* nothing to corrupt past EOF but the data */
		corrupt = 0;
	}

	ok = fsverity_verify_blocks(folio, PAGE_SIZE, 0);
	BUG_ON(ok != !corrupt);
	if (ok) {			/* again: the path's blocks are verified now */
		BUG_ON(!fsverity_verify_blocks(folio, PAGE_SIZE, 0));
	}
	put_data_folio(folio);
	close_file(f);
}

struct verifier {
	struct folio *folio;
	struct completion done;
	bool ok;
};

static int verifier_fn(void *data)
{
	struct verifier *v = data;

	v->ok = fsverity_verify_blocks(v->folio, PAGE_SIZE, 0);
	complete(&v->done);
	return 0;
}

KMAPSIM_SUBJECT(verify_two)
{
	unsigned int log_blocksize = kmapsim_pick(0, 1) ? PAGE_SHIFT : 10;
	struct verity_file *f = open_file(log_blocksize, pick_blocks(log_blocksize), 0);
	struct verifier v[2];
	int i;

	for (i = 0; i < 2; i++) {
		pgoff_t index = pick_page(f, false);

		v[i].folio = data_folio(f, index);
		init_completion(&v[i].done);
		add_path(f, index);
	}
	for (i = 0; i < 2; i++)
		kthread_run(verifier_fn, &v[i], "verity");
	for (i = 0; i < 2; i++) {
		wait_for_completion(&v[i].done);
		BUG_ON(!v[i].ok);
		put_data_folio(v[i].folio);
	}
	close_file(f);
}
