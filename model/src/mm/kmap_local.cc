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

#include "kmap_local.h"

#include "fuzz_feedback.h"
#include "kmap_ctrl.h"
#include "machine.h"

namespace kmapsim {

bool KmapLocal::partial_kmap(const struct folio *folio) const {
  const Profile &prof_ = m_.profile();
  // include/linux/page-flags.h: always true under FORCE_MAP (even on a
  // 64-bit kernel, where it only makes the helpers chunk), otherwise
  // folio_test_highmem().
  if (prof_.force_map) return true;
  if (!prof_.highmem) return false;
  return folio->page.flags & KMAPSIM_PG_HIGHMEM;
}

void *KmapLocal::push(Pfn pfn, bool atomic, const char *api) {
  Machine &m = m_;
  Task &t = m.cur();
  size_t depth = t.kmap_ctrl.size();
  if (static_cast<int>((depth + 1)) * m.profile().km_incr() >= m.profile().km_max_idx())
    m.report(BugClass::KmapSlotOverflow, t.kmap_ctrl.back().window, pfn,
             "%s() of pfn %u: %zu local mappings are already live in this context stack (KM_MAX_IDX %d, KM_INCR %d allow %d): kmap_ctrl.idx "
             "would reach %d",
             api, pfn, depth, m.profile().km_max_idx(), m.profile().km_incr(), m.profile().max_local_maps(), static_cast<int>(depth + 1) * m.profile().km_incr());
  m.migrate_disable();
  Arena &ar = m.arena();
  // quiet_next_map(): torture mode keeps every live window open (contexts
  // run at once), so a quiet map is only made where windows switch.
  bool quiet = quiet_task_ >= 0 && quiet_task_ == m.cur_task() && m.cur_irq() == 0;
  if (quiet) quiet_task_ = -1;
  quiet &= switches_windows_;
  int w = quiet ? ar.pick_frame_window(pfn) : ar.open_frame_window(pfn);
  if (w < 0)
    m.report(BugClass::SubjectBug, -1, pfn, "more than %d temporary mappings live at once: kmapsim's window pool is exhausted", Arena::kSpillWindows);
  Window &win = ar.touch(w);
  win.state = WinState::Live;
  win.atomic = atomic;
  win.owner_task = static_cast<int16_t>(m.cur_task());
  win.owner_irq = m.cur_irq();
  win.pfn = pfn;
  win.api = api;
  win.via_page_address = false;
  char *addr = ar.addr(w);
  win.made_at = m.event(Ev::MapLocal, pfn, reinterpret_cast<uint64_t>(addr), api);
  t.kmap_ctrl.push_back({w, pfn, atomic, m.cur_irq(), api, win.made_at});
  return addr;
}

void *KmapLocal::map_pfn(Pfn pfn, bool atomic, bool always_map, const char *api) {
  Machine &m = m_;
  const PhysMem &mem = m.mem();
  Task &t = m.cur();
  m.sched_point(api);
  if (atomic) {
    // kmap_atomic: preempt_disable() (PREEMPT_RT: migrate_disable()) and
    // pagefault_disable().
    if (m.profile().preempt_rt)
      m.migrate_disable();
    else
      m.preempt_disable();
    t.pagefault_disabled++;
    t.atomic_maps++;
  }
  t.local_sections++;
  bool real = m.profile().highmem && (always_map || mem.is_highmem(pfn) || m.profile().force_map);
  if (!real) {
    m.event(Ev::MapLocal, pfn, reinterpret_cast<uint64_t>(mem.direct_map(pfn)), api);
    return mem.direct_map(pfn);
  }
  // __kmap_local_page_prot(): on ARM (ARCH_NEEDS_KMAP_HIGH_GET) a highmem
  // page that has a PKMAP address is used there, pinned by a pkmap_count
  // reference: no fixmap slot, no migrate_disable(). The pfn path never
  // asks (kmap_local_pfn/kmap_atomic_pfn go straight to the fixmap).
  if (m.profile().kmap_high_get && !always_map && mem.is_highmem(pfn))
    if (void *addr = m.pkmap().kmap_high_get(pfn, api)) return addr;
  return push(pfn, atomic, api);
}

void *KmapLocal::kmap_local(struct page *page, bool atomic, const char *api) {
  Pfn pfn = m_.mem().checked_pfn(page, api);
  return map_pfn(pfn, atomic, false, api);
}

void *KmapLocal::kmap_local_pfn(unsigned long pfn, bool atomic, const char *api) {
  if (pfn >= m_.mem().total_pages()) m_.report(BugClass::SubjectBug, -1, -1, "%s(%lu): no such pfn", api, pfn);
  // On a HIGHMEM kernel the pfn path always creates a fixmap mapping.
  return map_pfn(static_cast<Pfn>(pfn), atomic, true, api);
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

void KmapLocal::kunmap_local_indexed(const void *addr, bool atomic, const char *api) {
  Machine &m = m_;
  const Profile &prof = m.profile();
  Arena &ar = m.arena();
  const PhysMem &mem = m.mem();
  const int cur_task = m.cur_task(), irq = m.cur_irq();
  Task &t = m.cur();
  const char *a = static_cast<const char *>(addr);
  if (prof.highmem) {
    bool guard = false;
    int w = ar.window_of(addr, &guard);
    const Window *win = w >= 0 ? &ar.win(w) : nullptr;
    bool mine = win && !guard && ar.is_local(w) && win->state == WinState::Live && win->owner_task == cur_task &&
                win->owner_irq == irq;
    if (mine) {
      size_t top = t.kmap_ctrl.size() - 1;
      size_t i = top;
      while (t.kmap_ctrl[i].window != w) i--;
      if (i != top) {
        const LocalMap &tm = t.kmap_ctrl[top];
        m.report(BugClass::KunmapOrder, w, win->pfn,
               "%s(%p) unmaps the mapping of pfn %u at stack depth %zu, but the most recent mapping is pfn %u at depth %zu (%s() at %p): "
               "local mappings must be released in reverse order",
               api, addr, win->pfn, i, tm.pfn, top, tm.api, static_cast<void *>(ar.addr(tm.window)));
      }
      if (t.kmap_ctrl[top].atomic != atomic)
        m.report(BugClass::KunmapBadAddress, w, win->pfn, "%s(%p): wrong variant: the mapping of pfn %u was made by %s()", api, addr, win->pfn, win->api);
      m.event(Ev::UnmapLocal, win->pfn, reinterpret_cast<uint64_t>(ar.addr(w)), api);
      m.release_window(w);
      t.kmap_ctrl.pop_back();
      m.migrate_enable();
    } else if (w >= 0 && !guard && ar.is_pkmap(w) && prof.kmap_high_get &&
               owns_high_get(t, ar.pkmap_slot(w), irq)) {
      // kmap_high_unmap_local(): the address is below the fixmap, in PKMAP,
      // and was handed out by kmap_high_get(): drop that reference.
      m.pkmap().kunmap_high_local(ar.pkmap_slot(w), api);
      t.high_gets_released.push_back({ar.pkmap_slot(w), irq});
    } else if (w >= 0) {
      int victim = w;
      const char *why;
      if (guard) {
        why = "the address is one page past a mapping (e.g. ptr + PAGE_SIZE after a full-page loop): that is another slot";
      } else if (ar.is_pkmap(w)) {
        bool released = false;
        for (const auto &r : t.high_gets_released)
          released |= r.first == ar.pkmap_slot(w) && r.second == irq;
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
        m.report(BugClass::KunmapBadAddress, victim, -1, "%s(%p): not a live local mapping of this context: %s", api, addr, why);
      m.report(BugClass::KunmapBadAddress, victim, static_cast<int64_t>(win->pfn), "%s(%p) of pfn %u: not a live local mapping of this context: %s", api,
             addr, win->pfn, why);
    } else if (mem.in_direct_map(addr)) {
      // A lowmem page's direct-map address: the normal unmap of a page that
      // was not really mapped — unless FORCE_MAP made every map real.
      if (prof.force_map)
        m.report(BugClass::KunmapBadAddress, -1, static_cast<int64_t>(mem.direct_map_pfn(a)),
               "%s(%p): a direct-map address under FORCE_MAP, where every local mapping is a real one (kmap_local of this page returned another address)",
               api, addr);
      m.event(Ev::UnmapLocal, static_cast<uint64_t>(mem.direct_map_pfn(a)), reinterpret_cast<uint64_t>(addr), api);
    } else {
      m.report(BugClass::KunmapBadAddress, -1, -1, "%s(%s): the address is not a kmap address at all (not in the direct map, PKMAP or fixmap)", api,
             m.addr_str(addr));
    }
  }
  if (t.local_sections <= 0) {
    // 64-bit: kunmap_local() is a no-op and nothing is tracked, so an extra
    // unmap is invisible there; a HIGHMEM kernel's pop would underflow.
    if (prof.highmem)
      m.report(BugClass::KunmapBadAddress, -1, -1, "%s(%s) without a matching kmap_local/kmap_atomic in this context", api, m.addr_str(addr));
    t.local_sections = 1;
  }
  t.local_sections--;
  if (atomic) {
    if (t.atomic_maps <= 0)
      m.report(BugClass::KunmapBadAddress, -1, -1, "%s(%s) of a mapping that kmap_atomic() did not make", api, m.addr_str(addr));
    t.atomic_maps--;
    t.pagefault_disabled--;
    if (prof.preempt_rt)
      m.migrate_enable();
    else
      m.preempt_enable(false);
  }
  if (t.local_sections == 0) m.percpu().check_section_end(t);
  m.sched_point(api);
}

void *KmapLocal::host_alias(void *addr) const {
  const Arena &ar = m_.arena();
  bool guard = false;
  int w = ar.window_of(addr, &guard);
  if (w < 0 || guard || !ar.is_local(w)) return addr;
  const Window &win = ar.win(w);
  if (win.state != WinState::Live || win.accessible) return addr;
  return m_.mem().phys(win.pfn) + (static_cast<char *>(addr) - ar.addr(w));
}

bool KmapLocal::is_kmap_addr(const void *addr) const {
  if (!m_.profile().highmem) return false;
  bool g;
  return m_.arena().window_of(addr, &g) >= 0;
}

struct page *KmapLocal::kmap_to_page(void *addr) {
  Machine &m = m_;
  Arena &ar = m.arena();
  const PhysMem &mem = m.mem();
  const int cur_task = m.cur_task(), irq = m.cur_irq();
  if (mem.in_direct_map(addr)) return mem.page(mem.direct_map_pfn(addr));
  bool guard;
  int w = ar.window_of(addr, &guard);
  if (w < 0 || guard) m.report(BugClass::SubjectBug, -1, -1, "kmap_to_page(%s): not a kernel address of a page", m.addr_str(addr));
  const Window &win = ar.win(w);
  if (ar.is_pkmap(w)) {
    unsigned slot = ar.pkmap_slot(w);
    if (m.pkmap().page_in(slot) < 0) m.report(BugClass::KmapUseAfterUnmap, w, -1, "kmap_to_page(%p): the PKMAP slot maps nothing", addr);
    return mem.page(static_cast<Pfn>(m.pkmap().page_in(slot)));
  }
  // The kernel searches only the current task's saved PTEs.
  if (win.state != WinState::Live || win.owner_task != cur_task)
    m.report(win.state == WinState::Live ? BugClass::KmapEscape : BugClass::KmapUseAfterUnmap, w, win.pfn,
           "kmap_to_page(%p): the address is not a live local mapping of %s", addr, m.task_label(cur_task, irq));
  return mem.page(win.pfn);
}

// What __kmap_local_sched_out/in do, for every change of the running
// context (task switch, another CPU's task running, interrupt entry/exit):
// only (task, irq)'s live local windows stay accessible.
void KmapLocal::sched_out_in(int task, int irq) {
  if (!switches_windows_) return;
  if (task == active_task_ && irq == active_irq_) return;
  Machine &m = m_;
  Arena &ar = m.arena();
  bool from_live = active_task_ >= 0 && static_cast<size_t>(active_task_) < m.ntasks();
  feedback::context_switch(active_task_, task, from_live ? static_cast<unsigned>(m.task(active_task_).kmap_ctrl.size()) : 0);
  if (from_live) {
    for (const LocalMap &l : m.task(active_task_).kmap_ctrl)
      if (l.owner_irq == active_irq_) ar.set_access(l.window, false);
  }
  active_task_ = task;
  active_irq_ = irq;
  if (task < 0) return;
  Task &t = m.task(task);
  for (size_t i = 0; i < t.kmap_ctrl.size(); i++) {
    const LocalMap &l = t.kmap_ctrl[i];
    if (l.owner_irq != irq) continue;
    int w = l.window;
    if (broken_sched_in_ && i + 1 < t.kmap_ctrl.size()) w = t.kmap_ctrl[i + 1].window;  // test hook
    ar.set_access(w, true);
  }
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
  kmapsim::PhysMem &mem = m.mem();
  kmapsim::Pfn pfn = mem.checked_pfn(page, "kmap_local_page_try_from_panic");
  if (m.profile().highmem && mem.is_highmem(pfn)) {
    m.event(kmapsim::Ev::MapLocal, pfn, 0, "kmap_local_page_try_from_panic: highmem, NULL");
    return nullptr;
  }
  m.cur().local_sections++;
  m.event(kmapsim::Ev::MapLocal, pfn, reinterpret_cast<uint64_t>(mem.direct_map(pfn)), "kmap_local_page_try_from_panic");
  return mem.direct_map(pfn);
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
