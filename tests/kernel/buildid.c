/*
 * lib/buildid.c's build_id_parse_nofault() unchanged (6.12): the build ID
 * of the ELF file behind a vma, read from the page cache without sleeping
 * (BPF stack maps with build IDs, perf). Its reader (freader_fetch()) looks
 * up the cached folio that holds a file offset, maps it with
 * kmap_local_folio(folio, 0) and reads every offset of the folio through
 * that mapping.
 *
 * The file is buildid_elf.h's: an ELF64 object in one highmem folio, its
 * build-ID note anywhere in the folio.
 *   small_folio  an order-0 folio: the note is found and its ID read
 *                back (clean on every profile)
 *   large_folio  an order-1 or -2 folio: a note past the first page is read
 *                through the first page's mapping (kmap-overrun on strict
 *                and x86-32); on x86-64 the folio's pages follow one another
 *                in the direct map and the ID is read back right (clean).
 *                6.1's build_id_parse() maps the first page alone and
 *                refuses a note past it (buildid_page.c)
 */
#include <kmapsim/subject.h>
#include "buildid_elf.h"

KMAPSIM_IMPORT("lib/buildid.c", build_id_parse_nofault);

static void parse(unsigned int order)
{
	struct cached_elf e;
	unsigned char id[BUILD_ID_SIZE_MAX];
	__u32 size = 0;
	int ret;

	cached_elf_make(&e, order);
	ret = build_id_parse_nofault(e.vma, id, &size);
	BUG_ON(ret != 0 || size != ID_BYTES || memcmp(id, e.id, ID_BYTES) != 0);
	cached_elf_free(&e);
}

KMAPSIM_SUBJECT(small_folio) { parse(0); }
KMAPSIM_SUBJECT(large_folio) { parse(kmapsim_pick(1, 2)); }
