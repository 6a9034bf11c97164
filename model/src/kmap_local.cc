// kmap_local_page/folio/pfn, kmap_atomic* and their unmaps: the per-task
// stack of fixmap mappings (task_struct.kmap_ctrl) of mm/highmem.c.
//
//   kmap_ctrl (DEBUG_KMAP_LOCAL: KM_INCR 2, odd fixmap indices only)
//   depth 0  -> fixmap idx 1   (idx 0 stays a guard)
//   depth 1  -> fixmap idx 3
//   ...
//   depth 15 -> fixmap idx 31  (the push making idx 33 hits BUG_ON)
//
// Only real mappings are pushed: highmem pages, lowmem pages under
// FORCE_MAP, and every kmap_local_pfn on a HIGHMEM kernel. Lowmem pages
// otherwise get their direct-map address, and on a 64-bit kernel nothing is
// tracked at all. Unmapping must be in reverse order of mapping; the
// kernel's WARN_ON_ONCE becomes a kunmap-order report.
#include <linux/mm_types.h>

#include <cstdio>

#include "kmap_ctrl.h"
#include "machine.h"

namespace kmapsim {

bool Machine::partial_kmap(const struct folio *folio) const {
  // include/linux/page-flags.h: always true under FORCE_MAP (even on a
  // 64-bit kernel, where it only makes the helpers chunk), otherwise
  // folio_test_highmem().
  if (prof_.force_map) return true;
  if (!prof_.highmem) return false;
  return folio->page.flags & KMAPSIM_PG_HIGHMEM;
}

static void *push(Machine &m, Pfn pfn, bool atomic, const char *api) {
  Task &t = m.cur();
  size_t depth = t.kmap_ctrl.size();
  if (static_cast<int>((depth + 1)) * m.prof_.km_incr() >= m.prof_.km_max_idx())
    m.report(BugClass::KmapSlotOverflow, t.kmap_ctrl.back().window, pfn,
             "%s() of pfn %u: %zu local mappings are already live in this context stack (KM_MAX_IDX %d, KM_INCR %d allow %d): kmap_ctrl.idx "
             "would reach %d",
             api, pfn, depth, m.prof_.km_max_idx(), m.prof_.km_incr(), m.prof_.max_local_maps(), static_cast<int>(depth + 1) * m.prof_.km_incr());
  m.migrate_disable();
  int w = m.open_frame_window(pfn);
  m.touch_window(w);
  Window &win = m.windows_[w];
  win.state = WinState::Live;
  win.atomic = atomic;
  win.owner_task = static_cast<int16_t>(m.cur_task_);
  win.owner_irq = m.irq_instance_;
  win.pfn = pfn;
  win.api = api;
  win.via_page_address = false;
  char *addr = m.window_addr(w);
  win.made_at = m.event(Ev::MapLocal, pfn, reinterpret_cast<uint64_t>(addr), api);
  t.kmap_ctrl.push_back({w, pfn, atomic, m.irq_instance_, api, win.made_at});
  return addr;
}

static void *map_pfn(Machine &m, Pfn pfn, bool atomic, bool always_map, const char *api) {
  Task &t = m.cur();
  m.sched_point(api);
  if (atomic) {
    // kmap_atomic: preempt_disable() (PREEMPT_RT: migrate_disable()) and
    // pagefault_disable().
    if (m.prof_.preempt_rt)
      m.migrate_disable();
    else
      m.preempt_disable();
    t.pagefault_disabled++;
    t.atomic_maps++;
  }
  t.local_sections++;
  bool real = m.prof_.highmem && (always_map || m.is_highmem(pfn) || m.prof_.force_map);
  if (!real) {
    m.event(Ev::MapLocal, pfn, reinterpret_cast<uint64_t>(m.direct_map(pfn)), api);
    return m.direct_map(pfn);
  }
  // __kmap_local_page_prot(): on ARM (ARCH_NEEDS_KMAP_HIGH_GET) a highmem
  // page that has a PKMAP address is used there, pinned by a pkmap_count
  // reference: no fixmap slot, no migrate_disable(). The pfn path never
  // asks (kmap_local_pfn/kmap_atomic_pfn go straight to the fixmap).
  if (m.prof_.kmap_high_get && !always_map && m.is_highmem(pfn))
    if (void *addr = m.kmap_high_get(pfn, api)) return addr;
  return push(m, pfn, atomic, api);
}

void *Machine::kmap_local(struct page *page, bool atomic, const char *api) {
  Pfn pfn = checked_pfn(page, api);
  return map_pfn(*this, pfn, atomic, false, api);
}

void *Machine::kmap_local_pfn(unsigned long pfn, bool atomic, const char *api) {
  if (pfn >= prof_.total_pages()) report(BugClass::SubjectBug, -1, -1, "%s(%lu): no such pfn", api, pfn);
  // On a HIGHMEM kernel the pfn path always creates a fixmap mapping.
  return map_pfn(*this, static_cast<Pfn>(pfn), atomic, true, api);
}

// Removes one kmap_high_get() reference on slot held by this context.
static bool owns_high_get(Task &t, unsigned slot, int irq) {
  for (size_t i = t.high_gets.size(); i-- > 0;)
    if (t.high_gets[i].first == slot && t.high_gets[i].second == irq) {
      t.high_gets.erase(t.high_gets.begin() + static_cast<long>(i));
      return true;
    }
  return false;
}

void Machine::kunmap_local_indexed(const void *addr, bool atomic, const char *api) {
  Task &t = cur();
  const char *a = static_cast<const char *>(addr);
  if (prof_.highmem) {
    bool guard = false;
    int w = window_of(addr, &guard);
    Window *win = w >= 0 ? &windows_[w] : nullptr;
    bool mine = win && !guard && static_cast<size_t>(w) < nlocal_windows_ && win->state == WinState::Live && win->owner_task == cur_task_ &&
                win->owner_irq == irq_instance_;
    if (mine) {
      size_t top = t.kmap_ctrl.size() - 1;
      size_t i = top;
      while (t.kmap_ctrl[i].window != w) i--;
      if (i != top) {
        const LocalMap &tm = t.kmap_ctrl[top];
        report(BugClass::KunmapOrder, w, win->pfn,
               "%s(%p) unmaps the mapping of pfn %u at stack depth %zu, but the most recent mapping is pfn %u at depth %zu (%s() at %p): "
               "local mappings must be released in reverse order",
               api, addr, win->pfn, i, tm.pfn, top, tm.api, static_cast<void *>(window_addr(tm.window)));
      }
      if (t.kmap_ctrl[top].atomic != atomic)
        report(BugClass::KunmapBadAddress, w, win->pfn, "%s(%p): wrong variant: the mapping of pfn %u was made by %s()", api, addr, win->pfn, win->api);
      event(Ev::UnmapLocal, win->pfn, reinterpret_cast<uint64_t>(window_addr(w)), api);
      release_window(w);
      t.kmap_ctrl.pop_back();
      migrate_enable();
    } else if (w >= 0 && !guard && static_cast<size_t>(w) >= nlocal_windows_ && prof_.kmap_high_get &&
               owns_high_get(t, static_cast<unsigned>(w - nlocal_windows_), irq_instance_)) {
      // kmap_high_unmap_local(): the address is below the fixmap, in PKMAP,
      // and was handed out by kmap_high_get(): drop that reference.
      kunmap_high_local(static_cast<unsigned>(w - nlocal_windows_), api);
      t.high_gets_released.push_back({static_cast<unsigned>(w - nlocal_windows_), irq_instance_});
    } else if (w >= 0) {
      int victim = w;
      const char *why;
      if (guard) {
        why = "the address is one page past a mapping (e.g. ptr + PAGE_SIZE after a full-page loop): that is another slot";
      } else if (static_cast<size_t>(w) >= nlocal_windows_) {
        bool released = false;
        for (const auto &r : t.high_gets_released)
          released |= r.first == static_cast<unsigned>(w - nlocal_windows_) && r.second == irq_instance_;
        why = released ? "this context's kmap_high_get() mapping of that PKMAP address was already unmapped (double unmap); a second "
                         "kunmap_high() would drop another holder's reference"
                       : "it is a kmap() address: release it with kunmap(page)";
      } else if (win->state == WinState::Live) {
        why = "the mapping belongs to another context";
      } else if (win->state == WinState::Released) {
        why = "the mapping was already unmapped (double unmap)";
      } else {
        why = "no mapping is there";
      }
      if (guard || win->state == WinState::Unused)  // no page to name
        report(BugClass::KunmapBadAddress, victim, -1, "%s(%p): not a live local mapping of this context: %s", api, addr, why);
      report(BugClass::KunmapBadAddress, victim, static_cast<int64_t>(win->pfn), "%s(%p) of pfn %u: not a live local mapping of this context: %s", api,
             addr, win->pfn, why);
    } else if (in_direct_map(addr)) {
      // A lowmem page's direct-map address: the normal unmap of a page that
      // was not really mapped — unless FORCE_MAP made every map real.
      if (prof_.force_map)
        report(BugClass::KunmapBadAddress, -1, static_cast<int64_t>((a - dmap_) / kPage),
               "%s(%p): a direct-map address under FORCE_MAP, where every local mapping is a real one (kmap_local of this page returned another address)",
               api, addr);
      event(Ev::UnmapLocal, static_cast<uint64_t>((a - dmap_) / kPage), reinterpret_cast<uint64_t>(addr), api);
    } else {
      report(BugClass::KunmapBadAddress, -1, -1, "%s(%s): the address is not a kmap address at all (not in the direct map, PKMAP or fixmap)", api,
             addr_str(addr));
    }
  }
  if (t.local_sections <= 0) {
    // 64-bit: kunmap_local() is a no-op and nothing is tracked, so an extra
    // unmap is invisible there; a HIGHMEM kernel's pop would underflow.
    if (prof_.highmem)
      report(BugClass::KunmapBadAddress, -1, -1, "%s(%s) without a matching kmap_local/kmap_atomic in this context", api, addr_str(addr));
    t.local_sections = 1;
  }
  t.local_sections--;
  if (atomic) {
    if (t.atomic_maps <= 0)
      report(BugClass::KunmapBadAddress, -1, -1, "%s(%s) of a mapping that kmap_atomic() did not make", api, addr_str(addr));
    t.atomic_maps--;
    t.pagefault_disabled--;
    if (prof_.preempt_rt)
      migrate_enable();
    else
      preempt_enable(false);
  }
  if (t.local_sections == 0) check_pcpu_section_end(t);
  sched_point(api);
}

bool Machine::is_kmap_addr(const void *addr) const {
  if (!prof_.highmem) return false;
  bool g;
  return window_of(addr, &g) >= 0;
}

struct page *Machine::kmap_to_page(void *addr) {
  if (in_direct_map(addr)) return &mem_map_[(static_cast<char *>(addr) - dmap_) / kPage];
  bool guard;
  int w = window_of(addr, &guard);
  if (w < 0 || guard) report(BugClass::SubjectBug, -1, -1, "kmap_to_page(%s): not a kernel address of a page", addr_str(addr));
  Window &win = windows_[w];
  if (static_cast<size_t>(w) >= nlocal_windows_) {
    unsigned slot = static_cast<unsigned>(w - nlocal_windows_);
    if (pkmap_page_[slot] < 0) report(BugClass::KmapUseAfterUnmap, w, -1, "kmap_to_page(%p): the PKMAP slot maps nothing", addr);
    return &mem_map_[pkmap_page_[slot]];
  }
  // The kernel searches only the current task's saved PTEs.
  if (win.state != WinState::Live || win.owner_task != cur_task_)
    report(win.state == WinState::Live ? BugClass::KmapEscape : BugClass::KmapUseAfterUnmap, w, win.pfn,
           "kmap_to_page(%p): the address is not a live local mapping of %s", addr, task_label(cur_task_, irq_instance_));
  return &mem_map_[win.pfn];
}

}  // namespace kmapsim

// For panic-time code (8702048bb831): it may not create a mapping, so a
// highmem page gives NULL on a HIGHMEM kernel and a lowmem page its
// direct-map address, FORCE_MAP or not. The caller may still kunmap_local()
// the result, as after kmap_local_page() of a lowmem page, so it counts as
// a local section; under FORCE_MAP that unmap is the kernel's WARN in
// kunmap_local_indexed() (an address outside the fixmap).
extern "C" void *kmap_local_page_try_from_panic(struct page *page) {
  kmapsim::Machine &m = kmapsim::M();
  kmapsim::ApiGuard guard(m);
  kmapsim::Pfn pfn = m.checked_pfn(page, "kmap_local_page_try_from_panic");
  if (m.prof_.highmem && m.is_highmem(pfn)) {
    m.event(kmapsim::Ev::MapLocal, pfn, 0, "kmap_local_page_try_from_panic: highmem, NULL");
    return nullptr;
  }
  m.cur().local_sections++;
  m.event(kmapsim::Ev::MapLocal, pfn, reinterpret_cast<uint64_t>(m.direct_map(pfn)), "kmap_local_page_try_from_panic");
  return m.direct_map(pfn);
}

namespace kmapsim {

// task_struct.kmap_ctrl, slot by slot (kmap_ctrl.h).

int kmap_ctrl_push(const Profile &p, KmapCtrl &c, uint32_t pfn) {
  int idx = c.idx + p.km_incr();
  if (idx >= p.km_max_idx()) return -1;
  c.idx = idx;
  c.pteval[idx - 1] = (static_cast<uint64_t>(pfn) << 12) | 0x1;  // a present PTE of pfn
  return idx - 1;
}

void kmap_ctrl_pop(const Profile &p, KmapCtrl &c) {
  if (c.idx <= 0) return;
  c.pteval[c.idx - 1] = 0;  // the kernel stores __pte(0), not the empty PTE
  c.idx -= p.km_incr();
}

KmapCtrl kmap_ctrl_of(const Profile &p, const std::vector<LocalMap> &stack) {
  KmapCtrl c;
  for (const LocalMap &m : stack) kmap_ctrl_push(p, c, m.pfn);
  return c;
}

// The loop of __kmap_local_sched_out()/_in(): with DEBUG_KMAP_LOCAL the even
// slots are guards and must hold pte_val() == 0 (the kernel keyed this on
// DEBUG_HIGHMEM until 487cfade12fa, so FORCE_MAP kernels without
// DEBUG_HIGHMEM warned on every guard, and tested it with pte_none() until
// 66f133ceab74, which warned on xtensa); every other slot below idx must
// hold a PTE.
KmapSchedWalk kmap_local_sched_walk(const Profile &p, const KmapCtrl &c) {
  KmapSchedWalk w;
  char buf[160];
  for (int i = 0; i < c.idx; i++) {
    uint64_t pteval = c.pteval[i];
    if (p.debug_kmap_local && !(i & 1)) {
      if (pteval != 0 && w.warn.empty()) {
        snprintf(buf, sizeof buf, "guard slot %d of kmap_ctrl holds a PTE (%#llx)", i, static_cast<unsigned long long>(pteval));
        w.warn = buf;
      }
      w.guards.push_back(i);
      continue;
    }
    if (kmap_pte_none(p, pteval)) {
      if (w.warn.empty()) {
        snprintf(buf, sizeof buf, "slot %d of kmap_ctrl, below idx %d, holds no PTE", i, c.idx);
        w.warn = buf;
      }
      continue;
    }
    w.mapped.push_back(i);
  }
  return w;
}

}  // namespace kmapsim
