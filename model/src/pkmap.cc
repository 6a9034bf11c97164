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

// The colour helpers of mm/highmem.c: without ARCH_PKMAP_COLORING one
// colour, a cursor stepping by 1 and a flush on wrapping to slot 0; with it
// (xtensa) a cursor per colour stepping by the number of colours, slot
// cursor + colour, and a flush whenever the slot is below the number of
// colours (the colour's first slot).
static unsigned pkmap_color(const Machine &m, Pfn pfn) { return pfn & (m.prof_.pkmap_colors - 1); }

static unsigned next_pkmap_nr(Machine &m, unsigned color) {
  const unsigned mask = m.prof_.last_pkmap - 1, n = m.prof_.pkmap_colors;
  if (n == 1) return m.last_pkmap_nr_ = (m.last_pkmap_nr_ + 1) & mask;
  unsigned &cur = m.last_pkmap_nr_arr_[color];
  cur = (cur + n) & mask;
  return m.last_pkmap_nr_ = cur + color;
}

static bool no_more_pkmaps(const Machine &m, unsigned nr) { return nr < m.prof_.pkmap_colors; }

// map_new_virtual(): find a free slot of pfn's colour, sleeping while none
// is free.
static unsigned map_new_virtual(Machine &m, Pfn pfn) {
  const unsigned color = pkmap_color(m, pfn), entries = m.prof_.last_pkmap / m.prof_.pkmap_colors;
  for (;;) {
    unsigned count = entries;
    for (;;) {
      unsigned nr = next_pkmap_nr(m, color);
      if (no_more_pkmaps(m, nr)) {
        flush_all_zero_pkmaps(m);
        count = entries;
      }
      if (!m.pkmap_count_[nr]) break;
      if (--count) continue;
      // Every slot of this colour is held: sleep until a kunmap(). (The
      // kernel has one wait queue per colour; waking every waiter only
      // makes the others probe again and sleep.)
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

// Take one reference on a mapped slot (kmap_high(), kmap_high_get()): the
// count reaching 2 makes the slot usable again, showing pfn.
static int pkmap_hold(Machine &m, unsigned slot, Pfn pfn) {
  int w = m.pkmap_window(slot);
  Window &win = m.windows_[w];
  if (++m.pkmap_count_[slot] < 2) m.report(BugClass::SubjectBug, w, pfn, "kmap_high: pkmap_count of slot %u below 2 after a kmap()", slot);
  if (m.pkmap_count_[slot] == 2) {
    m.show_and_open_window(w, pfn, "mmap of a PKMAP slot");
    feedback::pkmap_held(++m.pkmap_held_, m.prof_.last_pkmap);
    win.state = WinState::Live;
    win.made_at = m.events_.seq() + 1;
    win.owner_task = static_cast<int16_t>(m.cur_task_);
    win.via_page_address = false;
  }
  return w;
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
  int w = pkmap_hold(*this, slot, pfn);
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

// kmap_high_get() (ARCH_NEEDS_KMAP_HIGH_GET): under kmap_lock, the page's
// current PKMAP address if it has one (pkmap_count >= 1, so also a slot no
// one holds any more but that was not flushed yet), with one more
// reference; NULL otherwise. It never sleeps and never takes a new slot.
void *Machine::kmap_high_get(Pfn pfn, const char *api) {
  int32_t s = pkmap_slot_of_[pfn];
  if (s < 0) return nullptr;
  unsigned slot = static_cast<unsigned>(s);
  int w = pkmap_hold(*this, slot, pfn);
  pkmap_last_user_[slot] = static_cast<int16_t>(cur_task_);
  cur().high_gets.push_back({slot, irq_instance_});
  event(Ev::Kmap, pfn, reinterpret_cast<uint64_t>(window_addr(w)), api);
  return window_addr(w);
}

// kunmap_local()/kunmap_atomic() of an address kmap_high_get() gave:
// kunmap_high() on its slot, as kmap_high_unmap_local() does.
void Machine::kunmap_high_local(unsigned slot, const char *api) {
  int w = pkmap_window(slot);
  Pfn pfn = static_cast<Pfn>(pkmap_page_[slot]);
  if (--pkmap_count_[slot] == 1) {
    pkmap_held_--;
    release_window(w);
    wake(Wait::Pkmap, nullptr, true);
  }
  event(Ev::Kunmap, pfn, reinterpret_cast<uint64_t>(window_addr(w)), api);
}

void Machine::kmap_flush_unused() {
  if (!prof_.highmem) return;
  flush_all_zero_pkmaps(*this);
  sched_point("kmap_flush_unused");
}

}  // namespace kmapsim
