// The watchdog's deterministic half (watchdog.cc has both halves). In the
// builds whose subject code calls kmapsim's access callbacks (dev, and the
// check/fuzz builds: asan_window_callbacks.cc), every load and store of
// subject code is counted, and a context that makes kStepAccessBudget of
// them with no scheduling point in between is a soft-lockup, reported at
// that access. The count depends only on the run's decisions, so every
// replay stops at the same access of the same line and prints the same
// report. The host-time timer stays for what makes no counted access (a
// bare `for (;;) ;`, a file built without the callbacks, the release
// build); while the count moves, the timer leaves the loop to the budget.
#pragma once

#include <cstdint>

namespace kmapsim {

// 2^28 accesses: about a second of an instrumented loop, well past any
// step of a legal subject (raid's 128 KiB parity loop makes about 1.3
// million), and below the timer's three seconds.
constexpr uint64_t kStepAccessBudget = uint64_t(1) << 28;

// Plain globals, not thread_local: the access callbacks exist only in ASan
// builds, where one host thread runs the machine (torture mode is TSan's),
// and an extern thread_local costs a TLS wrapper check on every access.
extern uint64_t g_subject_accesses;  // every counted access
extern uint64_t g_access_deadline;   // the count at which the step's budget is spent

// A new step (a scheduling point, a context switch, a run's start).
inline void rearm_access_budget() { g_access_deadline = g_subject_accesses + kStepAccessBudget; }

// The budget is spent at the access the calling callback checks: the
// report's call trace starts from the frame chain (the callbacks keep frame
// pointers). preserve_most: the callbacks' fast path saves no register for
// a call it almost never makes.
__attribute__((__noinline__, __preserve_most__)) void access_budget_spent();

// In each access callback: one increment and one compare.
inline __attribute__((always_inline)) void count_subject_access() {
  if (__builtin_expect(++g_subject_accesses == g_access_deadline, 0)) access_budget_spent();
}

}  // namespace kmapsim
