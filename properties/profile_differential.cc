// Property family: profile differential. A legal program observes the
// same bytes, task by task, on x86-32 (HIGHMEM), x86-32-forcemap (every
// local map a real one) and x86-64 (no HIGHMEM at all): where a page
// lives and how it is mapped must not change what code reads.
#include "cases.h"

KMAPSIM_PROP(ProfileDifferential, BytesObservedAgree, ()) { kprop::differential_case(); }
