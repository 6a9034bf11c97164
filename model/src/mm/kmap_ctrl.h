// task_struct.kmap_ctrl as mm/highmem.c keeps it: the index and the saved
// PTE of every fixmap slot of one context's local mappings, and the walk
// __kmap_local_sched_out()/__kmap_local_sched_in() make over it when the
// task leaves or regains its CPU.
//
//   DEBUG_KMAP_LOCAL (KM_INCR 2)          without it (KM_INCR 1)
//   slot 0  guard, pteval 0               slot 0  depth 0
//   slot 1  depth 0                       slot 1  depth 1
//   slot 2  guard, pteval 0               slot 2  depth 2
//   slot 3  depth 1                       ...
//   ...                                   idx = depth
//   idx = 2 * depth
//
// The model keeps its stacks as vectors of LocalMap; this view rebuilds the
// kernel's array from them so the slot numbers reports print and the guard
// checks of the sched walk are the kernel's own.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "profile.h"

namespace kmapsim {

struct LocalMap;

struct KmapCtrl {
  static constexpr int kMaxIdx = 33;  // the largest KM_MAX_IDX (DEBUG_KMAP_LOCAL)
  int idx = 0;                        // kmap_ctrl.idx
  // 0 where no PTE was ever saved (guard slots, unused slots), as the
  // kernel's zero-initialised task_struct has it; else a present PTE.
  std::array<uint64_t, kMaxIdx> pteval{};
};

// kmap_local_idx_push(): idx += KM_INCR; the slot is idx - 1. Returns -1
// where the kernel's BUG_ON(idx >= KM_MAX_IDX) fires (idx unchanged).
int kmap_ctrl_push(const Profile &p, KmapCtrl &c, uint32_t pfn);
// kunmap_local_indexed(): clears the top slot, idx -= KM_INCR.
void kmap_ctrl_pop(const Profile &p, KmapCtrl &c);
// The array a context holds with these mappings live, oldest first.
KmapCtrl kmap_ctrl_of(const Profile &p, const std::vector<LocalMap> &stack);
// The fixmap slot of the mapping at stack depth d (kmap_local_idx_push()).
inline int kmap_ctrl_slot(const Profile &p, int depth) { return (depth + 1) * p.km_incr() - 1; }

// pte_none() of the profile's architecture: true for the value its empty
// PTE has (Profile::pte_none_value; 0 on most, not on xtensa).
inline bool kmap_pte_none(const Profile &p, uint64_t pteval) { return pteval == p.pte_none_value; }

// One pass of __kmap_local_sched_out() (or _in: the same loop) over slots
// 0 .. idx-1: which slots it unmaps (or restores), which it skips as
// guards, and the WARN_ON_ONCE it hits, if any (empty when none).
struct KmapSchedWalk {
  std::vector<int> mapped;
  std::vector<int> guards;
  std::string warn;
};
KmapSchedWalk kmap_local_sched_walk(const Profile &p, const KmapCtrl &c);

}  // namespace kmapsim
