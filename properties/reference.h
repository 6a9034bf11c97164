// Model vs reference: a stateful rapidcheck test with one Command per
// kernel API call (kmap, kunmap, kmap_atomic, kunmap_atomic,
// kmap_local_page/folio/pfn, kunmap_local, kmap_flush_unused,
// page_address, the memcpy helpers, alloc/free) and per scheduling event
// (context switch, migration, interrupt entry and exit, task exit), against
// a tiny reference model: per-context mapping stacks, PKMAP holders and
// which address maps which page, CPUs and who runs where, preemption and
// interrupt state. See reference.cc.
#pragma once

#include <string>
#include <vector>

namespace kprop {

// One rapidcheck case: generates a command sequence on a random profile
// (of `profiles`; empty: any), runs it on the model, and fails (RC_FAIL)
// on the first disagreement.
void model_vs_reference_case(const std::vector<std::string> &profiles);
inline void model_vs_reference_case() { model_vs_reference_case({}); }

}  // namespace kprop
