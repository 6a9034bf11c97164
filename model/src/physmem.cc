// Physical memory of the simulated machine: page frames in one memfd, the
// lowmem and highmem zones, struct page (mem_map), the page allocator and
// the direct map. page_address() follows the kernel: the direct-map address
// for lowmem, the PKMAP address for a kmap()ed highmem page, else NULL.
#include <linux/gfp.h>
#include <linux/mm_types.h>

#include <sys/mman.h>

#include <cstdio>
#include <cstring>

#include "machine.h"

extern "C" {
struct page *kmapsim_mem_map = nullptr;
struct page *kmapsim_mem_map_end = nullptr;
}

namespace kmapsim {

// mem_map with inaccessible address space on both sides: a struct page
// index computed past either end (a 32-bit unsigned long that wrapped, as
// in 002ba346e3d7, reaches up to 2^20 entries further) reads a PROT_NONE
// page and faults at the instruction, as the kernel's read past its own
// mem_map does, instead of reading whatever the host keeps there. The
// accessors of <linux/mm.h> report it first, by name (memory-error); the
// guard catches a subject that reads the fields itself.
namespace {
constexpr size_t kMemMapGuardBefore = 1u << 20;
constexpr size_t kMemMapGuardAfter = (size_t{1} << 20) * sizeof(struct page) + (1u << 20);
size_t mem_map_span(unsigned total) { return (static_cast<size_t>(total) * sizeof(struct page) + kPage - 1) & ~(kPage - 1); }
}  // namespace

struct page *mem_map_alloc(unsigned total) {
  size_t span = mem_map_span(total);
  size_t all = kMemMapGuardBefore + span + kMemMapGuardAfter;
  void *r = mmap(nullptr, all, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  char *base = static_cast<char *>(r);
  if (r == MAP_FAILED || mprotect(base + kMemMapGuardBefore, span, PROT_READ | PROT_WRITE) != 0) {
    perror("kmapsim: allocating mem_map");
    exit(3);
  }
  // The array ends where the guard after it starts.
  char *end = base + kMemMapGuardBefore + span;
  return reinterpret_cast<struct page *>(end - static_cast<size_t>(total) * sizeof(struct page));
}

// The running machine's mem_map, for <linux/mm.h>'s accessors.
void mem_map_publish(struct page *mem_map, unsigned total) {
  kmapsim_mem_map = mem_map;
  kmapsim_mem_map_end = mem_map + total;
}

void mem_map_free(struct page *mem_map, unsigned total) {
  if (!mem_map) return;
  char *end = reinterpret_cast<char *>(mem_map + total);
  munmap(end - mem_map_span(total) - kMemMapGuardBefore, kMemMapGuardBefore + mem_map_span(total) + kMemMapGuardAfter);
}

bool Machine::in_direct_map(const void *a) const {
  const char *p = static_cast<const char *>(a);
  return p >= dmap_ && p < dmap_ + static_cast<size_t>(prof_.lowmem_pages) * kPage;
}

Pfn Machine::checked_pfn(const struct page *page, const char *api) {
  const struct page *base = mem_map_;
  uintptr_t off = reinterpret_cast<uintptr_t>(page) - reinterpret_cast<uintptr_t>(base);
  if (!page || reinterpret_cast<uintptr_t>(page) < reinterpret_cast<uintptr_t>(base) ||
      off % sizeof(struct page) || off / sizeof(struct page) >= prof_.total_pages()) {
    bool is_addr = page && (in_direct_map(page) || in_arena(page));
    report(is_addr ? BugClass::KunmapBadAddress : BugClass::SubjectBug, -1, -1, "%s() was passed %s, %s", api,
           page ? addr_str(page) : "NULL",
           is_addr ? "a mapped address where a struct page * belongs" : "which is not a struct page of this machine");
  }
  return static_cast<Pfn>(off / sizeof(struct page));
}

struct page *Machine::pfn_to_page(unsigned long pfn) {
  if (pfn >= prof_.total_pages())
    report(BugClass::SubjectBug, -1, -1, "pfn_to_page(%lu) is beyond the last pfn %u", pfn, prof_.total_pages() - 1);
  return &mem_map_[pfn];
}

unsigned long Machine::page_to_pfn(const struct page *page) { return checked_pfn(page, "page_to_pfn"); }

struct page *Machine::virt_to_page(const void *addr) {
  if (in_direct_map(addr)) return &mem_map_[(static_cast<const char *>(addr) - dmap_) / kPage];
  bool guard;
  int w = window_of(addr, &guard);
  if (w >= 0 && !guard && windows_[w].state == WinState::Live) return &mem_map_[windows_[w].pfn];
  report(BugClass::SubjectBug, -1, -1, "virt_to_page(%s): not a direct-map address", addr_str(addr));
}

bool Machine::page_mapped_to_user(Pfn pfn) const { return mem_map_[pfn].flags & KMAPSIM_PG_USER_MAPPED; }

struct page *Machine::alloc_pages(unsigned gfp, unsigned order, const char *api) {
  if (gfpflags_allow_blocking(gfp)) might_sleep(api);
  sched_point(api);
  if (order > 9) return nullptr;
  if (!(gfp & __GFP_NOFAIL) && decide(Site::AllocFail)) {
    event(Ev::Alloc, UINT64_MAX, order, "injected allocation failure");
    return nullptr;
  }
  bool high = (gfp & __GFP_HIGHMEM) && prof_.highmem && prof_.highmem_pages && decide(Site::Highmem);
  unsigned n = 1u << order;
  auto find = [&](Pfn lo, Pfn hi) -> int64_t {
    for (Pfn p = lo; p + n <= hi; p += n) {
      bool free = true;
      for (unsigned i = 0; i < n && free; i++) free = !alloc_bitmap_[p + i];
      if (free) return p;
    }
    return -1;
  };
  Pfn low_end = prof_.lowmem_pages, high_end = prof_.total_pages();
  int64_t pfn = high ? find(low_end, high_end) : find(0, low_end);
  if (pfn < 0 && high) pfn = find(0, low_end);
  if (pfn < 0) {
    if (gfp & __GFP_NOFAIL)
      report(BugClass::SubjectBug, -1, -1, "%s: out of simulated memory for an order-%u __GFP_NOFAIL allocation (pages not freed?)",
             api, order);
    return nullptr;
  }
  for (unsigned i = 0; i < n; i++) {
    struct page &pg = mem_map_[pfn + i];
    alloc_bitmap_[pfn + i] = 1;
    touched_pfns_.push_back(static_cast<Pfn>(pfn + i));
    pg.flags = KMAPSIM_PG_ALLOCATED | (is_highmem(static_cast<Pfn>(pfn + i)) ? KMAPSIM_PG_HIGHMEM : 0);
    pg.compound_head = 0;
    pg.order = 0;
    pg._refcount = 0;
    pg._mapcount = 0;
    if (order && i) pg.compound_head = reinterpret_cast<unsigned long>(&mem_map_[pfn]) | 1;
    // Deterministic contents: a freshly allocated page holds a poison
    // pattern (or zeroes with __GFP_ZERO), never a previous run's data.
    memset(phys(static_cast<Pfn>(pfn + i)), (gfp & __GFP_ZERO) ? 0 : 0x6b, kPage);
  }
  struct page &head = mem_map_[pfn];
  if (order) head.flags |= KMAPSIM_PG_HEAD;
  head.order = order;
  head._refcount = 1;
  event(Ev::Alloc, static_cast<uint64_t>(pfn), order, api);
  return &head;
}

void Machine::free_pages(struct page *page, unsigned order, const char *api) {
  if (!page) return;
  Pfn pfn = checked_pfn(page, api);
  if (!(page->flags & KMAPSIM_PG_ALLOCATED) || !alloc_bitmap_[pfn])
    report(BugClass::SubjectBug, -1, pfn, "%s(): pfn %u is not allocated (double free?)", api, pfn);
  if (page->compound_head & 1)
    report(BugClass::SubjectBug, -1, pfn, "%s(): pfn %u is a tail page of a compound page", api, pfn);
  unsigned real = (page->flags & KMAPSIM_PG_HEAD) ? page->order : 0;
  if (real != order)
    report(BugClass::SubjectBug, -1, pfn, "%s(): pfn %u was allocated with order %u, freed with order %u", api, pfn, real, order);
  if (--page->_refcount > 0) return;
  unsigned n = 1u << order;
  for (unsigned i = 0; i < n; i++) {
    Pfn p = pfn + i;
    int32_t slot = pkmap_slot_of_[p];
    if (slot >= 0 && pkmap_count_[slot] >= 2)
      report(BugClass::KmapLeak, pkmap_window(static_cast<unsigned>(slot)), p,
             "%s(): pfn %u is freed while still kmap()ed (PKMAP slot %d, count %d): the kmap() was never kunmap()ed", api, p, slot,
             pkmap_count_[slot]);
    alloc_bitmap_[p] = 0;
    mem_map_[p].flags &= KMAPSIM_PG_HIGHMEM;
    user_view_.erase(p);
  }
  event(Ev::Free, pfn, order, api);
  sched_point(api);
}

void Machine::get_page(struct page *page) {
  checked_pfn(page, "get_page");
  struct page *head = reinterpret_cast<struct page *>((page->compound_head & 1) ? page->compound_head - 1 : reinterpret_cast<unsigned long>(page));
  head->_refcount++;
}

void Machine::put_page(struct page *page) {
  checked_pfn(page, "put_page");
  struct page *head = reinterpret_cast<struct page *>((page->compound_head & 1) ? page->compound_head - 1 : reinterpret_cast<unsigned long>(page));
  free_pages(head, (head->flags & KMAPSIM_PG_HEAD) ? head->order : 0, "put_page");
}

void *Machine::page_address(const struct page *page) {
  Pfn pfn = checked_pfn(page, "page_address");
  if (!is_highmem(pfn)) return direct_map(pfn);
  int32_t slot = pkmap_slot_of_[pfn];
  if (slot >= 0 && pkmap_count_[slot] >= 1) {
    // The PKMAP address of a page nobody holds (count 1, awaiting the next
    // flush) is handed out as the kernel does; using it is the bug.
    if (pkmap_count_[slot] == 1) windows_[pkmap_window(static_cast<unsigned>(slot))].via_page_address = true;
    return pkmap_address(pfn);
  }
  last_null_page_address_api_ = "page_address";
  event(Ev::Note, pfn, 0, "page_address() of a highmem page = NULL");
  return nullptr;
}

}  // namespace kmapsim
