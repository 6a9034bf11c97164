// Every run starts from a freshly booted machine, so a subject's own global
// and static variables (DEFINE_MUTEX, DEFINE_PER_CPU, static counters) must
// start from their initial values too. <kmapsim/subject.h> places them in
// the sections kmapsim_data and kmapsim_bss; the linker provides their
// bounds. The first run snapshots kmapsim_data, every run restores it and
// clears kmapsim_bss.
#include <cstddef>
#include <cstdint>
#include <vector>

extern "C" {
extern char __start_kmapsim_data[] __attribute__((weak));
extern char __stop_kmapsim_data[] __attribute__((weak));
extern char __start_kmapsim_bss[] __attribute__((weak));
extern char __stop_kmapsim_bss[] __attribute__((weak));
}

namespace kmapsim {

namespace {
std::vector<char> g_data;
bool g_snapshotted = false;
}  // namespace

// The sections hold ASan's redzones between the globals too: copy them with
// plain, uninstrumented loops (their bytes are never read by anyone), not
// memcpy()/memset(), which ASan intercepts. Eight bytes at a time once dst
// is aligned (the loops run before every run: a byte loop over a 2 KiB
// DEFINE_PER_CPU array was a seventh of a short run's user time).
__attribute__((no_sanitize("address", "thread"))) static void raw_copy(volatile char *dst, const volatile char *src, std::size_t n) {
  std::size_t i = 0;
  for (; i < n && (reinterpret_cast<std::uintptr_t>(dst + i) & 7); i++) dst[i] = src[i];
  if ((reinterpret_cast<std::uintptr_t>(src + i) & 7) == 0)
    for (; i + 8 <= n; i += 8)
      *reinterpret_cast<volatile std::uint64_t *>(dst + i) = *reinterpret_cast<const volatile std::uint64_t *>(src + i);
  for (; i < n; i++) dst[i] = src[i];
}

__attribute__((no_sanitize("address", "thread"))) static void raw_zero(volatile char *dst, std::size_t n) {
  std::size_t i = 0;
  for (; i < n && (reinterpret_cast<std::uintptr_t>(dst + i) & 7); i++) dst[i] = 0;
  for (; i + 8 <= n; i += 8) *reinterpret_cast<volatile std::uint64_t *>(dst + i) = 0;
  for (; i < n; i++) dst[i] = 0;
}

void subject_data_restore() {
  if (__start_kmapsim_data && +__stop_kmapsim_data > +__start_kmapsim_data) {
    std::size_t n = static_cast<std::size_t>(__stop_kmapsim_data - __start_kmapsim_data);
    if (!g_snapshotted) {
      g_data.resize(n);
      raw_copy(g_data.data(), __start_kmapsim_data, n);
    } else {
      raw_copy(__start_kmapsim_data, g_data.data(), n);
    }
  }
  g_snapshotted = true;
  if (__start_kmapsim_bss && +__stop_kmapsim_bss > +__start_kmapsim_bss)
    raw_zero(__start_kmapsim_bss, static_cast<std::size_t>(__stop_kmapsim_bss - __start_kmapsim_bss));
}

}  // namespace kmapsim
