#include "asan_window.h"

#include <cstdint>

#include "machine.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KMAPSIM_WIN_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(KMAPSIM_ASAN_RUNTIME)
#define KMAPSIM_WIN_ASAN 1
#endif

#ifdef KMAPSIM_WIN_ASAN
#include <sanitizer/asan_interface.h>
#endif

// Defined by asan_window_callbacks.cc, which the linker takes from the
// model's archive when subject code calls the callbacks (compiled with
// -asan-memory-access-callback-prefix=__kmapsim_asan_), and always for
// check's subjects (scripts/kmapsim_cli/subject_cache.py links it by name).
// A subject compiled with ASan's inline checks instead would see ASan's
// report, not kmapsim's: its windows keep mprotect().
extern "C" {
__attribute__((weak)) extern const int kmapsim_asan_window_callbacks;
}

extern "C" [[noreturn]] void kmapsim_fault_landing(void *addr, long is_write);  // fault.cc

namespace kmapsim {

namespace {
// The lowest and highest window ever poisoned (every machine's): the cheap
// first test of check_window_access().
uintptr_t g_lo = UINTPTR_MAX, g_hi = 0;
}  // namespace

bool windows_poisoned() {
#ifdef KMAPSIM_WIN_ASAN
  static const bool on = &kmapsim_asan_window_callbacks != nullptr;
  return on;
#else
  return false;
#endif
}

void poison_window(void *addr, bool rw) {
#ifdef KMAPSIM_WIN_ASAN
  uintptr_t a = reinterpret_cast<uintptr_t>(addr);
  if (rw) {
    __asan_unpoison_memory_region(addr, kPage);
    return;
  }
  if (a < g_lo) g_lo = a;
  if (a + kPage > g_hi) g_hi = a + kPage;
  __asan_poison_memory_region(addr, kPage);
#else
  (void)addr;
  (void)rw;
#endif
}

void unpoison_range(void *addr, size_t len) {
#ifdef KMAPSIM_WIN_ASAN
  if (windows_poisoned()) __asan_unpoison_memory_region(addr, len);
#else
  (void)addr;
  (void)len;
#endif
}

void check_window_access(const void *p, size_t n, bool is_write) {
#ifdef KMAPSIM_WIN_ASAN
  uintptr_t a = reinterpret_cast<uintptr_t>(p);
  if (!n || a >= g_hi || a + n <= g_lo) return;
  void *bad = __asan_region_is_poisoned(const_cast<void *>(p), n);
  if (!bad) {
    // Guard pages are PROT_NONE, not poisoned: an access that runs from a
    // window into the guard page after it is reported here, at its first
    // byte past the page, not wherever the host copy routine touches first
    // (copies may load their last bytes first).
    Machine *m = Machine::running();
    if (!m) return;
    // The access's first byte, then the first byte of every later page.
    for (uintptr_t b = a; b < a + n; b = (b | (kPage - 1)) + 1) {
      bool guard = false;
      if (m->arena().window_of(reinterpret_cast<void *>(b), &guard) >= 0 && guard)
        kmapsim_fault_landing(reinterpret_cast<void *>(b), is_write);
    }
    return;
  }
  Machine *m = Machine::running();
  if (!m || !m->in_arena(bad)) return;  // not a window: ASan's own check reports it
  kmapsim_fault_landing(bad, is_write);
#else
  (void)p;
  (void)n;
  (void)is_write;
#endif
}

}  // namespace kmapsim
