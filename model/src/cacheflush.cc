// Aliasing data caches (VIVT, aliasing VIPT). A page mapped to user space
// has a second alias; on an aliasing profile what user space sees is a
// separate copy that only flush_dcache_page() (or a helper that calls it)
// brings up to date. A user read that sees stale bytes is
// missing-flush-dcache. On other profiles user space sees the frame itself.
#include <linux/mm_types.h>

#include <cstring>

#include "machine.h"

namespace kmapsim {

void Machine::user_map(struct page *page) {
  Pfn pfn = checked_pfn(page, "kmapsim_user_map");
  dcache_calls_.push_back({pfn, cur_task_ >= 0 ? tasks_[cur_task_]->site.pc : 0, "kmapsim_user_map", events_.seq()});
  page->flags |= KMAPSIM_PG_USER_MAPPED;
  page->_mapcount++;
  std::vector<uint8_t> &v = user_view_[pfn];
  v.assign(phys(pfn), phys(pfn) + kPage);
}

// As on ARM, flushing a page flushes its whole folio.
void Machine::flush_dcache_page(struct page *page) {
  checked_pfn(page, "flush_dcache_page");
  const struct page *head = (page->compound_head & 1) ? reinterpret_cast<const struct page *>(page->compound_head - 1) : page;
  Pfn first = static_cast<Pfn>(head - mem_map_);
  unsigned n = (head->flags & KMAPSIM_PG_HEAD) ? 1u << head->order : 1u;
  for (Pfn pfn = first; pfn < first + n; pfn++) {
    if (user_view_.count(pfn))
      dcache_calls_.push_back({pfn, cur_task_ >= 0 ? tasks_[cur_task_]->site.pc : 0, "flush_dcache_page", events_.seq()});
    auto it = user_view_.find(pfn);
    if (it != user_view_.end()) memcpy(it->second.data(), phys(pfn), kPage);
  }
}

void Machine::user_read(struct page *page, size_t off, void *buf, size_t len) {
  Pfn pfn = checked_pfn(page, "kmapsim_user_read");
  if (off > kPage || len > kPage - off) report(BugClass::SubjectBug, -1, pfn, "kmapsim_user_read(off %zu, len %zu) is outside the page", off, len);
  sched_point("kmapsim_user_read");
  auto it = user_view_.find(pfn);
  if (it == user_view_.end()) report(BugClass::SubjectBug, -1, pfn, "kmapsim_user_read() of pfn %u, which was not kmapsim_user_map()ped", pfn);
  const uint8_t *view = it->second.data();
  if (prof_.aliasing_dcache) {
    for (size_t i = off; i < off + len; i++)
      if (view[i] != static_cast<uint8_t>(phys(pfn)[i]))
        report(BugClass::MissingFlushDcache, -1, pfn,
               "user space reads pfn %u at offset %zu and sees 0x%02x, but the kernel wrote 0x%02x through a kernel mapping without "
               "flush_dcache_page() in between (aliasing data cache)",
               pfn, i, view[i], static_cast<uint8_t>(phys(pfn)[i]));
    memcpy(buf, view + off, len);
  } else {
    memcpy(buf, phys(pfn) + off, len);
  }
}

}  // namespace kmapsim
