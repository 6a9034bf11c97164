// Aliasing data caches (VIVT, aliasing VIPT). A page mapped to user space
// has a second alias; on an aliasing profile what user space sees is a
// separate copy that only flush_dcache_page() (or a helper that calls it)
// brings up to date. A user read that sees stale bytes is
// missing-flush-dcache. On other profiles user space sees the frame itself.
#include <linux/mm_types.h>

#include <cstring>

#include "machine.h"
#include "user_mem.h"

namespace kmapsim {

void UserMem::user_map(struct page *page) {
  const PhysMem &mem = m_.mem();
  Pfn pfn = m_.mem().checked_pfn(page, "kmapsim_user_map");
  m_.note_dcache_call(pfn, "kmapsim_user_map");
  page->flags |= KMAPSIM_PG_USER_MAPPED;
  page->_mapcount++;
  std::vector<uint8_t> &v = view_[pfn];
  v.assign(mem.phys(pfn), mem.phys(pfn) + kPage);
}

// As on ARM, flushing a page flushes its whole folio.
void UserMem::flush_dcache_page(struct page *page) {
  const PhysMem &mem = m_.mem();
  m_.mem().checked_pfn(page, "flush_dcache_page");
  const struct page *head = (page->compound_head & 1) ? reinterpret_cast<const struct page *>(page->compound_head - 1) : page;
  Pfn first = static_cast<Pfn>(head - mem.mem_map());
  unsigned n = (head->flags & KMAPSIM_PG_HEAD) ? 1u << head->order : 1u;
  for (Pfn pfn = first; pfn < first + n; pfn++) {
    auto it = view_.find(pfn);
    if (it == view_.end()) continue;
    m_.note_dcache_call(pfn, "flush_dcache_page");
    memcpy(it->second.data(), mem.phys(pfn), kPage);
  }
}

void UserMem::user_read(struct page *page, size_t off, void *buf, size_t len) {
  const PhysMem &mem = m_.mem();
  Pfn pfn = m_.mem().checked_pfn(page, "kmapsim_user_read");
  if (off > kPage || len > kPage - off) m_.report(BugClass::SubjectBug, -1, pfn, "kmapsim_user_read(off %zu, len %zu) is outside the page", off, len);
  m_.sched_point("kmapsim_user_read");
  auto it = view_.find(pfn);
  if (it == view_.end()) m_.report(BugClass::SubjectBug, -1, pfn, "kmapsim_user_read() of pfn %u, which was not kmapsim_user_map()ped", pfn);
  const uint8_t *view = it->second.data();
  if (m_.profile().aliasing_dcache) {
    for (size_t i = off; i < off + len; i++)
      if (view[i] != static_cast<uint8_t>(mem.phys(pfn)[i]))
        m_.report(BugClass::MissingFlushDcache, -1, pfn,
               "user space reads pfn %u at offset %zu and sees 0x%02x, but the kernel wrote 0x%02x through a kernel mapping without "
               "flush_dcache_page() in between (aliasing data cache)",
               pfn, i, view[i], static_cast<uint8_t>(mem.phys(pfn)[i]));
    memcpy(buf, view + off, len);
  } else {
    memcpy(buf, mem.phys(pfn) + off, len);
  }
}

}  // namespace kmapsim
