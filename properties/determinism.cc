// Property family: determinism and replay. Any run — legal or with an
// injected violation, reported or clean — replayed from its recorded trace
// (after encoding and decoding it) consumes the whole trace without
// diverging and gives the same trace hash, the same report text and the
// same bytes observed; a second run from the same seed does too.
#include "cases.h"

KMAPSIM_PROP(Determinism, ReplayGivesTheSameRun, ()) { kprop::determinism_case(); }
