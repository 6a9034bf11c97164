// The PKMAP pool behind kmap() (mm/highmem.c, pkmap.cc): pkmap_count,
// last_pkmap_nr (one cursor per colour where the profile colours PKMAP
// slots), the page->address table, the waiters of a full pool, and the
// PKMAP leak checks. Each slot is a window of the arena.
#pragma once

#include <cstdint>
#include <vector>

#include "arena.h"

struct page;

namespace kmapsim {

class Machine;
struct Profile;
struct Task;

class Pkmap {
 public:
  explicit Pkmap(Machine &m) : m_(m) {}
  void init(const Profile &p);

  void *kmap(struct page *page);    // kmap_high() for highmem pages
  void kunmap(struct page *page);   // kunmap_high()
  void flush_unused();              // kmap_flush_unused()
  // kmap_high_get() (ARCH_NEEDS_KMAP_HIGH_GET): the page's PKMAP address
  // with one more reference, or NULL; never sleeps.
  void *kmap_high_get(Pfn pfn, const char *api);
  // kunmap_local() of an address kmap_high_get() gave (kmap_high_unmap_local()).
  void kunmap_high_local(unsigned slot, const char *api);
  // page_address() of a highmem page: its PKMAP address while it has one
  // (count >= 1, held or awaiting the next flush), else NULL.
  void *page_address(Pfn pfn);

  // kmap-leak: a page freed while kmap()ed; a kmap() never kunmap()ed by
  // the end of the run.
  void check_free(Pfn pfn, const char *api);
  void check_leaks();
  // kmap-leak at a context's return: on ARM a kmap_local_page() or
  // kmap_atomic() of a page with a PKMAP address takes a pkmap_count
  // reference (kmap_high_get()) instead of a fixmap slot, so it is not on
  // kmap_ctrl; a context returning without kunmap_local() leaves it behind
  // and the slot can never be flushed. `owner` is the context's interrupt
  // instance (0: the task itself); `who` names an interrupt handler or
  // the task (nullptr: a work item).
  enum class Returning : uint8_t { Task, IrqHandler, WorkItem };
  void check_high_gets_at_return(const Task &t, int owner, Returning what, const char *who);

  unsigned slots() const { return static_cast<unsigned>(count_.size()); }
  int count(unsigned slot) const { return count_[slot]; }
  int32_t page_in(unsigned slot) const { return page_[slot]; }  // -1: none
  int32_t slot_of(Pfn pfn) const { return slot_of_[pfn]; }       // -1: none
  int last_user(unsigned slot) const { return last_user_[slot]; }
  unsigned held() const { return held_; }  // slots with pkmap_count >= 2
  void reset();

 private:
  void flush_all_zero_pkmaps();
  unsigned color(Pfn pfn) const { return pfn & (colors_ - 1); }
  unsigned next_pkmap_nr(unsigned color);
  unsigned map_new_virtual(Pfn pfn);
  int hold(unsigned slot, Pfn pfn);
  void drop(unsigned slot);

  Machine &m_;
  unsigned colors_ = 1;
  std::vector<int> count_;            // pkmap_count
  std::vector<int32_t> page_;         // pfn mapped in each slot, -1 none
  std::vector<int32_t> slot_of_;      // per pfn: its PKMAP slot, -1 none
  unsigned last_pkmap_nr_ = 0;
  std::vector<unsigned> last_pkmap_nr_arr_;  // per colour when colours > 1 (xtensa)
  std::vector<int16_t> last_user_;
  unsigned held_ = 0;  // slots with pkmap_count >= 2 (fuzz feedback)
  bool used_ = true;   // the cursor moved since the last reset()
};

}  // namespace kmapsim
