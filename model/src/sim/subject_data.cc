// Every run starts from a freshly booted machine, so a subject's own global
// and static variables (DEFINE_MUTEX, DEFINE_PER_CPU, static counters) must
// start from their initial values too. <kmapsim/subject.h> places them in
// the sections kmapsim_data and kmapsim_bss; the linker provides their
// bounds. The first run snapshots kmapsim_data, every run restores it and
// clears kmapsim_bss.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "raw_mem.h"

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
    raw_fill(__start_kmapsim_bss, 0, static_cast<std::size_t>(__stop_kmapsim_bss - __start_kmapsim_bss));
}

}  // namespace kmapsim
