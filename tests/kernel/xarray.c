/* SPDX-License-Identifier: MIT */
/*
 * kmapsim's XArray (linux/xarray.h) keeps the kernel's semantics, checked
 * with BUG_ON() (a wrong answer is a subject-bug report):
 * - xarray_api: multi-index entries stored as the page cache stores folios
 *   (XA_STATE_ORDER, xas_store() under xas_lock(), the xas_nomem() retry),
 *   loads at every index of an entry, walks from inside an entry and
 *   bounded by max, a store into an entry replacing all of it, xa_erase(),
 *   value entries, -ENOMEM from xa_store() when its allocation fails,
 *   xa_insert()'s -EBUSY at any index of an entry, xa_for_each() and
 *   xa_for_each_start() (each entry once, at its first index or the start
 *   inside it), xa_destroy();
 * - xarray_walk_ok / xarray_walk_overrun: a walk of page-cache folios that
 *   zeroes each page through kmap_local_folio() is clean; one that zeroes
 *   the whole folio through one page's mapping is a kmap-overrun wherever
 *   that map is a one-page window.
 */
#include <kmapsim/subject.h>

static void store_folio(struct xarray *xa, unsigned long index, struct folio *f)
{
	XA_STATE_ORDER(xas, xa, index, folio_order(f));

	do {
		xas_lock(&xas);
		xas_store(&xas, f);
		xas_unlock(&xas);
	} while (xas_nomem(&xas, GFP_KERNEL | __GFP_NOFAIL));
	BUG_ON(xas_error(&xas));
}

KMAPSIM_SUBJECT(xarray_api)
{
	static struct xarray xa;
	struct folio *f0 = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, 1);
	struct folio *f1 = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, 0);
	struct folio *f2 = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, 2);
	struct folio *f3 = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, 0);
	unsigned long start = kmapsim_pick(0, 8), max = kmapsim_pick(0, 9);
	unsigned long idx[3], n = 0, i;
	struct folio *seen[3], *f;
	void *ret;
	int err;

	xa_init(&xa);
	BUG_ON(!xa_empty(&xa) || xa_load(&xa, 0));
	store_folio(&xa, 0, f0);	/* indices 0-1 */
	store_folio(&xa, 2, f1);	/* 2; 3 is a hole */
	store_folio(&xa, 4, f2);	/* 4-7 */
	BUG_ON(xa_load(&xa, 0) != f0 || xa_load(&xa, 1) != f0 || xa_load(&xa, 2) != f1);
	BUG_ON(xa_load(&xa, 3) || xa_load(&xa, 8));
	for (i = 4; i < 8; i++)
		BUG_ON(xa_load(&xa, i) != f2);

	/* each entry once, in order, from the one holding start, up to max */
	{
		XA_STATE(xas, &xa, start);

		rcu_read_lock();
		xas_for_each(&xas, f, max) {
			if (xas_retry(&xas, f))
				continue;
			BUG_ON(n == 3);
			idx[n] = xas.xa_index;
			seen[n++] = f;
		}
		rcu_read_unlock();
	}
	{
		struct folio *all[3] = { f0, f1, f2 };
		unsigned long first[3] = { 0, 2, 4 }, last[3] = { 1, 2, 7 }, k = 0;

		for (i = 0; i < 3; i++) {
			if (last[i] < start || first[i] > max || (start > max))
				continue;
			BUG_ON(k >= n || seen[k] != all[i]);
			BUG_ON(idx[k] != (first[i] > start ? first[i] : start));
			k++;
		}
		BUG_ON(k != n);
	}

	/* xa_insert(): -EBUSY at any index an entry covers; a hole takes it
	 * (or -ENOMEM when the allocation fails) */
	BUG_ON(xa_insert(&xa, kmapsim_pick(4, 7), xa_mk_value(1), GFP_KERNEL) != -EBUSY);
	BUG_ON(xa_load(&xa, 4) != f2 || xa_load(&xa, 7) != f2);
	err = xa_insert(&xa, 3, xa_mk_value(9), GFP_KERNEL);
	BUG_ON(err && err != -ENOMEM);
	BUG_ON((xa_load(&xa, 3) == xa_mk_value(9)) != !err);
	/* xa_for_each(): each entry once, in order, at its first index */
	{
		unsigned long want_idx[4] = { 0, 2, 3, 4 }, k = 0;
		void *want[4] = { f0, f1, xa_mk_value(9), f2 }, *e;

		xa_for_each(&xa, i, e) {
			if (k == 2 && err)
				k++;	/* no value at 3 */
			BUG_ON(k == 4 || i != want_idx[k] || e != want[k]);
			k++;
		}
		BUG_ON(k != 4);
		/* from inside an entry: that entry, at the index it started from */
		k = 0;
		xa_for_each_start(&xa, i, e, 5) {
			BUG_ON(k++ || i != 5 || e != f2);
		}
		BUG_ON(k != 1);
	}
	if (!err)
		BUG_ON(xa_erase(&xa, 3) != xa_mk_value(9));

	/* a value entry in the hole; the allocation may fail (-ENOMEM) */
	ret = xa_store(&xa, 3, xa_mk_value(7), GFP_KERNEL);
	if (xa_is_err(ret)) {
		BUG_ON(xa_err(ret) != -ENOMEM || xa_load(&xa, 3));
	} else {
		BUG_ON(ret || !xa_is_value(xa_load(&xa, 3)) || xa_to_value(xa_load(&xa, 3)) != 7);
		BUG_ON(xa_erase(&xa, 3) != xa_mk_value(7) || xa_load(&xa, 3));
	}

	/* a store into any index of a multi-index entry replaces all of it */
	store_folio(&xa, 4 + kmapsim_pick(0, 3), f3);
	BUG_ON(xa_load(&xa, 4) == f2 || xa_load(&xa, 7) == f2);
	for (i = 4, n = 0; i < 8; i++)
		n += xa_load(&xa, i) == f3;
	BUG_ON(n != 1);

	BUG_ON(xa_erase(&xa, 1) != f0 || xa_load(&xa, 0) || xa_load(&xa, 1));
	xa_destroy(&xa);
	BUG_ON(!xa_empty(&xa) || xa_load(&xa, 2));
	folio_put(f0);
	folio_put(f1);
	folio_put(f2);
	folio_put(f3);
}

/* Folios of order 0..2 at aligned indices from 0, as the page cache has them. */
static unsigned int fill(struct xarray *xa, struct folio **fo)
{
	unsigned long index = 0;
	unsigned int n;

	xa_init(xa);
	for (n = 0; n < 3; n++) {
		unsigned int o = kmapsim_pick(0, 2);

		while (index & ((1UL << o) - 1))
			o--;
		fo[n] = folio_alloc(GFP_HIGHUSER | __GFP_NOFAIL, o);
		store_folio(xa, index, fo[n]);
		index += 1UL << o;
	}
	return n;
}

static void walk(bool whole_folio)
{
	static struct xarray xa;
	struct folio *fo[3], *f;
	unsigned int n = fill(&xa, fo), i;
	XA_STATE(xas, &xa, kmapsim_pick(0, 3));

	rcu_read_lock();
	xas_for_each(&xas, f, ULONG_MAX) {
		size_t off;

		if (xas_retry(&xas, f))
			continue;
		for (off = 0; off < folio_size(f); off += PAGE_SIZE) {
			char *p = kmap_local_folio(f, off);

			memset(p, 0, whole_folio ? folio_size(f) - off : PAGE_SIZE);
			kunmap_local(p);
		}
	}
	rcu_read_unlock();
	xa_destroy(&xa);
	for (i = 0; i < n; i++)
		folio_put(fo[i]);
}

KMAPSIM_SUBJECT(xarray_walk_ok)
{
	walk(false);
}

KMAPSIM_SUBJECT(xarray_walk_overrun)
{
	walk(true);
}
