// The model's own invariants, checked by the API-sequence fuzz target and
// the properties after every step. A violation is a bug in kmapsim, not in
// the subject: it is returned as text, never reported as a bug class.
#include <algorithm>
#include <cstdio>

#include "kmap_ctrl.h"
#include "machine.h"

namespace kmapsim {

std::string Machine::check_invariants() const {
  char buf[256];
  const Arena &ar = arena_;
  // Every stacked local mapping is a live window owned by its task, and
  // only the active context's windows are accessible.
  // Only windows and pages this run touched can be anything but pristine,
  // so the checks walk those (they run after every step of a fuzz input).
  // The stacked windows, sorted: no per-call array the size of the arena.
  std::vector<int> stacked;
  for (size_t t = 0; t < ntasks(); t++) {
    const Task &task = sched_.task(static_cast<int>(t));
    if (static_cast<int>(task.kmap_ctrl.size()) > prof_.max_local_maps()) return "a kmap_ctrl stack is deeper than KM_MAX_IDX allows";
    for (const LocalMap &m : task.kmap_ctrl) {
      if (!ar.is_local(m.window)) return "a stacked mapping has no frame window";
      const Window &w = ar.win(m.window);
      stacked.push_back(m.window);
      if (w.state != WinState::Live || w.owner_task != static_cast<int>(t) || w.owner_irq != m.owner_irq || w.pfn != m.pfn) {
        snprintf(buf, sizeof buf, "stacked mapping of pfn %u (window %d) disagrees with its window record", m.pfn, m.window);
        return buf;
      }
      // Torture mode: every live window is accessible (contexts run at once).
      bool active = !local_.switches_windows() || (static_cast<int>(t) == local_.active_task() && m.owner_irq == local_.active_irq());
      if (w.accessible != active) {
        snprintf(buf, sizeof buf, "window %d of %s is %saccessible while %s runs", m.window, sched_.task(static_cast<int>(t)).name.c_str(), w.accessible ? "" : "not ",
                 task_label(local_.active_task(), local_.active_irq()));
        return buf;
      }
      if (w.mapped_pfn != static_cast<int32_t>(m.pfn)) return "a live window shows another frame";
    }
    // The kernel's own view of this stack walks clean through
    // __kmap_local_sched_out/in: guards empty, one PTE per mapping.
    if (prof_.highmem) {
      KmapSchedWalk walk = kmap_local_sched_walk(prof_, kmap_ctrl_of(prof_, task.kmap_ctrl));
      if (!walk.warn.empty() || walk.mapped.size() != task.kmap_ctrl.size()) return "kmap_ctrl sched walk: " + walk.warn;
    }
    if (task.preempt_count < 0 || task.pagefault_disabled < 0 || task.migrate_disabled < 0 || task.atomic_maps < 0)
      return "a negative preempt/pagefault/migrate count";
    if (!prof_.preempt_rt && task.atomic_maps > task.preempt_count) return "kmap_atomic mappings outnumber the preempt count";
  }
  std::sort(stacked.begin(), stacked.end());
  if (std::adjacent_find(stacked.begin(), stacked.end()) != stacked.end()) return "a window is on two stacks";
  for (int w : ar.touched())
    if (ar.is_local(w) && ar.win(w).state == WinState::Live &&
        !std::binary_search(stacked.begin(), stacked.end(), w))
      return "a live local window is on no stack";
  // PKMAP: pkmap_page_ and pkmap_slot_of_ are inverse maps; a held slot is
  // accessible, an unheld one is not.
  for (unsigned s = 0; s < pkmap_.slots(); s++) {
    int c = pkmap_.count(s);
    int32_t pfn = pkmap_.page_in(s);
    if (c < 0) return "negative pkmap_count";
    if ((c == 0) != (pfn < 0)) return "pkmap_count and the slot's page disagree";
    if (pfn >= 0 && pkmap_.slot_of(static_cast<Pfn>(pfn)) != static_cast<int32_t>(s)) return "page->address table disagrees with the PKMAP slot";
    const Window &w = ar.win(ar.pkmap_window(s));
    if ((c >= 2) != w.accessible) return "a PKMAP slot's accessibility disagrees with its count";
    if (c >= 2 && w.mapped_pfn != pfn) return "a held PKMAP slot shows another frame";
  }
  for (Pfn p : mem_.touched()) {
    int32_t s = pkmap_.slot_of(p);
    if (s >= 0 && pkmap_.page_in(static_cast<unsigned>(s)) != static_cast<int32_t>(p)) return "a page claims a PKMAP slot that maps another page";
  }
  // CPUs: a CPU's current task is alive and on that CPU.
  for (size_t c = 0; c < sched_.nr_cpus(); c++) {
    int cur = sched_.cpu_curr(c);
    if (cur >= 0 && (static_cast<size_t>(cur) >= ntasks() || sched_.task(cur).cpu != static_cast<int>(c) || sched_.task(cur).state == TaskState::Dead))
      return "a CPU's current task is dead or on another CPU";
  }
  return "";
}

}  // namespace kmapsim
