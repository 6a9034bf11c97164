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
#include "pkmap.h"

#include "fuzz_feedback.h"
#include "machine.h"

namespace kmapsim {

void Pkmap::init(const Profile &p) {
  colors_ = p.pkmap_colors;
  used_ = true;
  count_.assign(p.last_pkmap, 0);
  page_.assign(p.last_pkmap, -1);
  last_user_.assign(p.last_pkmap, -1);
  slot_of_.assign(p.total_pages(), -1);
  reset();
}

void Pkmap::reset() {
  // Every change to the pool's state starts by moving the cursor
  // (next_pkmap_nr(), under map_new_virtual()): a run that never did has
  // nothing to undo (the arrays are 512 entries each on most profiles).
  if (!used_) return;
  used_ = false;
  for (int32_t pfn : page_)
    if (pfn >= 0) slot_of_[pfn] = -1;
  std::fill(count_.begin(), count_.end(), 0);
  std::fill(page_.begin(), page_.end(), -1);
  std::fill(last_user_.begin(), last_user_.end(), -1);
  last_pkmap_nr_ = 0;
  last_pkmap_nr_arr_.assign(colors_, 0);
  held_ = 0;
}

void *Pkmap::page_address(Pfn pfn) {
  int32_t slot = slot_of_[pfn];
  if (slot < 0 || count_[slot] < 1) return nullptr;
  int w = m_.arena().pkmap_window(static_cast<unsigned>(slot));
  // The PKMAP address of a page nobody holds (count 1, awaiting the next
  // flush) is handed out as the kernel does; using it is the bug.
  if (count_[slot] == 1) m_.arena().set_via_page_address(w, true);
  return m_.arena().addr(w);
}

// flush_all_zero_pkmaps(): recycle every slot nobody holds.
void Pkmap::flush_all_zero_pkmaps() {
  int flushed = 0;
  for (unsigned s = 0; s < slots(); s++) {
    if (count_[s] != 1) continue;
    count_[s] = 0;
    int32_t pfn = page_[s];
    if (pfn >= 0) slot_of_[pfn] = -1;
    page_[s] = -1;
    m_.arena().set_via_page_address(m_.arena().pkmap_window(s), false);
    flushed++;
  }
  if (flushed) m_.event(Ev::PkmapFlush, static_cast<uint64_t>(flushed), 0, "flush_all_zero_pkmaps");
}

// The colour helpers of mm/highmem.c: without ARCH_PKMAP_COLORING one
// colour, a cursor stepping by 1 and a flush on wrapping to slot 0; with it
// (xtensa) a cursor per colour stepping by the number of colours, slot
// cursor + colour, and a flush whenever the slot is below the number of
// colours (the colour's first slot): no_more_pkmaps().
unsigned Pkmap::next_pkmap_nr(unsigned color) {
  const unsigned mask = slots() - 1, n = colors_;
  used_ = true;
  if (n == 1) return last_pkmap_nr_ = (last_pkmap_nr_ + 1) & mask;
  unsigned &cur = last_pkmap_nr_arr_[color];
  cur = (cur + n) & mask;
  return last_pkmap_nr_ = cur + color;
}

// map_new_virtual(): find a free slot of pfn's colour, sleeping while none
// is free.
unsigned Pkmap::map_new_virtual(Pfn pfn) {
  const unsigned col = color(pfn), entries = slots() / colors_;
  for (;;) {
    unsigned count = entries;
    for (;;) {
      unsigned nr = next_pkmap_nr(col);
      if (nr < colors_) {  // no_more_pkmaps()
        flush_all_zero_pkmaps();
        count = entries;
      }
      if (!count_[nr]) break;
      if (--count) continue;
      // Every slot of this colour is held: sleep until a kunmap(). (The
      // kernel has one wait queue per colour; waking every waiter only
      // makes the others probe again and sleep.)
      feedback::pkmap_waiters(1 + m_.blocked_on(Wait::Pkmap));
      m_.block(Wait::Pkmap, nullptr, "kmap");
      // Someone else may have mapped this page meanwhile.
      if (slot_of_[pfn] >= 0) return static_cast<unsigned>(slot_of_[pfn]);
      count = 0;
      break;
    }
    if (count) break;
  }
  unsigned slot = last_pkmap_nr_;
  Window &win = m_.arena().touch(m_.arena().pkmap_window(slot));
  // The host mapping may still show the slot's previous page: it stays
  // inaccessible (count 1) until kmap() opens it, which maps pfn first.
  win.pfn = pfn;
  win.api = "kmap";
  win.via_page_address = false;
  count_[slot] = 1;
  page_[slot] = static_cast<int32_t>(pfn);
  slot_of_[pfn] = static_cast<int32_t>(slot);
  return slot;
}

// Take one reference on a mapped slot (kmap_high(), kmap_high_get()): the
// count reaching 2 makes the slot usable again, showing pfn.
int Pkmap::hold(unsigned slot, Pfn pfn) {
  Arena &ar = m_.arena();
  int w = ar.pkmap_window(slot);
  if (++count_[slot] < 2) m_.report(BugClass::SubjectBug, w, pfn, "kmap_high: pkmap_count of slot %u below 2 after a kmap()", slot);
  if (count_[slot] == 2) {
    ar.show_and_open(w, pfn, "mmap of a PKMAP slot");
    feedback::pkmap_held(++held_, slots());
    Window &win = ar.touch(w);
    win.state = WinState::Live;
    win.made_at = m_.events().seq() + 1;
    win.owner_task = static_cast<int16_t>(m_.cur_task());
    win.via_page_address = false;
  }
  last_user_[slot] = static_cast<int16_t>(m_.cur_task());
  return w;
}

// One reference less; at count 1 the slot closes and waiters are woken, as
// in kunmap_high().
void Pkmap::drop(unsigned slot) {
  if (--count_[slot] == 1) {
    held_--;
    m_.release_window(m_.arena().pkmap_window(slot));
    m_.wake(Wait::Pkmap, nullptr, true);
  }
}

void *Pkmap::kmap(struct page *page) {
  m_.might_sleep("kmap");
  PhysMem &mem = m_.mem();
  Pfn pfn = mem.checked_pfn(page, "kmap");
  m_.sched_point("kmap");
  if (!m_.profile().highmem || !mem.is_highmem(pfn)) {
    m_.event(Ev::Kmap, pfn, reinterpret_cast<uint64_t>(mem.direct_map(pfn)), "kmap (lowmem)");
    return mem.direct_map(pfn);
  }
  int32_t s = slot_of_[pfn];
  unsigned slot = s >= 0 ? static_cast<unsigned>(s) : map_new_virtual(pfn);
  char *addr = m_.arena().addr(hold(slot, pfn));
  m_.event(Ev::Kmap, pfn, reinterpret_cast<uint64_t>(addr), "kmap");
  return addr;
}

void Pkmap::kunmap(struct page *page) {
  m_.might_sleep("kunmap");
  PhysMem &mem = m_.mem();
  Pfn pfn = mem.checked_pfn(page, "kunmap");
  if (!m_.profile().highmem || !mem.is_highmem(pfn)) {
    m_.sched_point("kunmap");
    return;
  }
  int32_t s = slot_of_[pfn];
  if (s < 0)
    m_.report(BugClass::KunmapBadAddress, -1, pfn, "kunmap() of pfn %u, which has no PKMAP address: never kmap()ed, or kunmap()ed already", pfn);
  unsigned slot = static_cast<unsigned>(s);
  int w = m_.arena().pkmap_window(slot);
  if (count_[slot] <= 1)
    m_.report(BugClass::KunmapBadAddress, w, pfn, "kunmap() of pfn %u more often than kmap(): pkmap_count would drop to 0 (double kunmap)", pfn);
  drop(slot);
  m_.event(Ev::Kunmap, pfn, reinterpret_cast<uint64_t>(m_.arena().addr(w)), "kunmap");
  m_.sched_point("kunmap");
}

// kmap_high_get() (ARCH_NEEDS_KMAP_HIGH_GET): under kmap_lock, the page's
// current PKMAP address if it has one (pkmap_count >= 1, so also a slot no
// one holds any more but that was not flushed yet), with one more
// reference; NULL otherwise. It never sleeps and never takes a new slot.
void *Pkmap::kmap_high_get(Pfn pfn, const char *api) {
  int32_t s = slot_of_[pfn];
  if (s < 0) return nullptr;
  unsigned slot = static_cast<unsigned>(s);
  char *addr = m_.arena().addr(hold(slot, pfn));
  m_.cur().high_gets.push_back({slot, m_.cur_irq()});
  m_.event(Ev::Kmap, pfn, reinterpret_cast<uint64_t>(addr), api);
  return addr;
}

// kunmap_local()/kunmap_atomic() of an address kmap_high_get() gave:
// kunmap_high() on its slot, as kmap_high_unmap_local() does.
void Pkmap::kunmap_high_local(unsigned slot, const char *api) {
  Pfn pfn = static_cast<Pfn>(page_[slot]);
  drop(slot);
  m_.event(Ev::Kunmap, pfn, reinterpret_cast<uint64_t>(m_.arena().addr(m_.arena().pkmap_window(slot))), api);
}

void Pkmap::flush_unused() {
  if (!m_.profile().highmem) return;
  flush_all_zero_pkmaps();
  m_.sched_point("kmap_flush_unused");
}

void Pkmap::check_free(Pfn p, const char *api) {
  int32_t slot = slot_of_[p];
  if (slot >= 0 && count_[slot] >= 2)
    m_.report(BugClass::KmapLeak, m_.arena().pkmap_window(static_cast<unsigned>(slot)), p,
              "%s(): pfn %u is freed while still kmap()ed (PKMAP slot %d, count %d): the kmap() was never kunmap()ed", api, p, slot,
              count_[slot]);
}

void Pkmap::check_high_gets_at_return(const Task &t, int owner, Returning what, const char *who) {
  for (const auto &[slot, by] : t.high_gets) {
    if (by != owner) continue;
    int w = m_.arena().pkmap_window(slot);
    switch (what) {
      case Returning::IrqHandler:
        m_.report(BugClass::KmapLeak, w, page_[slot],
                  "interrupt handler %s returned holding a local mapping of pfn %d at its PKMAP address %p (kmap_high_get(): "
                  "a pkmap_count reference of slot %u never dropped)",
                  who, page_[slot], static_cast<void *>(m_.arena().addr(w)), slot);
      case Returning::Task:
        m_.report(BugClass::KmapLeak, w, page_[slot],
                  "%s returned holding a local mapping of pfn %d at its PKMAP address (kmap_high_get(): a pkmap_count reference of slot %u never dropped)",
                  who, page_[slot], slot);
      case Returning::WorkItem:
        m_.report(BugClass::KmapLeak, w, page_[slot],
                  "work item returned holding a local mapping of pfn %d at its PKMAP address (kmap_high_get(): a pkmap_count reference of slot %u never dropped)",
                  page_[slot], slot);
    }
  }
}

// A kmap() that was never kunmap()ed by the end of the run (kmap-leak).
void Pkmap::check_leaks() {
  if (held_ == 0) return;  // no slot at pkmap_count >= 2: nothing to scan for
  for (unsigned s = 0; s < slots(); s++)
    if (count_[s] >= 2)
      m_.report(BugClass::KmapLeak, m_.arena().pkmap_window(s), page_[s],
                "kmap() of pfn %d (PKMAP slot %u, %d holder%s) was never kunmap()ed by the end of the run", page_[s], s, count_[s] - 1,
                count_[s] > 2 ? "s" : "");
}

}  // namespace kmapsim
