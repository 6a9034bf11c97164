"""Writes the harness for FILE:FUNCTION from the function's signature.

Each parameter gets a value chosen per run through kmapsim_pick(), so the
explorer walks boundary values, pages and zones:

  struct page *        a page of order 0..2 (lowmem or highmem, as the run
                       decides); a struct folio * likewise
  offset-like integer  (offset, off, start, pos, *_off, ...) 0 .. size of the
                       page - 1
  length-like integer  (bytes, len, count, size, n, *len, ...) 0 .. size of
                       the page, whatever the offset: a run may break the
                       function's entry check (page_copy_sane(), VM_BUG_ON,
                       `if (WARN_ON_ONCE(...)) return`); the call is bracketed
                       by kmapsim_entry_begin/end, so such a run is discarded
                       as the caller's broken contract (entry_contract.cc),
                       while a BUG/WARN after the function's first action is
                       its own. Into a struct page * of a function that does
                       not know compound pages (COMPOUND_NAMES), only what
                       its callers pass: within the page (within the compound
                       page for a length, where the function steps the page
                       pointer), except what the function checks against
                       the page itself (_page_checked())
  end integer          (end, end1, ...) from its start (start, start1, ...)
                       to as far as an offset may reach
                       (zero_user_segments())
  seed integer         (crc, seed, csum, sum, hash, or ending so: crc32_sum)
                       any value; so is an
                       integer the function only stores into a structure or
                       compares for equality (nfs's cookies); a pointer to
                       one (csum_and_copy_from_iter()'s __wsum *csum) points
                       at a local of the harness holding any value
  unsigned long        an address the function reads only the offset in the
                       page of (offset_in_page(), & ~PAGE_MASK): that offset
                       as for an offset, on a page of its own
  struct iov_iter *    one of the iterator types this tree defines and kmapsim
                       can build (ITER_UBUF, ITER_IOVEC, ITER_KVEC, ITER_BVEC,
                       ITER_XARRAY, 6.12's ITER_FOLIOQ, and 6.1's ITER_PIPE
                       (a PIPE_DEF_BUFFERS ring, empty or partly filled) and
                       ITER_DISCARD as destinations), built by the tree's own
                       constructors,
                       pointing at a user buffer (may fault), kernel buffers,
                       pages, or folios of order 0..2 (lowmem or highmem):
                       an xarray filled as the page cache is (each folio a
                       multi-index entry at an index aligned to its order,
                       no holes) or a folio_queue segment (folioq_append()),
                       the iterator starting anywhere in the first folio;
                       its direction follows the function (..._from_iter: the
                       iterator is the source; ..._to_iter: the destination)
  void * / char *      a kernel buffer of the page's size (beside a list or a
                       packet with no length parameter: of all it holds); a
                       const char * ends in a NUL (a string it may print);
                       __user: a user buffer
  struct scatterlist * a table of 1..3 entries, each over fresh pages of order
                       0..1 (lowmem or highmem) at a picked offset and length
                       within them, built with the tree's sg_set_page() and
                       end-marked with sg_mark_end(); single pages at offset
                       0 for a function that maps sg_page() itself and reads
                       no offset; a count-named integer (nents, nr_segs, ...,
                       or the list's own read_nents) gets the number of
                       entries of the nearest list before it
  struct bio_vec *     an array of 1..3 single-page segments (a page, an
                       offset in it, a length within what is left): the shape
                       bio_for_each_segment() hands out, which every consumer
                       of a bio_vec accepts; a count-named integer gets the
                       number of segments
  struct sk_buff *     a packet: a linear head of 0..256 bytes and 0..3 page
                       fragments, each over a fresh page of order 0..1
                       (lowmem or highmem) at a picked offset and length
                       within it (skb_fill_page_desc()), and on some runs a
                       second such packet on its frag_list; offsets and
                       lengths into it stay within skb->len
  struct buffer_head * a picked block of an order-0 page (lowmem or
                       highmem) split into blocks of 512 .. PAGE_SIZE
                       bytes, one block size for every buffer_head
                       parameter (one filesystem's buffers): the page's
                       buffers on their b_this_page ring, attached as its
                       private data, uptodate and mapped, b_data as
                       set_bh_page() leaves it
  struct page **       with a length: as many fresh pages as the offsets and
                       the length reach (net/sunrpc/xdr.c's _copy_to_pages())
  bool                 either value; so is an integer named as a copy's
                       direction (out, write, rw, ...)
  gfp_t                GFP_KERNEL (the harness runs in task context)
  int * / u32 * / ...  an integer pointer the function first stores through
                       and then only dereferences (an out-parameter): a
                       local of the harness; an offset, a length or a
                       count passed by reference (read first, used only
                       through `*`: fc_copy_buffer_to_sglist()'s *offset and
                       *nents): a local holding what the number would get
  with lists, each offset and length ends within what the (first two)
  lists hold past the ones picked before it (scatterwalk_map_and_copy()'s
  start and nbytes); a length with a buffer or an iterator is also at most
  what that holds; an offset or a length after a struct page * beside a list
  is into the page (skb_splice_csum_page(skb, page, offset, len))

A parameter the function's body never names is NULL or 0, whatever its
type: no value of it can matter.

A function that checks that its caller disabled interrupts
(WARN_ON(!irqs_disabled()), lockdep_assert_irqs_disabled()) is called with
them disabled, as its callers call it.

Anything else is an unsupported parameter: one line saying how to write the
harness with KMAPSIM_IMPORT; so is a void * the function casts to a struct
(an object, not a buffer). A returned pointer goes to
kmapsim_unmap_returned(): a mapping the function made for its caller is
unmapped as the caller would.
"""

import re

from . import errors

OFFSET_NAMES = {"offset", "off", "start", "pos", "offs", "page_offset", "poff", "skip", "seek", "pgbase", "page_base",
                "pgto_base", "pgfrom_base"}
# and any name ending so: dst_off, src_off, doff, buf_offset; and a
# numbered start (zero_user_segments()'s start1, start2)
OFFSET_SUFFIX = re.compile(r"(_off|_offs|_offset|_pos|[a-z]off|^start\d+)$")
# The end of a range into the page, after its start of the same number
# (zero_user_segments(page, start1, end1, start2, end2)): from the start to
# as far as the start may reach.
END_NAME = re.compile(r"^end(\d*)$")
PAGE_ARRAYS = ("struct page **", "struct page * *")
LENGTH_NAMES = {"bytes", "len", "count", "size", "n", "length", "nbytes", "buflen"}
# and any name ending so: buf_len, tlen, copy_bytes
LENGTH_SUFFIX = re.compile(r"(len|_length|_bytes)$")
# numbers any value of which is legal data: a checksum or hash to go on from
SEED_NAMES = {"crc", "seed", "csum", "sum", "hash"}
# and any name ending so: crc32_sum (jbd2_checksum_data()), data_csum
SEED_SUFFIX = re.compile(r"(_crc|_seed|_csum|_sum|_hash)$")
# A struct page * whose function (or an imported function it reaches) uses
# one of these knows compound pages: an offset may lie past its first page
# (copy_page_to_iter() checks offset + bytes against the compound page
# through page_copy_sane()). Any other struct page * gets what a caller
# passes a one-page function: an offset within the page, and with the
# length an end within the page, or within the compound page when the
# function steps the page pointer itself (write_pmem()'s page++).
COMPOUND_NAMES = {"compound_head", "compound_order", "compound_nr", "page_size", "thp_size", "PageCompound", "PageHead",
                  "PageTransHuge", "nth_page"}
# the number of entries of a scatterlist or bio_vec parameter
COUNT_NAMES = {"nents", "nr_ents", "nr_segs", "nr_vecs", "nr_bvecs", "nr", "sg_len", "nr_sg", "vcnt", "sg_count"}
LISTS = {"struct scatterlist *": "sg", "struct bio_vec *": "bvec", "struct sk_buff *": "skb"}
# a flag choosing the direction of a copy (scatterwalk_map_and_copy()'s out)
DIRECTION_NAMES = {"out", "write", "rw", "dir", "to_buffer", "to_user"}
# the integer types an offset or a length in a page comes as (not s32 or
# ssize_t, which may be below 0 on purpose)
_IN_PAGE = re.compile(r"^(unsigned( (char|short|int|long|long long))?|(__)?u(8|16|32|64)|size_t|loff_t|off_t|pgoff_t|"
                       r"unsigned long long|int|long)$")
# the types a count, an offset and a length (anywhere) come as
_COUNT_TYPE = re.compile(r"^(unsigned( int| long| short)?|int|long|u8|u16|u32|u64|size_t)$")
_OFFSET_TYPE = re.compile(r"^(unsigned( int| long)?|size_t|int|long|loff_t|off_t|u32|u64|unsigned)$")
_LENGTH_TYPE = re.compile(r"^(unsigned( int| long)?|size_t|int|long|u32|u64|unsigned|ssize_t)$")
_INTEGER = re.compile(r"^((un)?signed( (char|short|int|long|long long))?|char|short|int|long|long long|"
                      r"unsigned long long|(__)?[us](8|16|32|64)|size_t|ssize_t|loff_t|off_t|pgoff_t|__wsum)$")


def params(item):
    """[(type text, name)] of a function Item."""
    toks = item.toks
    name = item.names[0]
    j = next(k for k in range(len(toks) - 1) if toks[k].text == name and toks[k + 1].text == "(")
    d = 0
    cur = []
    out = []
    for t in toks[j + 1:]:
        if t.text == "(":
            d += 1
            if d == 1:
                continue
        elif t.text == ")":
            d -= 1
            if d == 0:
                if cur:
                    out.append(cur)
                break
        if t.text == "," and d == 1:
            out.append(cur)
            cur = []
            continue
        cur.append(t.text)
    res = []
    for p in out:
        if p == ["void"]:
            continue
        pname = p[-1]
        ptype = " ".join(p[:-1])
        res.append((ptype, pname))
    return res


def _norm(ptype):
    return re.sub(r"\s+", " ", ptype.replace("const ", "")).strip()


def constructors_needed(item):
    types = [_norm(t) for t, _ in params(item)]
    out = []
    if any("iov_iter" in t for t in types):
        out += ["iov_iter_init", "iov_iter_kvec", "iov_iter_bvec", "iov_iter_ubuf", "iov_iter_discard",
                "iov_iter_xarray", "iov_iter_folio_queue", "folioq_init", "folioq_append", "folioq_clear",
                "folioq_full", "folioq_nr_slots",
                # ITER_PIPE (6.1): the ring is released as free_pipe_info()
                # does, through the buffers' own ops (fs/splice.c, fs/pipe.c)
                "iov_iter_pipe", "pipe_buf_release", "PIPE_DEF_BUFFERS", "default_pipe_buf_ops",
                "page_cache_pipe_buf_ops"]
    if "struct scatterlist *" in types:
        out += ["sg_set_page", "sg_mark_end"]
    if "struct buffer_head *" in types:   # kmapsim_bh_build()'s, from the tree's buffer_head.h and pagemap.h
        out += ["BH_Uptodate", "BH_Mapped", "folio_attach_private", "folio_detach_private"]
    if "struct sk_buff *" in types:   # _skb_setup()'s helpers, all the tree's skbuff.h's
        out += ["SKB_DATA_ALIGN", "skb_reset_tail_pointer", "skb_set_end_offset", "__skb_put", "skb_fill_page_desc",
                "skb_shinfo", "skb_frag_page"]
    return out


# The iov_iter types the harness can build, by their names in --iter-types.
ITER_KINDS = ("ubuf", "iovec", "kvec", "bvec", "xarray", "folioq", "pipe", "discard")


# The tests of an iterator's type a caller may guard a call with, and the
# types each lets through.
ITER_TESTS = {"iov_iter_is_pipe": {"pipe"}, "iov_iter_is_bvec": {"bvec"}, "iov_iter_is_kvec": {"kvec"},
              "iov_iter_is_discard": {"discard"}, "iov_iter_is_xarray": {"xarray"},
              "iov_iter_is_folioq": {"folioq"}, "iter_is_iovec": {"iovec"}, "iter_is_ubuf": {"ubuf"},
              "user_backed_iter": {"ubuf", "iovec"}}


def caller_kinds(file_text, func):
    """The iterator types the callers of a static function pass it, when
    every call in its file is directly under an `if` testing the type
    (6.1's iov_iter_zero(): `if (unlikely(iov_iter_is_pipe(i))) return
    pipe_zero(bytes, i);`, and pipe_zero() reads i->pipe unchecked); None
    when a call is not, or there is none."""
    from . import ctokens
    all_toks = ctokens.tokenize(file_text)
    if any(t.kind == "pp" and re.search(r"\b%s\b" % re.escape(func), t.text) for t in all_toks):
        return None   # a macro calls it: where the macro is used is not read here
    toks = [t.text for t in all_toks if t.kind != "pp"]
    out = None
    calls = 0
    for k in range(1, len(toks) - 1):
        if toks[k] != func or toks[k + 1] != "(":
            continue
        j = _matching_paren(toks, k + 1)
        if j is not None and j + 1 < len(toks) and toks[j + 1] == "{":
            continue   # the definition
        if toks[k - 1] in (".", "->"):
            continue
        cond = _controlling_if(toks, k)
        kinds = _tested_kinds(cond) if cond is not None else None
        if kinds is None:
            return None
        calls += 1
        out = kinds if out is None else out & kinds
    return out if calls else None


def _matching_paren(toks, j):
    """The index of the parenthesis matching the one at toks[j] (forward
    from '(', backward from ')'), or None."""
    step, opening, closing = (1, "(", ")") if toks[j] == "(" else (-1, ")", "(")
    d = 0
    for m in range(j, len(toks) if step > 0 else -1, step):
        d += toks[m] == opening
        d -= toks[m] == closing
        if d == 0:
            return m
    return None


def _if_condition(toks, close):
    """The condition's tokens when toks[close] closes `if (...)`."""
    o = _matching_paren(toks, close)
    if o is None or o == 0 or toks[o - 1] != "if":
        return None
    return toks[o + 1:close]


def _controlling_if(toks, k):
    """The condition of the `if` whose branch holds the statement calling
    at toks[k] (`if (c) return f(x);`, `if (c) { ... n = f(x); ... }`)."""
    j = k - 1
    while j >= 0 and (re.match(r"^\w+$", toks[j]) or toks[j] in ("=", "+=", "-=", "->", ".", "*", "(")) \
            and toks[j] not in ("if", "else", "while", "for"):
        j -= 1
    if j < 0:
        return None
    if toks[j] == ")":
        return _if_condition(toks, j)
    if toks[j] not in (";", "{", "}"):
        return None
    d = 0   # the innermost enclosing block
    for m in range(j, -1, -1):
        if toks[m] == "}":
            d += 1
        elif toks[m] == "{":
            if d == 0:
                return _if_condition(toks, m - 1) if m > 0 and toks[m - 1] == ")" else None
            d -= 1
    return None


def _tested_kinds(cond):
    """The types a condition lets through: each of its ||-parts must test
    the type positively (`unlikely(iov_iter_is_pipe(i))`); None otherwise."""
    parts, cur, d = [], [], 0
    for t in cond:
        d += t == "("
        d -= t == ")"
        if t == "||" and d == 0:
            parts.append(cur)
            cur = []
        else:
            cur.append(t)
    parts.append(cur)
    out = set()
    for part in parts:
        tests = [i for i, t in enumerate(part) if t in ITER_TESTS]
        if not tests or any(i > 0 and part[i - 1] == "!" for i in tests) or "==" in part or "!=" in part:
            return None   # no test, or one that may be negated
        got = set.intersection(*(ITER_TESTS[part[i]] for i in tests))
        out |= got
    return out


def iter_kinds(unit_text, source):
    """The iterator types this tree defines and the harness can build."""
    kinds = []
    if "iov_iter_ubuf" in unit_text:
        kinds.append("ubuf")
    if "iov_iter_init" in unit_text:
        kinds.append("iovec")
    if "iov_iter_kvec" in unit_text:
        kinds.append("kvec")
    if "iov_iter_bvec" in unit_text and "struct bio_vec {" in unit_text:
        kinds.append("bvec")
    if "iov_iter_xarray" in unit_text and "ITER_XARRAY" in unit_text:
        kinds.append("xarray")
    if "iov_iter_folio_queue" in unit_text and "struct folio_queue {" in unit_text \
            and "folioq_append" in unit_text:
        kinds.append("folioq")
    if "iov_iter_pipe" in unit_text and "ITER_PIPE" in unit_text and "struct pipe_inode_info {" in unit_text \
            and not source:
        kinds.append("pipe")      # a destination only: iov_iter_pipe() BUG()s on WRITE
    if "iov_iter_discard" in unit_text and not source:
        kinds.append("discard")   # a destination that drops the data
    return kinds


def _is_seed(pname):
    return pname in SEED_NAMES or bool(SEED_SUFFIX.search(pname))


def _is_offset(pname):
    return pname in OFFSET_NAMES or bool(OFFSET_SUFFIX.search(pname))


def _is_length(pname):
    return pname in LENGTH_NAMES or bool(LENGTH_SUFFIX.search(pname))


def _body_toks(item):
    """The texts of the tokens of the function's body."""
    return [t.text for t in (item.toks[item.body_start:] if item.body_start is not None else item.toks)]


def _body(item):
    """The function's body as one line of tokens."""
    return " ".join(_body_toks(item))


def _opaque(item, pname):
    """Whether a void * parameter is an object of some type the function
    names (struct bitmap *bitmap = data;), not a buffer of bytes."""
    body = _body(item)
    p = re.escape(pname)
    return bool(re.search(r"\bstruct \w+ \* \w+ = %s ;" % p, body)
                or re.search(r"\( (const )?struct \w+ \* \) %s\b" % p, body)
                or re.search(r"\bcontainer_of \( %s ," % p, body))


def _steps(item, pname):
    """Whether the function moves a page pointer on by itself (page++,
    page += n, nth_page(page, i)): it walks a compound page page by page."""
    body = _body(item)
    p = re.escape(pname)
    return bool(re.search(r"\b%s (\+\+|\+=)|\+\+ %s\b|\bnth_page \( %s\b" % (p, p, p), body))


_CHECKS = {"if", "BUG_ON", "VM_BUG_ON", "VM_BUG_ON_PAGE", "WARN_ON", "WARN_ON_ONCE", "WARN", "WARN_ONCE"}
_PAGE_WORDS = {"PAGE_SIZE", "PAGE_MASK", "PAGE_SHIFT", "offset_in_page", "page_size"}


def _page_checked(item):
    """The names in a condition of the function's own that also names the
    page's size (`if (off >= PAGE_SIZE)`, `if (len > PAGE_SIZE - off)`,
    `VM_BUG_ON(offset + len > PAGE_SIZE)`): the function takes care of
    values past its page itself."""
    toks = _body_toks(item)
    out = set()
    for i, t in enumerate(toks[:-1]):
        if t not in _CHECKS or toks[i + 1] != "(":
            continue
        d, j = 0, i + 1
        cond = []
        while j < len(toks):
            d += toks[j] == "("
            d -= toks[j] == ")"
            cond.append(toks[j])
            if d == 0:
                break
            j += 1
        if _PAGE_WORDS & set(cond):
            out |= set(cond)
    return out


def _occurrences(item, pname):
    """(tokens, index) of each use of pname in the function's body."""
    toks = _body_toks(item)
    return toks, [i for i, t in enumerate(toks) if t == pname and (i == 0 or toks[i - 1] not in (".", "->"))]


def _offset_in_page_only(item, pname):
    """Whether the function reads only the offset in the page of an
    address (uprobes' copy_from_page(page, vaddr, dst, len) maps the page
    and copies at `vaddr & ~PAGE_MASK`): the address's page does not matter,
    its offset is an offset into the page."""
    toks, uses = _occurrences(item, pname)

    def masked(i):
        after = toks[i + 1:i + 7]
        return (toks[i - 2:i] == ["offset_in_page", "("] and toks[i + 1:i + 2] == [")"]
                or after[:3] == ["&", "~", "PAGE_MASK"] or toks[i - 3:i] == ["~", "PAGE_MASK", "&"]
                or after == ["&", "(", "PAGE_SIZE", "-", "1", ")"])
    return bool(uses) and all(masked(i) for i in uses)


def _data_only(item, pname):
    """Whether the function only stores a number into a structure
    (`array->last_cookie = last_cookie;`) or compares it for equality
    (`if (array->change_attr != change_attr)`): a value its callers carry
    through, never a size, an index or an address, so any value is one a
    caller may pass (fs/nfs/dir.c's cookies and change attributes)."""
    toks, uses = _occurrences(item, pname)

    def stored(i):
        return toks[i - 1:i] == ["="] and toks[i + 1:i + 2] == [";"] and i >= 3 and toks[i - 3] in ("->", ".")

    def compared(i):
        return toks[i - 1:i] in (["=="], ["!="]) or toks[i + 1:i + 2] in (["=="], ["!="])
    return bool(uses) and all(stored(i) or compared(i) for i in uses)


_UNLOCKS = ("folio_unlock", "unlock_page", "folio_end_read")
_LOCKS = ("folio_lock", "folio_trylock", "folio_lock_killable", "__folio_lock", "lock_page", "trylock_page",
          "lock_page_killable", "__folio_set_locked", "__SetPageLocked")


def _handed_over_locked(item, pname):
    """Whether the function unlocks a page or folio parameter it never locks
    (fs/nfs/read.c's nfs_return_empty_folio() ends a ->read_folio() with
    folio_unlock()): its callers hand it over locked, as the page cache
    does to a read, and an unlocked one would stop at folio_unlock()'s
    check of a lock nobody took."""
    body = _body(item)
    p = re.escape(pname)

    def called(names):
        return re.search(r"\b(%s) \( %s\b" % ("|".join(names), p), body)
    return bool(called(_UNLOCKS)) and not called(_LOCKS)


def _is_count(pname):
    """A count-named integer: nents, nr_segs, ..., or one with the list's
    own prefix (compare_and_write_do_cmp()'s read_nents and cmp_nents)."""
    return pname in COUNT_NAMES or any(pname.endswith("_" + c) for c in COUNT_NAMES if c != "nr")


def _count_of(ps, i, lists):
    """The list a count parameter (the i-th) counts: the nearest list before
    it (`sgl, nents`), else the first."""
    names = [pn for pn, _ in lists]
    before = [pn for _, pn in ps[:i] if pn in names]
    return before[-1] if before else names[0]


def _written_only(item, pname):
    """Whether an integer pointer is an out-parameter: the function's first
    use of it stores through it (`*miscmp_off = offset + i;`) and every
    other use reads that back (`pr_warn(..., *miscmp_off)`), never the
    pointer itself. What the caller's variable held does not matter."""
    toks, uses = _occurrences(item, pname)

    def deref(i):
        return toks[i - 1:i] == ["*"] and (i < 2 or toks[i - 2] in (";", "{", "}", ")", "else", "(", ",", "="))

    def stores(i):
        return deref(i) and toks[i + 1:i + 2] == ["="] and (i < 2 or toks[i - 2] in (";", "{", "}", ")", "else"))
    return bool(uses) and stores(uses[0]) and all(deref(i) for i in uses)


def _unary_star(toks, i):
    """Whether the `*` before toks[i] dereferences it: it follows an
    operator, a bracket, a comma or a statement's start, not an operand
    (`a * b` multiplies; `x > *off`, `--(*nents)`, `if (c) *p = 0;` do
    not)."""
    if toks[i - 1:i] != ["*"]:
        return False
    prev = toks[i - 2] if i >= 2 else ";"
    return not (re.match(r"^[A-Za-z_0-9]", prev) and prev not in ("return", "else", "sizeof")) and prev != "]"


def _by_reference(item, t, pname, counted):
    """Whether an integer pointer is an offset, a length or a count (with a
    list beside it) passed by reference: every use dereferences it, and the
    function reads it before it stores through it, as it moves through a
    list (fc_copy_buffer_to_sglist()'s *offset and *nents,
    scsi_kmap_atomic_sg()'s *offset and *len). A pointer passed on whole
    (to a callee that may do anything with it) is not one."""
    if not t.endswith(" *"):
        return False
    # of a type its kind gets a value as (generate()'s branches), so that
    # the number always gets one
    base = t[:-2]
    if base in ("u8", "unsigned char"):   # bytes: a buffer
        return False
    if not (counted and _is_count(pname) and _COUNT_TYPE.match(base) or _is_offset(pname) and _OFFSET_TYPE.match(base)
            or _is_length(pname) and _LENGTH_TYPE.match(base)):
        return False
    toks, uses = _occurrences(item, pname)
    return bool(uses) and all(_unary_star(toks, i) for i in uses) and not _written_only(item, pname)


_IRQS_OFF_ASSERT = re.compile(r"\b(WARN_ON|WARN_ON_ONCE|BUG_ON|VM_BUG_ON) \( ! irqs_disabled \( \) \)"
                              r"|\blockdep_assert_irqs_disabled \( \)")
_IRQS_OFF = re.compile(r"\b(local_irq_disable|local_irq_save|spin_lock_irq|spin_lock_irqsave|raw_spin_lock_irq|"
                       r"raw_spin_lock_irqsave|read_lock_irqsave|write_lock_irqsave) \(")


def _wants_irqs_off(item):
    """Whether the function asserts that its caller disabled interrupts
    (scsi_kmap_atomic_sg()'s WARN_ON(!irqs_disabled()), before any
    disabling of its own): its callers call it so, and so does the
    harness; from task context with interrupts on every run would break its
    entry check."""
    body = _body(item)
    m = _IRQS_OFF_ASSERT.search(body)
    if not m:
        return False
    own = _IRQS_OFF.search(body)
    return own is None or own.start() > m.start()


def _returns_pointer(item, func):
    """Whether the function returns a pointer (the token before its name)."""
    toks = item.toks
    j = next(k for k in range(len(toks) - 1) if toks[k].text == func and toks[k + 1].text == "(")
    return j > 0 and toks[j - 1].text == "*"


def _seed_type(t):
    """The unsigned type a seed's values are picked over (a checksum's
    __wsum is 32 bits)."""
    return "u32" if "32" in t or "int" in t or t == "__wsum" else t


def _fill_in(ptype, pname, what):
    """The lines of a parameter the user fills in (--write-harness): an
    #error that stops the compile until they have, and the declaration."""
    return ['#error "kmapsim: %s, then delete this line"' % what.replace('"', "'"),
            "\t%s %s = { 0 };" % (ptype, pname)]


def generate(func, item, unit_text, relfile, only_kinds=None, reach_names=None, also_checked=(), callers=None,
             fill_in=False):
    """The harness for func (its Item); reach_names: the names func and the
    imported functions it reaches use (func's own when None); also_checked:
    names another version of func checks against its page (check's
    --patch/--before: both sides get one harness, so a check the patch
    removes is found); callers: the iterator types func's callers pass it
    (caller_kinds()), None for any; fill_in: a parameter it cannot give a
    value gets an #error line for the user to replace (--write-harness)
    instead of the BadInput."""
    ps = params(item)
    lines = []
    decl = []
    have_page = None
    source = "from_iter" in func or "from_user" in func
    lines.append("\tunsigned int kmapsim_order = kmapsim_pick(0, 2);")
    lines.append("\tsize_t kmapsim_size = PAGE_SIZE << kmapsim_order;")
    args = []
    post = []
    lists = [(pname, LISTS[_norm(t)]) for t, pname in ps if _norm(t) in LISTS]
    # A length into a list is also at most what a buffer or an iterator
    # beside it holds (the iterators the harness builds hold kmapsim_size
    # bytes at most: its bio_vec has four pages).
    has_buffer = any(_norm(t) in ("void *", "char *", "u8 *", "unsigned char *", "void __user *", "char __user *",
                                  "struct iov_iter *") for t, _ in ps)
    # A bio_vec array with a length and no count parameter is walked by the
    # byte count (svc_flush_bvec()'s size and seek): it is built after the
    # picks, with enough segments to cover the offset and length
    has_count = any(_is_count(pn) for _, pn in ps)
    has_length = any(_is_length(pn) and not _is_count(pn) for _, pn in ps)
    by_bytes = [pn for pn, kind in lists if kind == "bvec" and has_length and not has_count]
    lists = [(pn, kind) for pn, kind in lists if pn not in by_bytes]
    # An array of pages with a length (net/sunrpc/xdr.c's _copy_to_pages(pages,
    # pgbase, p, len)) is indexed by a byte offset into it: built after the
    # picks, with as many pages as the offsets and the length reach.
    page_arrays = [pn for t, pn in ps if _norm(t) in PAGE_ARRAYS] if has_length else []
    cover = []   # the offsets and the length such an array must cover
    in_lists = []   # offsets and lengths into the lists picked so far
    # Offsets and lengths into a struct page * (with no list or array to
    # walk): how far they may reach (COMPOUND_NAMES). An offset or a length
    # the function checks against the page itself (`if (off >= PAGE_SIZE)
    # return;`, a BUG_ON) takes any value, as before; the others stay
    # within what is left past the offsets (the furthest: they may be into
    # different pages) and the lengths picked so far.
    pages = [pn for t, pn in ps if _norm(t) == "struct page *"]
    # With a list beside a page, an offset or a length is into the nearer of
    # the two before it: skb_splice_csum_page(skb, page, offset, len) sums
    # within the page, skb_copy_bits(skb, offset, to, len) within the packet.
    into_page = set()
    last = None
    for t, pn in ps:
        if _norm(t) == "struct page *":
            last = "page"
        elif _norm(t) in LISTS:
            last = "list"
        elif last == "page":
            into_page.add(pn)
    page_limit = None
    checked = set()
    if pages and (not lists or into_page) and not page_arrays and not by_bytes:
        names = reach_names if reach_names is not None else item.uses
        if not names & COMPOUND_NAMES:
            page_limit = "kmapsim_size" if any(_steps(item, pn) for pn in pages) else "PAGE_SIZE"
            checked = _page_checked(item) | set(also_checked)
            lines.append("\tsize_t kmapsim_offmax = 0, kmapsim_lensum = 0;")
    left = "(kmapsim_offmax + kmapsim_lensum < %s ? %s - kmapsim_offmax - kmapsim_lensum : 0)" % (page_limit, page_limit)
    single = _sg_single_pages(item)
    # a packet's fragments are not what a count parameter counts
    counted = [(pn, kind) for pn, kind in lists if kind != "skb"]
    for pname, kind in lists:   # first, so a count parameter before them can use theirs
        if kind == "skb":
            lines.extend(_skb_setup(pname, post))
        else:
            lines.extend(_list_setup(pname, kind, post, single and kind == "sg"))
    for pi, (ptype, pname) in enumerate(ps):
        t = _norm(ptype)
        by_ref = _by_reference(item, t, pname, counted)
        if by_ref:   # the number it points at gets what the number would: see the end of the loop
            t = ptype = t[:-2]
            mark = len(lines)
        if t in LISTS:
            pass
        elif not _occurrences(item, pname)[1] and (t.endswith("*") or _INTEGER.match(t) or t == "bool"):
            # the function never names it: no value can matter (an
            # address_space operation's struct file *, a flags word kept
            # for other implementations)
            lines.append("\t%s %s = %s;\t/* unused by %s() */" % (ptype, pname, "NULL" if t.endswith("*") else "0",
                                                                   func))
        elif pname in by_bytes or pname in page_arrays:
            pass
        elif counted and _is_count(pname) and _COUNT_TYPE.match(t):
            lines.append("\t%s %s = %s_n;" % (ptype, pname, _count_of(ps, pi, counted)))
        elif t.endswith(" *") and _INTEGER.match(t[:-2]) and not re.search(r"char|8$", t[:-2]) \
                and _written_only(item, pname):
            lines.append("\t%s kmapsim_%s_out = 0, *%s = &kmapsim_%s_out;\t/* an out-parameter */"
                         % (t[:-2], pname, pname, pname))
        elif t == "bool":
            lines.append("\tbool %s = kmapsim_pick(0, 1);" % pname)
        elif t == "struct page *":
            lines.append("\tstruct page *%s = alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, kmapsim_order);" % pname)
            post.append("\t__free_pages(%s, kmapsim_order);" % pname)
            have_page = pname
            if _handed_over_locked(item, pname):
                lines.append("\t__folio_set_locked(page_folio(%s));\t/* it unlocks it: handed over locked */" % pname)
        elif t == "struct folio *":
            lines.append("\tstruct folio *%s = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, kmapsim_order);" % pname)
            post.append("\tfolio_put(%s);" % pname)
            have_page = pname
            if _handed_over_locked(item, pname):
                lines.append("\t__folio_set_locked(%s);\t/* it unlocks it: handed over locked */" % pname)
        elif t == "struct buffer_head *":
            # one filesystem's buffers: every buffer_head parameter has the
            # run's block size (nilfs_copy_buffer(dbh, sbh) copies one
            # block into another of the same size)
            if "kmapsim_blocksize =" not in "\n".join(lines):
                lines.append("\tunsigned int kmapsim_blocksize = 512U << kmapsim_pick(0, PAGE_SHIFT - 9);")
            lines.append("\tstruct buffer_head *%s = kmapsim_bh_build(kmapsim_blocksize);" % pname)
            post.append("\tkmapsim_bh_free(%s);" % pname)
        elif _is_seed(pname) and _INTEGER.match(t):
            lines.append("\t%s %s = kmapsim_pick(0, (%s)~0ULL);" % (ptype, pname, _seed_type(t)))
        elif _is_seed(pname) and t.endswith(" *") and _INTEGER.match(t[:-2]):
            # an accumulator the function carries on (csum_and_copy_*()'s
            # __wsum *csum): a local of the harness, starting at any value
            u = t[:-2]
            lines.append("\t%s kmapsim_%s_acc = kmapsim_pick(0, (%s)~0ULL), *%s = &kmapsim_%s_acc;"
                         % (u, pname, _seed_type(u), pname, pname))
        elif t in ("unsigned long", "u64", "uintptr_t") and not _is_offset(pname) and \
                not _is_length(pname) and _offset_in_page_only(item, pname):
            # an address of which the function reads the offset in the page:
            # the offset as for an offset, on a page of its own
            off = "kmapsim_%s_off" % pname
            if page_limit:
                room = "%s - kmapsim_lensum" % page_limit
                lines.append("\tsize_t %s = kmapsim_pick(0, %s < PAGE_SIZE ? %s : PAGE_SIZE - 1);" % (off, room, room))
                lines.append("\tif (%s > kmapsim_offmax)\n\t\tkmapsim_offmax = %s;" % (off, off))
            else:
                lines.append("\tsize_t %s = kmapsim_pick(0, PAGE_SIZE - 1);" % off)
            lines.append("\t%s %s = 0x400000UL + %s;" % (ptype, pname, off))
        elif END_NAME.match(pname) and _IN_PAGE.match(t) and not lists and not page_arrays and not by_bytes:
            start = "start" + END_NAME.match(pname).group(1)
            lo = start if start in args else "0"
            if page_limit and pname not in checked:
                lines.append("\t%s %s = kmapsim_pick(%s, %s);" % (ptype, pname, lo, page_limit))
                lines.append("\tif ((size_t)%s > kmapsim_offmax)\n\t\tkmapsim_offmax = %s;" % (pname, pname))
            else:
                lines.append("\t%s %s = kmapsim_pick(%s, kmapsim_size);" % (ptype, pname, lo))
        elif _INTEGER.match(t) and not _is_offset(pname) and not _is_length(pname) and _data_only(item, pname):
            # a value the function only stores or compares: any value
            if re.match(r"^(unsigned|u\d|__u\d|size_t|pgoff_t)", t):
                lines.append("\t%s %s = kmapsim_pick(0, (%s)~0ULL);" % (ptype, pname, t))
            else:
                lines.append("\t%s %s = (%s)kmapsim_pick(0, ~0UL);" % (ptype, pname, t))
        elif page_limit and (not lists or pname in into_page) and _is_offset(pname) and _IN_PAGE.match(t):
            if pname in checked:
                lines.append("\t%s %s = kmapsim_pick(0, kmapsim_size - 1);" % (ptype, pname))
            else:   # within the first page, and before what the lengths picked so far need
                room = "%s - kmapsim_lensum" % page_limit
                lines.append("\t%s %s = kmapsim_pick(0, %s < PAGE_SIZE ? %s : PAGE_SIZE - 1);" % (ptype, pname, room, room))
            lines.append("\tif ((size_t)%s > kmapsim_offmax)\n\t\tkmapsim_offmax = (size_t)%s < %s ? %s : %s;"
                         % (pname, pname, page_limit, pname, page_limit))
            cover.append(pname)
        elif page_limit and (not lists or pname in into_page) and _is_length(pname) and _IN_PAGE.match(t):
            lines.append("\t%s %s = kmapsim_pick(0, %s);" % (ptype, pname, "kmapsim_size" if pname in checked else left))
            lines.append("\tkmapsim_lensum += %s;" % pname)
            if "kmapsim_len =" not in "\n".join(lines):
                lines.append("\tsize_t kmapsim_len = %s;" % pname)
            cover.append(pname)
        elif _is_offset(pname) and _OFFSET_TYPE.match(t):
            if lists and pname not in into_page:   # where to start in the lists: their offsets and lengths end within them
                lines.append("\t%s %s = kmapsim_pick(0, %s);" % (ptype, pname, _room(lists, in_lists)))
                in_lists.append(pname)
            else:
                lines.append("\t%s %s = kmapsim_pick(0, kmapsim_size - 1);" % (ptype, pname))
            cover.append(pname)
        elif _is_length(pname) and _LENGTH_TYPE.match(t):
            lim = "kmapsim_size"
            if lists and pname not in into_page:   # what the lists hold past the offsets, at most (and the buffer's size)
                room = _room(lists, in_lists)
                lim = "(kmapsim_size < %s ? kmapsim_size : %s)" % (room, room) if has_buffer else room
                in_lists.append(pname)
            lines.append("\t%s %s = kmapsim_pick(0, %s);" % (ptype, pname, lim))
            if "kmapsim_len =" not in "\n".join(lines):
                lines.append("\tsize_t kmapsim_len = %s;" % pname)
            cover.append(pname)
        elif t == "struct iov_iter *":
            decl.append(pname)
        elif t == "void *" and _opaque(item, pname):
            if fill_in:
                lines.extend(_fill_in(ptype, pname, "'%s %s' is an object %s() casts to a type of its own: set one "
                                      "up as its callers do" % (ptype, pname, func)))
            else:
                raise errors.BadInput(
                    "%s:%s: parameter '%s %s' is an object the function casts to a type of its own, not a buffer: "
                    "kmapsim cannot write a harness for it; write one with KMAPSIM_IMPORT(\"%s\", %s) in a subject "
                    "file (--write-harness FILE.c starts one) and check that (see docs/kernel-import.md)"
                    % (relfile, func, ptype, pname, relfile, func))
        elif t in ("void *", "char *", "u8 *", "unsigned char *"):
            size = "kmapsim_size"
            if lists and not has_length:
                # no length says how much of the list it takes: all of it
                # (skb_copy_and_csum_dev() copies the whole packet)
                whole = "%s_total" % lists[0][0]
                size = "(%s > kmapsim_size ? %s : kmapsim_size)" % (whole, whole)
            lines.append("\t%s %s = kmalloc(%s, GFP_KERNEL | __GFP_NOFAIL);" % (ptype, pname, size))
            if t == "char *" and "const" in ptype:
                # it may be a string the function prints (skb_dump()'s
                # level): it ends within the buffer
                lines.append("\t((char *)%s)[%s - 1] = '\\0';" % (pname, size))
            post.append("\tkfree(%s);" % pname)
        elif t in ("void __user *", "char __user *"):
            lines.append("\t%s %s = kmapsim_user_buffer(kmapsim_size);" % (ptype, pname))
        elif t == "gfp_t":
            # the harness calls from task context, where a caller may sleep
            lines.append("\tgfp_t %s = GFP_KERNEL;" % pname)
        elif pname in DIRECTION_NAMES and _INTEGER.match(t):
            lines.append("\t%s %s = kmapsim_pick(0, 1);" % (ptype, pname))
        elif fill_in:
            lines.extend(_fill_in(ptype, pname, "give '%s %s' what the callers of %s() pass (a kmapsim_pick() over "
                                  "the values they may pass, or set up what it points to)" % (ptype, pname, func)))
        else:
            raise errors.BadInput(
                "%s:%s: kmapsim cannot write a harness for parameter '%s %s' yet; write one with "
                "KMAPSIM_IMPORT(\"%s\", %s) in a subject file (--write-harness FILE.c starts one) and check that "
                "(see docs/kernel-import.md)" % (relfile, func, ptype, pname, relfile, func))
        if by_ref:
            # the value lives in a local of the harness, which the pointer
            # points at; what later picks are bounded by names that local
            val = "kmapsim_%s_v" % pname
            word = re.compile(r"\b%s\b" % re.escape(pname))
            lines[mark:] = [word.sub(val, ln) for ln in lines[mark:]]
            cover[:] = [val if c == pname else c for c in cover]
            in_lists[:] = [val if c == pname else c for c in in_lists]
            lines.append("\t%s *%s = &%s;\t/* passed by reference */" % (t, pname, val))
        args.append(pname)
    for pname in by_bytes:
        lines.extend(_bvec_cover_setup(pname, cover, post))
    for pname in page_arrays:
        lines.extend(_page_array_setup(pname, cover, post))
    if decl and "kmapsim_len" not in "\n".join(lines):
        lines.append("\tsize_t kmapsim_len = kmapsim_pick(0, kmapsim_size);")
    kinds = iter_kinds(unit_text, source)
    if decl and callers is not None:
        if not [k for k in kinds if k in callers]:
            raise errors.BadInput("%s:%s: its callers pass it only an iov_iter of type %s, which kmapsim cannot build "
                                  "here (this tree and direction give: %s); write a harness with KMAPSIM_IMPORT(\"%s\", "
                                  "%s) (see docs/kernel-import.md)" % (relfile, func, ", ".join(sorted(callers)),
                                                                       ", ".join(kinds), relfile, func))
        kinds = [k for k in kinds if k in callers]
    if decl and only_kinds:
        missing = [k for k in only_kinds if k not in kinds]
        if missing:
            raise errors.BadInput("--iter-types %s: %s() cannot get %s here (this tree and direction give: %s)"
                                  % (",".join(only_kinds), func, ", ".join(missing), ", ".join(kinds)))
        kinds = [k for k in kinds if k in only_kinds]
    for pname in decl:
        lines.extend(_iter_setup(pname, kinds, 1 if source else 0, post, unit_text))
    if _returns_pointer(item, func):
        # a pointer into a mapping the function made is its caller's to unmap
        call = ("\tkmapsim_entry_begin(\"%s\");\n\tconst void *kmapsim_ret = %s(%s);\n\tkmapsim_entry_end();\n"
                "\tkmapsim_unmap_returned(kmapsim_ret);" % (func, func, ", ".join(args)))
    else:
        call = "\tkmapsim_entry_begin(\"%s\");\n\t(void)%s(%s);\n\tkmapsim_entry_end();" % (func, func, ", ".join(args))
    if _wants_irqs_off(item):
        call = ("\tunsigned long kmapsim_irqflags;\n\tlocal_irq_save(kmapsim_irqflags);\t/* its callers disable "
                "interrupts: it checks */\n%s\n\tlocal_irq_restore(kmapsim_irqflags);" % call)
    if not re.search(r"\bkmapsim_(order|size)\b", "\n".join(lines[2:] + [call] + post)):
        # no page of the run's order and nothing sized by it (a buffer
        # head's page, a seed): no pick that cannot matter
        lines = lines[2:]
    body = lines + [call] + post
    helpers = SKB_HELPERS if any(kind == "skb" for _, kind in lists) else ""
    if any(_norm(t) == "struct buffer_head *" for t, _ in ps):
        helpers += BH_HELPERS
    return (helpers + "\n/* The harness kmapsim wrote from %s()'s signature. */\n"
            "KMAPSIM_SUBJECT(%s)\n{\n%s\n}\n" % (func, func, "\n".join(body))), kinds


def _sg_single_pages(item):
    """Whether the function maps an entry's page itself (kmap_atomic(
    sg_page(sg))) and never reads an entry's offset or steps to a further
    page: it walks entries that are single pages at offset 0, as its
    callers allocate them (target_alloc_sgl()'s order-0 pages for
    compare_and_write_do_cmp()). The harness builds that shape, as it keeps
    a page's lengths within one page for a function that does not step
    through a compound page."""
    body = _body(item)
    return bool(re.search(r"\bkmap(_atomic|_local_page)? \( sg_page \(", body)) \
        and not re.search(r"(->|\.) offset\b|\bsg_virt\b|\bnth_page\b|\bsg_page \( \w+ \) \+", body)


def _list_setup(p, kind, post, single=False):
    """A scatterlist table or a bio_vec array of 1..3 entries named p, with
    p_n entries; frees its pages after the call (lines appended to post).
    single: each entry one page at offset 0 (_sg_single_pages())."""
    out = ["\tunsigned int %s_n = kmapsim_pick(1, 3);" % p,
           "\tsize_t %s_total = 0;" % p,
           "\tstruct page *%s_pg[3];" % p,
           "\tunsigned int %s_order[3];" % p]
    if kind == "sg":
        out += ["\tstruct scatterlist %s_t[3], *%s = %s_t;" % (p, p, p),
                "\tmemset(%s_t, 0, sizeof(%s_t));" % (p, p)]
    else:
        out += ["\tstruct bio_vec %s_t[3], *%s = %s_t;" % (p, p, p)]
    out += ["\tfor (unsigned int i = 0; i < %s_n; i++) {" % p,
            "\t\tunsigned int o = %s;" % ("kmapsim_pick(0, 1)" if kind == "sg" and not single else "0"),
            "\t\tunsigned int off = %s;" % ("0" if single else "kmapsim_pick(0, PAGE_SIZE - 1)"),
            "\t\tunsigned int len = kmapsim_pick(1, (PAGE_SIZE << o) - off);",
            "\t\t%s_order[i] = o;" % p,
            "\t\t%s_total += len;" % p,
            "\t\t%s_pg[i] = alloc_pages(GFP_HIGHUSER | __GFP_NOFAIL, o);" % p]
    if kind == "sg":
        out.append("\t\tsg_set_page(&%s_t[i], %s_pg[i], len, off);" % (p, p))
    else:
        out += ["\t\t%s_t[i].bv_page = %s_pg[i];" % (p, p),
                "\t\t%s_t[i].bv_offset = off;" % p,
                "\t\t%s_t[i].bv_len = len;" % p]
    out.append("\t}")
    if kind == "sg":
        out.append("\tsg_mark_end(&%s_t[%s_n - 1]);" % (p, p))
    post.append("\tfor (unsigned int i = 0; i < %s_n; i++)\n\t\t__free_pages(%s_pg[i], %s_order[i]);" % (p, p, p))
    return out


# The packets a struct sk_buff * harness builds and takes apart, once per
# unit (a unit may hold the harnesses of several functions).
SKB_HELPERS = r"""
#ifndef KMAPSIM_HARNESS_SKB
#define KMAPSIM_HARNESS_SKB
/*
 * A packet as a driver's receive path or a sender's page splicing leaves
 * one: a linear head of 0..256 bytes with its skb_shared_info after it, and
 * 0..3 page fragments, each over a fresh page of order 0..1 (lowmem or
 * highmem, as the run decides; a page_frag allocation's compound page is
 * the order-1 case) at a picked offset and length within it.
 */
static struct sk_buff *kmapsim_skb_build(void)
{
	unsigned int head = kmapsim_pick(0, 256), n = kmapsim_pick(0, 3), i;
	struct sk_buff *skb = kzalloc(sizeof(*skb), GFP_KERNEL | __GFP_NOFAIL);

	skb->head = kzalloc(SKB_DATA_ALIGN(head) + SKB_DATA_ALIGN(sizeof(struct skb_shared_info)),
			    GFP_KERNEL | __GFP_NOFAIL);
	skb->data = skb->head;
	skb_reset_tail_pointer(skb);
	skb_set_end_offset(skb, SKB_DATA_ALIGN(head));
	refcount_set(&skb->users, 1);
	atomic_set(&skb_shinfo(skb)->dataref, 1);
	__skb_put(skb, head);
	for (i = 0; i < n; i++) {
		unsigned int o = kmapsim_pick(0, 1);
		unsigned int off = kmapsim_pick(0, (PAGE_SIZE << o) - 1);
		unsigned int len = kmapsim_pick(1, (PAGE_SIZE << o) - off);

		skb_fill_page_desc(skb, i, alloc_pages(GFP_HIGHUSER | __GFP_COMP | __GFP_NOFAIL, o), off, len);
		skb->len += len;
		skb->data_len += len;
		skb->truesize += PAGE_SIZE << o;
	}
	return skb;
}

/*
 * Taken apart as kfree_skb() would, from what the packet holds after the
 * call (the tree's slab caches for it are not the model's).
 */
static void kmapsim_skb_free(struct sk_buff *skb)
{
	unsigned int i;

	if (skb_shinfo(skb)->frag_list)
		kmapsim_skb_free(skb_shinfo(skb)->frag_list);
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
		struct page *p = skb_frag_page(&skb_shinfo(skb)->frags[i]);

		__free_pages(p, compound_order(p));
	}
	kfree(skb->head);
	kfree(skb);
}
#endif
"""


BH_HELPERS = r"""
#ifndef KMAPSIM_HARNESS_BH
#define KMAPSIM_HARNESS_BH
/*
 * A block of a page-cache page as a block filesystem hands one over: an
 * order-0 page (lowmem or highmem, as the run decides) split into blocks
 * of the given size, their buffer heads on the page's b_this_page ring and
 * attached as the page's private data, each uptodate and mapped, its
 * b_data as set_bh_page() and folio_set_bh() leave it (the offset in the
 * page for a highmem page, the address otherwise). The one returned is a
 * picked block of the ring, holding its caller's reference.
 */
static struct buffer_head *kmapsim_bh_build(unsigned int size)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	unsigned int n = PAGE_SIZE / size, pick = kmapsim_pick(0, n - 1), i;
	struct buffer_head *head = NULL, *prev = NULL, *ret = NULL;

	for (i = 0; i < n; i++) {
		struct buffer_head *bh = kzalloc(sizeof(*bh), GFP_KERNEL | __GFP_NOFAIL);

		bh->b_page = page;
		bh->b_size = size;
		bh->b_blocknr = i;
		bh->b_data = PageHighMem(page) ? (char *)(unsigned long)(i * size)
					       : (char *)page_address(page) + i * size;
		bh->b_state = (1UL << BH_Uptodate) | (1UL << BH_Mapped);
		if (prev)
			prev->b_this_page = bh;
		else
			head = bh;
		prev = bh;
		if (i == pick)
			ret = bh;
	}
	prev->b_this_page = head;
	folio_attach_private(page_folio(page), head);
	atomic_set(&ret->b_count, 1);
	return ret;
}

/* The ring and its page, freed as try_to_free_buffers() would. */
static void kmapsim_bh_free(struct buffer_head *bh)
{
	struct folio *folio = page_folio(bh->b_page);
	struct buffer_head *p = bh->b_this_page;

	while (p != bh) {
		struct buffer_head *next = p->b_this_page;

		kfree(p);
		p = next;
	}
	kfree(bh);
	folio_detach_private(folio);
	folio_put(folio);
}
#endif
"""


def _skb_setup(p, post):
    """A packet named p (SKB_HELPERS), and on some runs a second one chained
    behind it on its frag_list, as GRO and IP reassembly leave them, which
    the tree's walkers recurse into (skb_walk_frags()). p_total is skb->len,
    which offsets and lengths into the packet stay within (_room())."""
    post.append("\tkmapsim_skb_free(%s);" % p)
    return ["\tstruct sk_buff *%s = kmapsim_skb_build();" % p,
            "\tif (kmapsim_pick(0, 1)) {\t/* a frag_list */",
            "\t\tstruct sk_buff *%s_next = kmapsim_skb_build();" % p,
            "\t\tskb_shinfo(%s)->frag_list = %s_next;" % (p, p),
            "\t\t%s->len += %s_next->len;" % (p, p),
            "\t\t%s->data_len += %s_next->len;" % (p, p),
            "\t\t%s->truesize += %s_next->truesize;" % (p, p),
            "\t}",
            "\tsize_t %s_total = %s->len;" % (p, p)]


def _room(lists, taken):
    """The bytes every list holds past the offsets and lengths TAKEN (an
    expression): a function that walks a list by an offset and a length
    (scatterwalk_map_and_copy()) may expect both to end within it, and a
    harness must not pass more than a caller could."""
    totals = ["%s_total" % p for p, _ in lists]
    have = totals[0] if len(totals) == 1 else "(%s < %s ? %s : %s)" % (totals[0], totals[1], totals[0], totals[1])
    if not taken:
        return have
    used = _reach(taken)
    return "(%s > %s ? %s - (%s) : 0)" % (have, used, have, used)


def _reach(cover):
    """The bytes the offsets and lengths COVER reach, together (an expression)."""
    return " + ".join("(size_t)%s" % c for c in cover) or "0"


def _bvec_cover_setup(p, cover, post):
    """A bio_vec array of exactly as many single-page segments as cover the
    bytes the offsets and the length reach (at least one): the first starts
    anywhere in its page, the others at 0, each runs to its page's end but
    the last, which ends anywhere past the covered bytes; each page lowmem or
    highmem as the run decides. The array is kmalloc()ed to its size, so a
    walk past its end is a memory-error."""
    need = _reach(cover)
    post.append("\tfor (unsigned int i = 0; i < %s_n; i++)\n\t\t__free_page(%s[i].bv_page);\n\tkfree(%s);"
                % (p, p, p))
    return ["\tsize_t %s_need = %s;" % (p, need),
            "\tunsigned int %s_off0 = kmapsim_pick(0, PAGE_SIZE - 1);" % p,
            "\tunsigned int %s_n = 1 + (%s_need > PAGE_SIZE - %s_off0 ?" % (p, p, p),
            "\t\t(%s_need - (PAGE_SIZE - %s_off0) + PAGE_SIZE - 1) / PAGE_SIZE : 0);" % (p, p),
            "\tstruct bio_vec *%s = kmalloc_array(%s_n, sizeof(*%s), GFP_KERNEL | __GFP_NOFAIL);" % (p, p, p),
            "\tsize_t %s_total = 0;" % p,
            "\tfor (unsigned int i = 0; i < %s_n; i++) {" % p,
            "\t\tunsigned int off = i ? 0 : %s_off0;" % p,
            "\t\tsize_t left = %s_need > %s_total ? %s_need - %s_total : 0;" % (p, p, p, p),
            "\t\tsize_t lo = left < PAGE_SIZE - off ? left : PAGE_SIZE - off;",
            "\t\tunsigned int len = i + 1 < %s_n ? PAGE_SIZE - off : kmapsim_pick(lo ? lo : 1, PAGE_SIZE - off);" % p,
            "\t\t%s[i].bv_page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);" % p,
            "\t\t%s[i].bv_offset = off;" % p,
            "\t\t%s[i].bv_len = len;" % p,
            "\t\t%s_total += len;" % p,
            "\t}"]


def _page_array_setup(p, cover, post):
    """An array of exactly as many fresh pages (lowmem or highmem as the
    run decides) as the bytes the offsets and the length reach (at least
    one), kmalloc()ed to its size: a walk past its last page is a
    memory-error."""
    need = _reach(cover)
    post.append("\tfor (unsigned int i = 0; i < %s_n; i++)\n\t\t__free_page(%s[i]);\n\tkfree(%s);" % (p, p, p))
    return ["\tunsigned int %s_n = %s > PAGE_SIZE ? (%s + PAGE_SIZE - 1) / PAGE_SIZE : 1;" % (p, need, need),
            "\tstruct page **%s = kmalloc_array(%s_n, sizeof(*%s), GFP_KERNEL | __GFP_NOFAIL);" % (p, p, p),
            "\tfor (unsigned int i = 0; i < %s_n; i++)" % p,
            "\t\t%s[i] = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);" % p]


def _iter_setup(p, kinds, direction, post, unit_text):
    if not kinds:   # the unit has none of the tree's constructors
        raise errors.BadInput("parameter 'struct iov_iter *%s': the unit defines no iov_iter type kmapsim can "
                              "build" % p)
    out = ["\tstruct iov_iter %s_s, *%s = &%s_s;" % (p, p, p)]
    if "pipe" in kinds:
        out.append("\tstruct pipe_inode_info *%s_pipe = NULL;" % p)
        # free_pipe_info(): every slot that holds a buffer is released
        # through its ops (put_page() for the tree's default and page-cache ops)
        post.append("\tif (%s_pipe) {\n"
                    "\t\tfor (unsigned int k = 0; k < %s_pipe->ring_size; k++)\n"
                    "\t\t\tif (%s_pipe->bufs[k].ops)\n"
                    "\t\t\t\tpipe_buf_release(%s_pipe, &%s_pipe->bufs[k]);\n"
                    "\t\tkfree(%s_pipe->bufs);\n"
                    "\t\tkfree(%s_pipe);\n"
                    "\t}" % ((p,) * 7))
    if "xarray" in kinds or "folioq" in kinds:
        out += ["\tstruct folio *%s_fo[8];" % p,
                "\tunsigned int %s_nfo = 0;" % p,
                "\tstruct xarray *%s_xa = NULL;" % p,
                "\tvoid *%s_fq = NULL, *%s_fq2 = NULL;   /* at most two folio_queue segments */" % (p, p)]
        post.append("\tif (%s_xa)\n\t\txa_destroy(%s_xa);\n\tkfree(%s_fq);\n\tkfree(%s_fq2);" % (p, p, p, p))
        post.append("\tfor (unsigned int k = 0; k < %s_nfo; k++)\n\t\tfolio_put(%s_fo[k]);" % (p, p))
    out.append("\tswitch (kmapsim_pick(0, %d)) {" % (len(kinds) - 1))
    for k, kind in enumerate(kinds):
        out.append("\tcase %d: {" % k)
        if kind == "ubuf":
            out.append("\t\tiov_iter_ubuf(%s, %d, kmapsim_user_buffer(kmapsim_len), kmapsim_len);" % (p, direction))
        elif kind == "iovec":
            out += ["\t\tstatic struct iovec iov[2];",
                    "\t\tsize_t cut = kmapsim_pick(0, kmapsim_len);",
                    "\t\tchar __user *u = kmapsim_user_buffer(kmapsim_len);",
                    "\t\tiov[0].iov_base = u; iov[0].iov_len = cut;",
                    "\t\tiov[1].iov_base = u + cut; iov[1].iov_len = kmapsim_len - cut;",
                    "\t\tiov_iter_init(%s, %d, iov, 2, kmapsim_len);" % (p, direction)]
        elif kind == "kvec":
            out += ["\t\tstatic struct kvec kv[2];",
                    "\t\tsize_t cut = kmapsim_pick(0, kmapsim_len);",
                    "\t\tchar *b = kmalloc(kmapsim_len + 1, GFP_KERNEL | __GFP_NOFAIL);",
                    "\t\tkv[0].iov_base = b; kv[0].iov_len = cut;",
                    "\t\tkv[1].iov_base = b + cut; kv[1].iov_len = kmapsim_len - cut;",
                    "\t\tiov_iter_kvec(%s, %d, kv, 2, kmapsim_len);" % (p, direction)]
        elif kind == "discard":
            out.append("\t\tiov_iter_discard(%s, %d, kmapsim_len);" % (p, direction))
        elif kind == "bvec":
            out += ["\t\tstatic struct bio_vec bv[4];",
                    "\t\tsize_t left = kmapsim_len;",
                    "\t\tunsigned int nr = 0;",
                    "\t\twhile (left && nr < 4) {",
                    "\t\t\tsize_t n = left < PAGE_SIZE ? left : PAGE_SIZE;",
                    "\t\t\tbv[nr].bv_page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);",
                    "\t\t\tbv[nr].bv_offset = 0;",
                    "\t\t\tbv[nr].bv_len = n;",
                    "\t\t\tleft -= n;",
                    "\t\t\tnr++;",
                    "\t\t}",
                    "\t\tiov_iter_bvec(%s, %d, bv, nr, kmapsim_len);" % (p, direction)]
        elif kind in ("xarray", "folioq"):
            out += _folios_setup(p, kind, direction, unit_text)
        elif kind == "pipe":
            out += _pipe_setup(p)
        out.append("\t\tbreak;\n\t}")
    out.append("\t}")
    return out


def _folios_setup(p, kind, direction, unit_text):
    """Folios of order 0..2 (each lowmem or highmem, as the run decides)
    covering the iterator's bytes from an offset anywhere in the first: in
    an xarray as the page cache holds them (a multi-index entry per folio,
    at an index aligned to its order, stored with the xas_store() /
    xas_nomem() loop of filemap_add_folio()), or appended to a folio_queue
    segment (netfs's rolling buffer: folioq_init(), folioq_append())."""
    out = ["\t\tunsigned int o = kmapsim_pick(0, 2);",
           "\t\tsize_t first_off = kmapsim_pick(0, (PAGE_SIZE << o) - 1);",
           "\t\tsize_t want = first_off + kmapsim_len, have = 0;",
           "\t\tunsigned long index = 0;"]
    if kind == "xarray":
        out += ["\t\tstatic struct xarray xa;",
                "\t\txa_init(&xa);",
                "\t\t%s_xa = &xa;" % p]
    else:
        # 6.12.y's folioq_init() takes the request id for tracing; earlier
        # 6.12 releases take the segment only
        two = re.search(r"folioq_init\s*\(\s*struct folio_queue \*\s*\w+\s*,", unit_text)
        init = ", 0" if two else ""
        # Either one segment from slot 0, or a segment whose first slots
        # netfs has consumed (folioq_clear() after folioq_append(): NULL)
        # with the iterator at one of its last two slots, so the walk goes
        # on through folioq->next into a second segment.
        out += ["\t\tstruct folio_queue *fq = kzalloc(sizeof(*fq), GFP_KERNEL | __GFP_NOFAIL), *seg = fq;",
                "\t\tunsigned int first_slot = kmapsim_pick(0, 1) ? folioq_nr_slots(fq) - 1 - kmapsim_pick(0, 1) : 0;",
                "\t\tfolioq_init(fq%s);" % init,
                "\t\t%s_fq = fq;" % p,
                "\t\tif (first_slot) {",
                "\t\t\tstruct folio *used = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, 0);",
                "\t\t\tfor (unsigned int s = 0; s < first_slot; s++) {",
                "\t\t\t\tfolioq_append(fq, used);",
                "\t\t\t\tfolioq_clear(fq, s);",
                "\t\t\t}",
                "\t\t\tfolio_put(used);",
                "\t\t}"]
    out += ["\t\twhile ((have < want || !%s_nfo) && %s_nfo < 8) {" % (p, p),
            "\t\t\tstruct folio *f;"]
    if kind == "xarray":
        out += ["\t\t\twhile (index & ((1UL << o) - 1))",
                "\t\t\t\to--;"]
    out += ["\t\t\tf = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, o);"]
    if kind == "xarray":
        out += ["\t\t\tXA_STATE_ORDER(xas, &xa, index, o);",
                "\t\t\tdo {",
                "\t\t\t\txas_lock(&xas);",
                "\t\t\t\txas_store(&xas, f);",
                "\t\t\t\txas_unlock(&xas);",
                "\t\t\t} while (xas_nomem(&xas, GFP_KERNEL | __GFP_NOFAIL));"]
    else:
        out += ["\t\t\tif (folioq_full(seg)) {",
                "\t\t\t\tstruct folio_queue *next = kzalloc(sizeof(*next), GFP_KERNEL | __GFP_NOFAIL);",
                "\t\t\t\tfolioq_init(next%s);" % init,
                "\t\t\t\tseg->next = next;",
                "\t\t\t\tnext->prev = seg;",
                "\t\t\t\tseg = next;",
                "\t\t\t\t%s_fq2 = next;" % p,
                "\t\t\t}",
                "\t\t\tfolioq_append(seg, f);"]
    out += ["\t\t\t%s_fo[%s_nfo++] = f;" % (p, p),
            "\t\t\tindex += 1UL << o;",
            "\t\t\thave += PAGE_SIZE << o;",
            # the orders of the first three folios are picked, and the rest
            # repeat the third's: each change of order between neighbours
            # is there, and the exhaustive enumeration stays ~3^3 per
            # offset instead of 3^8
            "\t\t\tif (%s_nfo < 3)" % p,
            "\t\t\t\to = kmapsim_pick(0, 2);",
            "\t\t}"]
    if kind == "xarray":
        out.append("\t\tiov_iter_xarray(%s, %d, &xa, first_off, kmapsim_len);" % (p, direction))
    else:
        out.append("\t\tiov_iter_folio_queue(%s, %d, fq, first_slot, first_off, kmapsim_len);" % (p, direction))
    return out


def _pipe_setup(p):
    """A pipe as alloc_pipe_info() makes it (a ring of PIPE_DEF_BUFFERS
    pipe_buffers, max_usage the ring's size), its head and tail counters
    starting at 0, at the ring's last slot or just before they wrap, holding
    0, 1, 2 or ring - 1 anonymous buffers of 1..PAGE_SIZE bytes as the pipe
    path's own push_anon() leaves them; then the tree's iov_iter_pipe()."""
    return ["\t\tstruct pipe_inode_info *pipe = kzalloc(sizeof(*pipe), GFP_KERNEL | __GFP_NOFAIL);",
            "\t\tunsigned int start = kmapsim_pick(0, 2), used = kmapsim_pick(0, 3);",
            "\t\tmutex_init(&pipe->mutex);",
            "\t\tpipe->bufs = kcalloc(PIPE_DEF_BUFFERS, sizeof(struct pipe_buffer), GFP_KERNEL | __GFP_NOFAIL);",
            "\t\tpipe->ring_size = PIPE_DEF_BUFFERS;",
            "\t\tpipe->max_usage = PIPE_DEF_BUFFERS;",
            "\t\tpipe->readers = pipe->writers = 1;",
            "\t\tpipe->head = pipe->tail = start == 0 ? 0 : start == 1 ? PIPE_DEF_BUFFERS - 1 : ~0U - 1;",
            "\t\tif (used == 3)",
            "\t\t\tused = PIPE_DEF_BUFFERS - 1;",
            "\t\t%s_pipe = pipe;" % p,
            "\t\tfor (unsigned int k = 0; k < used; k++) {",
            "\t\t\tstruct pipe_buffer *buf = &pipe->bufs[pipe->head++ & (pipe->ring_size - 1)];",
            "\t\t\tbuf->page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);",
            "\t\t\tbuf->ops = &default_pipe_buf_ops;",
            "\t\t\tbuf->offset = 0;",
            "\t\t\tbuf->len = kmapsim_pick(1, PAGE_SIZE);",
            "\t\t}",
            "\t\tiov_iter_pipe(%s, 0, pipe, kmapsim_len);" % p]
