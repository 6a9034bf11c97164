// Physical memory of the simulated machine (mm/page_alloc.c and the direct
// map, physmem.cc): page frames in one memfd, the lowmem and highmem zones,
// struct page (mem_map), the allocator, and the host address range that
// holds the frames' model-private view, the direct map and the arena.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "arena.h"

struct page;

namespace kmapsim {

class Machine;
struct Profile;

class PhysMem {
 public:
  explicit PhysMem(Machine &m) : m_(m) {}
  ~PhysMem();
  PhysMem(const PhysMem &) = delete;
  PhysMem &operator=(const PhysMem &) = delete;
  // Reserves the machine's address range (at a fixed address when it can:
  // report text is then the same in every process), maps the frames and
  // gives the arena its part of the range.
  void init(const Profile &p, Arena &arena);

  // linux/mm.h's MAX_PAGE_ORDER: the largest order alloc_pages() gives
  static constexpr unsigned kMaxOrder = 9;

  struct page *alloc_pages(unsigned gfp, unsigned order, const char *api);
  void free_pages(struct page *page, unsigned order, const char *api);
  void get_page(struct page *page);
  void put_page(struct page *page);
  void *page_address(const struct page *page);
  struct page *pfn_to_page(unsigned long pfn);
  unsigned long page_to_pfn(const struct page *page) { return checked_pfn(page, "page_to_pfn"); }
  struct page *virt_to_page(const void *addr);
  // The pfn of a struct page of this machine; anything else is reported.
  Pfn checked_pfn(const struct page *page, const char *api);

  bool is_highmem(Pfn pfn) const { return pfn >= lowmem_pages_; }
  Pfn total_pages() const { return total_pages_; }
  char *phys(Pfn pfn) const { return phys_ + static_cast<size_t>(pfn) * kPage; }
  char *direct_map(Pfn pfn) const { return dmap_ + static_cast<size_t>(pfn) * kPage; }
  bool in_direct_map(const void *a) const {
    const char *p = static_cast<const char *>(a);
    return p >= dmap_ && p < dmap_ + static_cast<size_t>(lowmem_pages_) * kPage;
  }
  Pfn direct_map_pfn(const void *a) const { return static_cast<Pfn>((static_cast<const char *>(a) - dmap_) / kPage); }
  // Anywhere in the machine's address range (frames, direct map, arena).
  bool in_region(const void *a) const {
    const char *p = static_cast<const char *>(a);
    return p >= region_ && p < region_ + region_size_;
  }
  struct page *mem_map() const { return mem_map_; }
  // Makes this mem_map the one <linux/mm.h>'s accessors check against.
  void publish() const;
  struct page *page(Pfn pfn) const;
  // Pages this run allocated (reset with it).
  const std::vector<Pfn> &touched() const { return touched_; }
  // Torture mode, where a run lasts long: the list without repeats.
  void dedupe_touched();
  void reset();
  // The kernel's shared zero page (ZERO_PAGE()): the last lowmem frame,
  // zeroed and held for the run on first use (so runs that never ask for
  // it number their pages as before). A reference count that never drops
  // to zero: get_page()/put_page() on it are legal.
  struct page *zero_page();
  // End of run: the zero page still holds zeroes (subject-bug otherwise).
  void check_zero_page();

 private:
  Machine &m_;
  Pfn lowmem_pages_ = 0, total_pages_ = 0;
  int memfd_ = -1;
  char *region_ = nullptr;
  size_t region_size_ = 0;
  char *phys_ = nullptr;  // a model-private view of all frames
  char *dmap_ = nullptr;  // the direct map of lowmem as subjects see it
  struct page *mem_map_ = nullptr;
  std::vector<uint8_t> allocated_;  // per pfn: allocated (any page of a block)
  std::vector<Pfn> touched_;
  int64_t zero_pfn_ = -1;  // this run's zero page, once asked for
};

}  // namespace kmapsim
