// Legal SMP scenarios around kmap calls (smp_gen.cc): spin-waits, flag
// hand-offs and error paths, for the soundness family.
#pragma once

#include <ostream>
#include <string>

#include "harness.h"

namespace kprop {

struct SmpScenario {
  std::string profile;
  int waiters = 1;            // 1 or 2 tasks spin for the flag
  int wait = 0;               // how they spin (see showValue)
  int publish = 0;            // how the flag is set
  int publisher = 0;          // 0 kthread, 1 work item, 2 interrupt handler
  bool atomic_waiter = false; // the waiter spins with preemption disabled
  int work_before = 0;        // kmap_local_page()s the publisher makes first
  int error = 0;              // the error path the main task takes afterwards
};

void showValue(const SmpScenario &s, std::ostream &os);
rc::Gen<SmpScenario> gen_smp_scenario();
// One case: a generated scenario under random or PCT runs with fault
// injection, the fault sweep, or exhaustive enumeration (K <= 2) is clean.
void smp_soundness_case();

}  // namespace kprop
