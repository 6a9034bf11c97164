// libFuzzer's comparison tracing, switched off while nobody reads it.
//
// Subject code in the fuzz preset (and `check`'s builds) carries libFuzzer's
// instrumentation: inline 8-bit counters, and a call per comparison and
// switch (-fsanitize-coverage=trace-cmp) into libFuzzer's runtime, which
// records the operands for its mutations and value profile. Only libFuzzer's
// own loop (`--fuzz`, driver_fuzz.cc) reads them; explore and replay
// processes never start it. Yet there the calls were a fifth of a percpu
// scratch run and over a third of raid's byte loop in the check build.
//
// The subject binaries are linked with -Wl,--wrap for each callback, so the
// subject's calls land here. With libFuzzer running, each one jumps to the
// runtime's own callback as a tail call: its return address, which libFuzzer
// takes for the comparison's PC, is still the subject's. Otherwise it
// returns at once. The counters are untouched either way.
//
// This file defines nothing but the __wrap_ symbols, so a link without
// --wrap (dev, release, tsan) never pulls it from the archive, and never
// needs the __real_ symbols only libFuzzer defines.
#include <cstdint>

extern "C" {
extern bool kmapsim_libfuzzer_running;  // driver_fuzz.cc

#define KMAPSIM_CMP_GATE(name, T)                                        \
  void __real___sanitizer_cov_trace_##name(T, T);                        \
  void __wrap___sanitizer_cov_trace_##name(T a, T b) {                   \
    if (!kmapsim_libfuzzer_running) return;                              \
    [[clang::musttail]] return __real___sanitizer_cov_trace_##name(a, b); \
  }
KMAPSIM_CMP_GATE(cmp1, uint8_t)
KMAPSIM_CMP_GATE(cmp2, uint16_t)
KMAPSIM_CMP_GATE(cmp4, uint32_t)
KMAPSIM_CMP_GATE(cmp8, uint64_t)
KMAPSIM_CMP_GATE(const_cmp1, uint8_t)
KMAPSIM_CMP_GATE(const_cmp2, uint16_t)
KMAPSIM_CMP_GATE(const_cmp4, uint32_t)
KMAPSIM_CMP_GATE(const_cmp8, uint64_t)
#undef KMAPSIM_CMP_GATE

void __real___sanitizer_cov_trace_switch(uint64_t, uint64_t *);
void __wrap___sanitizer_cov_trace_switch(uint64_t val, uint64_t *cases) {
  if (!kmapsim_libfuzzer_running) return;
  [[clang::musttail]] return __real___sanitizer_cov_trace_switch(val, cases);
}
}  // extern "C"
