// Property family: the model against a tiny reference model, one rapidcheck
// Command per kernel API call and scheduling event (reference.cc).
#include "harness.h"
#include "reference.h"

KMAPSIM_PROP(ModelVsReference, AgreesAfterEveryCall, ()) { kprop::model_vs_reference_case(); }

// The 8-slot PKMAP pools: every few kmap()s the cursor wraps and flushes
// the unheld slots, and the pool can be nearly full.
KMAPSIM_PROP(ModelVsReference, AgreesOnTinyPkmapPools, ()) {
  kprop::model_vs_reference_case({"strict-tiny", "x86-32-tiny", "x86-32-forcemap-tiny", "arm-vivt-tiny"});
}
