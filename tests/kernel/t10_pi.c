/*
 * block/t10-pi.c's remapping of Type 1 protection information, imported
 * unchanged: t10_pi_type1_prepare() rewrites each tuple's reference tag
 * from the virtual sector to the physical one before a write is issued,
 * t10_pi_type1_complete() back again when a read completes. Each walks the
 * integrity payload's bio_vec a page at a time through bvec_kmap_local()
 * and a pointer it advances by one tuple per protection interval.
 *
 * The payload is one highmem page of tuples (a user's metadata page, as
 * 6.12's bio_integrity_map_user() pins them; 6.1's payloads are kmalloc()ed
 * and mapped only under FORCE_MAP), `tuples` of them from tuple `slot` on; the request's sector and the payload's seed are the same, so
 * every tuple's tag is remapped.
 *   prepare, complete   kunmap-bad-address where the map is a fixmap slot:
 *            after the last tuple the pointer is one tuple past it, and
 *            kunmap_local() is given that pointer; when the tuples end on
 *            the page's end it is one page past the mapping (another slot).
 *            Clean on x86-64; tests/kernel/CMakeLists.txt unmaps the last
 *            tuple's address instead at run time (fixed).
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("block/t10-pi.c", t10_pi_type1_prepare, t10_pi_type1_complete);

/* 6.1 keeps the integrity profile in the queue, 6.12 in its limits */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define QUEUE_INTEGRITY(q) (&(q)->limits.integrity)
#else
#define QUEUE_INTEGRITY(q) (&(q)->integrity)
#endif

#define SECTOR 8

struct pi_request {
	struct request_queue *q;
	struct request *rq;
	struct bio *bio;
	struct bio_integrity_payload *bip;
	struct page *meta;
	unsigned int tuples;
};

/*
 * A write or read of `tuples` 512-byte sectors at SECTOR with its
 * protection information in one page; each tuple's reference tag holds
 * the sector it protects, as the block layer generated it.
 */
static void pi_request_init(struct pi_request *r)
{
	struct blk_integrity *bi;
	struct t10_pi_tuple *pi;
	unsigned int per_page = PAGE_SIZE / sizeof(struct t10_pi_tuple), slot, i;

	r->q = kzalloc(sizeof(*r->q), GFP_KERNEL | __GFP_NOFAIL);
	r->rq = kzalloc(sizeof(*r->rq), GFP_KERNEL | __GFP_NOFAIL);
	r->bio = kzalloc(sizeof(*r->bio), GFP_KERNEL | __GFP_NOFAIL);
	r->bip = kzalloc(struct_size(r->bip, bip_inline_vecs, 1), GFP_KERNEL | __GFP_NOFAIL);
	r->meta = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	bi = QUEUE_INTEGRITY(r->q);
	r->q->limits.logical_block_size = 512;
	bi->tuple_size = sizeof(struct t10_pi_tuple);
	bi->interval_exp = 9;
	r->tuples = kmapsim_pick_named("tuples", 1, per_page);
	slot = kmapsim_pick_named("slot", 0, per_page - r->tuples);
	pi = kmap_local_page(r->meta);
	for (i = 0; i < r->tuples; i++)
		pi[slot + i].ref_tag = cpu_to_be32(SECTOR + i);
	kunmap_local(pi);
	r->bip->bip_vec = r->bip->bip_inline_vecs;
	bvec_set_page(&r->bip->bip_vec[0], r->meta, r->tuples * bi->tuple_size, slot * bi->tuple_size);
	r->bip->bip_vcnt = 1;
	r->bip->bip_iter.bi_size = r->tuples * bi->tuple_size;
	r->bip->bip_iter.bi_sector = SECTOR;
	r->bio->bi_opf = REQ_INTEGRITY;
	r->bio->bi_integrity = r->bip;
	r->rq->q = r->q;
	r->rq->bio = r->bio;
	r->rq->__sector = SECTOR;
}

static void pi_request_free(struct pi_request *r)
{
	__free_page(r->meta);
	kfree(r->bip);
	kfree(r->bio);
	kfree(r->rq);
	kfree(r->q);
}

KMAPSIM_SUBJECT(prepare)
{
	struct pi_request r;

	pi_request_init(&r);
	kmapsim_entry_begin("t10_pi_type1_prepare");
	t10_pi_type1_prepare(r.rq);
	kmapsim_entry_end();
	pi_request_free(&r);
}

KMAPSIM_SUBJECT(complete)
{
	struct pi_request r;

	pi_request_init(&r);
	kmapsim_entry_begin("t10_pi_type1_complete");
	t10_pi_type1_complete(r.rq, r.tuples << 9);
	kmapsim_entry_end();
	pi_request_free(&r);
}
