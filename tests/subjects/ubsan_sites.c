/*
 * memory-error from UBSan, with its site (tests/report_sites.py, label
 * driver): a bitmap of slot-in-use bits, one 32-bit word per 32 slots. The
 * buggy path finds the word but shifts by the whole slot number, which is
 * undefined from slot 32 on; UBSan's check fails there, and the report
 * names that line (marked `kmapsim: here`) as its "check" site, found from
 * the stack UBSan's handler runs on. The fixed twin shifts by the slot's
 * bit within its word.
 */
#include <kmapsim/subject.h>

#define NR_SLOTS 64

struct slot_map {
	u32 words[NR_SLOTS / 32];
};

static void mark_slot_unreduced(struct slot_map *map, unsigned int slot)
{
	map->words[slot / 32] |= 1u << slot; /* kmapsim: here */
}

static void mark_slot(struct slot_map *map, unsigned int slot)
{
	map->words[slot / 32] |= 1u << (slot % 32);
}

KMAPSIM_SUBJECT(slot_bit_unreduced)
{
	struct slot_map *map = kzalloc(sizeof(*map), GFP_KERNEL | __GFP_NOFAIL);

	mark_slot_unreduced(map, kmapsim_pick(0, NR_SLOTS - 1));
	kfree(map);
}

KMAPSIM_SUBJECT(slot_bit_reduced)
{
	struct slot_map *map = kzalloc(sizeof(*map), GFP_KERNEL | __GFP_NOFAIL);

	mark_slot(map, kmapsim_pick(0, NR_SLOTS - 1));
	kfree(map);
}
