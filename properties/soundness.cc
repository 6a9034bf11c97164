// Property family: soundness. Random legal programs — any profile, any
// zones, any schedule (random, PCT, per-site streams, and every schedule
// of small programs within one preemption) — never produce a report, and
// what they read through any mapping is what the page holds. So do spin
// waits, flag hand-offs and error paths (smp_gen.cc).
#include "cases.h"
#include "smp_gen.h"

KMAPSIM_PROP(Soundness, LegalProgramsAreNeverReported, ()) { kprop::soundness_case(); }

KMAPSIM_PROP(Soundness, LegalProgramsAreCleanUnderEverySchedule, ()) { kprop::soundness_exhaustive_case(); }

// Spin-waits, flag hand-offs and error paths (smp_gen.cc): legal SMP code
// is clean under every source, with faults injected, swept and enumerated.
KMAPSIM_PROP(Soundness, SpinWaitsHandOffsAndErrorPathsAreNeverReported, ()) { kprop::smp_soundness_case(); }
