/*
 * lib/buildid.c's build_id_parse() unchanged (6.1): the build ID of the ELF
 * file behind a vma, from the file's first cached page, mapped with
 * kmap_atomic(); every header and note must lie within that page (it
 * checks each against PAGE_SIZE) or the answer is -EINVAL.
 *
 * The file is buildid_elf.h's: an ELF64 object in one highmem folio of
 * order 0..2, its build-ID note anywhere in the folio.
 *   large_folio  a note within the first page is found and its ID read
 *                back; one that reaches past it is refused (clean on every
 *                profile: 6.12's reader of the same files, buildid.c, reads
 *                past the mapping)
 */
#include <kmapsim/subject.h>
#include "buildid_elf.h"

KMAPSIM_IMPORT("lib/buildid.c", build_id_parse);

KMAPSIM_SUBJECT(large_folio)
{
	struct cached_elf e;
	unsigned char id[BUILD_ID_SIZE_MAX];
	__u32 size = 0;
	int ret;

	cached_elf_make(&e, kmapsim_pick(0, 2));
	ret = build_id_parse(e.vma, id, &size);
	if (e.note_off + NOTE_BYTES <= PAGE_SIZE)
		BUG_ON(ret != 0 || size != ID_BYTES || memcmp(id, e.id, ID_BYTES) != 0);
	else
		BUG_ON(ret != -EINVAL);
	cached_elf_free(&e);
}
