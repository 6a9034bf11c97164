"""The harness kmapsim writes from a signature (scripts/kmapsim_kernel/
harness.py), on fake functions (no kernel text): which iov_iter types a tree
gets, --iter-types, and a bio_vec array walked by a byte count."""

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

from kmapsim_kernel import ctokens, errors, harness  # noqa: E402


def item(sig):
    its = ctokens.split_items(sig + "\n{\n}\n", "f.c", {})
    return next(it for it in its if it.kind == "func")


# what a unit holds, as far as the harness looks: the constructors and types
UNIT_61 = ("void iov_iter_init(void); void iov_iter_kvec(void); void iov_iter_bvec(void); "
           "struct bio_vec { int x; }; void iov_iter_discard(void); void iov_iter_xarray(void); "
           "enum { ITER_XARRAY }; void iov_iter_ubuf(void);")
UNIT_612 = UNIT_61 + (" struct folio_queue { int x; }; void iov_iter_folio_queue(void);"
                      " static inline void folioq_init(struct folio_queue *folioq, unsigned int rreq_id) {}"
                      " static inline unsigned int folioq_append(void) {}")


def test_iter_kinds_per_tree():
    assert harness.iter_kinds(UNIT_61, source=False) == ["ubuf", "iovec", "kvec", "bvec", "xarray", "discard"]
    assert harness.iter_kinds(UNIT_612, source=True) == ["ubuf", "iovec", "kvec", "bvec", "xarray", "folioq"]


def test_xarray_and_folioq_harness():
    it = item("size_t copy_page_to_iter(struct page *page, size_t offset, size_t bytes, struct iov_iter *i)")
    text, kinds = harness.generate("copy_page_to_iter", it, UNIT_612, "lib/iov_iter.c")
    assert "xarray" in kinds and "folioq" in kinds
    assert "XA_STATE_ORDER(xas, &xa, index, o);" in text and "xas_nomem(&xas" in text
    assert "iov_iter_xarray(i, 0, &xa, first_off, kmapsim_len);" in text
    assert "folioq_init(fq, 0);" in text and "folioq_append(seg, f);" in text
    # a second segment when the first is full, linked as netfs links them
    assert "seg->next = next;" in text and "next->prev = seg;" in text and "folioq_clear(fq, s);" in text
    assert "iov_iter_folio_queue(i, 0, fq, first_slot, first_off, kmapsim_len);" in text
    assert "xa_destroy(i_xa);" in text and "folio_put(i_fo[k]);" in text


# 6.1's uio.h has ITER_PIPE and pipe_fs_i.h's types; 6.12 has neither
UNIT_61_PIPE = UNIT_61 + (" enum { ITER_PIPE }; struct pipe_inode_info { int x; };"
                          " void iov_iter_pipe(void);")


def test_pipe_only_where_the_tree_defines_it():
    assert harness.iter_kinds(UNIT_61_PIPE, source=False) == \
        ["ubuf", "iovec", "kvec", "bvec", "xarray", "pipe", "discard"]
    assert "pipe" not in harness.iter_kinds(UNIT_61_PIPE, source=True)   # iov_iter_pipe() is READ only
    assert "pipe" not in harness.iter_kinds(UNIT_612, source=False)
    it = item("size_t copy_page_to_iter(struct page *page, size_t offset, size_t bytes, struct iov_iter *i)")
    text, kinds = harness.generate("copy_page_to_iter", it, UNIT_61_PIPE, "lib/iov_iter.c", ["pipe"])
    assert kinds == ["pipe"]
    assert "pipe->ring_size = PIPE_DEF_BUFFERS;" in text and "pipe->max_usage = PIPE_DEF_BUFFERS;" in text
    assert "iov_iter_pipe(i, 0, pipe, kmapsim_len);" in text
    # released through the buffers' ops, as free_pipe_info() does
    assert "pipe_buf_release(i_pipe, &i_pipe->bufs[k]);" in text and "kfree(i_pipe->bufs);" in text
    with pytest.raises(errors.BadInput, match="pipe"):
        harness.generate("copy_page_to_iter", it, UNIT_612, "lib/iov_iter.c", ["pipe"])


def test_iter_types_limits_and_rejects():
    it = item("size_t copy_page_from_iter_atomic(struct page *page, size_t offset, size_t bytes, struct iov_iter *i)")
    text, kinds = harness.generate("copy_page_from_iter_atomic", it, UNIT_612, "lib/iov_iter.c", ["folioq"])
    assert kinds == ["folioq"] and "kmapsim_pick(0, 0)" in text and "iov_iter_xarray" not in text
    with pytest.raises(errors.BadInput, match="folioq"):
        harness.generate("copy_page_from_iter_atomic", it, UNIT_61, "lib/iov_iter.c", ["folioq"])
    with pytest.raises(errors.BadInput, match="discard"):   # a source is never ITER_DISCARD
        harness.generate("copy_page_from_iter_atomic", it, UNIT_61, "lib/iov_iter.c", ["discard"])


def test_bvec_array_walked_by_byte_count():
    it = item("static void flush_bvec(const struct bio_vec *bvec, size_t size, size_t seek)")
    text, _ = harness.generate("flush_bvec", it, UNIT_61, "net/x.c")
    # the picks first, then exactly as many segments as cover seek + size
    assert text.index("size_t seek = ") < text.index("bvec_need = (size_t)size + (size_t)seek;")
    assert "kmalloc_array(bvec_n, sizeof(*bvec)" in text and "kfree(bvec);" in text
    assert "(void)flush_bvec(bvec, size, seek);" in text


def test_bvec_array_with_count_keeps_its_count():
    it = item("void walk(struct bio_vec *bv, unsigned int nr_segs, size_t len)")
    text, _ = harness.generate("walk", it, UNIT_61, "x.c")
    assert "unsigned int nr_segs = bv_n;" in text and "kmalloc_array" not in text
    assert "size_t len = kmapsim_pick(0, bv_total);" in text


def test_offsets_and_lengths_end_within_the_list():
    """A function that walks a scatterlist by a start and a length (crypto's
    scatterwalk_map_and_copy()) may expect both to end within the list: the
    harness never passes more than the list holds past the start, nor more
    than the buffer holds; its direction flag takes both values."""
    it = item("void scatterwalk_map_and_copy(void *buf, struct scatterlist *sg, unsigned int start, "
              "unsigned int nbytes, int out)")
    text, _ = harness.generate("scatterwalk_map_and_copy", it, UNIT_612, "crypto/scatterwalk.c")
    assert "unsigned int start = kmapsim_pick(0, sg_total);" in text
    assert ("unsigned int nbytes = kmapsim_pick(0, (kmapsim_size < (sg_total > (size_t)start ? sg_total - "
            "((size_t)start) : 0) ? kmapsim_size : (sg_total > (size_t)start ? sg_total - ((size_t)start) : 0)));"
            in text), text
    assert "int out = kmapsim_pick(0, 1);" in text
    # a length before the offset (sg_pcopy_to_buffer(..., buflen, skip)): the
    # offset leaves room for it
    it = item("size_t sg_pcopy_to_buffer(struct scatterlist *sgl, unsigned int nents, void *buf, size_t buflen, "
              "off_t skip)")
    text, _ = harness.generate("sg_pcopy_to_buffer", it, UNIT_612, "lib/scatterlist.c")
    assert "off_t skip = kmapsim_pick(0, (sgl_total > (size_t)buflen ? sgl_total - ((size_t)buflen) : 0));" in text
    # a number the harness knows nothing of is still refused
    it = item("void f(struct page *page, unsigned int weight)")
    with pytest.raises(errors.BadInput, match="parameter 'unsigned int weight'"):
        harness.generate("f", it, UNIT_612, "lib/f.c")


def test_page_array_covers_the_offset_and_the_length():
    """net/sunrpc/xdr.c's _copy_to_pages(pages, pgbase, p, len): the offset
    and the length are picked first, then an array of as many pages as they
    reach, kmalloc()ed to its size and freed with its pages."""
    it = item("static void _copy_to_pages(struct page **pages, size_t pgbase, const char *p, size_t len)")
    text, _ = harness.generate("_copy_to_pages", it, UNIT_612, "net/sunrpc/xdr.c")
    lines = text.splitlines()
    pick = next(i for i, l in enumerate(lines) if "size_t pgbase = kmapsim_pick(0, kmapsim_size - 1);" in l)
    n = next(i for i, l in enumerate(lines) if "pages_n = (size_t)pgbase + (size_t)len > PAGE_SIZE ?" in l)
    assert pick < n
    assert "struct page **pages = kmalloc_array(pages_n, sizeof(*pages), GFP_KERNEL | __GFP_NOFAIL);" in text
    assert "pages[i] = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);" in text
    assert "__free_page(pages[i]);" in text and "kfree(pages);" in text
    assert "_copy_to_pages(pages, pgbase, p, len);" in text
    # without a length, nothing says how far the array goes: not built
    it = item("void f(struct page **pages, size_t pgbase)")
    with pytest.raises(errors.BadInput, match="parameter 'struct page"):
        harness.generate("f", it, UNIT_612, "lib/f.c")
