/*
 * An ELF64 shared object with a "GNU" build-ID note, cached in one highmem
 * folio of a file's page cache and mapped by a vma, for the harnesses of
 * lib/buildid.c (buildid.c for 6.12, buildid_page.c for 6.1). The folio is
 * of the given order (a filesystem with large folios caches such; 6.12
 * does without THP), uptodate; the program headers follow the ELF header;
 * the PT_NOTE segment's note of 20 ID bytes is at a picked 4-byte aligned
 * offset anywhere in the folio, within a page or across a page's end.
 */
#pragma once

#define ID_BYTES	20
#define NOTE_BYTES	(sizeof(Elf64_Nhdr) + 4 + ID_BYTES)	/* header, "GNU\0", the ID */
#define PHNUM		2
#define NOTE_TYPE	3	/* NT_GNU_BUILD_ID */

struct cached_elf {
	struct vm_area_struct *vma;
	struct folio *folio;
	size_t note_off;
	u8 id[ID_BYTES];
};

/* Stores len bytes at off of the folio, a page's mapping at a time. */
static void folio_store(struct folio *folio, size_t off, const void *from, size_t len)
{
	while (len) {
		size_t chunk = min_t(size_t, len, PAGE_SIZE - offset_in_page(off));
		char *p = kmap_local_folio(folio, off);

		memcpy(p, from, chunk);
		kunmap_local(p);
		off += chunk;
		from += chunk;
		len -= chunk;
	}
}

static void elf_image(struct cached_elf *e)
{
	Elf64_Ehdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB, EV_CURRENT },
		.e_type = ET_DYN,
		.e_phoff = sizeof(Elf64_Ehdr),
		.e_phentsize = sizeof(Elf64_Phdr),
		.e_phnum = PHNUM,
	};
	Elf64_Phdr ph[PHNUM] = {
		{ .p_type = PT_LOAD, .p_offset = 0, .p_filesz = folio_size(e->folio) },
		{ .p_type = PT_NOTE, .p_offset = e->note_off, .p_filesz = NOTE_BYTES },
	};
	Elf64_Nhdr nh = { .n_namesz = 4, .n_descsz = ID_BYTES, .n_type = NOTE_TYPE };

	folio_store(e->folio, 0, &eh, sizeof(eh));
	folio_store(e->folio, eh.e_phoff, ph, sizeof(ph));
	folio_store(e->folio, e->note_off, &nh, sizeof(nh));
	folio_store(e->folio, e->note_off + sizeof(nh), "GNU", 4);
	folio_store(e->folio, e->note_off + sizeof(nh) + 4, e->id, ID_BYTES);
}

static void cached_elf_make(struct cached_elf *e, unsigned int order)
{
	struct address_space *mapping = kzalloc(sizeof(*mapping), GFP_KERNEL | __GFP_NOFAIL);
	struct file *file = kzalloc(sizeof(*file), GFP_KERNEL | __GFP_NOFAIL);
	size_t first = sizeof(Elf64_Ehdr) + PHNUM * sizeof(Elf64_Phdr);
	/* the page the note starts in, then where in it */
	size_t page = kmapsim_pick(0, (1u << order) - 1);
	int i;

	e->folio = folio_alloc(GFP_HIGHUSER_MOVABLE | __GFP_NOFAIL, order);
	e->note_off = page * PAGE_SIZE + 4 * kmapsim_pick(0, PAGE_SIZE / 4 - 1);
	if (e->note_off < first)
		e->note_off = first;
	if (e->note_off > folio_size(e->folio) - NOTE_BYTES)
		e->note_off = folio_size(e->folio) - NOTE_BYTES;
	for (i = 0; i < ID_BYTES; i++)
		e->id[i] = 0xb0 + i;
	elf_image(e);

	xa_init(&mapping->i_pages);
	mapping_set_gfp_mask(mapping, GFP_HIGHUSER_MOVABLE);
	BUG_ON(filemap_add_folio(mapping, e->folio, 0, GFP_KERNEL | __GFP_NOFAIL));
	folio_mark_uptodate(e->folio);
	folio_unlock(e->folio);
	file->f_mapping = mapping;
	e->vma = kzalloc(sizeof(*e->vma), GFP_KERNEL | __GFP_NOFAIL);
	e->vma->vm_file = file;
}

static void cached_elf_free(struct cached_elf *e)
{
	struct file *file = e->vma->vm_file;

	truncate_inode_pages_final(file->f_mapping);
	folio_put(e->folio);
	kfree(file->f_mapping);
	kfree(file);
	kfree(e->vma);
}
