/*
 * drivers/net/thunderbolt/main.c's tbnet_start_xmit() unchanged (6.12;
 * tbnet_xmit_61.c: 6.1's drivers/net/thunderbolt.c, with kmap_atomic()):
 * the ThunderboltIP transmit path copies a packet into the Tx ring's
 * frames of TBNET_MAX_PAYLOAD_SIZE bytes each, taking each page fragment
 * through tbnet_kmap_frag(): one kmap_local_page() of the fragment's first
 * page, then a memcpy() of as much of the fragment as the frame has room
 * for. The harness is tbnet_xmit.h.
 *
 * The device sets NETIF_F_SG and NETIF_F_HIGHDMA, so the stack hands it
 * fragments in highmem as they are (illegal_highdma() linearizes only for
 * devices without NETIF_F_HIGHDMA), and it has no NETIF_F_FRAGLIST: no
 * frag_list. A fragment may lie in a compound page past its first page
 * (spliced pages of a large folio: the case net/core's own walkers step
 * page by page for, skb_frag_must_loop()). The checksum is left to the
 * stack (CHECKSUM_NONE), so the frames go out as copied.
 *
 * The harness is the device's side: a net_device with the driver's
 * struct tbnet behind it, a Tx ring of lowmem frames (the driver's
 * alloc_page(GFP_KERNEL) buffers) with room for the packet, and the NHI
 * ring the frames are queued to, which here counts them.
 *   xmit_small_frags  fragments within one page each (lowmem or highmem,
 *                     order 0..1, at a picked offset): every byte of the
 *                     packet lands in the frames in order. Clean
 *   xmit_compound_frag  one highmem fragment of an order-2 page that runs
 *                     past its first page: kmap-overrun (a fragment of a
 *                     compound page mapped through its first page only)
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("drivers/net/thunderbolt/main.c", tbnet_start_xmit);

/*
 * What dev_consume_skb_any() (sent) and dev_kfree_skb_any() (dropped) end
 * in: the caller's reference was the last; the harness frees the packet.
 */
void dev_kfree_skb_any_reason(struct sk_buff *skb, enum skb_drop_reason reason)
{
	BUG_ON(!refcount_dec_and_test(&skb->users));
}

#include "tbnet_xmit.h"
