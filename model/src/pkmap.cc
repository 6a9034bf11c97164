// kmap()/kunmap(): the PKMAP pool of mm/highmem.c. LAST_PKMAP slots with
// pkmap_count 0 (free, TLB clean), 1 (no users, still mapped until the next
// flush: page_address() still returns it) and n >= 2 (n-1 users). The
// cursor last_pkmap_nr advances before each probe; wrapping to slot 0
// flushes every count-1 slot. A task finding no free slot in a full round
// sleeps until kunmap() drops some count to 1.
//
// Each slot is a window of the arena: accessible while held (count >= 2),
// inaccessible from the last kunmap() on, so using a kunmap()ed address —
// silent in the kernel until the slot is reused — is caught. A slot's host
// mapping changes frames only when a holder needs to see the new frame (the
// first kmap() that makes it accessible): giving a slot to a page is free,
// and a slot that gets back the page it showed costs no mmap at all.
#include <sys/mman.h>

#include <cstdio>
#include <cstdlib>

#include "asan_window.h"
#include "fuzz_feedback.h"
#include "machine.h"

namespace kmapsim {

void *Machine::pkmap_address(Pfn pfn) const { return window_addr(pkmap_window(static_cast<unsigned>(pkmap_slot_of_[pfn]))); }

// flush_all_zero_pkmaps(): recycle every slot nobody holds.
static void flush_all_zero_pkmaps(Machine &m) {
  int flushed = 0;
  for (unsigned s = 0; s < m.prof_.last_pkmap; s++) {
    if (m.pkmap_count_[s] != 1) continue;
    m.pkmap_count_[s] = 0;
    int32_t pfn = m.pkmap_page_[s];
    if (pfn >= 0) m.pkmap_slot_of_[pfn] = -1;
    m.pkmap_page_[s] = -1;
    m.windows_[m.pkmap_window(s)].via_page_address = false;
    flushed++;
  }
  if (flushed) m.event(Ev::PkmapFlush, static_cast<uint64_t>(flushed), 0, "flush_all_zero_pkmaps");
}

// map_new_virtual(): find a free slot for pfn, sleeping while none is free.
static unsigned map_new_virtual(Machine &m, Pfn pfn) {
  const unsigned mask = m.prof_.last_pkmap - 1;
  for (;;) {
    unsigned count = m.prof_.last_pkmap;
    for (;;) {
      m.last_pkmap_nr_ = (m.last_pkmap_nr_ + 1) & mask;
      if (!m.last_pkmap_nr_) {
        flush_all_zero_pkmaps(m);
        count = m.prof_.last_pkmap;
      }
      if (!m.pkmap_count_[m.last_pkmap_nr_]) break;
      if (--count) continue;
      // Every slot is held: sleep on pkmap_map_wait until a kunmap().
      unsigned waiters = 1;
      for (size_t t = 0; t < m.ntasks_; t++) waiters += m.tasks_[t]->wait == Wait::Pkmap && m.tasks_[t]->state == TaskState::Blocked;
      feedback::pkmap_waiters(waiters);
      m.block(Wait::Pkmap, nullptr, "kmap");
      // Someone else may have mapped this page meanwhile.
      if (m.pkmap_slot_of_[pfn] >= 0) return static_cast<unsigned>(m.pkmap_slot_of_[pfn]);
      count = 0;
      break;
    }
    if (count) break;
  }
  unsigned slot = m.last_pkmap_nr_;
  int w = m.pkmap_window(slot);
  m.touch_window(w);
  Window &win = m.windows_[w];
  // The host mapping may still show the slot's previous page: it stays
  // inaccessible (count 1) until kmap() opens it, which maps pfn first.
  win.pfn = pfn;
  win.api = "kmap";
  win.via_page_address = false;
  m.pkmap_count_[slot] = 1;
  m.pkmap_page_[slot] = static_cast<int32_t>(pfn);
  m.pkmap_slot_of_[pfn] = static_cast<int32_t>(slot);
  return slot;
}

void *Machine::kmap(struct page *page) {
  might_sleep("kmap");
  Pfn pfn = checked_pfn(page, "kmap");
  sched_point("kmap");
  if (!prof_.highmem || !is_highmem(pfn)) {
    event(Ev::Kmap, pfn, reinterpret_cast<uint64_t>(direct_map(pfn)), "kmap (lowmem)");
    return direct_map(pfn);
  }
  int32_t s = pkmap_slot_of_[pfn];
  unsigned slot = s >= 0 ? static_cast<unsigned>(s) : map_new_virtual(*this, pfn);
  int w = pkmap_window(slot);
  Window &win = windows_[w];
  if (++pkmap_count_[slot] < 2) report(BugClass::SubjectBug, w, pfn, "kmap_high: pkmap_count of slot %u below 2 after a kmap()", slot);
  if (pkmap_count_[slot] == 2) {
    show_and_open_window(w, pfn, "mmap of a PKMAP slot");
    feedback::pkmap_held(++pkmap_held_, prof_.last_pkmap);
    win.state = WinState::Live;
    win.made_at = events_.seq() + 1;
    win.owner_task = static_cast<int16_t>(cur_task_);
    win.via_page_address = false;
  }
  pkmap_last_user_[slot] = static_cast<int16_t>(cur_task_);
  event(Ev::Kmap, pfn, reinterpret_cast<uint64_t>(window_addr(w)), "kmap");
  return window_addr(w);
}

void Machine::kunmap(struct page *page) {
  might_sleep("kunmap");
  Pfn pfn = checked_pfn(page, "kunmap");
  if (!prof_.highmem || !is_highmem(pfn)) {
    sched_point("kunmap");
    return;
  }
  int32_t s = pkmap_slot_of_[pfn];
  if (s < 0)
    report(BugClass::KunmapBadAddress, -1, pfn, "kunmap() of pfn %u, which has no PKMAP address: never kmap()ed, or kunmap()ed already", pfn);
  unsigned slot = static_cast<unsigned>(s);
  int w = pkmap_window(slot);
  if (pkmap_count_[slot] <= 1)
    report(BugClass::KunmapBadAddress, w, pfn, "kunmap() of pfn %u more often than kmap(): pkmap_count would drop to 0 (double kunmap)", pfn);
  if (--pkmap_count_[slot] == 1) {
    pkmap_held_--;
    release_window(w);
    // Waiters are woken only when a count drops to 1, as in kunmap_high().
    wake(Wait::Pkmap, nullptr, true);
  }
  event(Ev::Kunmap, pfn, reinterpret_cast<uint64_t>(window_addr(w)), "kunmap");
  sched_point("kunmap");
}

void Machine::kmap_flush_unused() {
  if (!prof_.highmem) return;
  flush_all_zero_pkmaps(*this);
  sched_point("kmap_flush_unused");
}

}  // namespace kmapsim
