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
    """A function of that signature whose body passes every parameter on
    (a parameter it never names gets NULL or 0)."""
    its = ctokens.split_items(sig + "\n{\n}\n", "f.c", {})
    names = [pn for _, pn in harness.params(next(it for it in its if it.kind == "func"))]
    its = ctokens.split_items(sig + "\n{\n\tuse(%s);\n}\n" % ", ".join(names), "f.c", {})
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


def item_with(sig, body):
    its = ctokens.split_items(sig + "\n{\n" + body + "\n}\n", "f.c", {})
    return next(it for it in its if it.kind == "func")


# what a length into a one-page function may reach past the offsets and lengths before it
ROOM = "(kmapsim_offmax + kmapsim_lensum < PAGE_SIZE ? PAGE_SIZE - kmapsim_offmax - kmapsim_lensum : 0)"


def test_one_page_function_gets_offsets_and_lengths_within_its_page():
    """drivers/nvdimm/btt.c's zero_fill_data(page, off, len) maps one page
    and writes len bytes at off: its callers pass a range within the page,
    and so does the harness (an end past it would be the caller's bug)."""
    it = item_with("static void zero_fill_data(struct page *page, unsigned int off, u32 len)",
                   "void *mem = kmap_atomic(page); memset(mem + off, 0, len); kunmap_atomic(mem);")
    text, _ = harness.generate("zero_fill_data", it, UNIT_612, "drivers/nvdimm/btt.c")
    assert "unsigned int off = kmapsim_pick(0, PAGE_SIZE - kmapsim_lensum < PAGE_SIZE ? PAGE_SIZE - kmapsim_lensum " \
           ": PAGE_SIZE - 1);" in text
    assert "u32 len = kmapsim_pick(0, %s);" % ROOM in text
    # two offsets into two pages (tifm_sd_copy_page()): the length ends
    # within both pages, past the furthest offset
    it = item_with("static void cp(struct page *dst, unsigned int dst_off, struct page *src, unsigned int src_off, "
                   "unsigned int count)", "use(dst, dst_off, src, src_off, count);")
    text, _ = harness.generate("cp", it, UNIT_612, "drivers/mmc/host/tifm_sd.c")
    assert text.index("unsigned int src_off = kmapsim_pick(0,") < text.index("unsigned int count = kmapsim_pick(0, %s);"
                                                                              % ROOM)


def test_page_walking_function_gets_lengths_across_the_compound_page():
    """drivers/nvdimm/pmem.c's write_pmem() steps its page pointer (page++):
    an offset in the first page, a length to the end of the compound page."""
    it = item_with("static void write_pmem(void *pmem_addr, struct page *page, unsigned int off, unsigned int len)",
                   "while (len) { mem = kmap_atomic(page); kunmap_atomic(mem); len -= chunk; off = 0; page++; }")
    text, _ = harness.generate("write_pmem", it, UNIT_612, "drivers/nvdimm/pmem.c")
    assert "unsigned int off = kmapsim_pick(0, kmapsim_size - kmapsim_lensum < PAGE_SIZE" in text
    assert "unsigned int len = kmapsim_pick(0, %s);" % ROOM.replace("PAGE_SIZE", "kmapsim_size") in text


def test_compound_aware_function_gets_offsets_anywhere():
    """A function reaching page_copy_sane()'s compound_head()/compound_order()
    takes offsets anywhere in the compound page and lengths up to its size
    whatever the offset (the runs past it break the entry check)."""
    it = item("size_t copy_page_to_iter(struct page *page, size_t offset, size_t bytes, struct iov_iter *i)")
    text, _ = harness.generate("copy_page_to_iter", it, UNIT_612, "lib/iov_iter.c",
                               reach_names={"page_copy_sane", "compound_head", "compound_order"})
    assert "size_t offset = kmapsim_pick(0, kmapsim_size - 1);" in text
    assert "size_t bytes = kmapsim_pick(0, kmapsim_size);" in text
    assert "kmapsim_offmax" not in text


def test_void_pointer_cast_to_a_type_is_not_a_buffer():
    """drivers/md/md-bitmap.c's bitmap_update_sb(void *data) takes a struct
    bitmap: a buffer of bytes there would be read as one (a false report)."""
    it = item_with("static void bitmap_update_sb(void *data)", "struct bitmap *bitmap = data; (void)bitmap;")
    with pytest.raises(errors.BadInput, match="'void \\* data' is an object the function casts"):
        harness.generate("bitmap_update_sb", it, UNIT_612, "drivers/md/md-bitmap.c")
    it = item_with("static void g(void *data)", "struct x *p = (struct x *) data; (void)p;")
    with pytest.raises(errors.BadInput, match="casts"):
        harness.generate("g", it, UNIT_612, "x.c")
    it = item_with("static void h(void *buf, size_t len)", "memset(buf, 0, len);")
    text, _ = harness.generate("h", it, UNIT_612, "x.c")
    assert "void * buf = kmalloc(kmapsim_size, GFP_KERNEL | __GFP_NOFAIL);" in text


def test_returned_mapping_is_the_callers_to_unmap():
    """drivers/mmc/host/sdhci.c's sdhci_kmap_atomic() returns
    kmap_local_page() + offset for its caller to unmap: the harness does."""
    it = item("static char *sdhci_kmap_atomic(struct scatterlist *sg)")
    text, _ = harness.generate("sdhci_kmap_atomic", it, UNIT_612, "drivers/mmc/host/sdhci.c")
    call = text.index("const void *kmapsim_ret = sdhci_kmap_atomic(sg);")
    assert call < text.index("kmapsim_unmap_returned(kmapsim_ret);") < text.index("__free_pages(sg_pg[i]")
    it = item("static int f(struct page *page)")
    assert "kmapsim_unmap_returned" not in harness.generate("f", it, UNIT_612, "x.c")[0]


def test_names_by_their_ending_and_seeds():
    it = item("u32 ceph_crc32c_page(u32 crc, struct page *page, unsigned int page_offset, unsigned int buf_len)")
    text, _ = harness.generate("ceph_crc32c_page", it, UNIT_612, "net/ceph/messenger.c")
    assert "u32 crc = kmapsim_pick(0, (u32)~0ULL);" in text
    assert "unsigned int buf_len = kmapsim_pick(0, %s);" % ROOM in text
    it = item("void f(struct folio *folio, size_t dst_off, size_t tlen)")
    text, _ = harness.generate("f", it, UNIT_612, "x.c")
    assert "size_t dst_off = kmapsim_pick(0, kmapsim_size - 1);" in text
    assert "size_t tlen = kmapsim_pick(0, kmapsim_size);" in text


def test_a_seed_passed_by_pointer_is_a_local_holding_any_value():
    it = item("bool csum_and_copy_from_iter_full(void *addr, size_t bytes, __wsum *csum, struct iov_iter *i)")
    text, _ = harness.generate("csum_and_copy_from_iter_full", it, UNIT_612, "net/core/skbuff.c")
    assert "__wsum kmapsim_csum_acc = kmapsim_pick(0, (u32)~0ULL), *csum = &kmapsim_csum_acc;" in text
    it = item("u32 f(struct page *page, __wsum csum)")
    text, _ = harness.generate("f", it, UNIT_612, "x.c")
    assert "__wsum csum = kmapsim_pick(0, (u32)~0ULL);" in text
    # a pointer to a structure, or to an integer not named as a seed, is not one
    for sig in ("u32 f(struct page *page, struct csum_state *csum)", "u32 f(struct page *page, u32 *total)"):
        with pytest.raises(errors.BadInput, match="cannot write a harness for parameter"):
            harness.generate("f", item(sig), UNIT_612, "x.c")


def test_a_packet_with_fragments_and_ranges_within_it():
    """A struct sk_buff * is a packet of a linear head and page fragments
    (order 0..1, either zone); an offset and a length into it end within
    skb->len and a buffer's size; a buffer with no length beside it holds the
    whole packet; a count parameter does not count its fragments."""
    it = item("int skb_copy_bits(const struct sk_buff *skb, int offset, void *to, int len)")
    text, _ = harness.generate("skb_copy_bits", it, UNIT_612, "net/core/skbuff.c")
    assert "unsigned int head = kmapsim_pick(0, 256), n = kmapsim_pick(0, 3), i;" in text
    assert "skb_fill_page_desc(skb, i, alloc_pages(GFP_HIGHUSER | __GFP_COMP | __GFP_NOFAIL, o), off, len);" in text
    assert "skb_shinfo(skb)->frag_list = skb_next;" in text
    assert "skb->len += skb_next->len;" in text
    assert "size_t skb_total = skb->len;" in text
    assert "int offset = kmapsim_pick(0, skb_total);" in text
    assert "int len = kmapsim_pick(0, (kmapsim_size < (skb_total > (size_t)offset ? skb_total - ((size_t)offset) : 0)" \
        in text
    assert "kmapsim_skb_free(skb);" in text.split("kmapsim_entry_end();")[1]
    assert text.count("#ifndef KMAPSIM_HARNESS_SKB") == 1
    it = item("void skb_copy_and_csum_dev(const struct sk_buff *skb, u8 *to)")
    text, _ = harness.generate("skb_copy_and_csum_dev", it, UNIT_612, "net/core/skbuff.c")
    assert "u8 * to = kmalloc((skb_total > kmapsim_size ? skb_total : kmapsim_size), GFP_KERNEL | __GFP_NOFAIL);" in text
    # an offset and a length after a page beside the packet are into the page
    it = item("void skb_splice_csum_page(struct sk_buff *skb, struct page *page, size_t offset, size_t len)")
    text, _ = harness.generate("skb_splice_csum_page", it, UNIT_612, "net/core/skbuff.c")
    assert "size_t offset = kmapsim_pick(0, PAGE_SIZE - kmapsim_lensum < PAGE_SIZE ? " in text
    assert "skb_total" not in text.split("size_t skb_total = skb->len;")[1].split("kmapsim_entry_begin")[0]
    # a const char * may be a string the function prints: it ends in the buffer
    it = item("void skb_dump(const char *level, const struct sk_buff *skb, bool full_pkt)")
    text, _ = harness.generate("skb_dump", it, UNIT_612, "net/core/skbuff.c")
    assert "((char *)level)[(skb_total > kmapsim_size ? skb_total : kmapsim_size) - 1] = '\\0';" in text
    # an iterator beside it holds at most kmapsim_size bytes
    it = item("int skb_copy_datagram_iter(const struct sk_buff *from, int offset, struct iov_iter *to, int len)")
    text, _ = harness.generate("skb_copy_datagram_iter", it, UNIT_612, "net/core/datagram.c")
    assert "int len = kmapsim_pick(0, (kmapsim_size < " in text
    with pytest.raises(errors.BadInput, match="cannot write a harness for parameter 'int nr'"):
        harness.generate("f", item("int f(struct sk_buff *skb, int nr)"), UNIT_612, "x.c")


def test_a_parameter_the_function_never_names_is_null_or_zero():
    """No value of a parameter the body never names can matter (a
    ->read_folio's struct file *, a 32-bit build's stub): NULL or 0, where
    its type alone would have stopped the harness."""
    it = item_with("int f(struct file *file, struct page *page, unsigned long flags)",
                   "{ void *a = kmap_local_page(page); kunmap_local(a); return 0; }")
    text, _ = harness.generate("f", it, UNIT_612, "x.c")
    assert "struct file * file = NULL;\t/* unused by f() */" in text
    assert "unsigned long flags = 0;\t/* unused by f() */" in text
    it = item_with("int f(struct file *file, struct page *page)",
                   "{ void *a = kmap_local_page(page); kunmap_local(a); return file->f_flags; }")
    with pytest.raises(errors.BadInput, match="parameter 'struct file \\* file'"):
        harness.generate("f", it, UNIT_612, "x.c")


def test_reports_a_generated_harness_caused():
    """check --kernel's reading of a generated harness's report: a NULL or
    wild pointer (a page's mapping, a pointer read from a fresh page) and the
    0x6b poison named as an address are the harness's shortfall; every other
    report stands."""
    from kmapsim_kernel import check
    short = check.harness_short
    assert short({"class": "memory-error", "first_line": "AddressSanitizer: SEGV: read through a NULL pointer in f "
                  "(f.c:1:2)"}) == "read through a NULL pointer"
    assert short({"class": "memory-error", "first_line": "AddressSanitizer: SEGV: write through a wild pointer in f "
                  "(f.c:1:2)"}) == "wrote through a wild pointer"
    assert short({"class": "subject-bug", "first_line": "kfree(0x6b6b6b6b6b6b6b6b (the 0x6b poison of fresh memory)): "
                  "not a live kmalloc() allocation"})
    assert short({"class": "memory-error", "first_line": "AddressSanitizer: heap-buffer-overflow: write of size 1 in f "
                  "(f.c:1:2)"}) is None
    assert short({"class": "kunmap-order", "first_line": "kunmap_atomic(0x7e9002c0238b) unmaps ..."}) is None
    assert short({"class": "kmap-leak", "first_line": "main returned holding 1 local mapping"}) is None


def test_function_checking_against_its_page_takes_any_value():
    """A function that checks an offset or a length against the page itself
    (`if (off >= PAGE_SIZE) return;`, `if (len > PAGE_SIZE - off)`) takes
    care of values past it: those get any value, the others stay within."""
    it = item_with("void zap(struct page *page, size_t off, size_t len)",
                   "if (off >= PAGE_SIZE) return; if (len > PAGE_SIZE - off) len = PAGE_SIZE - off; use(page, off, len);")
    text, _ = harness.generate("zap", it, UNIT_612, "lib/zap.c")
    assert "size_t off = kmapsim_pick(0, kmapsim_size - 1);" in text
    assert "size_t len = kmapsim_pick(0, kmapsim_size);" in text
    it = item_with("void zap(struct page *page, size_t off, size_t len)", "if (off >= PAGE_SIZE) return; use(page, len);")
    text, _ = harness.generate("zap", it, UNIT_612, "lib/zap.c")
    assert "size_t off = kmapsim_pick(0, kmapsim_size - 1);" in text
    assert "size_t len = kmapsim_pick(0, %s);" % ROOM in text
    it = item_with("void cp(struct page *page, size_t offset, size_t len)", "VM_BUG_ON(offset + len > PAGE_SIZE);")
    text, _ = harness.generate("cp", it, UNIT_612, "x.c")
    assert "size_t len = kmapsim_pick(0, kmapsim_size);" in text


def test_ranges_end_after_their_start():
    """mm/highmem.c's zero_user_segments(page, start1, end1, start2, end2)
    zeroes [start1, end1) and [start2, end2): each end is picked from its
    start on, never before it (a caller's end below its start is its bug)."""
    it = item_with("void zero_user_segments(struct page *page, unsigned start1, unsigned end1, unsigned start2, "
                   "unsigned end2)", "BUG_ON(end1 > page_size(page) || end2 > page_size(page)); use(start1, start2);")
    text, _ = harness.generate("zero_user_segments", it, UNIT_612, "mm/highmem.c",
                               reach_names={"page_size", "compound_nr"})
    assert "unsigned start1 = kmapsim_pick(0, kmapsim_size - 1);" in text
    assert "unsigned end1 = kmapsim_pick(start1, kmapsim_size);" in text
    assert "unsigned end2 = kmapsim_pick(start2, kmapsim_size);" in text
    # a one-page function: the end within the page, and past it for what follows
    it = item_with("void zap(struct page *page, unsigned start, unsigned end)",
                   "void *p = kmap_local_page(page); memset(p + start, 0, end - start); kunmap_local(p);")
    text, _ = harness.generate("zap", it, UNIT_612, "x.c")
    assert "unsigned end = kmapsim_pick(start, PAGE_SIZE);" in text
    assert "kmapsim_offmax = end;" in text
    # an end with no start of its own starts at 0
    it = item_with("void z(struct page *page, unsigned end)", "use(page, end);")
    assert "unsigned end = kmapsim_pick(0, PAGE_SIZE);" in harness.generate("z", it, UNIT_612, "x.c")[0]


def test_address_read_only_for_its_offset_in_the_page():
    """kernel/events/uprobes.c's copy_from_page(page, vaddr, dst, len) maps
    the page and copies at `vaddr & ~PAGE_MASK`: the address is an offset in
    the page on a page of its own; an address used otherwise is refused."""
    it = item_with("static void copy_from_page(struct page *page, unsigned long vaddr, void *dst, int len)",
                   "void *kaddr = kmap_atomic(page); memcpy(dst, kaddr + (vaddr & ~PAGE_MASK), len); "
                   "kunmap_atomic(kaddr);")
    text, _ = harness.generate("copy_from_page", it, UNIT_612, "kernel/events/uprobes.c")
    assert "size_t kmapsim_vaddr_off = kmapsim_pick(0, PAGE_SIZE - kmapsim_lensum < PAGE_SIZE ? " in text
    assert "unsigned long vaddr = 0x400000UL + kmapsim_vaddr_off;" in text
    assert "int len = kmapsim_pick(0, %s);" % ROOM in text
    it = item_with("void f(struct page *page, unsigned long vaddr)", "g(offset_in_page(vaddr));")
    assert "0x400000UL + kmapsim_vaddr_off" in harness.generate("f", it, UNIT_612, "x.c")[0]
    it = item_with("void f(struct page *page, unsigned long vaddr)",
                   "g(offset_in_page(vaddr)); find_vma(mm, vaddr);")
    with pytest.raises(errors.BadInput, match="parameter 'unsigned long vaddr'"):
        harness.generate("f", it, UNIT_612, "x.c")


def test_numbers_only_stored_or_compared_take_any_value():
    """fs/nfs/dir.c's nfs_readdir_folio_init_array(folio, last_cookie,
    change_attr) stores both into the mapped array and
    nfs_readdir_folio_validate() compares them: data the callers carry, any
    value. A number used any other way (an index, a count) is refused."""
    it = item_with("static void init(struct folio *folio, u64 last_cookie, u64 change_attr)",
                   "array = kmap_local_folio(folio, 0); array->change_attr = change_attr; "
                   "array->last_cookie = last_cookie; kunmap_local(array);")
    text, _ = harness.generate("init", it, UNIT_612, "fs/nfs/dir.c")
    assert "u64 last_cookie = kmapsim_pick(0, (u64)~0ULL);" in text
    assert "u64 change_attr = kmapsim_pick(0, (u64)~0ULL);" in text
    it = item_with("static bool valid(struct folio *folio, u64 last_cookie, int tag)",
                   "if (array->change_attr != tag) return false; if (last_cookie == array->c) return true;")
    text, _ = harness.generate("valid", it, UNIT_612, "fs/nfs/dir.c")
    assert "int tag = (int)kmapsim_pick(0, ~0UL);" in text
    for body in ("array->cookies[index] = 0; array->x = index;",   # an index
                 "unsigned int n = index; memcpy(p, q, n);",      # stored into a local, used as a length
                 "if (index > 3) return;"):                       # compared for order
        it = item_with("void f(struct folio *folio, unsigned int index)", body)
        with pytest.raises(errors.BadInput, match="parameter 'unsigned int index'"):
            harness.generate("f", it, UNIT_612, "x.c")


def test_iterator_types_a_static_functions_callers_pass():
    """6.1's pipe_zero() reads i->pipe unchecked: its one caller,
    iov_iter_zero(), calls it only under iov_iter_is_pipe(). A static
    function's iterator gets the types every call in its file is guarded by;
    one unguarded, negated or mixed call leaves every type."""
    guarded = ("static size_t pz(size_t bytes, struct iov_iter *i) { return bytes; }\n"
               "size_t iz(size_t bytes, struct iov_iter *i)\n{\n"
               "\tif (unlikely(iov_iter_is_pipe(i)))\n\t\treturn pz(bytes, i);\n\treturn 0;\n}\n")
    assert harness.caller_kinds(guarded, "pz") == {"pipe"}
    block = ("size_t a(struct iov_iter *i)\n{\n\tif (iov_iter_is_bvec(i) || iov_iter_is_kvec(i)) {\n"
             "\t\tn = 1;\n\t\tn = pz(n, i);\n\t}\n\treturn n;\n}\n"
             "size_t b(struct iov_iter *i)\n{\n\tif (iov_iter_is_kvec(i))\n\t\treturn pz(0, i);\n\treturn 0;\n}\n")
    assert harness.caller_kinds(block, "pz") == {"kvec"}
    assert harness.caller_kinds(block + "void c(struct iov_iter *i) { pz(0, i); }\n", "pz") is None
    assert harness.caller_kinds("void c(struct iov_iter *i) { if (!iov_iter_is_pipe(i)) pz(0, i); }", "pz") is None
    assert harness.caller_kinds("void c(struct iov_iter *i) { if (iov_iter_is_pipe(i) || n) pz(0, i); }", "pz") is None
    assert harness.caller_kinds("void c(struct iov_iter *i) { if (pz(0, i)) return; }", "pz") is None
    assert harness.caller_kinds("void c(struct iov_iter *i) { if (iov_iter_is_pipe(i)) x = 1; else pz(0, i); }",
                                "pz") is None
    assert harness.caller_kinds("static void pz(struct iov_iter *i) { }", "pz") is None   # no caller
    assert harness.caller_kinds("void c(struct iov_iter *i) { if (iov_iter_is_pipe(i) == false) pz(0, i); }",
                                "pz") is None
    assert harness.caller_kinds(guarded + "#define PZ(i) pz(0, i)\n", "pz") is None   # a macro's calls are not read
    it = item("static size_t pz(size_t bytes, struct iov_iter *i)")
    text, kinds = harness.generate("pz", it, UNIT_61_PIPE, "lib/iov_iter.c", callers={"pipe"})
    assert kinds == ["pipe"] and "iov_iter_pipe(" in text
    it = item("static size_t pz_from_iter(size_t bytes, struct iov_iter *i)")   # a source: never a pipe
    with pytest.raises(errors.BadInput, match="its callers pass it only an iov_iter of type pipe"):
        harness.generate("pz_from_iter", it, UNIT_61_PIPE, "lib/iov_iter.c", callers={"pipe"})


def test_iterator_with_no_type_to_build_is_refused():
    """A unit without the tree's constructors gives no iterator type: the
    harness is refused rather than written with the iterator unset."""
    it = item("size_t copy_page_to_iter(struct page *page, size_t offset, size_t bytes, struct iov_iter *i)")
    with pytest.raises(errors.BadInput, match="the unit defines no iov_iter type kmapsim can build"):
        harness.generate("copy_page_to_iter", it, "struct page;", "lib/iov_iter.c")


def test_parameters_to_fill_in():
    """--write-harness: a parameter kmapsim gives no value gets an #error
    line saying what to give it and a declaration; without it, the line
    refusing the harness."""
    it = item("int sq(struct page *page, u64 block, int bsize)")
    text, _ = harness.generate("sq", it, UNIT_612, "fs/squashfs/file_direct.c", fill_in=True)
    assert ('#error "kmapsim: give \'u64 block\' what the callers of sq() pass (a kmapsim_pick() over the values they '
            'may pass, or set up what it points to), then delete this line"\n\tu64 block = { 0 };') in text
    assert "\tint bsize = { 0 };" in text and "(void)sq(page, block, bsize);" in text
    with pytest.raises(errors.BadInput, match="--write-harness FILE.c starts one"):
        harness.generate("sq", it, UNIT_612, "fs/squashfs/file_direct.c")
    it = item_with("static void bus(void *data)", "struct bitmap *bitmap = data; (void)bitmap;")
    text, _ = harness.generate("bus", it, UNIT_612, "drivers/md/md-bitmap.c", fill_in=True)
    assert "#error \"kmapsim: 'void * data' is an object bus() casts to a type of its own" in text


def test_page_it_unlocks_and_never_locks_is_handed_over_locked():
    """fs/nfs/read.c's nfs_return_empty_folio() ends a ->read_folio(): it
    unlocks the folio its caller locked. Handed an unlocked one it stopped
    at folio_unlock()'s check (a false report); one that locks its folio
    itself gets it unlocked, or its folio_lock() would wait forever."""
    it = item_with("static int nfs_return_empty_folio(struct folio *folio)",
                   "folio_zero_segment(folio, 0, folio_size(folio)); folio_mark_uptodate(folio); "
                   "folio_unlock(folio); return 0;")
    text, _ = harness.generate("nfs_return_empty_folio", it, UNIT_612, "fs/nfs/read.c")
    assert text.index("__folio_set_locked(folio);") < text.index("nfs_return_empty_folio(folio);")
    it = item_with("static int nfs_return_empty_page(struct page *page)",
                   "zero_user(page, 0, PAGE_SIZE); SetPageUptodate(page); unlock_page(page); return 0;")
    text, _ = harness.generate("nfs_return_empty_page", it, UNIT_612, "fs/nfs/read.c")
    assert "__folio_set_locked(page_folio(page));" in text
    for body in ("folio_lock(folio); folio_unlock(folio);", "if (!folio_trylock(folio)) return; folio_unlock(folio);",
                 "folio_mark_uptodate(folio);"):
        it = item_with("static void f(struct folio *folio)", body)
        assert "locked" not in harness.generate("f", it, UNIT_612, "x.c")[0]


CAW = ("static sense_reason_t compare_and_write_do_cmp(struct scatterlist *read_sgl, unsigned int read_nents, "
       "struct scatterlist *cmp_sgl, unsigned int cmp_nents, unsigned int cmp_len, unsigned int *miscmp_off)")


def fake(sig, body):
    its = ctokens.split_items(sig + "\n{\n" + body + "\n}\n", "f.c", {})
    return next(it for it in its if it.kind == "func")


def test_each_count_counts_the_list_before_it():
    it = fake(CAW, "for_each_sg(read_sgl, sg, read_nents, i) { char *a = kmap_atomic(sg_page(sg)); "
                   "if (x) { *miscmp_off = 1; pr_warn(\"%u\", *miscmp_off); } kunmap_atomic(a); } "
                   "use(cmp_sgl, cmp_nents, cmp_len);")
    text, _ = harness.generate("compare_and_write_do_cmp", it, UNIT_612, "drivers/target/target_core_sbc.c")
    assert "unsigned int read_nents = read_sgl_n;" in text
    assert "unsigned int cmp_nents = cmp_sgl_n;" in text
    # an out-parameter: first stored through, then only read back
    assert "unsigned int kmapsim_miscmp_off_out = 0, *miscmp_off = &kmapsim_miscmp_off_out;" in text
    # it maps sg_page() itself and reads no offset: single pages at offset 0
    assert "unsigned int o = 0;" in text and "unsigned int off = 0;" in text
    assert "kmapsim_pick(0, 1)" not in text.split("read_sgl_n")[1].split("cmp_sgl_n")[0]


def test_an_integer_pointer_passed_on_or_of_no_known_kind_is_refused():
    # passed on whole: the callee may do anything with it
    it = fake("static int f(struct page *page, unsigned int *len)", "*len = 3; g(len);")
    with pytest.raises(errors.BadInput, match="parameter 'unsigned int \\* len'"):
        harness.generate("f", it, UNIT_612, "lib/f.c")
    # read first, but neither an offset, a length nor a count
    it = fake("static int f(struct page *page, unsigned int *weight)", "memcpy(a, b, *weight); *weight = 3;")
    with pytest.raises(errors.BadInput, match="parameter 'unsigned int \\* weight'"):
        harness.generate("f", it, UNIT_612, "lib/f.c")


def test_an_offset_a_length_and_a_count_passed_by_reference():
    """fc_copy_buffer_to_sglist(buf, len, sg, *nents, *offset, *crc) reads
    *offset and *nents and moves them on as it walks the list: each points
    at a local of the harness holding what the number itself would get, and
    a range picked after it is bounded by that local."""
    it = fake("u32 fc_copy_buffer_to_sglist(void *buf, size_t len, struct scatterlist *sg, u32 *nents, "
              "size_t *offset, u32 *crc)",
              "while (len && sg) { if (*offset >= sg->length) { if (!(*nents)) break; --(*nents); "
              "*offset -= sg->length; sg = sg_next(sg); continue; } "
              "char *a = kmap_atomic(sg_page(sg)); *crc = crc32(*crc, buf, 1); memcpy(a + *offset, buf, len); "
              "kunmap_atomic(a); *offset += len; }")
    text, _ = harness.generate("fc_copy_buffer_to_sglist", it, UNIT_612, "drivers/scsi/libfc/fc_libfc.c")
    assert "u32 kmapsim_nents_v = sg_n;" in text and "u32 *nents = &kmapsim_nents_v;" in text
    assert ("size_t kmapsim_offset_v = kmapsim_pick(0, (sg_total > (size_t)len ? sg_total - ((size_t)len) : 0));"
            in text), text
    assert "size_t *offset = &kmapsim_offset_v;" in text
    assert "(void)fc_copy_buffer_to_sglist(buf, len, sg, nents, offset, crc);" in text
    # scsi_kmap_atomic_sg(sgl, sg_count, *offset, *len): the length picked
    # after the offset leaves room for it, through the offset's local
    it = fake("void *scsi_kmap_atomic_sg(struct scatterlist *sgl, int sg_count, size_t *offset, size_t *len)",
              "for_each_sg(sgl, sg, sg_count, i) if (sg->length > *offset) break; "
              "*offset &= ~PAGE_MASK; if (*len > PAGE_SIZE - *offset) *len = PAGE_SIZE - *offset; "
              "return kmap_atomic(sg_page(sg));")
    text, _ = harness.generate("scsi_kmap_atomic_sg", it, UNIT_612, "drivers/scsi/scsi_lib.c")
    assert "int sg_count = sgl_n;" in text
    assert ("size_t kmapsim_len_v = kmapsim_pick(0, (sgl_total > (size_t)kmapsim_offset_v ? sgl_total - "
            "((size_t)kmapsim_offset_v) : 0));" in text), text
    assert "size_t kmapsim_len = kmapsim_len_v;" in text
    # an integer pointer it stores through first stays an out-parameter
    it = fake("static int f(struct page *page, unsigned int *len)", "*len = 3; pr_info(\"%u\", *len);")
    text, _ = harness.generate("f", it, UNIT_612, "lib/f.c")
    assert "unsigned int kmapsim_len_out = 0, *len = &kmapsim_len_out;" in text


def test_called_with_interrupts_off_when_it_asserts_so():
    """scsi_kmap_atomic_sg() starts with WARN_ON(!irqs_disabled()): its
    callers disable interrupts, and the harness calls it so, or every run
    would break its entry check. A function that disables them itself
    before its check, or checks nothing, is called as before."""
    sig = "static void f(struct page *page)"
    for check in ("WARN_ON(!irqs_disabled());", "lockdep_assert_irqs_disabled();",
                  "WARN_ON_ONCE(!irqs_disabled());"):
        text, _ = harness.generate("f", fake(sig, check + " clear_highpage(page);"), UNIT_612, "lib/f.c")
        call = text.index("(void)f(page);")
        assert text.index("local_irq_save(kmapsim_irqflags);") < call < text.index(
            "local_irq_restore(kmapsim_irqflags);"), text
    for body in ("local_irq_save(flags); WARN_ON(!irqs_disabled()); clear_highpage(page); "
                 "local_irq_restore(flags);", "clear_highpage(page);"):
        text, _ = harness.generate("f", fake(sig, body), UNIT_612, "lib/f.c")
        assert "local_irq_save" not in text, text


def test_an_entry_offset_read_keeps_any_offset_and_order():
    it = fake("static void f(struct scatterlist *sgl, unsigned int nents)",
              "for_each_sg(sgl, sg, nents, i) { char *a = kmap_atomic(sg_page(sg)) + sg->offset; "
              "kunmap_atomic(a); }")
    text, _ = harness.generate("f", it, UNIT_612, "lib/f.c")
    assert "unsigned int o = kmapsim_pick(0, 1);" in text
    assert "unsigned int off = kmapsim_pick(0, PAGE_SIZE - 1);" in text
    assert "unsigned int nents = sgl_n;" in text


def test_buffer_heads_share_one_block_size_on_rings_of_their_own():
    """nilfs_copy_buffer(dbh, sbh) copies sbh->b_size bytes into dbh's
    block: both are buffers of one filesystem, so one block size for every
    buffer_head parameter, each a picked block of its own page's ring,
    freed with its page after the call."""
    it = fake("void nilfs_copy_buffer(struct buffer_head *dbh, struct buffer_head *sbh)",
              "void *a = kmap_atomic(sbh->b_page), *b = kmap_atomic(dbh->b_page); "
              "memcpy(b + bh_offset(dbh), a + bh_offset(sbh), sbh->b_size); kunmap_atomic(b); kunmap_atomic(a);")
    text, _ = harness.generate("nilfs_copy_buffer", it, UNIT_612, "fs/nilfs2/page.c")
    assert text.count("unsigned int kmapsim_blocksize = 512U << kmapsim_pick(0, PAGE_SHIFT - 9);") == 1
    assert text.index("kmapsim_blocksize =") < text.index("struct buffer_head *dbh = kmapsim_bh_build(kmapsim_blocksize);")
    assert "struct buffer_head *sbh = kmapsim_bh_build(kmapsim_blocksize);" in text
    assert "kmapsim_bh_free(dbh);" in text and "kmapsim_bh_free(sbh);" in text
    assert text.count("static struct buffer_head *kmapsim_bh_build(unsigned int size)") == 1
    # set_bh_page()'s b_data: the offset in a highmem page, an address otherwise
    assert "PageHighMem(page) ? (char *)(unsigned long)(i * size)" in text
    assert "prev->b_this_page = head;" in text and "folio_attach_private(page_folio(page), head);" in text
    # nothing of the run's page order is used: no pick for it
    assert "kmapsim_order" not in text and "kmapsim_size" not in text


def test_a_seed_by_its_suffix():
    """jbd2_checksum_data(__u32 crc32_sum, bh): a checksum to go on from,
    any value; an offset named so is not one."""
    it = fake("static __u32 jbd2_checksum_data(__u32 crc32_sum, struct buffer_head *bh)",
              "char *addr = kmap_atomic(bh->b_page); __u32 c = crc32_be(crc32_sum, addr + bh_offset(bh), "
              "bh->b_size); kunmap_atomic(addr); return c;")
    text, _ = harness.generate("jbd2_checksum_data", it, UNIT_612, "fs/jbd2/commit.c")
    assert "__u32 crc32_sum = kmapsim_pick(0, (u32)~0ULL);" in text
    assert not harness._is_seed("sum_off") and harness._is_seed("data_csum") and harness._is_seed("crc")
