// Property family: soundness. Random legal programs — any profile, any
// zones, any schedule (random, PCT, per-site streams, and every schedule
// of small programs within one preemption) — never produce a report, and
// what they read through any mapping is what the page holds.
#include "cases.h"

KMAPSIM_PROP(Soundness, LegalProgramsAreNeverReported, ()) { kprop::soundness_case(); }

KMAPSIM_PROP(Soundness, LegalProgramsAreCleanUnderEverySchedule, ()) { kprop::soundness_exhaustive_case(); }
