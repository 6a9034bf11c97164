/*
 * A leak behind a 32-bit magic value: reachable under --fuzz only through
 * libFuzzer's comparison tracing, which finds the operands of
 * `tag == RECORD_MAGIC` and writes the wanted one into the input (a random
 * input hits it once in 2^32). fuzz/trace_cmp_gate.cc turns that tracing
 * on only while libFuzzer's loop runs; tests/fuzz_trace_cmp.sh checks that
 * it is on there.
 */
#include <kmapsim/subject.h>

#define RECORD_MAGIC 0x5a17c0deu

static void parse_record(struct page *page, u32 tag, bool unmap_on_magic)
{
	u32 *kaddr = kmap(page);

	if (tag == RECORD_MAGIC) {
		kaddr[0] = tag;
		if (!unmap_on_magic)
			return;         /* the early return keeps the kmap() */
	}
	kunmap(page);
}

static void run_record(bool unmap_on_magic)
{
	struct page *page = alloc_page(GFP_HIGHUSER | __GFP_NOFAIL);
	u32 tag = kmapsim_pick(0, 0xffffffffu);

	parse_record(page, tag, unmap_on_magic);
	__free_page(page);
}

KMAPSIM_SUBJECT(magic_leak)
{
	run_record(false);
}

KMAPSIM_SUBJECT(magic_unmapped)
{
	run_record(true);
}
