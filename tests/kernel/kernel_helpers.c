// SPDX-License-Identifier: MIT
/*
 * The small helpers imported code leans on, modelled rather than trapping:
 * helpers_ok checks their values (byte order, 64-bit division, bit locks
 * and searches, page flags, delayed work, list splicing and moving,
 * try_cmpxchg and the other atomic forms, member groups, snprintf() and
 * scnprintf(), ksize() and kfree_sensitive(), hash lists, page and number
 * helpers, a folio's large/mapped/private tests and map count, in_range(),
 * tagged xarray pointers, the open(2) access modes, __pa() and __va(),
 * refcount_add() and its kin, the ordered atomic forms, checked
 * arithmetic, word halves, bulk and node allocation, page_frag_free(),
 * preemptible(), krealloc(), the caching forms of a page protection, oops_in_progress,
 * a BUILD_BUG_ON() that folds without being constant): a wrong one fires its
 * BUG_ON. The rest of the kernel surface is in tests/kernel/kernel_surface.c,
 * kernel_refs.c (RCU, references), kernel_waits.c and kernel_locks.c.
 */
#include <kmapsim/subject.h>
#include <linux/list.h>
#include <linux/ratelimit.h>
#include <linux/highmem.h>
#include <linux/math64.h>
#include <asm/byteorder.h>
#include <linux/cache.h>
#include <asm/ioctl.h>
#include <linux/lockdep.h>
#include <asm/local64.h>
#include <linux/minmax.h>
#include <linux/xarray.h>
#include <linux/refcount.h>
#include <asm/fcntl.h>
#include <linux/overflow.h>
#include <asm/processor.h>

static_assert(sizeof(__le32) == 4);	/* the kernel's one-argument form */
static_assert(sizeof(u64) == 8, "u64");
static bool delayed_ran;

/* linux/stddef.h's member helpers and types.h's bitmaps, as the tree's headers use them */
struct grouped {
	u8 head;
	struct_group(body, u32 a; u16 b;);
	DECLARE_BITMAP(map, 70);
	DECLARE_FLEX_ARRAY(u8, tail);
};
static_assert(sizeof_field(struct grouped, map) == 2 * sizeof(long), "bitmap");
/* the group is one struct over its members: b ends 6 bytes in, padding after it */
static_assert(offsetof(struct grouped, a) == offsetof(struct grouped, body) &&
	      offsetofend(struct grouped, b) == offsetof(struct grouped, body) + 6 &&
	      sizeof_field(struct grouped, body) == 8, "group");
static_assert(_AC(1, UL) << 63 != 0 && UL(1) == 1, "_AC");
/* the generic ioctl encoding of x86 and ARM */
static_assert(_IOC_SIZE(_IOWR('f', 3, u64)) == 8 && _IOC_DIR(_IOR('f', 3, u32)) == _IOC_READ &&
	      _IOC_NR(_IOW('f', 3, u32)) == 3, "ioctl");

/* linux/cache.h's group markers take no room and bound their members */
struct hot_cold {
	__cacheline_group_begin(hot);
	int a;
	long b;
	__cacheline_group_end(hot);
	int cold;
};
static_assert(sizeof(struct hot_cold) == 24, "markers");
static void hot_cold_layout(void)
{
	CACHELINE_ASSERT_GROUP_MEMBER(struct hot_cold, hot, b);
	CACHELINE_ASSERT_GROUP_SIZE(struct hot_cold, hot, 16);
}

struct item {
	int val;
	struct list_head node;
};

/* the values of a list, in order, as one number: 1, 2, 3 is 123 */
static int list_digits(struct list_head *head)
{
	struct item *it;
	int n = 0;

	list_for_each_entry(it, head, node)
		n = n * 10 + it->val;
	return n;
}

/* the fetch_, bitwise and conditional atomic forms' values */
static void atomic_check_ops(void)
{
	atomic_t a = ATOMIC_INIT(0);
	atomic64_t b = ATOMIC64_INIT(-1);
	atomic_long_t l = ATOMIC_LONG_INIT(6);

	BUG_ON(atomic_inc_not_zero(&a) || atomic_read(&a) != 0);
	BUG_ON(atomic_fetch_add_unless(&a, 3, 1) != 0 || atomic_read(&a) != 3);
	BUG_ON(atomic_add_unless(&a, 5, 3) || !atomic_inc_not_zero(&a) || atomic_read(&a) != 4);
	BUG_ON(atomic_fetch_add(2, &a) != 4 || atomic_fetch_sub(1, &a) != 6 || atomic_fetch_inc(&a) != 5);
	BUG_ON(atomic_fetch_dec(&a) != 6 || atomic_read(&a) != 5);
	atomic_or(0x10, &a);
	atomic_and(0x14, &a);
	atomic_andnot(0x4, &a);
	BUG_ON(atomic_read(&a) != 0x10 || atomic_fetch_or(1, &a) != 0x10 || atomic_fetch_and(1, &a) != 0x11);
	BUG_ON(atomic_fetch_andnot(1, &a) != 1 || atomic_read(&a) != 0);
	BUG_ON(atomic_dec_if_positive(&a) != -1 || atomic_read(&a) != 0);
	BUG_ON(!atomic_dec_unless_positive(&a) || atomic_read(&a) != -1 || atomic_inc_unless_negative(&a));
	BUG_ON(atomic64_inc_unless_negative(&b) || !atomic64_dec_unless_positive(&b) || atomic64_read(&b) != -2);
	BUG_ON(atomic_long_dec_if_positive(&l) != 5 || atomic_long_read(&l) != 5);
	BUG_ON(!atomic_long_inc_unless_negative(&l) || atomic_long_dec_unless_positive(&l) || atomic_long_read(&l) != 6);
}

/*
 * The ordered atomic forms, checked arithmetic, word halves, node and bulk
 * allocators, a fragment's page, preemptible() and the page tests the
 * packet and driver code of 6.12 uses.
 */
static void ordered_and_checked_helpers(void)
{
	static struct kmem_cache *cache;
	atomic_t a = ATOMIC_INIT(5);
	atomic_long_t l = ATOMIC_LONG_INIT(1);
	void *objs[3];
	struct page *pg;
	unsigned long flags;
	u32 s;
	u8 b;

	BUG_ON(atomic_sub_return_release(2, &a) != 3 || atomic_fetch_inc_relaxed(&a) != 3);
	BUG_ON(atomic_add_return_acquire(1, &a) != 5 || atomic_xchg_release(&a, 9) != 5);
	BUG_ON(atomic_cmpxchg_relaxed(&a, 9, 1) != 9 || atomic_read_acquire(&a) != 1);
	atomic_set_release(&a, 6);
	atomic_xor(3, &a);
	BUG_ON(atomic_fetch_xor_acquire(1, &a) != 5 || atomic_read(&a) != 4);
	BUG_ON(atomic_long_fetch_inc_relaxed(&l) != 1 || atomic_long_dec_return_release(&l) != 1);
	BUG_ON(check_add_overflow(250, 5, &b) || b != 255 || !check_add_overflow(250, 6, &b) || b != 0);
	BUG_ON(!check_sub_overflow(1u, 2u, &s) || s != 0xffffffffu || check_mul_overflow(3u, 5u, &s) || s != 15);
	BUG_ON(upper_32_bits(0x123456789abcdef0ULL) != 0x12345678 || lower_32_bits(0x123456789abcdef0ULL) != 0x9abcdef0);
	BUG_ON(upper_16_bits(0xabcd1234u) != 0xabcd || lower_16_bits(0xabcd1234u) != 0x1234 || upper_32_bits(7u) != 0);
	BUG_ON(kmalloc_size_roundup(100) != 100 || gfp_pfmemalloc_allowed(GFP_ATOMIC));
	BUG_ON(!(KMALLOC_NOT_NORMAL_BITS & GFP_DMA) || (KMALLOC_NOT_NORMAL_BITS & GFP_KERNEL));
	if (!cache)
		cache = kmem_cache_create("helpers", 24, 0, 0, NULL);
	if (cache && kmem_cache_alloc_bulk(cache, GFP_KERNEL, 3, objs) == 3) {
		BUG_ON(ksize(objs[2]) < 24);
		kmem_cache_free_bulk(cache, 3, objs);
	}
	kfree(kmalloc_node_track_caller(16, GFP_KERNEL, -1));
	BUG_ON(!preemptible());
	preempt_disable();
	BUG_ON(preemptible());
	preempt_enable();
	local_irq_save(flags);
	BUG_ON(preemptible());
	local_irq_restore(flags);
	pg = alloc_pages(GFP_KERNEL, 1);
	if (pg) {
		char *frag = (char *)page_address(pg) + PAGE_SIZE + 100;	/* in the second page */

		BUG_ON(virt_to_head_page(frag) != pg || PageSlab(pg) || !pfn_valid(page_to_pfn(pg)));
		get_page(pg);
		page_frag_free(frag);		/* one of two references */
		BUG_ON(page_count(pg) != 1);
		page_frag_free(frag);		/* the last: the block is freed */
	}
	BUG_ON(pfn_valid(~0ul));
}

/* folds to false without being an integer constant expression, as DRM's
 * ttm_manager_type() writes it: compiles, as in the kernel */
static int build_checked(int n)
{
	BUILD_BUG_ON(__builtin_constant_p(n) && n >= 64);
	BUILD_BUG_ON(sizeof(phandle) != 4);
	return n;
}

static void device_helpers(void)
{
	pgprot_t prot = PAGE_KERNEL;

	BUG_ON(oops_in_progress);
	BUG_ON(pgprot_val(pgprot_noncached(prot)) == pgprot_val(prot));
	BUG_ON((pgprot_val(pgprot_writecombine(prot)) & pgprot_val(prot)) != pgprot_val(prot));
	BUG_ON(__pgprot(pgprot_val(prot)) != prot);
#ifdef CONFIG_X86
	BUG_ON(boot_cpu_data.x86 <= 3);
#endif
	BUG_ON(build_checked(3) != 3);
}

static void list_helpers(void)
{
	struct item items[5] = { { 1 }, { 2 }, { 3 }, { 4 }, { 5 } };
	struct item *it, *tmp;
	LIST_HEAD(a);
	LIST_HEAD(b);
	atomic_long_t v = ATOMIC_LONG_INIT(5);
	long old = 4;
	int i, n = 0;

	for (i = 0; i < 3; i++)
		list_add_tail(&items[i].node, &a);
	list_add_tail(&items[3].node, &b);
	list_add_tail(&items[4].node, &b);
	list_splice_init(&a, &b);		/* a's entries first */
	BUG_ON(!list_empty(&a) || list_digits(&b) != 12345 || list_count_nodes(&b) != 5);
	list_move_tail(&items[0].node, &b);
	list_move(&items[4].node, &b);
	BUG_ON(list_digits(&b) != 52341 || !list_is_last(&items[0].node, &b) || !list_is_first(&items[4].node, &b));
	it = &items[2];
	list_for_each_entry_continue(it, &b, node)
		n = n * 10 + it->val;
	BUG_ON(n != 41);
	list_splice_tail_init(&b, &a);
	list_for_each_entry_safe_reverse(it, tmp, &a, node)
		if (it->val % 2)
			list_del(&it->node);
	BUG_ON(list_digits(&a) != 24 || !list_empty(&b) || list_is_singular(&a));
	list_del(&items[1].node);
	BUG_ON(!list_is_singular(&a));

	/* a failed try_cmpxchg stores nothing and hands back the value */
	BUG_ON(atomic_long_try_cmpxchg(&v, &old, 9) || old != 5 || atomic_long_read(&v) != 5);
	BUG_ON(!atomic_long_try_cmpxchg(&v, &old, 9) || atomic_long_read(&v) != 9);
	barrier_data(&old);
	atomic_check_ops();
	BUG_ON(u64_to_user_ptr((u64)0x1000) != (void __user *)0x1000);
	tmp = kvmalloc(sizeof(*tmp), GFP_KERNEL);
	kvfree(tmp);
}

/* strscpy(): the length copied, or -E2BIG with dst cut and terminated */
static void string_helpers(void)
{
	char small[4], big[8];

	BUG_ON(strscpy(small, "abc") != 3 || strcmp(small, "abc"));
	BUG_ON(strscpy(small, "abcd") != -E2BIG || strcmp(small, "abc"));
	BUG_ON(strscpy(big, "xy", 0) != -E2BIG || strscpy(big, "xy", 3) != 2);
	memset(big, 'z', sizeof(big));
	BUG_ON(strscpy_pad(big, "q") != 1 || big[1] || big[7]);
	BUG_ON(DIV_ROUND_UP_SECTOR_T((sector_t)1 << 40, 3) != (((sector_t)1 << 40) + 2) / 3);
	/* snprintf() returns what it would have written, scnprintf() what it wrote */
	BUG_ON(snprintf(small, sizeof(small), "%d-%s", 12, "ab") != 5 || strcmp(small, "12-"));
	BUG_ON(scnprintf(small, sizeof(small), "%d-%s", 12, "ab") != 3 || scnprintf(small, 0, "x") != 0);
	BUG_ON(sprintf(big, "%02x", 0xa) != 2 || strcmp(big, "0a"));
}

/* ksize() covers the allocation; kfree_sensitive() zeroes it, then frees */
/* krealloc(): contents kept, the grown tail zeroed under __GFP_ZERO, a
 * failure leaves the old block, size 0 frees it (ZERO_SIZE_PTR) */
static void krealloc_helpers(void)
{
	u32 *v = kmalloc_array(2, sizeof(*v), GFP_KERNEL | __GFP_ZERO);
	u32 *w;

	if (!v)
		return;
	v[0] = 7;
	v[1] = 9;
	w = krealloc_array(v, 4, sizeof(*v), GFP_KERNEL | __GFP_ZERO);
	if (!w) {
		BUG_ON(v[0] != 7 || v[1] != 9);	/* failed: v is still the caller's */
		kfree(v);
		return;
	}
	BUG_ON(w[0] != 7 || w[1] != 9 || w[2] != 0 || w[3] != 0);
	v = krealloc(w, sizeof(*v), GFP_KERNEL);
	if (!v) {
		kfree(w);
		return;
	}
	BUG_ON(v[0] != 7 || ksize(v) < sizeof(*v));
	BUG_ON(krealloc_array(v, SIZE_MAX / 2, 4, GFP_KERNEL) != NULL);	/* overflows: v untouched */
	v = krealloc(v, 0, GFP_KERNEL);
	BUG_ON(v != ZERO_SIZE_PTR || !ZERO_OR_NULL_PTR(v) || ZERO_OR_NULL_PTR(&v));
	kfree(v);
}

static void slab_helpers(void)
{
	char *key = kmalloc(24, GFP_KERNEL | __GFP_NOFAIL);

	BUG_ON(ksize(key) < 24 || ksize(NULL) != 0);
	memset(key, 0x5a, ksize(key));
	kfree_sensitive(key);
	kfree_sensitive(NULL);
	krealloc_helpers();
}

/* xchg()/cmpxchg()/try_cmpxchg() on plain scalars, the page-size helpers, byte swaps in place */
static void scalar_helpers(void)
{
	static struct lock_class_key key;
	void *slot = NULL, *seen;
	u64 word = 7, expect = 6;
	u32 be = 0x11223344;
	char page[2 * PAGE_SIZE];

	BUG_ON(xchg(&slot, (void *)&word) != NULL || slot != &word);
	seen = cmpxchg(&slot, NULL, (void *)&be);	/* fails: slot is &word */
	BUG_ON(seen != &word || slot != &word);
	BUG_ON(cmpxchg(&slot, (void *)&word, NULL) != &word || slot);
	BUG_ON(try_cmpxchg(&word, &expect, 9) || expect != 7 || word != 7);
	BUG_ON(!try_cmpxchg(&word, &expect, 9) || word != 9);
	BUG_ON(get_order(1) != 0 || get_order(PAGE_SIZE) != 0 || get_order(PAGE_SIZE + 1) != 1 ||
	       get_order(4 * PAGE_SIZE) != 2 || !PAGE_ALIGNED(PAGE_SIZE) || PAGE_ALIGNED(1));
	memset(page, 1, sizeof(page));
	clear_page(page + PAGE_SIZE);
	copy_page(page, page + PAGE_SIZE);
	BUG_ON(memchr_inv(page, 0, sizeof(page)));
	cpu_to_be32s(&be);
	BUG_ON(*(u8 *)&be != 0x11);
	le32_to_cpus(&be);
	BUG_ON(be != 0x44332211);
	BUILD_BUG_ON_INVALID(*(u64 *)NULL);	/* checked, never evaluated */
	lockdep_assert_held(&word);
	lockdep_set_class(&word, &key);
}

/* atomic_dec_and_lock(): the lock only for the last reference, and held then */
static DEFINE_SPINLOCK(last_ref_lock);

static void counting_helpers(void)
{
	atomic_t refs = ATOMIC_INIT(2);
	local64_t events = LOCAL64_INIT(5);

	BUG_ON(atomic_dec_and_lock(&refs, &last_ref_lock) || atomic_read(&refs) != 1);
	BUG_ON(!atomic_dec_and_lock(&refs, &last_ref_lock) || atomic_read(&refs) != 0);
	spin_unlock(&last_ref_lock);
	local64_add(3, &events);
	BUG_ON(local64_read(&events) != 8 || local64_inc_return(&events) != 9);
	BUG_ON(hweight8(0xff) != 8 || hweight32(0xf0f0) != 8 || hweight64(~0ULL) != 64 || hweight_long(6) != 2);
}

/* hash lists, and the page and number helpers around them */
struct hnode {
	int val;
	struct hlist_node link;
};

static void hlist_and_page_helpers(void)
{
	struct hnode a = { 1 }, b = { 2 }, *pos;
	struct hlist_node *tmp;
	HLIST_HEAD(head);
	struct folio *folio = folio_alloc(GFP_KERNEL, 2);
	DEFINE_RATELIMIT_STATE(rs, HZ, 1);
	sector_t sec = 1003;
	int sum = 0;

	INIT_HLIST_NODE(&a.link);
	BUG_ON(!hlist_unhashed(&a.link) || !hlist_empty(&head));
	hlist_add_head(&a.link, &head);
	hlist_add_head(&b.link, &head);		/* b first */
	hlist_for_each_entry(pos, &head, link)
		sum = sum * 10 + pos->val;
	BUG_ON(sum != 21 || hlist_unhashed_lockless(&a.link));
	hlist_del_init(&b.link);
	BUG_ON(!hlist_unhashed(&b.link) || head.first != &a.link || a.link.pprev != &head.first);
	hlist_for_each_entry_safe(pos, tmp, &head, link)
		hlist_del(&pos->link);
	BUG_ON(!hlist_empty(&head));
	if (folio) {
		BUG_ON(compound_nr(&folio->page) != 4 || compound_nr(&folio->page + 1) != 1);
		/* writeback on the head; no swap cache */
		BUG_ON(folio_start_writeback(folio) || !PageWriteback(&folio->page + 2) || !folio_start_writeback(folio));
		BUG_ON(!folio_test_clear_writeback(folio) || folio_test_writeback(folio) || folio_test_swapcache(folio));
		if (!PageHighMem(&folio->page))
			BUG_ON(virt_to_folio((char *)folio_address(folio) + 3 * PAGE_SIZE) != folio);
		folio_put(folio);
	}
	BUG_ON(MIN(3, 4) != 3 || MAX(3, 4) != 4 || sector_div(sec, 10) != 3 || sec != 100);
	BUG_ON(!WARN_ON_RATELIMIT(true, &rs) || WARN_ON_RATELIMIT(false, &rs));
}

/* a page by its address: lowmem, zeroed by get_zeroed_page(), 0 frees nothing */
static void free_page_helpers(void)
{
	unsigned long addr = get_zeroed_page(GFP_KERNEL | __GFP_HIGHMEM);

	if (addr) {
		BUG_ON(PageHighMem(virt_to_page((void *)addr)) || memchr_inv((void *)addr, 0, PAGE_SIZE));
		/* by address as a number too, as the kernel's macro takes it; no vmalloc space */
		BUG_ON(virt_to_page(addr + 5) != virt_to_page((void *)addr) || is_vmalloc_addr((void *)addr));
		((char *)addr)[PAGE_SIZE - 1] = 1;
		free_page(addr);
	}
	free_pages(0, 1);
}

/* mm/truncate.c's tests of a folio: large, mapped to user space, private */
static void folio_state_helpers(void)
{
	struct folio *small = folio_alloc(GFP_KERNEL, 0), *big = folio_alloc(GFP_HIGHUSER, 2);

	if (small) {
		BUG_ON(folio_test_large(small) || folio_mapped(small) || folio_has_private(small));
		folio_set_private(small);
		BUG_ON(!folio_has_private(small) || !page_has_private(&small->page));
		folio_clear_private(small);
		folio_put(small);
	}
	if (big) {
		BUG_ON(!folio_test_large(big) || folio_mapped(big) || page_mapped(folio_page(big, 3)));
		kmapsim_user_map(folio_page(big, 2));
		BUG_ON(!folio_mapped(big) || !page_mapped(folio_page(big, 0)));
		BUG_ON(page_mapcount(folio_page(big, 2)) != 1 || page_mapcount(folio_page(big, 1)) != 0);
		/* the flag bits by number, as a flags test reads them */
		folio_mark_uptodate(big);
		BUG_ON(!(big->flags & 1UL << PG_uptodate) || (big->flags & 1UL << PG_dirty) || PG_checked != PG_owner_priv_1);
		folio_put(big);
	}
}

/* ranges, tagged pointers, the open(2) access modes, an intended race */
static void range_and_tag_helpers(void)
{
	static int shared;
	unsigned int top = ~0u;
	int *p = &shared;

	BUG_ON(!in_range(5, 5, 1) || in_range(6, 5, 1) || in_range(4, 5, 10) || in_range(3, 3, 0));
	BUG_ON(!in_range(top, top - 1, 2) || !in_range(10ULL << 32, 1ULL << 32, 10ULL << 32));
	BUG_ON(xa_untag_pointer(xa_tag_pointer(p, 2)) != p || xa_pointer_tag(xa_tag_pointer(p, 3)) != 3 ||
	       xa_pointer_tag(p) != 0);
	BUG_ON((O_RDWR & O_ACCMODE) != O_RDWR || (O_WRONLY | O_CREAT | O_TRUNC) & O_RDWR || O_RDONLY != 0);
	BUG_ON(data_race(shared++) != 0 || shared != 1);
}

/* direct-map physical addresses, and references added in bulk */
static void address_and_ref_helpers(void)
{
	struct page *page = alloc_page(GFP_KERNEL);
	refcount_t ref = REFCOUNT_INIT(1);

	if (page) {
		char *va = page_address(page);

		BUG_ON(__pa(va + 17) != ((unsigned long)page_to_pfn(page) << PAGE_SHIFT | 17));
		BUG_ON(__va(__pa(va + 17)) != va + 17 || phys_to_virt(virt_to_phys(va)) != va);
		BUG_ON(pfn_to_kaddr(page_to_pfn(page)) != va || lowmem_page_address(page) != va);
		BUG_ON(page_is_pfmemalloc(page));
		__free_page(page);
	}
	refcount_add(3, &ref);
	BUG_ON(refcount_read(&ref) != 4 || !refcount_add_not_zero(1, &ref) || refcount_sub_and_test(2, &ref));
	BUG_ON(!refcount_sub_and_test(3, &ref) || refcount_add_not_zero(1, &ref) || refcount_read(&ref) != 0);
}

static void delayed_fn(struct work_struct *work)
{
	BUG_ON(to_delayed_work(work)->cpu != 7);
	delayed_ran = true;
}

KMAPSIM_SUBJECT(helpers_ok)
{
	static DECLARE_DELAYED_WORK(dwork, delayed_fn);
	unsigned long bits[2] = { 0, 0 };
	struct folio *folio = folio_alloc(GFP_KERNEL, 0);
	__le32 le = cpu_to_le32(0x11223344);
	u64 n = 1000000007ULL;
	u32 rem;

	BUG_ON(*(u8 *)&le != 0x44 || le32_to_cpu(le) != 0x11223344);
	BUG_ON(be16_to_cpu(cpu_to_be16(0x1234)) != 0x1234 || *(u8 *)&(__be16){ cpu_to_be16(0x1234) } != 0x12);
	rem = do_div(n, 1000);
	BUG_ON(n != 1000000 || rem != 7);
	BUG_ON(div64_ul(10, 3) != 3 || div_u64_rem(10, 4, &rem) != 2 || rem != 2 || DIV64_U64_ROUND_UP(7, 2) != 4);
	BUG_ON(test_and_set_bit_lock(70, bits) || !test_and_set_bit_lock(70, bits) || !test_bit_acquire(70, bits));
	clear_bit_unlock(70, bits);
	BUG_ON(bits[1] || __ffs(0x50) != 4 || __fls(0x50) != 6 || fls(0) != 0 || fls(0x80000000u) != 32 || ffz(0x7) != 3);
	if (folio) {
		BUG_ON(folio_test_dirty(folio) || folio_test_uptodate(folio) || folio->mapping || folio_get_private(folio));
		BUG_ON(!folio_mark_dirty(folio) || folio_mark_dirty(folio) || !PageDirty(&folio->page));
		folio_mark_uptodate(folio);
		SetPageChecked(&folio->page);
		BUG_ON(!folio_test_uptodate(folio) || !folio_test_checked(folio));
		folio_put(folio);
		/* the same frame again: the allocator cleared the flags */
		folio = folio_alloc(GFP_KERNEL, 0);
		if (folio) {
			BUG_ON(folio_test_dirty(folio) || folio_test_checked(folio));
			folio_put(folio);
		}
	}
	list_helpers();
	ordered_and_checked_helpers();
	device_helpers();
	folio_state_helpers();
	hot_cold_layout();
	string_helpers();
	slab_helpers();
	free_page_helpers();
	range_and_tag_helpers();
	address_and_ref_helpers();
	scalar_helpers();
	counting_helpers();
	hlist_and_page_helpers();
	dwork.cpu = 7;
	schedule_delayed_work(&dwork, HZ);
	flush_delayed_work(&dwork);
	BUG_ON(!delayed_ran);
}
