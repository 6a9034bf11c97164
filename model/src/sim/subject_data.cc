// Every run starts from a freshly booted machine, so a subject's own global
// and static variables (DEFINE_MUTEX, DEFINE_PER_CPU, static counters) must
// start from their initial values too. <kmapsim/subject.h> places them in
// the sections kmapsim_data and kmapsim_bss; the linker provides their
// bounds. The first run snapshots kmapsim_data, every run restores it and
// clears kmapsim_bss.
//
// Imported code's DEFINE_PER_CPU variables are templates in a third
// section, kmapsim_percpu (linux/percpu.h), restored like kmapsim_data;
// every run then copies the templates to each CPU's area, as the kernel's
// setup_per_cpu_areas() copies .data..percpu to each CPU's unit.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "raw_mem.h"

extern "C" {
extern char __start_kmapsim_data[] __attribute__((weak));
extern char __stop_kmapsim_data[] __attribute__((weak));
extern char __start_kmapsim_bss[] __attribute__((weak));
extern char __stop_kmapsim_bss[] __attribute__((weak));
extern char __start_kmapsim_percpu[] __attribute__((weak));
extern char __stop_kmapsim_percpu[] __attribute__((weak));
}

namespace kmapsim {

namespace {
std::vector<char> g_data;
std::vector<char> g_percpu_template;
// The CPUs' areas, made once so that their addresses are the same in every
// run, each the section's size (0: no imported per-CPU variable).
char *g_percpu_areas = nullptr;
std::size_t g_percpu_size = 0;
constexpr int kNrCpusMax = 8;  // KMAPSIM_NR_CPUS_MAX
bool g_snapshotted = false;

void percpu_restore() {
  if (!__start_kmapsim_percpu || +__stop_kmapsim_percpu <= +__start_kmapsim_percpu) return;
  std::size_t n = static_cast<std::size_t>(__stop_kmapsim_percpu - __start_kmapsim_percpu);
  if (!g_percpu_areas) {
    g_percpu_size = n;
    g_percpu_template.resize(n);
    raw_copy(g_percpu_template.data(), __start_kmapsim_percpu, n);
    g_percpu_areas = new char[n * kNrCpusMax];
  } else {
    raw_copy(__start_kmapsim_percpu, g_percpu_template.data(), n);
  }
  for (int cpu = 0; cpu < kNrCpusMax; cpu++) raw_copy(g_percpu_areas + cpu * n, g_percpu_template.data(), n);
}
}  // namespace

void *subject_percpu_instance(const void *p, int cpu) {
  const char *c = static_cast<const char *>(p);
  if (!g_percpu_size || c < __start_kmapsim_percpu || c >= __stop_kmapsim_percpu || cpu < 0 || cpu >= kNrCpusMax) return nullptr;
  return g_percpu_areas + static_cast<std::size_t>(cpu) * g_percpu_size + static_cast<std::size_t>(c - __start_kmapsim_percpu);
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
    raw_fill(__start_kmapsim_bss, 0, static_cast<std::size_t>(__stop_kmapsim_bss - __start_kmapsim_bss));
  percpu_restore();
}

}  // namespace kmapsim
