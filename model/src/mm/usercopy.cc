// Hardened usercopy's kmap check: check_object_size() runs before every user
// copy, and since 4e140f59d285 ("mm/usercopy: Check kmap addresses
// properly") a kernel pointer for which is_kmap_addr() holds may not reach
// past the end of its page: the copy is refused with
//
//   usercopy: Kernel memory exposure attempt detected from kmap (offset O, size N)!
//
// ("overwrite ... to kmap" for copies from user space). is_kmap_addr() is
// the PKMAP range, i.e. kmap() addresses (and page_address() of a page that
// kmap() holds). Local mappings live in the fixmap, are not checked there,
// and an overrun of one reaches its guard slot or a neighbouring mapping,
// which the rest of the model reports. Without HIGHMEM there is no PKMAP
// range and the check never fires.
#include "usercopy.h"

#include "machine.h"

namespace kmapsim {

void check_usercopy_kmap(Machine &m, const void *kaddr, unsigned long n, bool to_user, const char *api) {
  if (!m.profile().highmem || n == 0) return;
  const Arena &ar = m.arena();
  bool guard = false;
  int w = ar.window_of(kaddr, &guard);
  if (w < 0 || guard || !ar.is_pkmap(w)) return;  // not is_kmap_addr()
  unsigned long offset = static_cast<unsigned long>(static_cast<const char *>(kaddr) - ar.addr(w));
  if (n <= kPage - offset) return;
  int32_t pfn = m.pkmap().page_in(ar.pkmap_slot(w));
  m.report(BugClass::KmapOverrun, w, pfn,
           "%s() %s the kmap() mapping of pfn %d at %p: usercopy: Kernel memory %s attempt detected %s kmap (offset %lu, size %lu)! "
           "(hardened usercopy refuses a copy that crosses the mapped page)",
           api, to_user ? "from" : "into", pfn, static_cast<void *>(ar.addr(w)), to_user ? "exposure" : "overwrite",
           to_user ? "from" : "to", offset, n);
}

}  // namespace kmapsim
