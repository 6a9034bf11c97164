// Local and atomic maps (kmap_local.cc): kmap_local_page/folio/pfn,
// kmap_atomic* and their unmaps on the per-task stack of fixmap slots
// (task_struct.kmap_ctrl, kmap_ctrl.h): kmap_local_idx_push,
// __kmap_local_pfn_prot, kunmap_local_indexed, and
// __kmap_local_sched_out/_in at every change of the running context.
#pragma once

#include "arena.h"

struct page;
struct folio;

namespace kmapsim {

class Machine;

class KmapLocal {
 public:
  explicit KmapLocal(Machine &m) : m_(m) {}

  void *kmap_local(struct page *page, bool atomic, const char *api);
  void *kmap_local_pfn(unsigned long pfn, bool atomic, const char *api);
  void kunmap_local_indexed(const void *addr, bool atomic, const char *api);
  struct page *kmap_to_page(void *addr);
  bool is_kmap_addr(const void *addr) const;
  bool partial_kmap(const struct folio *folio) const;  // folio_test_partial_kmap()

  // __kmap_local_sched_out() of the running context and
  // __kmap_local_sched_in() of (task, irq): only its live local windows
  // stay accessible. task -1: nobody runs.
  void sched_out_in(int task, int irq);
  // Whose windows are accessible now.
  int active_task() const { return active_task_; }
  int active_irq() const { return active_irq_; }
  // Torture mode: several contexts run at once and protections are
  // process-wide, so every live window stays accessible from its map to its
  // unmap (escapes are not caught there; overruns and uses after unmap are).
  void set_switches_windows(bool on) { switches_windows_ = on; }
  bool switches_windows() const { return switches_windows_; }
  // Test hook: a deliberately broken sched_in (properties must notice).
  void set_broken_sched_in(bool b) { broken_sched_in_ = b; }
  void reset() { active_task_ = -1, active_irq_ = 0, quiet_task_ = -1; }

  // A copy the model makes itself (the highmem.h helpers: map, copy and
  // unmap in one call, with no scheduling point and no subject code between
  // the map and the unmap): the next real local map of `task` in task
  // context picks its window, records and events exactly as usual but leaves
  // the window closed on the host, and host_alias() gives the frame's own
  // host address for the copy. Nothing but the copy can touch the window
  // while it is live, so only the two mprotect() calls (or shadow writes)
  // are saved. -1 withdraws the request (if it is still task's).
  void quiet_next_map(int task) { quiet_task_ = task; }
  void withdraw_quiet(int task) {
    if (quiet_task_ == task) quiet_task_ = -1;
  }
  // addr's host alias when it lies in a live local window left closed by
  // quiet_next_map(); addr itself otherwise.
  void *host_alias(void *addr) const;

 private:
  void *map_pfn(Pfn pfn, bool atomic, bool always_map, const char *api);
  void *push(Pfn pfn, bool atomic, const char *api);

  Machine &m_;
  int active_task_ = -1, active_irq_ = 0;
  bool switches_windows_ = true;
  bool broken_sched_in_ = false;
  int quiet_task_ = -1;
};

}  // namespace kmapsim
