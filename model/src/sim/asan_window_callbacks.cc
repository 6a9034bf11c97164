// The access callbacks of subject code compiled with
//   -mllvm -asan-instrumentation-with-call-threshold=0
//   -mllvm -asan-memory-access-callback-prefix=__kmapsim_asan_
// (kmapsim_subject_binary does): every load, store and memory intrinsic of
// the subject first asks whether it touches a closed kmapsim window (then
// it is reported as that window's fault: overrun, escape, use after unmap)
// and then goes through ASan's own check. Linking this file (the subject
// needs its symbols) is what turns window poisoning on (asan_window.cc).
//
// memcpy/memmove/memset are replaced as well (ASan's are weak aliases of
// its interceptors, which these call): subjects call them with -fno-builtin,
// and the uninstrumented model copies through them, so a copy that reaches
// a closed window is reported by kmapsim rather than by ASan.
#include <cstddef>
#include <cstdint>

#include "access_budget.h"
#include "asan_window.h"

// Only CMake's ASan builds (KMAPSIM_ASAN_RUNTIME) compile subjects with
// the callbacks and take this file from the model's archive; a build that
// links every model object (ClusterFuzzLite) must not switch poisoning on
// for subjects that check inline.
#if defined(KMAPSIM_ASAN_RUNTIME)
#define KMAPSIM_CB_ASAN 1
#endif

#ifdef KMAPSIM_CB_ASAN
using kmapsim::check_window_access;

extern "C" {
extern const int kmapsim_asan_window_callbacks;
const int kmapsim_asan_window_callbacks = 1;

void __asan_load1(uintptr_t);
void __asan_load2(uintptr_t);
void __asan_load4(uintptr_t);
void __asan_load8(uintptr_t);
void __asan_load16(uintptr_t);
void __asan_loadN(uintptr_t, size_t);
void __asan_store1(uintptr_t);
void __asan_store2(uintptr_t);
void __asan_store4(uintptr_t);
void __asan_store8(uintptr_t);
void __asan_store16(uintptr_t);
void __asan_storeN(uintptr_t, size_t);
void *__asan_memcpy(void *, const void *, size_t);
void *__asan_memmove(void *, const void *, size_t);
void *__asan_memset(void *, int, size_t);
void *__interceptor_memcpy(void *, const void *, size_t);
void *__interceptor_memmove(void *, const void *, size_t);
void *__interceptor_memset(void *, int, size_t);

}  // extern "C"

namespace {
// ASan's shadow on x86-64 Linux: one byte per 8-byte granule at
// (addr >> 3) + 0x7fff8000, 0 when the whole granule is addressable. Most
// accesses touch clean granules: they return here at about the cost of
// ASan's inline check; anything else takes the full path.
constexpr uintptr_t kShadowOffset = 0x7fff8000;
inline bool clean(uintptr_t a, size_t size) {
  const int8_t *sh = reinterpret_cast<const int8_t *>((a >> 3) + kShadowOffset);
  if (sh[0]) return false;
  return ((a & 7) + size <= 8) || (sh[1] == 0 && ((a & 7) + size <= 16 || sh[2] == 0));
}
}  // namespace

extern "C" {
// Each callback also counts the access against the step's budget
// (access_budget.h): the watchdog's deterministic half.
#define KMAPSIM_ACCESS(kind, size, is_write)                                       \
  void __kmapsim_asan_##kind##size(uintptr_t a) {                                  \
    kmapsim::count_subject_access();                                               \
    if (clean(a, size)) return;                                                    \
    check_window_access(reinterpret_cast<const void *>(a), size, is_write);        \
    __asan_##kind##size(a);                                                        \
  }
KMAPSIM_ACCESS(load, 1, false)
KMAPSIM_ACCESS(load, 2, false)
KMAPSIM_ACCESS(load, 4, false)
KMAPSIM_ACCESS(load, 8, false)
KMAPSIM_ACCESS(load, 16, false)
KMAPSIM_ACCESS(store, 1, true)
KMAPSIM_ACCESS(store, 2, true)
KMAPSIM_ACCESS(store, 4, true)
KMAPSIM_ACCESS(store, 8, true)
KMAPSIM_ACCESS(store, 16, true)
#undef KMAPSIM_ACCESS

void __kmapsim_asan_loadN(uintptr_t a, size_t n) {
  kmapsim::count_subject_access();
  check_window_access(reinterpret_cast<const void *>(a), n, false);
  __asan_loadN(a, n);
}
void __kmapsim_asan_storeN(uintptr_t a, size_t n) {
  kmapsim::count_subject_access();
  check_window_access(reinterpret_cast<const void *>(a), n, true);
  __asan_storeN(a, n);
}

// A copy reads its source before it writes its destination, as the
// faulting copy would have.
void *__kmapsim_asan_memcpy(void *d, const void *s, size_t n) {
  kmapsim::count_subject_access();
  check_window_access(s, n, false);
  check_window_access(d, n, true);
  return __asan_memcpy(d, s, n);
}
void *__kmapsim_asan_memmove(void *d, const void *s, size_t n) {
  kmapsim::count_subject_access();
  check_window_access(s, n, false);
  check_window_access(d, n, true);
  return __asan_memmove(d, s, n);
}
void *__kmapsim_asan_memset(void *d, int c, size_t n) {
  kmapsim::count_subject_access();
  check_window_access(d, n, true);
  return __asan_memset(d, c, n);
}

void *memcpy(void *d, const void *s, size_t n) {
  check_window_access(s, n, false);
  check_window_access(d, n, true);
  return __interceptor_memcpy(d, s, n);
}
void *memmove(void *d, const void *s, size_t n) {
  check_window_access(s, n, false);
  check_window_access(d, n, true);
  return __interceptor_memmove(d, s, n);
}
void *memset(void *d, int c, size_t n) {
  check_window_access(d, n, true);
  return __interceptor_memset(d, c, n);
}
}  // extern "C"
#endif
