/*
 * 6.1's tbnet_start_xmit() unchanged (drivers/net/thunderbolt.c, before
 * the driver moved to drivers/net/thunderbolt/main.c): the same copy as
 * 6.12's, each fragment mapped with kmap_atomic() through its first page.
 * The harness and its subjects are tbnet_xmit.h's (see tbnet_xmit.c).
 */
#include <kmapsim/subject.h>

KMAPSIM_IMPORT("drivers/net/thunderbolt.c", tbnet_start_xmit);

/*
 * What dev_consume_skb_any() (sent) and dev_kfree_skb_any() (dropped) end
 * in on 6.1: the caller's reference was the last; the harness frees the
 * packet.
 */
void __dev_kfree_skb_any(struct sk_buff *skb, enum skb_free_reason reason)
{
	BUG_ON(!refcount_dec_and_test(&skb->users));
}

#include "tbnet_xmit.h"
