// Physical memory of the simulated machine: page frames in one memfd, the
// lowmem and highmem zones, struct page (mem_map), the page allocator and
// the direct map. page_address() follows the kernel: the direct-map address
// for lowmem, the PKMAP address for a kmap()ed highmem page, else NULL.
#include "physmem.h"

#include <linux/gfp.h>
#include <linux/mm_types.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "machine.h"
#include "raw_mem.h"

extern "C" {
struct page *kmapsim_mem_map = nullptr;
struct page *kmapsim_mem_map_end = nullptr;
}

namespace kmapsim {

namespace {
int g_machine_count = 0;
// Fixed addresses make report text identical between processes (replay
// is byte for byte): each Machine of a process gets its own 64 GiB slot.
constexpr uintptr_t kRegionBase = 0x7e9000000000ull;
constexpr uintptr_t kRegionStride = 64ull << 30;
}  // namespace

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

static struct page *mem_map_alloc(unsigned total) {
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
void PhysMem::publish() const {
  kmapsim_mem_map = mem_map_;
  kmapsim_mem_map_end = mem_map_ + total_pages_;
}

static void mem_map_free(struct page *mem_map, unsigned total) {
  if (!mem_map) return;
  char *end = reinterpret_cast<char *>(mem_map + total);
  munmap(end - mem_map_span(total) - kMemMapGuardBefore, kMemMapGuardBefore + mem_map_span(total) + kMemMapGuardAfter);
}

void PhysMem::init(const Profile &p, Arena &arena) {
  lowmem_pages_ = p.lowmem_pages;
  total_pages_ = p.total_pages();
  size_t total = total_pages_;
  memfd_ = memfd_create("kmapsim-physmem", MFD_CLOEXEC);
  if (memfd_ < 0 || ftruncate(memfd_, static_cast<off_t>(total * kPage)) != 0) {
    perror("kmapsim: memfd for the simulated physical memory");
    exit(2);
  }
  size_t phys_sz = total * kPage, dmap_sz = lowmem_pages_ * kPage;
  // The direct map starts at a multiple of the largest folio's size, as the
  // kernel's PAGE_OFFSET is aligned far beyond it: a lowmem folio's address
  // is then aligned to its size, and offset_in_folio() of a pointer into it
  // (`(unsigned long)p & (folio_size(folio) - 1)`, jbd2's b_data) is the
  // offset in the folio, as in the kernel. It lies after the arena, which
  // keeps the place it had when the direct map came first: the windows'
  // addresses, which reports print, are the same as before.
  constexpr size_t kDmapAlign = kPage << kMaxOrder;
  size_t arena_at = phys_sz + kPage + dmap_sz + kPage, arena_sz = Arena::size_for(total, p.last_pkmap);
  // [phys view][guard][unused][guard][arena: window, guard, window, ...][guard, up to the alignment][direct map]
  region_size_ = arena_at + arena_sz + kPage + kDmapAlign + dmap_sz;
  uintptr_t want = kRegionBase + kRegionStride * static_cast<uintptr_t>(g_machine_count++);
  void *r = mmap(reinterpret_cast<void *>(want), region_size_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE,
                 -1, 0);
  if (r == MAP_FAILED || r != reinterpret_cast<void *>(want)) {
    if (r != MAP_FAILED) munmap(r, region_size_);
    r = mmap(nullptr, region_size_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (r == MAP_FAILED) {
      perror("kmapsim: reserving the arena");
      exit(2);
    }
  }
  region_ = static_cast<char *>(r);
  phys_ = region_;
  dmap_ = reinterpret_cast<char *>((reinterpret_cast<uintptr_t>(region_ + arena_at + arena_sz + kPage) + kDmapAlign - 1) &
                                   ~(kDmapAlign - 1));
  if (mmap(phys_, phys_sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, memfd_, 0) == MAP_FAILED ||
      (dmap_sz && mmap(dmap_, dmap_sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, memfd_, 0) == MAP_FAILED)) {
    perror("kmapsim: mapping the simulated physical memory");
    exit(2);
  }
  arena.init(region_ + arena_at, memfd_, total, p.last_pkmap);
  mem_map_ = mem_map_alloc(static_cast<unsigned>(total));
  for (size_t i = 0; i < total; i++) mem_map_[i].flags = is_highmem(static_cast<Pfn>(i)) ? KMAPSIM_PG_HIGHMEM : 0;
  allocated_.assign(total, 0);
}

PhysMem::~PhysMem() {
  if (region_) munmap(region_, region_size_);
  if (memfd_ >= 0) close(memfd_);
  mem_map_free(mem_map_, total_pages_);
}

struct page *PhysMem::zero_page() {
  if (zero_pfn_ >= 0) return &mem_map_[zero_pfn_];
  Pfn pfn = lowmem_pages_ - 1;
  if (allocated_[pfn])
    m_.report(BugClass::SubjectBug, -1, pfn, "ZERO_PAGE(): the last lowmem frame, which the zero page takes, is allocated (pages not freed?)");
  allocated_[pfn] = 1;
  touched_.push_back(pfn);
  struct page &pg = mem_map_[pfn];
  pg = (struct page){};
  pg.flags = KMAPSIM_PG_ALLOCATED;
  pg._refcount = 1 << 30;
  raw_fill(phys(pfn), 0, kPage);
  zero_pfn_ = pfn;
  return &pg;
}

void PhysMem::check_zero_page() {
  if (zero_pfn_ < 0) return;
  const unsigned char *z = reinterpret_cast<const unsigned char *>(phys(static_cast<Pfn>(zero_pfn_)));
  for (size_t i = 0; i < kPage; i++)
    if (z[i])
      m_.report(BugClass::SubjectBug, -1, zero_pfn_,
                "the kernel's shared zero page (ZERO_PAGE(), pfn %u) was written: byte %zu is 0x%02x, and every reader of zeroes reads it",
                static_cast<Pfn>(zero_pfn_), i, z[i]);
}

// Only the pages this run allocated go back to pristine.
void PhysMem::reset() {
  zero_pfn_ = -1;
  for (Pfn p : touched_) {
    mem_map_[p] = (struct page){};
    mem_map_[p].flags = is_highmem(p) ? KMAPSIM_PG_HIGHMEM : 0;
    allocated_[p] = 0;
  }
  touched_.clear();
}

void PhysMem::dedupe_touched() {
  std::sort(touched_.begin(), touched_.end());
  touched_.erase(std::unique(touched_.begin(), touched_.end()), touched_.end());
}



Pfn PhysMem::checked_pfn(const struct page *page, const char *api) {
  const struct page *base = mem_map_;
  uintptr_t off = reinterpret_cast<uintptr_t>(page) - reinterpret_cast<uintptr_t>(base);
  if (!page || reinterpret_cast<uintptr_t>(page) < reinterpret_cast<uintptr_t>(base) ||
      off % sizeof(struct page) || off / sizeof(struct page) >= total_pages_) {
    bool is_addr = page && (in_direct_map(page) || m_.arena().contains(page));
    m_.report(is_addr ? BugClass::KunmapBadAddress : BugClass::SubjectBug, -1, -1, "%s() was passed %s, %s", api,
           page ? m_.addr_str(page) : "NULL",
           is_addr ? "a mapped address where a struct page * belongs" : "which is not a struct page of this machine");
  }
  return static_cast<Pfn>(off / sizeof(struct page));
}

struct page *PhysMem::pfn_to_page(unsigned long pfn) {
  if (pfn >= total_pages_)
    m_.report(BugClass::SubjectBug, -1, -1, "pfn_to_page(%lu) is beyond the last pfn %u", pfn, total_pages_ - 1);
  return &mem_map_[pfn];
}


struct page *PhysMem::virt_to_page(const void *addr) {
  if (in_direct_map(addr)) return &mem_map_[(static_cast<const char *>(addr) - dmap_) / kPage];
  bool guard;
  const Arena &ar = m_.arena();
  int w = ar.window_of(addr, &guard);
  if (w >= 0 && !guard && ar.win(w).state == WinState::Live) return &mem_map_[ar.win(w).pfn];
  m_.report(BugClass::SubjectBug, -1, -1, "virt_to_page(%s): not a direct-map address", m_.addr_str(addr));
}

struct page *PhysMem::page(Pfn pfn) const { return mem_map_ + pfn; }

struct page *PhysMem::alloc_pages(unsigned gfp, unsigned order, const char *api) {
  if (gfpflags_allow_blocking(gfp)) m_.might_sleep(api);
  m_.sched_point(api);
  if (order > kMaxOrder) return nullptr;
  if (!(gfp & __GFP_NOFAIL) && m_.alloc_fails("injected allocation failure")) return nullptr;
  bool high = (gfp & __GFP_HIGHMEM) && m_.profile().highmem && total_pages_ > lowmem_pages_ && m_.decide(Site::Highmem);
  unsigned n = 1u << order;
  auto find = [&](Pfn lo, Pfn hi) -> int64_t {
    for (Pfn p = lo; p + n <= hi; p += n) {
      bool free = true;
      for (unsigned i = 0; i < n && free; i++) free = !allocated_[p + i];
      if (free) return p;
    }
    return -1;
  };
  Pfn low_end = lowmem_pages_, high_end = total_pages_;
  int64_t pfn = high ? find(low_end, high_end) : find(0, low_end);
  if (pfn < 0 && high) pfn = find(0, low_end);
  if (pfn < 0) {
    if (gfp & __GFP_NOFAIL)
      m_.report(BugClass::SubjectBug, -1, -1, "%s: out of simulated memory for an order-%u __GFP_NOFAIL allocation (pages not freed?)",
             api, order);
    return nullptr;
  }
  for (unsigned i = 0; i < n; i++) {
    struct page &pg = mem_map_[pfn + i];
    allocated_[pfn + i] = 1;
    touched_.push_back(static_cast<Pfn>(pfn + i));
    pg.flags = KMAPSIM_PG_ALLOCATED | (is_highmem(static_cast<Pfn>(pfn + i)) ? KMAPSIM_PG_HIGHMEM : 0);
    pg.compound_head = 0;
    pg.order = 0;
    pg._refcount = 0;
    pg._mapcount = 0;
    pg.page_type = UINT_MAX;  // no type
    pg.mapping = nullptr;
    pg.index = 0;
    pg.private_ = 0;
    pg.lru.next = pg.lru.prev = nullptr;
    if (order && i) pg.compound_head = reinterpret_cast<unsigned long>(&mem_map_[pfn]) | 1;
  }
  // Deterministic contents: a freshly allocated block holds a poison
  // pattern (or zeroes with __GFP_ZERO), never a previous run's data. Its
  // frames are contiguous in the model's private view, which nothing
  // poisons: one unchecked fill (raw_mem.h).
  raw_fill(phys(static_cast<Pfn>(pfn)), (gfp & __GFP_ZERO) ? 0 : 0x6b, static_cast<size_t>(n) * kPage);
  struct page &head = mem_map_[pfn];
  if (order) head.flags |= KMAPSIM_PG_HEAD;
  head.order = order;
  head._refcount = 1;
  m_.event(Ev::Alloc, static_cast<uint64_t>(pfn), order, api);
  return &head;
}

void PhysMem::free_pages(struct page *page, unsigned order, const char *api) {
  if (!page) return;
  Pfn pfn = checked_pfn(page, api);
  if (!(page->flags & KMAPSIM_PG_ALLOCATED) || !allocated_[pfn])
    m_.report(BugClass::SubjectBug, -1, pfn, "%s(): pfn %u is not allocated (double free?)", api, pfn);
  if (page->compound_head & 1)
    m_.report(BugClass::SubjectBug, -1, pfn, "%s(): pfn %u is a tail page of a compound page", api, pfn);
  unsigned real = (page->flags & KMAPSIM_PG_HEAD) ? page->order : 0;
  if (real != order)
    m_.report(BugClass::SubjectBug, -1, pfn, "%s(): pfn %u was allocated with order %u, freed with order %u", api, pfn, real, order);
  if (--page->_refcount > 0) return;
  unsigned n = 1u << order;
  for (unsigned i = 0; i < n; i++) {
    Pfn p = pfn + i;
    m_.pkmap().check_free(p, api);  // kmap-leak: freed while kmap()ed
    allocated_[p] = 0;
    mem_map_[p].flags &= KMAPSIM_PG_HIGHMEM;
    m_.user().forget_page(p);
  }
  m_.event(Ev::Free, pfn, order, api);
  m_.sched_point(api);
}

void PhysMem::get_page(struct page *page) {
  checked_pfn(page, "get_page");
  struct page *head = reinterpret_cast<struct page *>((page->compound_head & 1) ? page->compound_head - 1 : reinterpret_cast<unsigned long>(page));
  head->_refcount++;
}

void PhysMem::put_page(struct page *page) {
  checked_pfn(page, "put_page");
  struct page *head = reinterpret_cast<struct page *>((page->compound_head & 1) ? page->compound_head - 1 : reinterpret_cast<unsigned long>(page));
  free_pages(head, (head->flags & KMAPSIM_PG_HEAD) ? head->order : 0, "put_page");
}

void *PhysMem::page_address(const struct page *page) {
  Pfn pfn = checked_pfn(page, "page_address");
  if (!is_highmem(pfn)) return direct_map(pfn);
  if (void *a = m_.pkmap().page_address(pfn)) return a;
  m_.note_null_page_address("page_address");
  m_.event(Ev::Note, pfn, 0, "page_address() of a highmem page = NULL");
  return nullptr;
}

}  // namespace kmapsim
