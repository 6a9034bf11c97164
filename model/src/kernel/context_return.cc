// The checks at the return of an interrupt handler, a tasklet or a work
// item (context_return.h): one place, so the three contexts report the
// same rule the same way.
#include "context_return.h"

#include <cstdio>

#include "machine.h"

namespace kmapsim {

ContextEntry ContextEntry::of(const Task &t) {
  return {t.kmap_ctrl.size(), t.atomic_maps, t.preempt_count, t.pagefault_disabled, t.irqs_off, t.bh_disabled, t.local_sections};
}

void check_context_return(Machine &m, Task &t, const ContextEntry &entry, const char *who, int irq, Pkmap::Returning kind,
                          const char *high_get_who) {
  if (t.kmap_ctrl.size() > entry.kmap_depth) {
    const LocalMap &l = t.kmap_ctrl.back();
    m.report(BugClass::KmapLeak, l.window, l.pfn, "%s returned holding %s() of pfn %u", who, l.api, l.pfn);
  }
  m.pkmap().check_high_gets_at_return(t, irq, kind, high_get_who);
  if (t.atomic_maps != entry.atomic_maps) m.report(BugClass::KmapLeak, -1, -1, "%s returned with a kmap_atomic() never kunmap_atomic()ed", who);
  if (t.bh_disabled != entry.bh_disabled)
    m.report(BugClass::SleepInAtomic, -1, -1, "%s returned with bottom halves %s", who,
             t.bh_disabled > entry.bh_disabled ? "disabled: local_bh_disable() or spin_lock_bh() without its release" : "enabled once too often");
  int pc = t.preempt_count - entry.preempt_count, pf = t.pagefault_disabled - entry.pagefault_disabled;
  if (pc || pf || t.irqs_off != entry.irqs_off) {
    char faults[48] = "";
    if (pf) snprintf(faults, sizeof faults, ", pagefault_disabled %d", pf);
    m.report(BugClass::SleepInAtomic, -1, -1, "%s returned with preempt_count %d%s%s", who, pc, faults,
             t.irqs_off != entry.irqs_off ? " and interrupts off" : "");
  }
  t.local_sections = entry.local_sections;
}

}  // namespace kmapsim
